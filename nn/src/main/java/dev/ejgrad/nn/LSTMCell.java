package dev.ejgrad.nn;

import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import java.util.Objects;
import java.util.Random;

/**
 * A long short-term memory cell, one time step on a batch of rows, as {@code torch.nn.LSTMCell}:
 *
 * <pre>
 * i  = σ(x · W_iiᵀ + b_ii + h · W_hiᵀ + b_hi)
 * f  = σ(x · W_ifᵀ + b_if + h · W_hfᵀ + b_hf)
 * g  = tanh(x · W_igᵀ + b_ig + h · W_hgᵀ + b_hg)
 * o  = σ(x · W_ioᵀ + b_io + h · W_hoᵀ + b_ho)
 * c' = f ⊙ c + i ⊙ g
 * h' = o ⊙ tanh(c')
 * </pre>
 *
 * <p>Shape: input {@code N x inputSize}; the state's {@code h} and {@code c} and the new ones
 * {@code N x hiddenSize}. Parameters, in PyTorch's order, names and gate order (i, f, g, o stacked by rows):
 * {@code weight_ih} {@code 4·hiddenSize x inputSize}, {@code weight_hh} {@code 4·hiddenSize x hiddenSize},
 * {@code bias_ih} and {@code bias_hh} {@code 1 x 4·hiddenSize} (PyTorch's 1-D biases as rows, and
 * saved so).
 *
 * <p>Init, as PyTorch's: every parameter U(-1/√hiddenSize, 1/√hiddenSize), drawn from the given {@link Random} in
 * that order, row by row (see {@link RNNCellBase}).
 *
 * <p>A sequence is unrolled by calling {@link #forward(Tensor, State)} once per time step with the previous state,
 * starting from {@link #zeroState(int)}; backward then runs through time. Composed of tensor ops, the cell is
 * differentiable twice.
 */
public final class LSTMCell extends RNNCellBase {

    /**
     * The state an LSTM carries from step to step, PyTorch's {@code (h, c)} tuple.
     *
     * @param h the hidden state (the cell's output), {@code N x hiddenSize}
     * @param c the cell state, {@code N x hiddenSize}
     */
    public record State(Tensor h, Tensor c) {

        /**
         * A state of two tensors of one shape.
         *
         * @param h the hidden state, {@code N x hiddenSize}
         * @param c the cell state, of {@code h}'s shape
         * @throws IllegalArgumentException if the shapes differ
         */
        public State {
            Objects.requireNonNull(h, "h");
            Objects.requireNonNull(c, "c");
            if (h.rows() != c.rows() || h.cols() != c.cols()) {
                throw new IllegalArgumentException("LSTMCell.State: h and c must have one shape, got h "
                        + Shapes.of(h) + " and c " + Shapes.of(c));
            }
        }
    }

    /**
     * A cell initialised from {@code rng}.
     *
     * @param inputSize the number of input features
     * @param hiddenSize the size of the hidden and cell states
     * @param rng the source of the initial values; advanced
     * @throws IllegalArgumentException if a size is not positive
     */
    public LSTMCell(int inputSize, int hiddenSize, Random rng) {
        super(inputSize, hiddenSize, 4, rng);
    }

    /**
     * The zero state PyTorch starts from when no state is given, in the parameters' dtype.
     *
     * @param batch the number of rows
     * @return {@code h} and {@code c} both zeros of {@code batch x hiddenSize}
     * @throws IllegalArgumentException if {@code batch} is negative
     */
    public State zeroState(int batch) {
        if (batch < 0) {
            throw new IllegalArgumentException("LSTMCell: batch must not be negative, got " + batch);
        }
        return new State(zeros(batch), zeros(batch));
    }

    @Override
    Tensor stepFromZero(Tensor x) {
        return forward(x, zeroState(x.rows())).h();
    }

    /**
     * One step (the class comment gives the equations).
     *
     * @param x {@code N x inputSize}; not modified
     * @param state the previous {@code (h, c)}, each {@code N x hiddenSize}; not modified
     * @return the new {@code (h', c')}
     * @throws IllegalArgumentException if the input does not have {@code inputSize} columns or the state is not
     *     {@code N x hiddenSize}
     */
    public State forward(Tensor x, State state) {
        checkInput(x);
        Objects.requireNonNull(state, "state");
        checkState("hidden state h", state.h(), x);
        checkState("cell state c", state.c(), x);
        return step(x, state.h(), state.c(), weightIh, weightHh, biasIh, biasHh);
    }

    /** The step as a function of its inputs and parameters (shapes checked), as ATen's {@code lstm_cell}. */
    static State step(Tensor x, Tensor h, Tensor c, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh) {
        int hidden = wHh.cols();
        Tensor gates = Functional.linear(x, wIh, bIh).add(Functional.linear(h, wHh, bHh));
        Tensor i = gate(gates, 0, hidden).sigmoid();
        Tensor f = gate(gates, 1, hidden).sigmoid();
        Tensor g = gate(gates, 2, hidden).tanh();
        Tensor o = gate(gates, 3, hidden).sigmoid();
        Tensor c2 = f.mul(c).add(i.mul(g));
        return new State(o.mul(c2.tanh()), c2);
    }
}
