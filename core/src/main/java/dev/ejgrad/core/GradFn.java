package dev.ejgrad.core;

import org.ejml.data.DMatrixRMaj;

/**
 * The derivative rule of one op for one of its inputs: maps the gradient of the op's output to the gradient of that
 * input (a vector-Jacobian product), as one line of PyTorch's {@code derivatives.yaml}.
 *
 * <p>The returned matrix may have the input's shape or the output's shape when the input was broadcast; the engine
 * sums it back to the input's shape. Implementations must not modify {@code gradOutput}, and must not modify the
 * returned matrix later: the engine may hand it on without copying.
 */
@FunctionalInterface
public interface GradFn {

    /**
     * Computes the gradient that flows to the input.
     *
     * @param gradOutput gradient of the loss with respect to the op's output, the output's shape; not modified
     * @return gradient with respect to the input (the input's shape, or the output's shape if the input was broadcast)
     */
    DMatrixRMaj apply(DMatrixRMaj gradOutput);
}
