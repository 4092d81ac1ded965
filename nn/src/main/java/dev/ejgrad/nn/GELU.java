package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.Objects;

/**
 * The Gaussian error linear unit, as {@code torch.nn.GELU}: {@code x·Φ(x) = x·(1 + erf(x/√2))/2}, or with
 * {@link Approximation#TANH} {@code x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))/2}.
 *
 * <p>Shape: any; the output has the input's shape. No parameters.
 */
public final class GELU extends Module {

    /** How GELU computes Φ, as PyTorch's {@code approximate} argument. */
    public enum Approximation {
        /** The exact form, with erf ({@code approximate='none'}, the default). */
        NONE,
        /** The tanh approximation ({@code approximate='tanh'}). */
        TANH
    }

    private final Approximation approximation;

    /** The exact GELU, PyTorch's default. */
    public GELU() {
        this(Approximation.NONE);
    }

    /**
     * A GELU with the given form.
     *
     * @param approximation {@link Approximation#NONE} for the erf form, {@link Approximation#TANH} for the tanh one
     */
    public GELU(Approximation approximation) {
        this.approximation = Objects.requireNonNull(approximation, "approximation");
    }

    /** {@return the form this GELU computes} */
    public Approximation approximation() {
        return approximation;
    }

    /**
     * Applies GELU elementwise.
     *
     * @param input any shape; not modified
     * @return GELU of every element
     */
    @Override
    public Tensor forward(Tensor input) {
        return Functional.gelu(Objects.requireNonNull(input, "input"), approximation);
    }

    @Override
    protected String extraRepr() {
        return "approximate='" + approximation.name().toLowerCase(java.util.Locale.ROOT) + "'";
    }
}
