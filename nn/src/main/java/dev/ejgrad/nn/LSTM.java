package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.List;
import java.util.Random;

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
     * One sequence, PyTorch's unbatched input, from the zero state.
     *
     * @param input {@code T x inputSize}, a row per step; not modified
     * @return the last layer's outputs, {@code T x D·hiddenSize}
     * @throws IllegalArgumentException if the input is not {@code inputSize} wide
     */
    @Override
    public Tensor forward(Tensor input) {
        return runUnbatched(input);
    }

    /**
     * A batch of sequences that all have T steps, from the zero state.
     *
     * @param steps T tensors {@code N x inputSize}; not modified
     * @return the outputs and the final hidden and cell states
     * @throws IllegalArgumentException if the steps are empty or differ in shape, or a step is not
     *     {@code inputSize} wide
     */
    public SequenceOutput forward(List<Tensor> steps) {
        return run(steps, null, null, null);
    }

    /**
     * A padded batch, from the zero state.
     *
     * @param steps T tensors {@code N x inputSize}; not modified
     * @param lengths N lengths in {@code 1..T}, in any order, or {@code null} for all T; not modified
     * @return the outputs (zero past each length) and the final hidden and cell states
     * @throws IllegalArgumentException as {@link #forward(List, int[], List, List)}
     */
    public SequenceOutput forward(List<Tensor> steps, int[] lengths) {
        return run(steps, lengths, null, null);
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
    Tensor project(Tensor input, Weights w) {
        return input.matmulT(w.ih()).add(w.bIh().add(w.bHh()));
    }

    @Override
    State cell(Tensor projected, State previous, Weights w) {
        int hidden = w.hh().cols();
        Tensor gates = projected.add(previous.h().matmulT(w.hh()));
        Tensor ifs = gates.narrow(1, 0, 2 * hidden).sigmoid();
        Tensor i = ifs.narrow(1, 0, hidden);
        Tensor f = ifs.narrow(1, hidden, hidden);
        Tensor g = gates.narrow(1, 2 * hidden, hidden).tanh();
        Tensor o = gates.narrow(1, 3 * hidden, hidden).sigmoid();
        Tensor c = f.mul(previous.c()).add(i.mul(g));
        return new State(o.mul(c.tanh()), c);
    }
}
