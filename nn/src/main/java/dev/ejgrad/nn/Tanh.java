package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;

/** Applies the hyperbolic tangent, elementwise, as {@code torch.nn.Tanh}. Shape: any; output of the input's shape. */
public final class Tanh extends Module {

    /** A tanh; it has no parameters. */
    public Tanh() {
    }

    @Override
    public Tensor forward(Tensor x) {
        return java.util.Objects.requireNonNull(x, "x").tanh();
    }
}
