package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.GradCheck;
import dev.ejgrad.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The recurrent layers beyond the golden file: gradients against central differences with lengths, rows past a
 * sequence's end that hold NaN, each sequence of a batch alone, dropout between layers, init, and bad input.
 */
class RecurrentLayerTest {

    private static RNNBase make(String kind, int in, int hidden, int layers, boolean bi, double dropout, Random rng) {
        return switch (kind) {
            case "rnn" -> new RNN(in, hidden, layers, bi, dropout, rng);
            case "relu" -> new RNN(in, hidden, layers, bi, dropout, rng).nonlinearity(RNN.Nonlinearity.RELU);
            case "gru" -> new GRU(in, hidden, layers, bi, dropout, rng);
            default -> new LSTM(in, hidden, layers, bi, dropout, rng);
        };
    }

    private static List<Tensor> randn(int count, int rows, int cols, Random rng) {
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(Tensor.randn(rows, cols, rng).requiresGrad(true));
        }
        return out;
    }

    /** Every output and final state of a run, flattened into one row. */
    private static Tensor flat(SequenceOutput out) {
        List<Tensor> parts = new ArrayList<>();
        out.outputs().forEach(t -> parts.add(t.reshape(1, t.numel())));
        out.hidden().forEach(t -> parts.add(t.reshape(1, t.numel())));
        if (out.cells() != null) {
            out.cells().forEach(t -> parts.add(t.reshape(1, t.numel())));
        }
        return Tensor.cat(1, parts);
    }

    /**
     * The layer as a function of (steps, h0, c0, every parameter), so that GradCheck differentiates with respect to
     * all of them.
     */
    private static Function<Tensor[], Tensor> asFunction(RNNBase layer, int steps, int states, int[] lengths,
            boolean cell) {
        return in -> {
            List<Tensor> x = List.of(in).subList(0, steps);
            List<Tensor> h0 = List.of(in).subList(steps, steps + states);
            List<Tensor> c0 = cell ? List.of(in).subList(steps + states, steps + 2 * states) : null;
            int p = steps + (cell ? 2 : 1) * states;
            List<RNNBase.Weights> w = new ArrayList<>();
            for (int k = 0; k < states; k++, p += 4) {
                w.add(new RNNBase.Weights(in[p], in[p + 1], in[p + 2], in[p + 3]));
            }
            return flat(layer.run(x, lengths, h0, c0, w));
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rnn", "relu", "gru", "lstm"})
    void gradientsWithLengthsMatchCentralDifferences(String kind) {
        Random rng = new Random(kind.hashCode());
        int t = 3;
        int n = 3;
        RNNBase layer = make(kind, 2, 2, 2, true, 0.0, rng);
        boolean cell = layer instanceof LSTM;
        int states = 4;
        List<Tensor> inputs = new ArrayList<>(randn(t, n, 2, rng));
        inputs.addAll(randn(states, n, 2, rng));
        if (cell) {
            inputs.addAll(randn(states, n, 2, rng));
        }
        for (Tensor p : layer.parameters()) {
            inputs.add(Tensor.from(p.toMatrix()).requiresGrad(true));
        }
        int[] lengths = {2, 3, 1};
        Function<Tensor[], Tensor> f = asFunction(layer, t, states, lengths, cell);
        Tensor[] all = inputs.toArray(new Tensor[0]);
        GradCheck.assertPasses(in -> f.apply(in).add(1).square(), all);
        GradCheck.assertGradGradPasses(f, all);
    }

    @Test
    void theLstmStepsFusedRuleAndItsFormulaAgree() {
        Random rng = new Random(12);
        Tensor gi = Tensor.randn(3, 8, rng).requiresGrad(true);
        Tensor gh = Tensor.randn(3, 8, rng).requiresGrad(true);
        Tensor c = Tensor.randn(3, 2, rng).requiresGrad(true);
        Tensor g = Tensor.randn(3, 4, rng);
        List<Tensor> inputs = List.of(gi, gh, c);
        List<Tensor> fused = dev.ejgrad.core.Autograd.grad(LSTM.step(gi, gh, c), inputs, g, false);
        List<Tensor> formula = dev.ejgrad.core.Autograd.grad(LSTM.step(gi, gh, c), inputs, g, true);
        for (int k = 0; k < 3; k++) {
            assertClose(formula.get(k), fused.get(k), 1e-14);
        }
        Tensor[] direct = LSTM.stepBackward(g, gi, gh, c);
        assertClose(direct[0], fused.get(0), 1e-14);
        assertClose(direct[1], fused.get(2), 1e-14);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rnn", "gru", "lstm"})
    void whatRowsHoldPastTheirEndChangesNothing(String kind) {
        Random rng = new Random(5);
        RNNBase layer = make(kind, 3, 4, 2, true, 0.0, rng);
        int[] lengths = {4, 1, 3, 2};
        double[][][] clean = new double[4][][];
        for (int s = 0; s < 4; s++) {
            clean[s] = Tensor.randn(4, 3, rng).toArray();
        }
        double[][] cleanGrads = null;
        double[][][] cleanOut = null;
        for (double junk : new double[] {0.0, Double.NaN, Double.POSITIVE_INFINITY}) {
            List<Tensor> steps = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                double[][] rows = new double[4][];
                for (int i = 0; i < 4; i++) {
                    rows[i] = s < lengths[i] ? clean[s][i].clone() : new double[] {junk, -junk, junk};
                }
                steps.add(Tensor.of(rows).requiresGrad(true));
            }
            layer.zeroGrad();
            SequenceOutput out = call(layer, steps, lengths);
            flat(out).square().sum().backward();
            double[][][] values = new double[4][][];
            for (int s = 0; s < 4; s++) {
                values[s] = out.outputs().get(s).toArray();
                for (int i = 0; i < 4; i++) {
                    if (s >= lengths[i]) {
                        assertArrayEquals(new double[8], values[s][i], "output past the end of sequence " + i);
                        assertArrayEquals(new double[3], steps.get(s).grad().toArray()[i], "gradient past the end");
                    }
                }
            }
            double[][] grads = layer.parameters().get(0).grad().toArray();
            if (cleanOut == null) {
                cleanOut = values;
                cleanGrads = grads;
            } else {
                assertArrayEquals(cleanOut, values, "junk " + junk);
                assertArrayEquals(cleanGrads, grads, "junk " + junk);
            }
        }
    }

    private static SequenceOutput call(RNNBase layer, List<Tensor> steps, int[] lengths) {
        if (layer instanceof LSTM l) {
            return l.forward(steps, lengths);
        }
        return layer instanceof GRU g ? g.forward(steps, lengths) : ((RNN) layer).forward(steps, lengths);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rnn", "gru", "lstm"})
    void aBatchGivesWhatEachSequenceGivesAlone(String kind) {
        Random rng = new Random(8);
        RNNBase layer = make(kind, 3, 5, 2, true, 0.0, rng);
        int[] lengths = {3, 6, 3, 1, 6, 4};
        List<Tensor> steps = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            steps.add(Tensor.randn(lengths.length, 3, rng));
        }
        SequenceOutput out = call(layer, steps, lengths);
        for (int i = 0; i < lengths.length; i++) {
            List<Tensor> rows = new ArrayList<>();
            for (int s = 0; s < lengths[i]; s++) {
                rows.add(steps.get(s).narrow(0, i, 1));
            }
            Tensor alone = layer.forward(Tensor.cat(0, rows));
            for (int s = 0; s < lengths[i]; s++) {
                assertClose(alone.narrow(0, s, 1), out.outputs().get(s).narrow(0, i, 1), 1e-12);
            }
            // h_n: layer 1 forward is the output's first half at the last step; backward the second half at step 0
            assertClose(alone.narrow(0, lengths[i] - 1, 1).narrow(1, 0, 5), out.hidden().get(2).narrow(0, i, 1),
                    1e-12);
            assertClose(alone.narrow(0, 0, 1).narrow(1, 5, 5), out.hidden().get(3).narrow(0, i, 1), 1e-12);
        }
    }

    private static void assertClose(Tensor expected, Tensor actual, double tol) {
        double[][] e = expected.toArray();
        double[][] a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            for (int j = 0; j < e[i].length; j++) {
                assertEquals(e[i][j], a[i][j], tol * Math.max(1, Math.abs(e[i][j])), "entry " + i + "," + j);
            }
        }
    }

    /**
     * Two relu layers that pass their input through (W_ih = I, W_hh = 0, no bias) make layer 1's output the dropped
     * layer 0 output: each entry is 0 with probability p and x / (1 − p) otherwise.
     */
    @Test
    void dropoutBetweenLayersZeroesAFractionPAndScalesTheRestInTrainingOnly() {
        double p = 0.3;
        int h = 4;
        RNN rnn = new RNN(h, h, 2, false, p, new Random(3)).nonlinearity(RNN.Nonlinearity.RELU);
        Map<String, Tensor> state = rnn.stateDict();
        state.replaceAll((k, v) -> k.startsWith("weight_ih") ? eye(h) : Tensor.zeros(v.rows(), v.cols()));
        rnn.loadStateDict(state);
        Random rng = new Random(4);
        List<Tensor> steps = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            steps.add(Tensor.rand(400, h, rng).add(0.5));
        }
        SequenceOutput trained = rnn.forward(steps);
        int zeros = 0;
        int total = 0;
        for (int s = 0; s < 5; s++) {
            double[][] x = steps.get(s).toArray();
            double[][] y = trained.outputs().get(s).toArray();
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < h; j++) {
                    total++;
                    if (y[i][j] == 0) {
                        zeros++;
                    } else {
                        assertEquals(x[i][j] / (1 - p), y[i][j], 1e-15);
                    }
                }
            }
        }
        // 8000 Bernoulli(0.3) draws: standard deviation 0.0051, so 0.02 is four of them
        assertEquals(p, (double) zeros / total, 0.02);
        rnn.eval();
        SequenceOutput evaluated = rnn.forward(steps);
        for (int s = 0; s < 5; s++) {
            assertArrayEquals(steps.get(s).toArray(), evaluated.outputs().get(s).toArray());
        }
    }

    @Test
    void dropoutWithOneLayerDropsNothing() {
        LSTM lstm = new LSTM(3, 4, 1, false, 0.5, new Random(1));
        LSTM plain = new LSTM(3, 4, new Random(1));
        List<Tensor> steps = List.of(Tensor.randn(2, 3, new Random(2)), Tensor.randn(2, 3, new Random(3)));
        assertArrayEquals(plain.forward(steps).outputs().get(1).toArray(),
                lstm.forward(steps).outputs().get(1).toArray());
    }

    private static Tensor eye(int n) {
        double[][] rows = new double[n][n];
        for (int i = 0; i < n; i++) {
            rows[i][i] = 1;
        }
        return Tensor.of(rows);
    }

    @Test
    void parametersHavePyTorchsNamesShapesAndInitBounds() {
        LSTM lstm = new LSTM(3, 5, 2, true, 0.0, new Random(0));
        Map<String, Tensor> p = lstm.namedParameters();
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
                "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"),
                List.copyOf(p.keySet()));
        assertShape(20, 3, p.get("weight_ih_l0"));
        assertShape(20, 5, p.get("weight_hh_l0_reverse"));
        assertShape(1, 20, p.get("bias_hh_l0"));
        assertShape(20, 10, p.get("weight_ih_l1"));
        assertShape(3, 4, new GRU(4, 1, new Random(0)).namedParameters().get("weight_ih_l0"));
        double bound = 1 / Math.sqrt(5);
        double max = 0;
        for (Tensor t : p.values()) {
            for (double[] row : t.toArray()) {
                for (double v : row) {
                    assertTrue(Math.abs(v) <= bound, "init within ±1/√hidden");
                    max = Math.max(max, Math.abs(v));
                }
            }
        }
        assertTrue(max > 0.9 * bound, "init fills the range");
        assertEquals("LSTM(3, 5, num_layers=2, bidirectional=True)", lstm.toString().split("  ")[0]);
    }

    private static void assertShape(int rows, int cols, Tensor t) {
        assertEquals(rows + "x" + cols, t.rows() + "x" + t.cols());
    }

    private static void assertRejected(String message, Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void badInputIsRejectedWithTheLayerAndTheNumbers() {
        Random rng = new Random(0);
        LSTM lstm = new LSTM(3, 4, 2, true, 0.0, rng);
        GRU gru = new GRU(3, 4, rng);
        List<Tensor> steps = List.of(Tensor.zeros(2, 3), Tensor.zeros(2, 3));
        List<Tensor> h0 = List.of(Tensor.zeros(2, 4), Tensor.zeros(2, 4), Tensor.zeros(2, 4), Tensor.zeros(2, 4));
        assertRejected("LSTM: step 1 is 2x5 but inputSize is 3",
                () -> lstm.forward(List.of(Tensor.zeros(2, 3), Tensor.zeros(2, 5))));
        assertRejected("GRU: step 1 has 3 rows but step 0 has 2; every step holds the same N sequences",
                () -> gru.forward(List.of(Tensor.zeros(2, 3), Tensor.zeros(3, 3))));
        assertRejected("GRU: a batch needs at least one step, got an empty list", () -> gru.forward(List.of()));
        assertRejected("LSTM: lengths[1] = 0 is outside 1..2 (T = 2 steps)",
                () -> lstm.forward(steps, new int[] {2, 0}));
        assertRejected("LSTM: lengths[0] = 3 is outside 1..2 (T = 2 steps)",
                () -> lstm.forward(steps, new int[] {3, 1}));
        assertRejected("GRU: 3 lengths for a batch of 2 sequences", () -> gru.forward(steps, new int[] {1, 2, 2}));
        assertRejected("LSTM: h0 has 2 tensors but numLayers·D = 2·2 = 4 are needed",
                () -> lstm.forward(steps, null, h0.subList(0, 2), h0.subList(0, 2)));
        assertRejected("LSTM: c0[3] is 2x3 but must be N x hiddenSize = 2x4", () -> lstm.forward(steps, null, h0,
                List.of(Tensor.zeros(2, 4), Tensor.zeros(2, 4), Tensor.zeros(2, 4), Tensor.zeros(2, 3))));
        assertRejected("GRU: h0[0] is 3x4 but must be N x hiddenSize = 2x4",
                () -> gru.forward(steps, null, List.of(Tensor.zeros(3, 4))));
        assertRejected("LSTM: h0 and c0 are given both or neither, got only h0",
                () -> lstm.forward(steps, null, h0, null));
        assertRejected("LSTM: h0 and c0 are given both or neither, got only c0",
                () -> lstm.forward(steps, null, null, h0));
        assertRejected("RNN: dropout must be in [0, 1), got 1.0", () -> new RNN(3, 4, 2, false, 1.0, rng));
        assertRejected("GRU: dropout must be in [0, 1), got -0.1", () -> new GRU(3, 4, 2, false, -0.1, rng));
        assertRejected("LSTM: inputSize, hiddenSize and numLayers must be positive, got inputSize=3, hiddenSize=4, "
                + "numLayers=0", () -> new LSTM(3, 4, 0, false, 0, rng));
        assertRejected("GRU: the input 4x2 must be T x inputSize = T x 3 with T >= 1 (one sequence, a row per step)",
                () -> gru.forward(Tensor.zeros(4, 2)));
        for (Tensor p : lstm.parameters()) {
            assertNull(p.grad());
        }
    }

    @Test
    void aRejectedForwardDrawsNoDropoutMask() {
        Random rng = new Random(9);
        GRU gru = new GRU(2, 3, 2, false, 0.5, rng);
        Random copy = new Random(9);
        new GRU(2, 3, 2, false, 0.5, copy);
        assertThrows(IllegalArgumentException.class,
                () -> gru.forward(List.of(Tensor.zeros(2, 2)), new int[] {1, 2}));
        assertEquals(copy.nextLong(), rng.nextLong(), "the masks' Random was not advanced");
    }
}
