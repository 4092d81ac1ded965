package dev.ejgrad.optim;

import java.util.Arrays;
import java.util.Objects;

/**
 * Multiplies the learning rate by gamma at each milestone, as {@code torch.optim.lr_scheduler.MultiStepLR}: after
 * step t the lr is {@code base·gamma^(number of milestones ≤ t)}. A milestone given twice multiplies by gamma² (as
 * PyTorch's Counter). State: {@code last_epoch}, {@code base_lr}, {@code last_lr}.
 */
public final class MultiStepLR extends ChainableLR {

    private final int[] milestones;
    private final double gamma;

    /**
     * A multi-step schedule over the optimizer's current lr.
     *
     * @param optimizer the optimizer whose lr to set
     * @param milestones the steps at which to decay, each at least 1, in increasing order (repeats allowed); copied
     * @param gamma the factor, at least 0
     * @throws IllegalArgumentException if a milestone is below 1 or smaller than the one before, or gamma is negative
     *     or NaN
     */
    public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma) {
        super("MultiStepLR", optimizer);
        Objects.requireNonNull(milestones, "milestones");
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] < 1 || (i > 0 && milestones[i] < milestones[i - 1])) {
                throw new IllegalArgumentException("MultiStepLR: milestones must be at least 1 and non-decreasing, "
                        + "got " + Arrays.toString(milestones));
            }
        }
        this.milestones = milestones.clone();
        this.gamma = Schedules.factor("MultiStepLR", "gamma", gamma);
        start();
    }

    @Override
    double lr(int epoch, double current) {
        int count = 0;
        for (int m : milestones) {
            count += m == epoch ? 1 : 0;
        }
        return count == 0 ? current : current * Math.pow(gamma, count);
    }
}
