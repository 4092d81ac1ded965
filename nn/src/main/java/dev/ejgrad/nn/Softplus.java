package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.Objects;

/**
 * {@code log(1 + e^(βx))/β}, and {@code x} itself where {@code βx > threshold}, elementwise, as
 * {@code torch.nn.Softplus}.
 *
 * <p>Shape: any; the output has the input's shape. No parameters. Defaults β = 1, threshold 20, as PyTorch.
 */
public final class Softplus extends Module {

    private final double beta;
    private final double threshold;

    /** A softplus with PyTorch's defaults, β = 1 and threshold 20. */
    public Softplus() {
        this(1, 20);
    }

    /**
     * A softplus with the given sharpness and linear threshold.
     *
     * @param beta β, positive
     * @param threshold above which {@code βx} the result is {@code x}
     * @throws IllegalArgumentException if beta is not positive and finite, or the threshold is NaN
     */
    public Softplus(double beta, double threshold) {
        if (!(beta > 0) || Double.isInfinite(beta) || Double.isNaN(threshold)) {
            throw new IllegalArgumentException("Softplus: beta must be positive and finite and threshold not NaN, got"
                    + " beta=" + beta + ", threshold=" + threshold);
        }
        this.beta = beta;
        this.threshold = threshold;
    }

    /** {@return β, the sharpness} */
    public double beta() {
        return beta;
    }

    /** {@return the threshold on βx above which the result is x} */
    public double threshold() {
        return threshold;
    }

    /**
     * Applies softplus elementwise.
     *
     * @param input any shape; not modified
     * @return a tensor of the input's shape
     */
    @Override
    public Tensor forward(Tensor input) {
        return Functional.softplus(Objects.requireNonNull(input, "input"), beta, threshold);
    }

    @Override
    protected String extraRepr() {
        return "beta=" + Repr.pyFloat(beta) + ", threshold=" + Repr.pyFloat(threshold);
    }
}
