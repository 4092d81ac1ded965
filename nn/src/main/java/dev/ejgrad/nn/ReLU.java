package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;

/** Applies max(x, 0), elementwise, as {@code torch.nn.ReLU}. Shape: any; output of the input's shape. */
public final class ReLU extends Module {

    /** A ReLU; it has no parameters. */
    public ReLU() {
    }

    @Override
    public Tensor forward(Tensor x) {
        return java.util.Objects.requireNonNull(x, "x").relu();
    }
}
