package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The exported graphs, parsed back into nodes and edges and compared with the graph that was built. */
class GraphExportTest {

    /** Node id to label, from DOT. */
    private static Map<String, String> dotNodes(String dot) {
        Map<String, String> nodes = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^  (t\\d+) \\[label=\"(.*?)\", fillcolor").matcher(dot);
        while (m.find()) {
            nodes.put(m.group(1), m.group(2).replace("\\n", "\n"));
        }
        return nodes;
    }

    private static Set<String> edges(String text, String arrow) {
        Set<String> out = new HashSet<>();
        Matcher m = Pattern.compile("(?m)^  (t\\d+) " + Pattern.quote(arrow) + " (t\\d+);?$").matcher(text);
        while (m.find()) {
            out.add(label(text, m.group(1)) + " -> " + label(text, m.group(2)));
        }
        return out;
    }

    private static String label(String text, String id) {
        Matcher dot = Pattern.compile("(?m)^  " + id + " \\[label=\"([^\\\\\"]*)").matcher(text);
        if (dot.find()) {
            return dot.group(1);
        }
        Matcher mermaid = Pattern.compile("(?m)^  " + id + "\\[\"([^<\"]*)").matcher(text);
        assertTrue(mermaid.find(), "no node " + id);
        return mermaid.group(1);
    }

    private static Tensor[] linearStep() {
        Tensor x = Tensor.ones(4, 3);
        Tensor w = Tensor.full(2, 3, 0.5).requiresGrad(true);
        Tensor b = Tensor.zeros(1, 2).requiresGrad(true);
        Tensor loss = x.matmulT(w).add(b).tanh().sum();
        return new Tensor[] {loss, x, w, b};
    }

    @Test
    void dotHasOneNodePerTensorAndOneEdgePerInput() {
        Tensor[] t = linearStep();
        String dot = GraphExport.toDot(t[0], Map.of("weight", t[2], "bias", t[3], "x", t[1]));
        assertTrue(dot.startsWith("digraph ejgrad {") && dot.trim().endsWith("}"), dot);
        Map<String, String> nodes = dotNodes(dot);
        assertEquals(7, nodes.size(), dot);   // x, weight, bias, matmulT, add, tanh, sum
        assertEquals(Set.of("x (data) -> matmulT", "weight (parameter) -> matmulT", "matmulT -> add",
                "bias (parameter) -> add", "add -> tanh", "tanh -> sum"), edges(dot, "->"));
        assertTrue(nodes.containsValue("weight (parameter)\n2x3, requires grad"), nodes.toString());
        assertTrue(nodes.containsValue("x (data)\n4x3"), nodes.toString());
        assertTrue(nodes.containsValue("matmulT\n4x2, requires grad"), nodes.toString());
    }

    @Test
    void mermaidHasTheSameStructure() {
        Tensor[] t = linearStep();
        String mermaid = GraphExport.toMermaid(t[0], Map.of("weight", t[2], "bias", t[3], "x", t[1]));
        assertTrue(mermaid.startsWith("flowchart BT\n"), mermaid);
        assertEquals(edges(GraphExport.toDot(t[0], Map.of("weight", t[2], "bias", t[3], "x", t[1])), "->"),
                edges(mermaid, "-->"));
    }

    @Test
    void afterABackwardWithRetainGraphGradientsAreShownAndAfterReleaseTheGraphIsGone() {
        Tensor[] t = linearStep();
        t[0].backward(Tensor.scalar(1), true);
        String dot = GraphExport.toDot(t[0], Map.of("weight", t[2]));
        assertTrue(dotNodes(dot).get("t0").startsWith("sum"), dot);
        assertTrue(dot.contains("weight (parameter)\\n2x3, requires grad\\ngrad max |g| = "), dot);
        t[0].backward();
        String released = GraphExport.toDot(t[0]);
        assertEquals(1, dotNodes(released).size(), released);
        assertTrue(released.contains("graph released by backward"), released);
    }

    @Test
    void sharedInputsAppearOnceWithTwoEdges() {
        Tensor x = Tensor.row(1, 2).requiresGrad(true);
        Tensor y = x.mul(x);
        String dot = GraphExport.toDot(y);
        assertEquals(2, dotNodes(dot).size());
        assertEquals(2, dot.split("->", -1).length - 1, dot);
    }
}
