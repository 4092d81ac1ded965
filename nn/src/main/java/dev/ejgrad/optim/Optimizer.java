package dev.ejgrad.optim;

import dev.ejgrad.core.Tensor;
import java.util.Map;

/** Updates parameters from their gradients, as {@code torch.optim.Optimizer}. */
public interface Optimizer {

    /** Updates every parameter whose gradient is not {@code null}, in place. */
    void step();

    /** Sets every parameter's gradient to {@code null} (PyTorch's default, {@code set_to_none=True}). */
    void zeroGrad();

    /** {@return the learning rate} */
    double lr();

    /**
     * Changes the learning rate, for schedules; every other setting and all state are kept.
     *
     * @param lr learning rate, at least 0
     * @return this optimizer
     * @throws IllegalArgumentException if lr is negative or NaN
     */
    Optimizer lr(double lr);

    /**
     * The optimizer's state, as {@code optimizer.state_dict()}: {@code param_groups.lr} and
     * {@code param_groups.num_params} (1x1), and for each parameter i that has state its step count
     * {@code state.i.step} (1x1, for optimizers that count steps) and its buffers {@code state.i.<name>} under
     * PyTorch's names, each the parameter's shape. The other settings (betas, momentum...) are not included: they
     * are the constructor's and the configuration methods'.
     *
     * @return a new map of new tensors (copies); changing it changes nothing here
     */
    Map<String, Tensor> stateDict();

    /**
     * Replaces the learning rate, step counts and buffers with a state from {@link #stateDict()} of an optimizer of
     * the same kind, possibly over other parameter tensors of the same shapes, as {@code optimizer.load_state_dict}.
     * A parameter absent from the state starts afresh.
     *
     * @param state the state; not modified (its tensors are copied)
     * @throws IllegalArgumentException if the state is for another number of parameters, has a key this optimizer
     *     does not know, lacks a required entry or has a buffer of another shape; nothing is changed then
     */
    void loadStateDict(Map<String, Tensor> state);
}
