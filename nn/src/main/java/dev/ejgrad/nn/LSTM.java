package dev.ejgrad.nn;

import dev.ejgrad.core.Autograd;
import dev.ejgrad.core.GradFn;
import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * A long short-term memory network over whole sequences, as {@code torch.nn.LSTM}: multi-layer, optionally
 * bidirectional, over a time-major padded batch with lengths (PyTorch's packed sequences). Each layer and direction
 * runs, with PyTorch's gate order i, f, g, o:
 *
 * <pre>
 * [i_t f_t g_t o_t] = x_t · W_ihᵀ + b_ih + h_{t−1} · W_hhᵀ + b_hh     (then σ, σ, tanh, σ)
 * c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
 * h_t = o_t ⊙ tanh(c_t)
 * </pre>
 *
 * <p>Shape: {@code forward(steps, lengths)} takes T tensors {@code N x inputSize} (step t of every sequence) and
 * returns a {@link SequenceOutput}: T tensors {@code N x D·hiddenSize} (D = 2 when bidirectional), and
 * {@code numLayers·D} final hidden states and as many cell states {@code N x hiddenSize}.
 * {@link #forward(Tensor)} takes one sequence {@code T x inputSize} and returns {@code T x D·hiddenSize}. Layer
 * k &gt; 0 reads layer k − 1's output, the two directions side by side.
 *
 * <p>Parameters, in PyTorch's order and names, for each layer k and direction ({@code _reverse} for the backward
 * one): {@code weight_ih_l{k}} {@code 4·hiddenSize x in} (in = inputSize for layer 0, D·hiddenSize after; i, f, g,
 * o stacked by rows), {@code weight_hh_l{k}} {@code 4·hiddenSize x hiddenSize}, {@code bias_ih_l{k}} and
 * {@code bias_hh_l{k}} {@code 1 x 4·hiddenSize}. Init, as PyTorch's: every parameter U(−1/√hiddenSize,
 * 1/√hiddenSize), drawn from the given {@link Random} in that order, row by row.
 *
 * <p>With lengths, sequence n has steps {@code 0 .. lengths[n] − 1}: its outputs after that are 0, its final states
 * are taken at its own last step, the backward direction starts there, and whatever its rows hold past its end
 * changes no result and no gradient. Dropout (in training) applies to each layer's output but the last.
 *
 * <pre>{@code
 * LSTM lstm = new LSTM(28, 128, new Random(0));
 * SequenceOutput out = lstm.forward(rows);                         // rows: 28 tensors 64x28
 * Tensor logits = head.forward(out.hidden().get(0));               // the last step's hidden state, 64x128
 * }</pre>
 */
public final class LSTM extends RNNBase {

    /**
     * A one-layer, one-direction LSTM initialised from {@code rng}.
     *
     * @param inputSize the number of input features
     * @param hiddenSize the size of the hidden and cell states
     * @param rng the source of the initial values; advanced
     * @throws IllegalArgumentException if a size is not positive
     */
    public LSTM(int inputSize, int hiddenSize, Random rng) {
        this(inputSize, hiddenSize, 1, false, 0, rng);
    }

    /**
     * An LSTM initialised from {@code rng}.
     *
     * @param inputSize the number of input features
     * @param hiddenSize the size of each direction's hidden and cell states
     * @param numLayers the number of stacked layers
     * @param bidirectional whether each layer also reads the sequences backwards
     * @param dropout the probability of zeroing each layer's output but the last, in training; in {@code [0, 1)}
     * @param rng the source of the initial values and of the dropout masks; advanced
     * @throws IllegalArgumentException if a size is not positive or {@code dropout} is outside {@code [0, 1)}
     */
    public LSTM(int inputSize, int hiddenSize, int numLayers, boolean bidirectional, double dropout, Random rng) {
        super("LSTM", 4, true, inputSize, hiddenSize, numLayers, bidirectional, dropout, rng);
    }

