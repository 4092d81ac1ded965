package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * An Elman recurrent network over whole sequences, as {@code torch.nn.RNN}: multi-layer, optionally bidirectional,
 * over a time-major padded batch with lengths (PyTorch's packed sequences). Each layer and direction runs
 *
 * <pre>
 * h_t = act(x_t · W_ihᵀ + b_ih + h_{t−1} · W_hhᵀ + b_hh)        act = tanh (default) or relu
 * </pre>
 *
 * <p>Shape: {@code forward(steps, lengths)} takes T tensors {@code N x inputSize} (step t of every sequence) and
 * returns a {@link SequenceOutput}: T tensors {@code N x D·hiddenSize} (D = 2 when bidirectional) and
 * {@code numLayers·D} final states {@code N x hiddenSize}. {@link #forward(Tensor)} takes one sequence
 * {@code T x inputSize} and returns {@code T x D·hiddenSize}. Layer k &gt; 0 reads layer k − 1's output,
 * the two directions side by side.
 *
 * <p>Parameters, in PyTorch's order and names, for each layer k and direction ({@code _reverse} for the backward
 * one): {@code weight_ih_l{k}} {@code hiddenSize x in} (in = inputSize for layer 0, D·hiddenSize after),
 * {@code weight_hh_l{k}} {@code hiddenSize x hiddenSize}, {@code bias_ih_l{k}} and {@code bias_hh_l{k}}
 * {@code 1 x hiddenSize}. Init, as PyTorch's: every parameter U(−1/√hiddenSize, 1/√hiddenSize), drawn from the
 * given {@link Random} in that order, row by row.
 *
 * <p>With lengths, sequence n has steps {@code 0 .. lengths[n] − 1}: its outputs after that are 0, its final state
 * is taken at its own last step, the backward direction starts there, and whatever its rows hold past its end
 * changes no result and no gradient. Dropout (in training) applies to each layer's output but the last.
 *
 * <pre>{@code
 * RNN rnn = new RNN(3, 16, 2, true, 0.0, new Random(0)).nonlinearity(RNN.Nonlinearity.RELU);
 * SequenceOutput out = rnn.forward(steps, new int[] {5, 2, 4});   // steps: 5 tensors 3x3
 * Tensor last = out.hidden().get(2);                              // layer 1, forward direction, 3x16
 * }</pre>
 */
public final class RNN extends RNNBase {

    /** The activation of the step, as PyTorch's {@code nonlinearity} option. */
    public enum Nonlinearity {
        /** {@code tanh}, PyTorch's default. */
        TANH,
        /** {@code relu}. */
        RELU
    }

    private Nonlinearity nonlinearity = Nonlinearity.TANH;

    /**
     * A one-layer, one-direction tanh RNN initialised from {@code rng}.
     *
     * @param inputSize the number of input features
     * @param hiddenSize the size of the hidden state
     * @param rng the source of the initial values; advanced
     * @throws IllegalArgumentException if a size is not positive
     */
    public RNN(int inputSize, int hiddenSize, Random rng) {
        this(inputSize, hiddenSize, 1, false, 0, rng);
    }

    /**
     * A tanh RNN initialised from {@code rng}.
     *
     * @param inputSize the number of input features
     * @param hiddenSize the size of each direction's hidden state
     * @param numLayers the number of stacked layers
     * @param bidirectional whether each layer also reads the sequences backwards
     * @param dropout the probability of zeroing each layer's output but the last, in training; in {@code [0, 1)}
     * @param rng the source of the initial values and of the dropout masks; advanced
     * @throws IllegalArgumentException if a size is not positive or {@code dropout} is outside {@code [0, 1)}
     */
    public RNN(int inputSize, int hiddenSize, int numLayers, boolean bidirectional, double dropout, Random rng) {
        super("RNN", 1, false, inputSize, hiddenSize, numLayers, bidirectional, dropout, rng);
    }

    /**
     * Sets the activation.
     *
     * @param nonlinearity {@code TANH} or {@code RELU}
     * @return this layer
     */
    public RNN nonlinearity(Nonlinearity nonlinearity) {
        this.nonlinearity = Objects.requireNonNull(nonlinearity, "nonlinearity");
        return this;
    }

    /** {@return the activation of the step} */
    public Nonlinearity nonlinearity() {
        return nonlinearity;
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

    @Override
    State cell(Tensor projected, State previous, Weights w) {
        Tensor pre = projected.add(previous.h().matmulT(w.hh()));
        return new State(nonlinearity == Nonlinearity.TANH ? pre.tanh() : pre.relu(), null);
    }

    @Override
    protected String extraRepr() {
        return super.extraRepr() + (nonlinearity == Nonlinearity.RELU ? ", nonlinearity='relu'" : "");
    }
}
