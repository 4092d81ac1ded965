package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ejgrad.core.GradCheck;
import dev.ejgrad.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The transformer encoder beyond the golden file: gradients, dropout and eval, options, names and bad input. */
class TransformerEncoderTest {

    @ParameterizedTest(name = "normFirst {0}")
    @ValueSource(booleans = {false, true})
    void gradientsMatchCentralDifferencesToSecondOrder(boolean normFirst) {
        Random rng = new Random(normFirst ? 1 : 2);
        TransformerEncoderLayer layer = new TransformerEncoderLayer(4, 2, 6, 0.0, rng)
                .activation(TransformerEncoderLayer.Activation.GELU).normFirst(normFirst);
        Tensor src = Tensor.randn(3, 4, rng).requiresGrad(true);
        Tensor mask = Functional.causalMask(3);
        GradCheck.assertPasses(in -> layer.forward(in[0], mask).add(1).square(), src);
        GradCheck.assertGradGradPasses(in -> layer.forward(in[0], mask), src);
    }

    @Test
    void dropoutActsInTrainingOnlyAndEvalIsTheLayerWithoutIt() {
        TransformerEncoderLayer dropping = new TransformerEncoderLayer(8, 2, 12, 0.5, new Random(3));
        TransformerEncoderLayer plain = new TransformerEncoderLayer(8, 2, 12, 0.0, new Random(3));
        Tensor src = Tensor.randn(5, 8, new Random(4));
        double[][] reference = plain.forward(src).toArray();
        assertFalse(java.util.Arrays.deepEquals(reference, dropping.forward(src).toArray()), "training drops");
        dropping.eval();
        assertArrayEquals(reference, dropping.forward(src).toArray());
    }

    @Test
    void theOptionsReachTheNormsAndTheNamesArePyTorchs() {
        TransformerEncoderLayer layer = new TransformerEncoderLayer(8, 2, 12, 0.1, new Random(0)).layerNormEps(1e-3);
        assertEquals("LayerNorm((8,), eps=0.001)", layer.toString().lines()
                .filter(l -> l.contains("(norm2)")).findFirst().orElseThrow().trim().substring(9).split("  ")[0]);
        Random rng = new Random(0);
        TransformerEncoder encoder = new TransformerEncoder(() -> new TransformerEncoderLayer(8, 2, 12, 0.1, rng), 2)
                .norm(new LayerNorm(8));
        List<String> names = new ArrayList<>(encoder.namedParameters().keySet());
        assertEquals(26, names.size());
        assertEquals("layers.0.self_attn.in_proj_weight", names.get(0));
        assertEquals("layers.1.norm2.bias", names.get(23));
        assertEquals(List.of("norm.weight", "norm.bias"), names.subList(24, 26));
        Map<String, Tensor> p = encoder.namedParameters();
        assertFalse(java.util.Arrays.deepEquals(p.get("layers.0.linear1.weight").toArray(),
                p.get("layers.1.linear1.weight").toArray()), "each layer is made afresh");
        assertEquals(2, encoder.numLayers());
    }

    private static void assertRejected(String message, Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void badInputIsRejectedWithTheLayerAndTheNumbers() {
        Random rng = new Random(0);
        assertRejected("TransformerEncoderLayer: dModel 8 is not divisible by nHead 3",
                () -> new TransformerEncoderLayer(8, 3, 12, 0.0, rng));
        assertRejected("TransformerEncoderLayer: dropout must be in [0, 1), got 1.0",
                () -> new TransformerEncoderLayer(8, 2, 12, 1.0, rng));
        TransformerEncoderLayer layer = new TransformerEncoderLayer(8, 2, 12, 0.0, rng);
        assertRejected("TransformerEncoderLayer: src 5x7 must be L x dModel = L x 8",
                () -> layer.forward(Tensor.zeros(5, 7)));
        assertRejected("TransformerEncoderLayer: attnMask must be 5x5 (query length x key length), got 4x5",
                () -> layer.forward(Tensor.zeros(5, 8), Tensor.zeros(4, 5)));
        TransformerEncoder encoder = new TransformerEncoder(() -> new TransformerEncoderLayer(8, 2, 12, 0.0, rng), 2);
        assertRejected("TransformerEncoder: attnMask must be 5x5 (query length x key length), got 5x6",
                () -> encoder.forward(Tensor.zeros(5, 8), Tensor.zeros(5, 6)));
        assertRejected("TransformerEncoder: numLayers must be at least 1, got 0",
                () -> new TransformerEncoder(() -> layer, 0));
        assertRejected("TransformerEncoder: the supplier returned layer 0 again as layer 1; it must make each layer "
                + "afresh", () -> new TransformerEncoder(() -> layer, 2));
        assertRejected("TransformerEncoder: the final norm has 6 features but dModel is 8",
                () -> encoder.norm(new LayerNorm(6)));
        assertRejected("LayerNorm: eps must be finite and at least 0, got -1.0", () -> layer.layerNormEps(-1));
    }
}
