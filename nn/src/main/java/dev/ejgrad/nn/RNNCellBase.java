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

    /**
     * One step from the zero state, as PyTorch's {@code cell(x)}: the new hidden state. An {@link LSTMCell} returns
     * {@code h'} alone; {@code forward(x, zeroState(x.rows()))} gives {@code c'} too.
     *
     * @param x {@code N x inputSize}; not modified
     * @return the new hidden state, {@code N x hiddenSize}
     * @throws IllegalArgumentException if the input does not have {@code inputSize} columns
     */
    @Override
    public final Tensor forward(Tensor x) {
        checkInput(x);
        return stepFromZero(x);
    }

    /** The cell's step from its zero state, for an input already checked. */
    abstract Tensor stepFromZero(Tensor x);

    /** A zero state {@code rows x hiddenSize} in the parameters' dtype, as PyTorch's default {@code hx}. */
    final Tensor zeros(int rows) {
        return Tensor.zeros(rows, hiddenSize, weightIh.dtype());
    }

    /** A cell's rule over a state that is {@code h} alone, as ATen's {@code rnn_tanh_cell} and {@code gru_cell}. */
    @FunctionalInterface
    interface HiddenRule {
        /** {@return the new hidden state {@code h'} from the input, the state and the four parameters} */
        Tensor apply(Tensor x, Tensor h, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh);
    }

    /**
     * {@code forward(x, h)} of a cell whose state is {@code h} alone ({@link RNNCell}, {@link GRUCell}): the checks,
     * then the rule over this cell's parameters.
     */
    final Tensor stepHidden(Tensor x, Tensor h, HiddenRule rule) {
        checkInput(x);
        Objects.requireNonNull(h, "h");
        checkState("hidden state h", h, x);
        return rule.apply(x, h, weightIh, weightHh, biasIh, biasHh);
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
