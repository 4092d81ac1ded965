package dev.ejgrad.core;

/**
 * The derivative rule of one op for one of its inputs: maps the gradient of the op's output to the gradient of that
 * input (a vector-Jacobian product), as one line of PyTorch's {@code derivatives.yaml}.
 *
 * <p>A rule is a formula over tensors, built from {@link Tensor} ops, so that it can itself be differentiated: the
 * sigmoid's rule is {@code g -> g.mul(out).mul(out.neg().add(1))}. The engine runs rules under {@link NoGrad} unless
 * a backward pass is recorded ({@code createGraph}), so first-order training records nothing extra.
 *
 * <p>The returned tensor may have the input's shape, or the output's shape when the input was broadcast; the engine
 * sums it back to the input's shape. A rule may return {@code gradOutput} itself (the identity), since tensors are
 * immutable.
 */
@FunctionalInterface
public interface GradFn {

    /**
     * Computes the gradient that flows to the input.
     *
     * @param gradOutput gradient of the loss with respect to the op's output, the output's shape; not modified
     * @return gradient with respect to the input (the input's shape, or the output's shape if the input was broadcast)
     */
    Tensor apply(Tensor gradOutput);
}
