/**
 * ejgrad's core: {@link dev.ejgrad.core.Tensor}, a 2-D float64 matrix over EJML that records the ops applied to it;
 * the reverse-mode engine behind {@link dev.ejgrad.core.Tensor#backward()}; two-dimensional broadcasting; thread-local
 * {@link dev.ejgrad.core.NoGrad} scopes; {@link dev.ejgrad.core.GradCheck}; and {@link dev.ejgrad.core.Autograd}, the
 * extension point for new differentiable ops.
 *
 * <p>Core knows nothing of layers or losses; those live in {@code dev.ejgrad.nn}.
 */
package dev.ejgrad.core;
