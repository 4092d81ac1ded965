/**
 * Optimizers with {@code torch.optim}'s update rules, step for step: {@link dev.ejgrad.optim.SGD},
 * {@link dev.ejgrad.optim.Adam} and {@link dev.ejgrad.optim.AdamW}. They change parameters in place through
 * {@link dev.ejgrad.core.Tensor#updateInPlace}, the one path by which a tensor's values change.
 */
package dev.ejgrad.optim;
