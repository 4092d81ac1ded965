package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.Objects;

/**
 * The exponential linear unit, {@code x > 0 ? x : α·(e^x - 1)}, elementwise, as {@code torch.nn.ELU}.
 *
 * <p>Shape: any; the output has the input's shape. No parameters. Default α = 1, as PyTorch.
 */
public final class ELU extends Module {

    private final double alpha;

    /** An ELU with PyTorch's default α = 1. */
    public ELU() {
        this(1.0);
    }

    /**
     * An ELU with the given α.
     *
     * @param alpha the scale of the negative part
     * @throws IllegalArgumentException if alpha is not finite
     */
    public ELU(double alpha) {
        if (!Double.isFinite(alpha)) {
            throw new IllegalArgumentException("ELU: alpha must be finite, got " + alpha);
        }
        this.alpha = alpha;
    }

    /** {@return α, the scale of the negative part} */
    public double alpha() {
        return alpha;
    }

    /**
     * Applies the ELU elementwise.
     *
     * @param input any shape; not modified
     * @return a tensor of the input's shape
     */
    @Override
    public Tensor forward(Tensor input) {
        return Functional.elu(Objects.requireNonNull(input, "input"), alpha);
    }

    @Override
    protected String extraRepr() {
        return "alpha=" + Repr.pyFloat(alpha);
    }
}
