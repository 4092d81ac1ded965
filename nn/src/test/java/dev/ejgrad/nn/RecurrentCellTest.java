package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.GradCheck;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RecurrentCellTest {

    private static final List<String> NAMES = List.of("weight_ih", "weight_hh", "bias_ih", "bias_hh");

    private static void assertPyTorchInit(Module cell, int gates, int in, int hidden, long seed) {
        Map<String, Tensor> p = cell.namedParameters();
        assertEquals(NAMES, List.copyOf(p.keySet()));
        int[][] shapes = {{gates * hidden, in}, {gates * hidden, hidden}, {1, gates * hidden}, {1, gates * hidden}};
        double bound = 1 / Math.sqrt(hidden);
        Random r = new Random(seed);
        for (int k = 0; k < 4; k++) {
            Tensor t = p.get(NAMES.get(k));
            assertEquals(shapes[k][0], t.rows(), NAMES.get(k));
            assertEquals(shapes[k][1], t.cols(), NAMES.get(k));
            assertTrue(t.requiresGrad() && t.isLeaf());
            for (int i = 0; i < t.rows(); i++) {
                for (int j = 0; j < t.cols(); j++) {
                    assertEquals(-bound + 2 * bound * r.nextDouble(), t.get(i, j), 0, "drawn in PyTorch's order");
                }
            }
        }
    }

    @Test
    void parametersHavePyTorchsNamesShapesAndInitOrder() {
        assertPyTorchInit(new RNNCell(3, 4, new Random(7)), 1, 3, 4, 7);
        assertPyTorchInit(new GRUCell(3, 4, new Random(7)), 3, 3, 4, 7);
        assertPyTorchInit(new LSTMCell(3, 4, new Random(7)), 4, 3, 4, 7);
        assertTrue(new GRUCell(3, 4, new Random(7)).toString().startsWith("GRUCell(3, 4)"));
        assertEquals(NAMES, List.copyOf(new LSTMCell(2, 2, new Random(0)).stateDict().keySet()));
    }

    @Test
    void theThreeCellsShareOneBaseWithItsSizesAndOptionText() {
        Random rng = new Random(1);
        for (RNNCellBase cell : List.of(new RNNCell(3, 5, rng), new GRUCell(3, 5, rng), new LSTMCell(3, 5, rng))) {
            String name = cell.getClass().getSimpleName();
            assertEquals(3, cell.inputSize(), name);
            assertEquals(5, cell.hiddenSize(), name);
            assertTrue(cell.toString().startsWith(name + "(3, 5)  weight_ih "), cell.toString());
        }
    }

    private static Tensor[] params(Module cell) {
        return cell.parameters().toArray(new Tensor[0]);
    }

    @Test
    void gruMatchesItsEquationsWrittenOut() {
        GRUCell cell = new GRUCell(2, 3, new Random(3));
        Tensor x = Tensor.randn(4, 2, new Random(1));
        Tensor h = Tensor.randn(4, 3, new Random(2));
        Tensor[] p = params(cell);
        Tensor gi = x.matmul(p[0].t()).add(p[2]);
        Tensor gh = h.matmul(p[1].t()).add(p[3]);
        Tensor r = gi.narrow(1, 0, 3).add(gh.narrow(1, 0, 3)).sigmoid();
        Tensor z = gi.narrow(1, 3, 3).add(gh.narrow(1, 3, 3)).sigmoid();
        Tensor n = gi.narrow(1, 6, 3).add(r.mul(gh.narrow(1, 6, 3))).tanh();
        Tensor expected = z.neg().add(1).mul(n).add(z.mul(h));
        double[][] got = cell.forward(x, h).toArray();
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(expected.toArray()[i], got[i], 1e-15);
        }
    }

    @Test
    void theOneArgumentFormStartsFromTheZeroState() {
        Tensor x = Tensor.randn(3, 2, new Random(1));
        RNNCell rnn = new RNNCell(2, 4, new Random(0));
        assertArrayEquals(rnn.forward(x, Tensor.zeros(3, 4)).toArray(), rnn.forward(x).toArray());
        GRUCell gru = new GRUCell(2, 4, new Random(0));
        assertArrayEquals(gru.forward(x, Tensor.zeros(3, 4)).toArray(), gru.forward(x).toArray());
        LSTMCell lstm = new LSTMCell(2, 4, new Random(0));
        LSTMCell.State s = lstm.forward(x, new LSTMCell.State(Tensor.zeros(3, 4), Tensor.zeros(3, 4)));
        assertArrayEquals(s.h().toArray(), lstm.forward(x).toArray());
        assertArrayEquals(s.c().toArray(), lstm.forward(x, lstm.zeroState(3)).c().toArray());
        assertEquals(0, lstm.zeroState(0).h().rows());
    }

    @Test
    void rnnCellGradcheckAndGradgradcheck() {
        Random rng = new Random(21);
        Tensor x = Tensor.randn(2, 3, rng).requiresGrad(true);
        Tensor h = Tensor.randn(2, 2, rng).requiresGrad(true);
        Tensor[] p = params(new RNNCell(3, 2, rng));
        GradCheck.assertPasses(in -> RNNCell.step(in[0], in[1], in[2], in[3], in[4], in[5]).add(1).square(),
                x, h, p[0], p[1], p[2], p[3]);
        GradCheck.assertGradGradPasses(in -> RNNCell.step(in[0], in[1], in[2], in[3], in[4], in[5]),
                x, h, p[0], p[1], p[2], p[3]);
    }

    @Test
    void gruCellGradcheckAndGradgradcheck() {
        Random rng = new Random(22);
        Tensor x = Tensor.randn(2, 3, rng).requiresGrad(true);
        Tensor h = Tensor.randn(2, 2, rng).requiresGrad(true);
        Tensor[] p = params(new GRUCell(3, 2, rng));
        GradCheck.assertPasses(in -> GRUCell.step(in[0], in[1], in[2], in[3], in[4], in[5]).add(1).square(),
                x, h, p[0], p[1], p[2], p[3]);
        GradCheck.assertGradGradPasses(in -> GRUCell.step(in[0], in[1], in[2], in[3], in[4], in[5]),
                x, h, p[0], p[1], p[2], p[3]);
    }

    @Test
    void lstmCellGradcheckAndGradgradcheck() {
        Random rng = new Random(23);
        Tensor x = Tensor.randn(2, 3, rng).requiresGrad(true);
        Tensor h = Tensor.randn(2, 2, rng).requiresGrad(true);
        Tensor c = Tensor.randn(2, 2, rng).requiresGrad(true);
        Tensor[] p = params(new LSTMCell(3, 2, rng));
        GradCheck.assertPasses(in -> {
            LSTMCell.State s = LSTMCell.step(in[0], in[1], in[2], in[3], in[4], in[5], in[6]);
            return Tensor.cat(1, s.h(), s.c()).add(1).square();
        }, x, h, c, p[0], p[1], p[2], p[3]);
        GradCheck.assertGradGradPasses(in -> {
            LSTMCell.State s = LSTMCell.step(in[0], in[1], in[2], in[3], in[4], in[5], in[6]);
            return Tensor.cat(1, s.h(), s.c());
        }, x, h, c, p[0], p[1], p[2], p[3]);
    }

    private static void assertRejected(String message, Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void wrongFeatureCountsAndStateShapesAreRejectedByName() {
        RNNCell rnn = new RNNCell(3, 2, new Random(0));
        GRUCell gru = new GRUCell(3, 2, new Random(0));
        LSTMCell lstm = new LSTMCell(3, 2, new Random(0));
        Tensor x = Tensor.ones(4, 3).requiresGrad(true);
        Tensor h = Tensor.ones(4, 2);
        assertRejected("RNNCell: input must have 3 columns (inputSize), got 4x2", () -> rnn.forward(h));
        assertRejected("GRUCell: input must have 3 columns (inputSize), got 4x2", () -> gru.forward(h, h));
        assertRejected("LSTMCell: input must have 3 columns (inputSize), got 4x2", () -> lstm.forward(h));
        assertRejected("RNNCell: hidden state h must be 4x2 (the input's rows x hiddenSize) for an input of shape "
                + "4x3, got 3x2", () -> rnn.forward(x, Tensor.ones(3, 2)));
        assertRejected("GRUCell: hidden state h must be 4x2 (the input's rows x hiddenSize) for an input of shape "
                + "4x3, got 4x3", () -> gru.forward(x, Tensor.ones(4, 3)));
        assertRejected("LSTMCell: hidden state h must be 4x2 (the input's rows x hiddenSize) for an input of shape "
                + "4x3, got 1x2", () -> lstm.forward(x, new LSTMCell.State(Tensor.ones(1, 2), Tensor.ones(1, 2))));
        LSTMCell.State small = lstm.zeroState(4);
        assertRejected("LSTMCell.State: h and c must have one shape, got h 4x2 and c 4x3",
                () -> new LSTMCell.State(small.h(), Tensor.ones(4, 3)));
        assertRejected("RNNCell: inputSize and hiddenSize must be positive, got inputSize=3, hiddenSize=0",
                () -> new RNNCell(3, 0, new Random(0)));
        assertRejected("GRUCell: inputSize and hiddenSize must be positive, got inputSize=0, hiddenSize=2",
                () -> new GRUCell(0, 2, new Random(0)));
        assertRejected("LSTMCell: inputSize and hiddenSize must be positive, got inputSize=-1, hiddenSize=2",
                () -> new LSTMCell(-1, 2, new Random(0)));
        assertRejected("LSTMCell: batch must not be negative, got -1", () -> lstm.zeroState(-1));
        assertNull(x.grad());
        assertThrows(NullPointerException.class, () -> new LSTMCell.State(null, h), "h");
        assertEquals("c", assertThrows(NullPointerException.class, () -> new LSTMCell.State(h, null)).getMessage());
    }

    /**
     * Majority vote over 9 random bits, read one bit per time step by a GRU and classified from its last state: a
     * model that ignores the recurrence (or one bit) cannot pass 97% held-out accuracy.
     */
    @Test
    void aGruLearnsWhetherASequenceHasMoreOnesThanZeros() {
        int length = 9;
        Random data = new Random(5);
        int[][] trainBits = bits(data, 128, length);
        int[][] testBits = bits(data, 200, length);
        Random rng = new Random(8);
        GRUCell cell = new GRUCell(1, 8, rng);
        Linear head = new Linear(8, 2, true, rng);
        List<Tensor> params = new ArrayList<>(cell.parameters());
        params.addAll(head.parameters());
        Adam opt = new Adam(params, 0.03);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        int[] trainLabels = majority(trainBits);
        double first = 0;
        double last = 0;
        for (int step = 0; step < 60; step++) {
            opt.zeroGrad();
            Tensor loss = ce.forward(head.forward(run(cell, trainBits)), trainLabels);
            loss.backward();
            opt.step();
            last = loss.item();
            if (step == 0) {
                first = last;
            }
        }
        assertTrue(first > 0.6 && last < 0.1, "the loss falls from " + first + " to " + last);
        int[] predicted = head.forward(run(cell, testBits)).argmax(1);
        int[] labels = majority(testBits);
        int correct = 0;
        for (int k = 0; k < labels.length; k++) {
            correct += predicted[k] == labels[k] ? 1 : 0;
        }
        assertTrue(correct >= 0.97 * labels.length, "held-out accuracy " + correct + "/" + labels.length);
    }

    private static int[][] bits(Random rng, int n, int length) {
        int[][] b = new int[n][length];
        for (int[] row : b) {
            for (int t = 0; t < length; t++) {
                row[t] = rng.nextInt(2);
            }
        }
        return b;
    }

    private static int[] majority(int[][] bits) {
        int[] out = new int[bits.length];
        for (int k = 0; k < bits.length; k++) {
            int ones = 0;
            for (int b : bits[k]) {
                ones += b;
            }
            out[k] = 2 * ones > bits[k].length ? 1 : 0;
        }
        return out;
    }

    /** The GRU's last hidden state after reading each row's bits (as ±1), one column per time step. */
    private static Tensor run(GRUCell cell, int[][] bits) {
        Tensor h = null;
        for (int t = 0; t < bits[0].length; t++) {
            double[] col = new double[bits.length];
            for (int k = 0; k < bits.length; k++) {
                col[k] = 2 * bits[k][t] - 1;
            }
            Tensor x = Tensor.column(col);
            h = h == null ? cell.forward(x) : cell.forward(x, h);
        }
        return h;
    }
}
