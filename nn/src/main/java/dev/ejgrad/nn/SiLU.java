package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.Objects;

/**
 * The sigmoid linear unit (swish), {@code x·σ(x)}, elementwise, as {@code torch.nn.SiLU}.
 *
 * <p>Shape: any; the output has the input's shape. No parameters.
 */
public final class SiLU extends Module {

    /** A SiLU; it has no parameters. */
    public SiLU() {
    }

    /**
     * Applies SiLU elementwise.
     *
     * @param input any shape; not modified
     * @return a tensor of the input's shape
     */
    @Override
    public Tensor forward(Tensor input) {
        return Functional.silu(Objects.requireNonNull(input, "input"));
    }
}
