package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.Random;

/**
 * A gated recurrent unit, one time step on a batch of rows, as {@code torch.nn.GRUCell}:
 *
 * <pre>
 * r  = σ(x · W_irᵀ + b_ir + h · W_hrᵀ + b_hr)
 * z  = σ(x · W_izᵀ + b_iz + h · W_hzᵀ + b_hz)
 * n  = tanh(x · W_inᵀ + b_in + r ⊙ (h · W_hnᵀ + b_hn))
 * h' = (1 − z) ⊙ n + z ⊙ h
 * </pre>
 *
 * <p>Shape: input {@code N x inputSize}, state and output {@code N x hiddenSize}. Parameters, in PyTorch's order,
 * names and gate order (r, z, n stacked by rows): {@code weight_ih} {@code 3·hiddenSize x inputSize},
 * {@code weight_hh} {@code 3·hiddenSize x hiddenSize}, {@code bias_ih} and {@code bias_hh} {@code 1 x 3·hiddenSize}
 * (PyTorch's 1-D biases as rows, and saved so).
 *
 * <p>Init, as PyTorch's: every parameter U(-1/√hiddenSize, 1/√hiddenSize), drawn from the given {@link Random} in
 * that order, row by row (see {@link RNNCellBase}).
 *
 * <p>A sequence is unrolled by calling {@link #forward(Tensor, Tensor)} once per time step with the previous output;
 * backward then runs through time. Composed of tensor ops, the cell is differentiable twice.
 */
public final class GRUCell extends RNNCellBase {

    /**
     * A cell initialised from {@code rng}.
     *
     * @param inputSize the number of input features
     * @param hiddenSize the size of the hidden state
     * @param rng the source of the initial values; advanced
     * @throws IllegalArgumentException if a size is not positive
     */
    public GRUCell(int inputSize, int hiddenSize, Random rng) {
        super(inputSize, hiddenSize, 3, rng);
    }

    @Override
    Tensor stepFromZero(Tensor x) {
        return forward(x, zeros(x.rows()));
    }

    /**
     * One step (the class comment gives the equations).
     *
     * @param x {@code N x inputSize}; not modified
     * @param h the hidden state, {@code N x hiddenSize}; not modified
     * @return the new hidden state, {@code N x hiddenSize}
     * @throws IllegalArgumentException if the input does not have {@code inputSize} columns or the state is not
     *     {@code N x hiddenSize}
     */
    public Tensor forward(Tensor x, Tensor h) {
        return stepHidden(x, h, GRUCell::step);
    }

    /** The step as a function of its inputs and parameters (shapes checked), as ATen's {@code gru_cell}. */
    static Tensor step(Tensor x, Tensor h, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh) {
        int hidden = wHh.cols();
        Tensor gi = Functional.linear(x, wIh, bIh);
        Tensor gh = Functional.linear(h, wHh, bHh);
        Tensor r = gate(gh, 0, hidden).add(gate(gi, 0, hidden)).sigmoid();
        Tensor z = gate(gh, 1, hidden).add(gate(gi, 1, hidden)).sigmoid();
        Tensor n = gate(gi, 2, hidden).add(gate(gh, 2, hidden).mul(r)).tanh();
        // ATen's arrangement of (1 - z) n + z h
        return h.sub(n).mul(z).add(n);
    }
}