    /**
     * A padded batch from an initial state, PyTorch's {@code (h_0, c_0)}: both or neither.
     *
     * @param steps T tensors {@code N x inputSize}; not modified
     * @param lengths N lengths in {@code 1..T}, in any order, or {@code null} for all T; not modified
     * @param h0 {@code numLayers·D} tensors {@code N x hiddenSize} in {@code h_n}'s order, or {@code null} for
     *     zeros; not modified
     * @param c0 the initial cell states, as {@code h0}; {@code null} exactly when {@code h0} is; not modified
     * @return the outputs (zero past each length) and the final hidden and cell states
     * @throws IllegalArgumentException if the steps are empty or differ in shape, a step is not {@code inputSize}
     *     wide, there are not N lengths or one is outside {@code 1..T}, only one of {@code h0} and {@code c0} is
     *     given, or one has the wrong count or shapes
     */
    public SequenceOutput forward(List<Tensor> steps, int[] lengths, List<Tensor> h0, List<Tensor> c0) {
        if ((h0 == null) != (c0 == null)) {
            throw new IllegalArgumentException("LSTM: h0 and c0 are given both or neither, got only "
                    + (h0 == null ? "c0" : "h0"));
        }
        return run(steps, lengths, h0, c0);
    }

    @Override
    State cell(Tensor projected, State previous, Weights w) {
        int hidden = w.hh().cols();
        Tensor hc = step(projected, previous.h().matmulT(w.hh()), previous.c());
        return new State(hc.narrow(1, 0, hidden), hc.narrow(1, hidden, hidden));
    }

    /**
     * The pointwise part of a step as one node: from the two halves of the gates' pre-activations {@code z = gi +
     * gh} ({@code b x 4H}, gate order i, f, g, o) and the previous cell state {@code c} ({@code b x H}), the new
     * {@code [h' | c']} ({@code b x 2H}), as ATen's {@code _thnn_fused_lstm_cell}. Its rule, as a formula over
     * tensors (with {@code dc = g_c + g_h ⊙ o ⊙ (1 − tanh²c')}):
     *
     * <pre>
     * d z = [dc ⊙ g ⊙ i(1 − i),  dc ⊙ c ⊙ f(1 − f),  dc ⊙ i ⊙ (1 − g²),  g_h ⊙ tanh c' ⊙ o(1 − o)]   (for gi and gh)
     * d c = dc ⊙ f
     * </pre>
     *
     * is {@link #stepBackward}; without {@code createGraph} the same formula runs as one fused pass over the
     * activations saved by the forward.
     */
    static Tensor step(Tensor gi, Tensor gh, Tensor c) {
        int rows = c.rows();
        int hidden = c.cols();
        double[] z1 = Autograd.valuesOf(gi).data;
        double[] z2 = Autograd.valuesOf(gh).data;
        double[] cOld = Autograd.valuesOf(c).data;
        double[] act = new double[rows * 4 * hidden];
        double[] tc = new double[rows * hidden];
        DMatrixRMaj out = new DMatrixRMaj(rows, 2 * hidden);
        for (int r = 0; r < rows; r++) {
            int a = r * 4 * hidden;
            for (int j = 0; j < hidden; j++) {
                double i = sigmoid(z1[a + j] + z2[a + j]);
                double f = sigmoid(z1[a + hidden + j] + z2[a + hidden + j]);
                double g = tanh(z1[a + 2 * hidden + j] + z2[a + 2 * hidden + j]);
                double o = sigmoid(z1[a + 3 * hidden + j] + z2[a + 3 * hidden + j]);
                double cNew = f * cOld[r * hidden + j] + i * g;
                double t = tanh(cNew);
                act[a + j] = i;
                act[a + hidden + j] = f;
                act[a + 2 * hidden + j] = g;
                act[a + 3 * hidden + j] = o;
                tc[r * hidden + j] = t;
                out.data[r * 2 * hidden + j] = o * t;
                out.data[r * 2 * hidden + hidden + j] = cNew;
            }
        }
        // the three rules share one pass: gi's and gh's are the same tensor, c's comes with it
        Tensor[] last = new Tensor[3];
        GradFn gates = g -> NoGrad.isGradEnabled() ? stepBackward(g, gi, gh, c)[0] : fused(g, last, act, tc, cOld)[1];
        GradFn cell = g -> NoGrad.isGradEnabled() ? stepBackward(g, gi, gh, c)[1] : fused(g, last, act, tc, cOld)[2];
        return Autograd.op("lstm_cell", out, new Tensor[] {gi, gh, c}, new GradFn[] {gates, gates, cell});
    }

