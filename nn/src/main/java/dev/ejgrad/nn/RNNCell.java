package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.Random;

/**
 * An Elman recurrent cell with tanh, one time step on a batch of rows, as {@code torch.nn.RNNCell}:
 * {@code h' = tanh(x · weight_ihᵀ + bias_ih + h · weight_hhᵀ + bias_hh)}.
 *
 * <p>Shape: input {@code N x inputSize}, state and output {@code N x hiddenSize}. Parameters, in PyTorch's order
 * and names: {@code weight_ih} {@code hiddenSize x inputSize}, {@code weight_hh} {@code hiddenSize x hiddenSize},
 * {@code bias_ih} and {@code bias_hh} {@code 1 x hiddenSize} (PyTorch's 1-D biases as rows, and saved so).
 *
 * <p>Init, as PyTorch's: every parameter U(-1/√hiddenSize, 1/√hiddenSize), drawn from the given {@link Random} in
 * that order, row by row (see {@link RNNCellBase}).
 *
 * <p>A sequence is unrolled by calling {@link #forward(Tensor, Tensor)} once per time step with the previous output;
 * backward then runs through time. Composed of tensor ops, the cell is differentiable twice.
 */
public final class RNNCell extends RNNCellBase {

    /**
     * A cell initialised from {@code rng}.
     *
     * @param inputSize the number of input features
     * @param hiddenSize the size of the hidden state
     * @param rng the source of the initial values; advanced
     * @throws IllegalArgumentException if a size is not positive
     */
    public RNNCell(int inputSize, int hiddenSize, Random rng) {
        super(inputSize, hiddenSize, 1, rng);
    }

    @Override
    Tensor stepFromZero(Tensor x) {
        return forward(x, zeros(x.rows()));
    }

    /**
     * One step: {@code tanh(x · weight_ihᵀ + bias_ih + h · weight_hhᵀ + bias_hh)}.
     *
     * @param x {@code N x inputSize}; not modified
     * @param h the hidden state, {@code N x hiddenSize}; not modified
     * @return the new hidden state, {@code N x hiddenSize}
     * @throws IllegalArgumentException if the input does not have {@code inputSize} columns or the state is not
     *     {@code N x hiddenSize}
     */
    public Tensor forward(Tensor x, Tensor h) {
        return stepHidden(x, h, RNNCell::step);
    }

    /** The step as a function of its inputs and parameters (shapes checked), as ATen's {@code rnn_tanh_cell}. */
    static Tensor step(Tensor x, Tensor h, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh) {
        return Functional.linear(x, wIh, bIh).add(Functional.linear(h, wHh, bHh)).tanh();
    }
}
