package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.List;
import java.util.Random;

/**
 * A gated recurrent unit network over whole sequences, as {@code torch.nn.GRU}: multi-layer, optionally
 * bidirectional, over a time-major padded batch with lengths (PyTorch's packed sequences). Each layer and direction
 * runs, with PyTorch's gate order r, z, n:
 *
 * <pre>
 * r_t = σ(x_t · W_irᵀ + b_ir + h_{t−1} · W_hrᵀ + b_hr)
 * z_t = σ(x_t · W_izᵀ + b_iz + h_{t−1} · W_hzᵀ + b_hz)
 * n_t = tanh(x_t · W_inᵀ + b_in + r_t ⊙ (h_{t−1} · W_hnᵀ + b_hn))
 * h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
 * </pre>
 *
 * <p>Shape: {@code forward(steps, lengths)} takes T tensors {@code N x inputSize} (step t of every sequence) and
 * returns a {@link SequenceOutput}: T tensors {@code N x D·hiddenSize} (D = 2 when bidirectional) and
 * {@code numLayers·D} final states {@code N x hiddenSize}. {@link #forward(Tensor)} takes one sequence
 * {@code T x inputSize} and returns {@code T x D·hiddenSize}. Layer k &gt; 0 reads layer k − 1's output, the two
 * directions side by side.
 *
 * <p>Parameters, in PyTorch's order and names, for each layer k and direction ({@code _reverse} for the backward
 * one): {@code weight_ih_l{k}} {@code 3·hiddenSize x in} (in = inputSize for layer 0, D·hiddenSize after; r, z, n
 * stacked by rows), {@code weight_hh_l{k}} {@code 3·hiddenSize x hiddenSize}, {@code bias_ih_l{k}} and
 * {@code bias_hh_l{k}} {@code 1 x 3·hiddenSize}. Init, as PyTorch's: every parameter U(−1/√hiddenSize,
 * 1/√hiddenSize), drawn from the given {@link Random} in that order, row by row.
 *
 * <p>With lengths, sequence n has steps {@code 0 .. lengths[n] − 1}: its outputs after that are 0, its final state
 * is taken at its own last step, the backward direction starts there, and whatever its rows hold past its end
 * changes no result and no gradient. Dropout (in training) applies to each layer's output but the last.
 *
 * <pre>{@code
 * GRU gru = new GRU(8, 32, new Random(0));
 * SequenceOutput out = gru.forward(steps, lengths);   // steps: T tensors N x 8; lengths: N values in 1..T
 * Tensor last = out.hidden().get(0);                  // N x 32, each sequence at its own last step
 * }</pre>
 */
public final class GRU extends RNNBase {

    /**
     * A one-layer, one-direction GRU initialised from {@code rng}.
     *
     * @param inputSize the number of input features
     * @param hiddenSize the size of the hidden state
     * @param rng the source of the initial values; advanced
     * @throws IllegalArgumentException if a size is not positive
     */
    public GRU(int inputSize, int hiddenSize, Random rng) {
        this(inputSize, hiddenSize, 1, false, 0, rng);
    }

    /**
     * A GRU initialised from {@code rng}.
     *
     * @param inputSize the number of input features
     * @param hiddenSize the size of each direction's hidden state
     * @param numLayers the number of stacked layers
     * @param bidirectional whether each layer also reads the sequences backwards
     * @param dropout the probability of zeroing each layer's output but the last, in training; in {@code [0, 1)}
     * @param rng the source of the initial values and of the dropout masks; advanced
     * @throws IllegalArgumentException if a size is not positive or {@code dropout} is outside {@code [0, 1)}
     */
    public GRU(int inputSize, int hiddenSize, int numLayers, boolean bidirectional, double dropout, Random rng) {
        super("GRU", 3, false, inputSize, hiddenSize, numLayers, bidirectional, dropout, rng);
    }

    /**
     * A padded batch from an initial state.
     *
     * @param steps T tensors {@code N x inputSize}; not modified
     * @param lengths N lengths in {@code 1..T}, in any order, or {@code null} for all T; not modified
     * @param h0 {@code numLayers·D} tensors {@code N x hiddenSize} in {@code h_n}'s order, or {@code null} for
     *     zeros; not modified
     * @return the outputs (zero past each length) and final states; {@code cells()} is null
     * @throws IllegalArgumentException if the steps are empty or differ in shape, a step is not {@code inputSize}
     *     wide, there are not N lengths or one is outside {@code 1..T}, or {@code h0} has the wrong count or shapes
     */
    public SequenceOutput forward(List<Tensor> steps, int[] lengths, List<Tensor> h0) {
        return run(steps, lengths, h0, null);
    }

    /** Only {@code bias_ih}: {@code b_hn} sits inside {@code r ⊙ (…)}, so it joins the recurrent product. */
    @Override
    Tensor projectionBias(Weights w) {
        return w.bIh();
    }

    @Override
    State cell(Tensor projected, State previous, Weights w) {
        int hidden = w.hh().cols();
        Tensor h = previous.h();
        Tensor recurrent = Functional.linear(h, w.hh(), w.bHh());
        Tensor rz = projected.narrow(1, 0, 2 * hidden).add(recurrent.narrow(1, 0, 2 * hidden)).sigmoid();
        Tensor r = rz.narrow(1, 0, hidden);
        Tensor z = rz.narrow(1, hidden, hidden);
        Tensor n = projected.narrow(1, 2 * hidden, hidden).add(recurrent.narrow(1, 2 * hidden, hidden).mul(r)).tanh();
        // ATen's arrangement of (1 − z) ⊙ n + z ⊙ h
        return new State(h.sub(n).mul(z).add(n), null);
    }
}
