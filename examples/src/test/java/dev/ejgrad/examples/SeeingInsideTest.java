package dev.ejgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.nn.loss.LossExplanation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeeingInsideTest {

    @TempDir
    Path dir;

    @Test
    void theLossExplanationsShowTheIgnoredRowTheClampAndTheKlIdentity() {
        List<LossExplanation> all = ExplainLosses.compute();
        LossExplanation ce = all.get(0);
        assertEquals(List.of(1), ce.ignoredRows());
        assertEquals(1.0 + 2.0 + 0.5, ce.denominator(), 0, "weights of targets 0, 1 and 2; row 1 ignored");
        assertTrue(all.get(1).notes().get(0).startsWith("2 of 4 log terms hit the -100 clamp"), all.get(1).notes().toString());
        assertTrue(all.get(2).notes().get(0).contains("posWeight"));
        assertTrue(all.get(3).notes().get(0).contains("= entropy H(p)"));
    }

    @Test
    void theGraphOfAnMlpStepIsWrittenAndRenderedWhenGraphvizIsThere() throws Exception {
        GraphCommand.Result r = GraphCommand.draw(dir, "dot");
        String dot = Files.readString(r.dotFile);
        // images, 2 weights, 2 biases, the ops matmulT, add, relu, matmulT, add, then the loss's own ops
        assertTrue(dot.split("\\[label=", -1).length - 1 >= 11, dot);
        assertTrue(dot.contains("0.weight (parameter)\\n256x784, requires grad\\ngrad max |g| = "), dot);
        assertTrue(Pattern.compile("label=\"loss \\([A-Za-z]+\\)\\\\n1x1, requires grad\\\\nvalue 2.3589\"").matcher(dot)
                .find(), "the loss's value on its node: " + dot);
        assertTrue(dot.contains("[label=\"labels\\n32 class indices (int[]), no gradient\""), dot);
        assertTrue(dot.contains("matmulT: x · Wᵀ") && dot.contains("legend [shape=plaintext"), dot);
        assertTrue(Files.readString(r.mermaidFile).startsWith("flowchart BT"));
        if (r.svg != null) {
            assertTrue(Files.readString(r.svg).contains("<svg"), "a rendered SVG");
        } else {
            assertTrue(r.message.contains("apt-get install graphviz"), r.message);
        }
        GraphCommand.Result missing = GraphCommand.draw(dir.resolve("b"), "no-such-graphviz-program");
        assertNull(missing.svg);
        assertTrue(missing.message.contains("is not installed") && missing.message.contains("apt-get install graphviz"),
                missing.message);
    }

    @Test
    void theValuesDrawingShowsEveryValueAndGradientOfATinyMlp() throws Exception {
        GraphCommand.Result r = GraphCommand.draw(dir, "no-such-graphviz-program", true);
        assertEquals(dir.resolve("mlp-values.dot"), r.dotFile);
        String dot = Files.readString(r.dotFile);
        // every tensor shows its data, every one that requires grad its gradient, and every result has an op node
        List<String> records = dot.lines().filter(l -> l.matches("  t\\d+ \\[label=\"\\{.*")).toList();
        assertTrue(records.size() >= 11, "x, 2 weights, 2 biases, at least 6 results: " + dot);
        for (String record : records) {
            assertTrue(record.contains("|data "), record);
            assertEquals(record.contains("requires grad"), record.contains("|grad "), record);
        }
        long results = records.stream().filter(l -> l.contains("fillcolor=\"#fff3b0\"")).count() + 1;   // + the root
        assertEquals(results, dot.split("_op \\[label=", -1).length - 1, dot);
        assertTrue(dot.contains("{loss|1x1, requires grad|data 0.5543|grad 1.0000}"), dot);
        assertTrue(dot.contains("|grad [[-0.0864, 0.0147, -0.0311],\\n [0.2115, -0.0360, 0.0000]]}"),
                "relu passes no gradient where its input was negative: " + dot);
    }
}
