package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;

/**
 * Applies {@code exp(x - max) / Σ exp(x - max)} along a dimension, as {@code torch.nn.Softmax}. Shape: any; output of the input's shape.
 */
public final class Softmax extends Module {

    private final int dim;

    /**
     * A softmax along {@code dim}.
     *
     * @param dim 1 normalises each row (one example per row), 0 each column
     * @throws IllegalArgumentException if {@code dim} is not 0 or 1
     */
    public Softmax(int dim) {
        if (dim != 0 && dim != 1) {
            throw new IllegalArgumentException("Softmax: dim must be 0 or 1, got " + dim);
        }
        this.dim = dim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return java.util.Objects.requireNonNull(x, "x").softmax(dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
