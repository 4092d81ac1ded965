package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.Objects;

/**
 * {@code x > 0 ? x : negativeSlope·x}, elementwise, as {@code torch.nn.LeakyReLU} (at 0 the slope applies).
 *
 * <p>Shape: any; the output has the input's shape. No parameters. Default slope 0.01, as PyTorch.
 */
public final class LeakyReLU extends Module {

    private final double negativeSlope;

    /** A leaky ReLU with PyTorch's default slope, 0.01. */
    public LeakyReLU() {
        this(0.01);
    }

    /**
     * A leaky ReLU with the given slope.
     *
     * @param negativeSlope the slope for {@code x <= 0}
     * @throws IllegalArgumentException if the slope is not finite
     */
    public LeakyReLU(double negativeSlope) {
        if (!Double.isFinite(negativeSlope)) {
            throw new IllegalArgumentException("LeakyReLU: negativeSlope must be finite, got " + negativeSlope);
        }
        this.negativeSlope = negativeSlope;
    }

    /** {@return the slope for {@code x <= 0}} */
    public double negativeSlope() {
        return negativeSlope;
    }

    /**
     * Applies the leaky ReLU elementwise.
     *
     * @param input any shape; not modified
     * @return a tensor of the input's shape
     */
    @Override
    public Tensor forward(Tensor input) {
        return Functional.leakyRelu(Objects.requireNonNull(input, "input"), negativeSlope);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + Repr.pyFloat(negativeSlope);
    }
}
