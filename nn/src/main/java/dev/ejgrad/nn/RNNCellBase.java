package dev.ejgrad.nn;

import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.core.TorchShape;
import java.util.Objects;
import java.util.Random;

/**
 * What the recurrent cells share, as PyTorch's {@code RNNCellBase}: the four parameters, their init, the sizes, the
 * checks of an input and a state, and the option text. A cell adds only its step.
 *
 * <p>Parameters, in PyTorch's order and names, for a cell of {@code G} gates stacked by rows ({@link RNNCell} 1,
 * {@link GRUCell} 3, {@link LSTMCell} 4): {@code weight_ih} {@code G·hiddenSize x inputSize}, {@code weight_hh}
 * {@code G·hiddenSize x hiddenSize}, {@code bias_ih} and {@code bias_hh} {@code 1 x G·hiddenSize} (PyTorch's 1-D
 * biases as rows, saved as {@code [G·hiddenSize]}).
 *
 * <p>Init, as PyTorch's {@code reset_parameters}: every parameter U(-1/√hiddenSize, 1/√hiddenSize), drawn from the
 * given {@link Random} in that order, row by row (through {@link Init#uniform(Tensor, double, double, Random)}).
 */
public abstract class RNNCellBase extends Module {

    private final int inputSize;
    private final int hiddenSize;
    /** {@code weight_ih}, {@code G·hiddenSize x inputSize}. */
    final Tensor weightIh;
    /** {@code weight_hh}, {@code G·hiddenSize x hiddenSize}. */
    final Tensor weightHh;
    /** {@code bias_ih}, {@code 1 x G·hiddenSize}. */
    final Tensor biasIh;
    /** {@code bias_hh}, {@code 1 x G·hiddenSize}. */
    final Tensor biasHh;

    /**
     * Registers and draws the four parameters of a cell of {@code gates} gates.
     *
     * @throws IllegalArgumentException if a size is not positive, before anything is drawn
     */
    RNNCellBase(int inputSize, int hiddenSize, int gates, Random rng) {
        Objects.requireNonNull(rng, "rng");
        if (inputSize <= 0 || hiddenSize <= 0) {
            throw new IllegalArgumentException(name() + ": inputSize and hiddenSize must be positive, got inputSize="
                    + inputSize + ", hiddenSize=" + hiddenSize);
        }
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        double bound = 1 / Math.sqrt(hiddenSize);
        weightIh = registerParameter("weight_ih", Init.uniform(gates * hiddenSize, inputSize, bound, rng));
        weightHh = registerParameter("weight_hh", Init.uniform(gates * hiddenSize, hiddenSize, bound, rng));
        TorchShape vector = TorchShape.of(gates * hiddenSize);
        biasIh = registerParameter("bias_ih", Init.uniform(1, gates * hiddenSize, bound, rng), vector);
        biasHh = registerParameter("bias_hh", Init.uniform(1, gates * hiddenSize, bound, rng), vector);
    }

    /** {@return the number of input features} */
    public final int inputSize() {
        return inputSize;
    }

    /** {@return the size of the hidden state} */
    public final int hiddenSize() {
        return hiddenSize;
    }

    /** The cell's name in messages: {@code RNNCell}, {@code GRUCell} or {@code LSTMCell}. */
    private String name() {
        return getClass().getSimpleName();
    }

    /** Rejects an input without {@code inputSize} columns. */
    final void checkInput(Tensor x) {
        Objects.requireNonNull(x, "x");
        if (x.cols() != inputSize) {
            throw new IllegalArgumentException(name() + ": input must have " + inputSize + " columns (inputSize), got "
                    + Shapes.of(x));
        }
    }

    /** Rejects a state ({@code what}: "hidden state h", "cell state c") that is not {@code x.rows() x hiddenSize}. */
    final void checkState(String what, Tensor state, Tensor x) {
        if (state.rows() != x.rows() || state.cols() != hiddenSize) {
            throw new IllegalArgumentException(name() + ": " + what + " must be " + Shapes.of(x.rows(), hiddenSize)
                    + " (the input's rows x hiddenSize) for an input of shape " + Shapes.of(x) + ", got "
                    + Shapes.of(state));
        }
    }

    /** Column block {@code k} of {@code hidden} columns: gate {@code k} of the packed gates. */
    static Tensor gate(Tensor gates, int k, int hidden) {
        return gates.narrow(1, k * hidden, hidden);
    }

    @Override
    protected String extraRepr() {
        return inputSize + ", " + hiddenSize;
    }
}
