package dev.ejgrad.optim;

import dev.ejgrad.core.Tensor;
import java.util.Map;

/**
 * A learning-rate schedule driving an {@link Optimizer}'s {@link Optimizer#lr(double)}, as
 * {@code torch.optim.lr_scheduler}: construct it over the optimizer (which applies the schedule's first value), then
 * call {@link #step()} once after each {@code optimizer.step()}.
 *
 * <pre>{@code
 * Optimizer opt = new SGD(model.parameters(), 0.1);
 * LRScheduler sched = new StepLR(opt, 30, 0.1);
 * for (int epoch = 0; epoch < 90; epoch++) {
 *     train(opt);            // zeroGrad, backward, opt.step() per batch
 *     sched.step();
 * }
 * }</pre>
 */
public interface LRScheduler {

    /**
     * Advances the schedule by one step and sets the optimizer's learning rate.
     *
     * @throws IllegalStateException if the schedule has no next value (OneCycleLR past its total steps) or needs a
     *     metric (ReduceLROnPlateau)
     */
    void step();

    /** {@return the learning rate the schedule last set (after construction: its first value)} */
    double lastLr();

    /**
     * The schedule's progress, as {@code scheduler.state_dict()}: 1x1 entries such as {@code last_epoch},
     * {@code base_lr} and {@code last_lr} (each scheduler documents its keys). The constructor's arguments are not
     * included.
     *
     * @return a new map of new 1x1 tensors
     */
    Map<String, Tensor> stateDict();

    /**
     * Restores the progress from {@link #stateDict()} of a scheduler of the same kind, as
     * {@code scheduler.load_state_dict}. The optimizer's learning rate is not changed: restore it with the
     * optimizer's own {@link Optimizer#loadStateDict}.
     *
     * @param state the state; not modified
     * @throws IllegalArgumentException if a key is missing or unknown, or a value is not 1x1 or out of range; nothing
     *     is changed then
     */
    void loadStateDict(Map<String, Tensor> state);
}
