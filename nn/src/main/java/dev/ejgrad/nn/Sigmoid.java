package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;

/** Applies the logistic function 1/(1+e^-x), elementwise, as {@code torch.nn.Sigmoid}. Shape: any; output of the input's shape. */
public final class Sigmoid extends Module {

    /** A sigmoid; it has no parameters. */
    public Sigmoid() {
    }

    @Override
    public Tensor forward(Tensor x) {
        return java.util.Objects.requireNonNull(x, "x").sigmoid();
    }
}
