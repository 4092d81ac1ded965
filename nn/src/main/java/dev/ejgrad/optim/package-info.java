/**
 * Optimizers with {@code torch.optim}'s update rules, step for step ({@link dev.ejgrad.optim.SGD},
 * {@link dev.ejgrad.optim.Adam}, {@link dev.ejgrad.optim.AdamW}, {@link dev.ejgrad.optim.RMSprop},
 * {@link dev.ejgrad.optim.Adagrad}), learning-rate schedules with {@code torch.optim.lr_scheduler}'s sequences
 * ({@link dev.ejgrad.optim.LRScheduler} and its implementations), and gradient clipping
 * ({@link dev.ejgrad.optim.ClipGrad}). Optimizers change parameters in place through
 * {@link dev.ejgrad.core.Tensor#updateInPlace} (float32 ones through
 * {@link dev.ejgrad.core.Tensor#updateFloatsInPlace}, their state kept in float32), the paths by which a tensor's
 * values change; clipping replaces
 * gradients through {@link dev.ejgrad.core.Tensor#setGrad}. Every optimizer and scheduler has a
 * {@code stateDict()} / {@code loadStateDict} from which a run resumes bit for bit.
 */
package dev.ejgrad.optim;
