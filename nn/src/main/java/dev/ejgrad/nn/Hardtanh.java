package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.Objects;

/**
 * {@code x} clamped to {@code [minVal, maxVal]}, elementwise, as {@code torch.nn.Hardtanh}; no gradient passes at
 * or beyond the bounds.
 *
 * <p>Shape: any; the output has the input's shape. No parameters. Defaults -1 and 1, as PyTorch.
 */
public final class Hardtanh extends Module {

    private final double minVal;
    private final double maxVal;

    /** A hardtanh on {@code [-1, 1]}, PyTorch's default. */
    public Hardtanh() {
        this(-1, 1);
    }

    /**
     * A hardtanh on {@code [minVal, maxVal]}.
     *
     * @param minVal the lower bound
     * @param maxVal the upper bound, greater than {@code minVal} (as PyTorch's module asserts)
     * @throws IllegalArgumentException if {@code maxVal <= minVal} or a bound is NaN
     */
    public Hardtanh(double minVal, double maxVal) {
        if (!(maxVal > minVal)) {
            throw new IllegalArgumentException("Hardtanh: maxVal must be greater than minVal, got minVal=" + minVal
                    + ", maxVal=" + maxVal);
        }
        this.minVal = minVal;
        this.maxVal = maxVal;
    }

    /** {@return the lower bound} */
    public double minVal() {
        return minVal;
    }

    /** {@return the upper bound} */
    public double maxVal() {
        return maxVal;
    }

    /**
     * Applies hardtanh elementwise.
     *
     * @param input any shape; not modified
     * @return a tensor of the input's shape
     */
    @Override
    public Tensor forward(Tensor input) {
        return Functional.hardtanh(Objects.requireNonNull(input, "input"), minVal, maxVal);
    }

    @Override
    protected String extraRepr() {
        return "min_val=" + Repr.pyFloat(minVal) + ", max_val=" + Repr.pyFloat(maxVal);
    }
}