    /** {@code 1/(1 + e^−x)}, finite for every x (Math.exp is the JIT's intrinsic; Math.tanh is not). */
    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** {@code tanh x = 2σ(2x) − 1}, to within 2e-16 absolute. */
    private static double tanh(double x) {
        return 2 / (1 + Math.exp(-2 * x)) - 1;
    }

    /** The rule as one pass over the saved activations; {@code memo} keeps the last gradient's results. */
    private static Tensor[] fused(Tensor g, Tensor[] memo, double[] act, double[] tc, double[] cOld) {
        if (memo[0] == g) {
            return memo;
        }
        int hidden = tc.length / g.rows();
        int rows = g.rows();
        double[] gv = Autograd.valuesOf(g).data;
        DMatrixRMaj dz = new DMatrixRMaj(rows, 4 * hidden);
        DMatrixRMaj dcOld = new DMatrixRMaj(rows, hidden);
        for (int r = 0; r < rows; r++) {
            int a = r * 4 * hidden;
            for (int j = 0; j < hidden; j++) {
                double i = act[a + j];
                double f = act[a + hidden + j];
                double gg = act[a + 2 * hidden + j];
                double o = act[a + 3 * hidden + j];
                double t = tc[r * hidden + j];
                double gH = gv[r * 2 * hidden + j];
                double dc = gv[r * 2 * hidden + hidden + j] + gH * o * (1 - t * t);
                dz.data[a + j] = dc * gg * (i * (1 - i));
                dz.data[a + hidden + j] = dc * cOld[r * hidden + j] * (f * (1 - f));
                dz.data[a + 2 * hidden + j] = dc * i * (1 - gg * gg);
                dz.data[a + 3 * hidden + j] = gH * t * (o * (1 - o));
                dcOld.data[r * hidden + j] = dc * f;
            }
        }
        memo[0] = g;
        memo[1] = Tensor.from(dz).to(g.dtype());   // the step's dtype, rounded once as the forward's output
        memo[2] = Tensor.from(dcOld).to(g.dtype());
        return memo;
    }

    /** The rule of {@link #step} as a formula over tensors (differentiable again): {@code {d z, d c}}. */
    static Tensor[] stepBackward(Tensor g, Tensor gi, Tensor gh, Tensor c) {
        int hidden = c.cols();
        Tensor z = gi.add(gh);
        Tensor ifs = z.narrow(1, 0, 2 * hidden).sigmoid();
        Tensor i = ifs.narrow(1, 0, hidden);
        Tensor f = ifs.narrow(1, hidden, hidden);
        Tensor gg = z.narrow(1, 2 * hidden, hidden).tanh();
        Tensor o = z.narrow(1, 3 * hidden, hidden).sigmoid();
        Tensor tc = f.mul(c).add(i.mul(gg)).tanh();
        Tensor gH = g.narrow(1, 0, hidden);
        Tensor dc = g.narrow(1, hidden, hidden).add(gH.mul(o).mul(tc.square().neg().add(1)));
        Tensor dz = Tensor.cat(1, dc.mul(gg).mul(i.mul(i.neg().add(1))), dc.mul(c).mul(f.mul(f.neg().add(1))),
                dc.mul(i).mul(gg.square().neg().add(1)), gH.mul(tc).mul(o.mul(o.neg().add(1))));
        return new Tensor[] {dz, dc.mul(f)};
    }
}
