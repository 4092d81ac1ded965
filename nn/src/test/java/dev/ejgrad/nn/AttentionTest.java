package dev.ejgrad.nn;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.core.GradCheck;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.testing.Golden;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Functional.scaledDotProductAttention, Functional.causalMask and MultiheadAttention: PyTorch's numbers (the nn2
 * golden cases), gradient and second-derivative checks, PyTorch's init, and the refusals.
 */
class AttentionTest {

    static Stream<Arguments> sdpa() {
        return Golden.nn2Cases("scaled_dot_product_attention");
    }

    static Stream<Arguments> causal() {
        return Golden.nn2Cases("causal_mask");
    }

    static Stream<Arguments> mha() {
        return Golden.nn2Cases("multihead_attention");
    }

    @Test
    void theGoldenFileHasTheAttentionCases() {
        assertEquals(3, Golden.nn2Count("scaled_dot_product_attention"));
        assertEquals(2, Golden.nn2Count("causal_mask"));
        assertEquals(5, Golden.nn2Count("multihead_attention"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sdpa")
    void scaledDotProductAttentionMatchesPyTorch(String name, JsonNode c) {
        JsonNode in = c.get("inputs");
        Tensor q = tensor(in.get("query")).requiresGrad(true);
        Tensor k = tensor(in.get("key")).requiresGrad(true);
        Tensor v = tensor(in.get("value")).requiresGrad(true);
        Tensor mask = in.has("attn_mask") ? tensor(in.get("attn_mask")) : null;
        Tensor out = Functional.scaledDotProductAttention(q, k, v, mask);
        assertClose(name + " output", c.get("output"), out);
        out.backward(tensor(c.get("grad_output")));
        JsonNode g = c.get("grad_inputs");
        assertClose(name + " grad query", g.get("query"), q.grad());
        assertClose(name + " grad key", g.get("key"), k.grad());
        assertClose(name + " grad value", g.get("value"), v.grad());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("causal")
    void causalMaskMatchesPyTorch(String name, JsonNode c) {
        Tensor mask = Functional.causalMask(c.get("args").get("length").asInt());
        assertClose(name, c.get("output"), mask);
        assertTrue(!mask.requiresGrad());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mha")
    void multiheadAttentionMatchesPyTorch(String name, JsonNode c) {
        JsonNode args = c.get("args");
        MultiheadAttention m = new MultiheadAttention(args.get("embed_dim").asInt(), args.get("num_heads").asInt(),
                new Random(1));
        Map<String, Tensor> state = new LinkedHashMap<>();
        c.get("state_dict").fields().forEachRemaining(e -> state.put(e.getKey(), tensor(e.getValue())));
        m.loadStateDict(state);
        JsonNode in = c.get("inputs");
        Tensor q = tensor(in.get("query")).requiresGrad(true);
        Tensor k = tensor(in.get("key")).requiresGrad(true);
        Tensor v = tensor(in.get("value")).requiresGrad(true);
        Tensor out = in.has("attn_mask") ? m.forward(q, k, v, tensor(in.get("attn_mask"))) : m.forward(q, k, v);
        assertClose(name + " output", c.get("output"), out);
        out.backward(tensor(c.get("grad_output")));
        JsonNode g = c.get("grad_inputs");
        assertClose(name + " grad query", g.get("query"), q.grad());
        assertClose(name + " grad key", g.get("key"), k.grad());
        assertClose(name + " grad value", g.get("value"), v.grad());
        JsonNode gp = c.get("grad_params");
        assertEquals(List.of("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"),
                new ArrayList<>(m.namedParameters().keySet()));
        List<String> names = new ArrayList<>();
        gp.fieldNames().forEachRemaining(names::add);
        assertEquals(4, names.size());
        for (String p : names) {
            assertClose(name + " grad " + p, gp.get(p), m.namedParameters().get(p).grad());
        }
    }

    @Test
    void selfAttentionIsForwardOfXXX() {
        MultiheadAttention m = new MultiheadAttention(4, 2, new Random(3));
        Tensor x = Tensor.randn(5, 4, new Random(4));
        assertClose("self-attention", m.forward(x, x, x), m.forward(x));
        Tensor y = new Sequential(new Linear(3, 4, true, new Random(5)), m).forward(Tensor.randn(5, 3, new Random(6)));
        assertEquals(5, y.rows());
        assertEquals(4, y.cols());
    }

    @Test
    void initIsPyTorchs() {
        int e = 8;
        MultiheadAttention m = new MultiheadAttention(e, 2, new Random(7));
        Map<String, Tensor> p = m.namedParameters();
        assertEquals(3 * e, p.get("in_proj_weight").rows());
        assertEquals(e, p.get("in_proj_weight").cols());
        assertEquals(3 * e, p.get("in_proj_bias").cols());
        double xavier = Math.sqrt(6.0 / (e + 3 * e));
        double linear = 1 / Math.sqrt(e);
        assertBounded(p.get("in_proj_weight"), xavier);
        assertBounded(p.get("out_proj.weight"), linear);
        assertEquals(0, p.get("in_proj_bias").abs().sum().item(), "in_proj_bias starts at 0");
        assertEquals(0, p.get("out_proj.bias").abs().sum().item(), "out_proj.bias starts at 0");
        // the same draws as PyTorch's order: out_proj (weight, then its bias, overwritten), then in_proj_weight
        Random rng = new Random(7);
        Linear outProj = new Linear(e, e, true, rng);
        assertClose("out_proj.weight", outProj.weight(), p.get("out_proj.weight"));
        assertEquals(-xavier + 2 * xavier * rng.nextDouble(), p.get("in_proj_weight").get(0, 0), 0);
        assertTrue(p.get("in_proj_weight").requiresGrad() && p.get("in_proj_bias").requiresGrad());
        assertTrue(m.toString().startsWith("MultiheadAttention(embed_dim=8, num_heads=2"), m.toString());
    }

    /** Every entry within the bound, and the spread of a uniform draw on it (not a narrower one). */
    private static void assertBounded(Tensor w, double bound) {
        double max = 0;
        for (double[] row : w.toArray()) {
            for (double x : row) {
                assertTrue(Math.abs(x) <= bound, x + " outside ±" + bound);
                max = Math.max(max, Math.abs(x));
            }
        }
        assertTrue(max > 0.8 * bound, "the largest |entry| " + max + " is far inside ±" + bound);
    }

    /** A non-trivial scalar of an output: (out ⊙ G + 1)² summed, G fixed. */
    private static Tensor driven(Tensor out) {
        Tensor g = Tensor.rand(out.rows(), out.cols(), new Random(5)).add(0.5);
        return out.mul(g).add(1).pow(2).sum();
    }

    @ParameterizedTest(name = "mask={0}")
    @ValueSource(strings = {"none", "causal", "float"})
    void scaledDotProductAttentionGradChecks(String maskKind) {
        Random rng = new Random(11);
        Tensor q = Tensor.randn(4, 3, rng).requiresGrad(true);
        Tensor k = Tensor.randn(4, 3, rng).requiresGrad(true);
        Tensor v = Tensor.randn(4, 2, rng).requiresGrad(true);
        Tensor mask = maskKind.equals("none") ? null
                : maskKind.equals("causal") ? Functional.causalMask(4) : Tensor.randn(4, 4, rng).detach();
        Function<Tensor[], Tensor> f = xs -> Functional.scaledDotProductAttention(xs[0], xs[1], xs[2], mask);
        GradCheck.assertPasses(xs -> driven(f.apply(xs)), q, k, v);
        GradCheck.assertGradGradPasses(f, q, k, v);
    }

    @Test
    void theFloatMasksGradientIsTheScoresGradient() {
        Random rng = new Random(12);
        Tensor q = Tensor.randn(3, 2, rng);
        Tensor k = Tensor.randn(5, 2, rng);
        Tensor v = Tensor.randn(5, 2, rng);
        Tensor mask = Tensor.randn(3, 5, rng).requiresGrad(true);
        GradCheck.assertPasses(xs -> driven(Functional.scaledDotProductAttention(q, k, v, xs[0])), mask);
    }

    static Stream<Arguments> mhaGrid() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (int heads : new int[] {1, 2}) {
            for (String mask : new String[] {"none", "causal", "float"}) {
                b.add(Arguments.of(heads, mask));
            }
        }
        return b.build();
    }

    /** The inputs and every parameter, gradchecked and gradgradchecked, with non-zero biases. */
    @ParameterizedTest(name = "heads={0} mask={1}")
    @MethodSource("mhaGrid")
    void multiheadAttentionGradChecks(int heads, String maskKind) {
        Random rng = new Random(13);
        int e = 4;
        int l = 3;
        int s = maskKind.equals("causal") ? 3 : 4;
        Tensor query = Tensor.randn(l, e, rng).requiresGrad(true);
        Tensor key = Tensor.randn(s, e, rng).requiresGrad(true);
        Tensor value = Tensor.randn(s, e, rng).requiresGrad(true);
        Tensor inW = Tensor.randn(3 * e, e, rng).mul(0.5).detach().requiresGrad(true);
        Tensor inB = Tensor.randn(1, 3 * e, rng).mul(0.2).detach().requiresGrad(true);
        Tensor outW = Tensor.randn(e, e, rng).mul(0.5).detach().requiresGrad(true);
        Tensor outB = Tensor.randn(1, e, rng).mul(0.2).detach().requiresGrad(true);
        Tensor mask = maskKind.equals("none") ? null
                : maskKind.equals("causal") ? Functional.causalMask(l) : Tensor.randn(l, s, rng).detach();
        Function<Tensor[], Tensor> f = xs -> MultiheadAttention.attention(xs[0], xs[1], xs[2], mask, heads,
                xs[3], xs[4], xs[5], xs[6]);
        Tensor[] inputs = {query, key, value, inW, inB, outW, outB};
        GradCheck.assertPasses(xs -> driven(f.apply(xs)), inputs);
        GradCheck.assertGradGradPasses(f, inputs);
        // the module's forward is that function of its parameters
        MultiheadAttention m = new MultiheadAttention(e, heads, new Random(1));
        m.loadStateDict(Map.of("in_proj_weight", inW, "in_proj_bias", inB, "out_proj.weight", outW,
                "out_proj.bias", outB));
        assertClose("module", f.apply(inputs), m.forward(query, key, value, mask));
    }

    @Test
    void headsDiffer() {
        // two heads are not one head of the same weights: the per-head split and scale 1/√(E/H) matter
        Random rng = new Random(14);
        Tensor x = Tensor.randn(4, 4, rng);
        MultiheadAttention one = new MultiheadAttention(4, 1, new Random(2));
        MultiheadAttention two = new MultiheadAttention(4, 2, new Random(2));
        two.loadStateDict(one.stateDict());
        double diff = one.forward(x).sub(two.forward(x)).abs().max(0).max(1).item();
        assertTrue(diff > 1e-3, "difference " + diff);
    }

    @Test
    void aFullyMaskedRowIsNaNAsInPyTorch() {
        Random rng = new Random(15);
        Tensor q = Tensor.randn(3, 2, rng).requiresGrad(true);
        Tensor kv = Tensor.randn(3, 2, rng);
        Tensor mask = Tensor.of(new double[][] {{0, 0, 0}, {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.NEGATIVE_INFINITY}, {0, Double.NEGATIVE_INFINITY, 0}});
        Tensor out = Functional.scaledDotProductAttention(q, kv, kv, mask);
        for (int j = 0; j < 2; j++) {
            assertTrue(Double.isNaN(out.get(1, j)));
            assertTrue(Double.isFinite(out.get(0, j)) && Double.isFinite(out.get(2, j)));
        }
        // row 2 ignores key 1 entirely: its output is the softmax mix of keys 0 and 2 only
        double s0 = q.get(2, 0) * kv.get(0, 0) + q.get(2, 1) * kv.get(0, 1);
        double s2 = q.get(2, 0) * kv.get(2, 0) + q.get(2, 1) * kv.get(2, 1);
        double w0 = 1 / (1 + Math.exp((s2 - s0) / Math.sqrt(2)));
        assertEquals(w0 * kv.get(0, 0) + (1 - w0) * kv.get(2, 0), out.get(2, 0), 1e-14);
        MultiheadAttention m = new MultiheadAttention(2, 1, new Random(0));
        Tensor y = m.forward(q, kv, kv, mask);
        assertTrue(Double.isNaN(y.get(1, 0)) && Double.isFinite(y.get(0, 0)));
    }

    @Test
    void aBlockDiagonalMaskIsSeparateAttentions() {
        // two sequences packed as one with -inf between them: each attends within itself only, exactly
        MultiheadAttention m = new MultiheadAttention(4, 2, new Random(18));
        Random rng = new Random(19);
        Tensor a = Tensor.randn(3, 4, rng);
        Tensor b = Tensor.randn(2, 4, rng);
        double inf = Double.NEGATIVE_INFINITY;
        Tensor mask = Tensor.of(new double[][] {{0, 0, 0, inf, inf}, {0, 0, 0, inf, inf}, {0, 0, 0, inf, inf},
            {inf, inf, inf, 0, 0}, {inf, inf, inf, 0, 0}});
        Tensor packed = Tensor.cat(0, a, b);
        Tensor y = m.forward(packed, packed, packed, mask);
        assertClose("first", m.forward(a), y.narrow(0, 0, 3));
        assertClose("second", m.forward(b), y.narrow(0, 3, 2));
    }

    @Test
    void causalAttentionIgnoresTheFuture() {
        MultiheadAttention m = new MultiheadAttention(4, 2, new Random(16));
        Tensor x = Tensor.randn(5, 4, new Random(17));
        double[][] changed = x.toArray();
        changed[4][0] += 3;
        Tensor y = m.forward(x, x, x, Functional.causalMask(5));
        Tensor z = m.forward(Tensor.of(changed), Tensor.of(changed), Tensor.of(changed), Functional.causalMask(5));
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(y.get(i, j), z.get(i, j), 0, "row " + i + " sees only rows 0.." + i);
            }
        }
        assertNotEquals(y.get(4, 0), z.get(4, 0));
    }

    @Test
    void badArgumentsAreRefusedByName() {
        assertMessage("MultiheadAttention: embedDim 6 is not divisible by numHeads 4",
                () -> new MultiheadAttention(6, 4, new Random(0)));
        assertMessage("MultiheadAttention: embedDim and numHeads must be positive, got embedDim=0, numHeads=1",
                () -> new MultiheadAttention(0, 1, new Random(0)));
        assertMessage("MultiheadAttention: embedDim and numHeads must be positive, got embedDim=4, numHeads=-2",
                () -> new MultiheadAttention(4, -2, new Random(0)));
        MultiheadAttention m = new MultiheadAttention(4, 2, new Random(0));
        Tensor q = Tensor.ones(3, 4);
        Tensor kv = Tensor.ones(5, 4);
        assertMessage("MultiheadAttention: attnMask must be 3x5 (query length x key length), got 5x3",
                () -> m.forward(q, kv, kv, Tensor.zeros(5, 3)));
        assertMessage("MultiheadAttention: attnMask must be 3x5 (query length x key length), got 3x3",
                () -> m.forward(q, kv, kv, Functional.causalMask(3)));
        assertMessage("MultiheadAttention: query of shape 3x3 must have embedDim = 4 columns",
                () -> m.forward(Tensor.ones(3, 3), kv, kv));
        assertMessage("MultiheadAttention: value of shape 5x2 must have embedDim = 4 columns",
                () -> m.forward(q, kv, Tensor.ones(5, 2)));
        assertMessage("MultiheadAttention: key 5x4 and value 4x4 must have the same length S",
                () -> m.forward(q, kv, Tensor.ones(4, 4)));
        assertMessage("MultiheadAttention: attnMask holds NaN at (1, 2); an additive mask holds finite values and "
                + "-Infinity (blocked)", () -> m.forward(q, kv, kv,
                        Tensor.of(3, 5, 0, 0, 0, 0, 0, 0, 0, Double.NaN, 0, 0, 0, 0, 0, 0, 0)));
        assertMessage("scaledDotProductAttention: query 3x2 and key 5x3 must have the same width D",
                () -> Functional.scaledDotProductAttention(Tensor.ones(3, 2), Tensor.ones(5, 3), Tensor.ones(5, 3),
                        null));
        assertMessage("scaledDotProductAttention: key 5x3 and value 4x3 must have the same length S",
                () -> Functional.scaledDotProductAttention(Tensor.ones(3, 3), Tensor.ones(5, 3), Tensor.ones(4, 3),
                        null));
        assertMessage("scaledDotProductAttention: attnMask holds Infinity at (0, 0); an additive mask holds finite "
                + "values and -Infinity (blocked)", () -> Functional.scaledDotProductAttention(Tensor.ones(1, 3),
                        Tensor.ones(1, 3), Tensor.ones(1, 3), Tensor.scalar(Double.POSITIVE_INFINITY)));
        assertMessage("causalMask: length must be non-negative, got -1", () -> Functional.causalMask(-1));
        assertEquals(0, Functional.causalMask(0).numel());
    }

    @Test
    void aRejectedCallChangesNothing() {
        MultiheadAttention m = new MultiheadAttention(4, 2, new Random(0));
        Map<String, Tensor> before = m.stateDict();
        Tensor q = Tensor.ones(3, 4).requiresGrad(true);
        assertThrows(IllegalArgumentException.class, () -> m.forward(q, q, q, Tensor.zeros(3, 4)));
        assertEquals(null, q.grad());
        m.namedParameters().forEach((n, p) -> {
            assertClose(n, before.get(n), p);
            assertEquals(null, p.grad());
        });
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }
}
