package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
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
        assertEquals(Set.of("x (data) -> matmulT: x · Wᵀ", "weight (parameter) -> matmulT: x · Wᵀ",
                "matmulT: x · Wᵀ -> add", "bias (parameter) -> add", "add -> tanh", "tanh -> sum"), edges(dot, "->"));
        assertTrue(nodes.containsValue("weight (parameter)\n2x3, requires grad"), nodes.toString());
        assertTrue(nodes.containsValue("x (data)\n4x3"), nodes.toString());
        assertTrue(nodes.containsValue("matmulT: x · Wᵀ\n4x2, requires grad"), nodes.toString());
        assertTrue(nodes.get("t0").startsWith("sum\n1x1, requires grad\nvalue " + String.format(Locale.ROOT, "%.4f",
                t[0].item())), nodes.get("t0"));
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

    @Test
    void theLegendNamesEachColourAndExplainsMatmulTOnlyWhereItIsUsed() {
        Tensor[] t = linearStep();
        String dot = GraphExport.toDot(t[0]);
        String legend = dot.substring(dot.indexOf("  legend [shape=plaintext"));
        for (String[] colour : new String[][] {{GraphExport.PARAMETER, "parameter: a leaf that requires grad"},
            {GraphExport.DATA, "data: a leaf that needs no gradient"}, {GraphExport.OP_RESULT, "the result of an op"},
            {GraphExport.ROOT, "the output drawn (backward starts here)"}}) {
            assertTrue(legend.contains("BGCOLOR=\"" + colour[0] + "\"") && legend.contains(colour[1]), colour[1]);
        }
        assertTrue(legend.contains("matmulT = x · Wᵀ: the product of an input and a transposed weight, which Linear "
                + "computes as one op"), legend);
        assertFalse(legend.contains("an input that is not a tensor"), "no extra input, no entry for one");

        Tensor y = Tensor.row(1, 2).requiresGrad(true).exp().sum();
        assertFalse(GraphExport.toDot(y).contains("matmulT"), "no matmulT in the graph, none in the legend");
        assertFalse(GraphExport.toDot(t[0], GraphExport.options().legend(false)).contains("legend"));
        String mermaid = GraphExport.toMermaid(t[0]);
        assertTrue(mermaid.contains("  subgraph legend\n") && mermaid.contains("matmulT = x · Wᵀ")
                && mermaid.contains("fill:" + GraphExport.PARAMETER), mermaid);
    }

    @Test
    void anExtraInputIsADashedNodeIntoItsConsumer() {
        Tensor[] t = linearStep();
        String dot = GraphExport.toDot(t[0], GraphExport.options().extraInput("labels", "4 class indices", t[0])
                .extraInput("unused", "not in this graph", Tensor.ones(1, 1)));
        assertTrue(dot.contains("  x0 [label=\"labels\\n4 class indices\", fillcolor=\"#ffffff\", "
                + "style=\"rounded,dashed,filled\"];"), dot);
        assertTrue(dot.contains("  x0 -> t0 [style=dashed];"), dot);
        assertFalse(dot.contains("unused"), "an extra input whose consumer is not drawn is left out");
        assertTrue(dot.contains("an input that is not a tensor"), dot);
        String mermaid = GraphExport.toMermaid(t[0], GraphExport.options().extraInput("labels", "4 indices", t[0]));
        assertTrue(mermaid.contains("  x0[\"labels<br/>4 indices\"]\n") && mermaid.contains("  x0 -.-> t0\n"),
                mermaid);
    }

    @Test
    void valuesDrawMicrogradStyleNodesWithEveryValueAndGradient() {
        Tensor w = Tensor.of(new double[][] {{1, -2}}).requiresGrad(true);
        Tensor x = Tensor.of(new double[][] {{3, 4}});
        Tensor big = Tensor.ones(4, 4).requiresGrad(true);
        Tensor loss = x.mul(w).relu().sum().add(big.sum());
        GraphExport.retainGrads(loss);
        loss.backward(Tensor.scalar(1), true);
        String dot = GraphExport.toDot(loss, GraphExport.options().names(Map.of("w", w, "x", x, "loss", loss))
                .values(2));
        assertTrue(dot.contains("node [shape=Mrecord, style=filled"), dot);
        assertTrue(dot.contains("[label=\"{w (parameter)|1x2, requires grad|data [[1.0000, -2.0000]]"
                + "|grad [[3.0000, 0.0000]]}\""), "x·w = [3, -8]; relu passes the first: " + dot);
        assertTrue(dot.contains("[label=\"{x (data)|1x2|data [[3.0000, 4.0000]]}\""), dot);
        // the relu's result keeps its gradient too, through retainGrads
        assertTrue(dot.contains("[label=\"{1x2, requires grad|data [[3.0000, 0.0000]]|grad [[1.0000, 1.0000]]}\""),
                dot);
        assertTrue(dot.contains("{loss|1x1, requires grad|data 19.0000|grad 1.0000}"), dot);
        assertFalse(dot.contains("data [[1.0000, 1.0000, 1.0000, 1.0000]"), "16 entries are more than 2: " + dot);
        assertTrue(dot.contains("{parameter\\n4x4, requires grad\\ngrad max \\|g\\| = 1.000}"), "a record's | escaped: "
                + dot);
        // each op a node of its own: inputs -> op -> result
        Matcher relu = Pattern.compile("(?m)^  (t\\d+)_op \\[label=\"relu\", shape=ellipse").matcher(dot);
        assertTrue(relu.find(), dot);
        assertTrue(dot.contains("  " + relu.group(1) + "_op -> " + relu.group(1) + ";"), dot);
        Matcher mul = Pattern.compile("(?m)^  (t\\d+) -> " + Pattern.quote(relu.group(1)) + "_op;$").matcher(dot);
        assertTrue(mul.find(), "the mul result feeds the relu op: " + dot);
        String mermaid = GraphExport.toMermaid(loss, GraphExport.options().values(2));
        assertTrue(mermaid.contains("_op((\"relu\"))") && mermaid.contains("data [[3.0000, 0.0000]]"), mermaid);
        assertThrows(IllegalArgumentException.class, () -> GraphExport.options().values(-1));
    }

    @Test
    void aMatrixShowsOneRowPerLine() {
        Tensor m = Tensor.of(new double[][] {{1, 2}, {3, 4}}).requiresGrad(true);
        String dot = GraphExport.toDot(m.exp(), GraphExport.options().values(4).legend(false));
        assertTrue(dot.contains("data [[1.0000, 2.0000],\\n [3.0000, 4.0000]]"), dot);
        assertEquals(List.of(), List.of(dot.split("\n")).stream().filter(l -> l.contains("legend")).toList());
    }

    @Test
    void optionsRefuseNullsAndNameThem() {
        GraphExport.Options o = GraphExport.options();
        Tensor t = Tensor.ones(1, 1);
        assertTrue(assertThrows(NullPointerException.class, () -> o.names(null)).getMessage().contains("names"));
        java.util.HashMap<String, Tensor> withNull = new java.util.HashMap<>();
        withNull.put("w", null);
        assertEquals("names: w", assertThrows(NullPointerException.class, () -> o.names(withNull)).getMessage());
        assertEquals("name", assertThrows(NullPointerException.class, () -> o.extraInput(null, "d", t)).getMessage());
        assertEquals("description", assertThrows(NullPointerException.class, () -> o.extraInput("n", null, t))
                .getMessage());
        assertEquals("consumer", assertThrows(NullPointerException.class, () -> o.extraInput("n", "d", null))
                .getMessage());
        assertEquals("root", assertThrows(NullPointerException.class, () -> GraphExport.retainGrads(null))
                .getMessage());
    }
}
