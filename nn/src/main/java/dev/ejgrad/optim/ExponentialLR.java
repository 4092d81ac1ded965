package dev.ejgrad.optim;

/**
 * Multiplies the learning rate by gamma at every step, as {@code torch.optim.lr_scheduler.ExponentialLR}: after step
 * t the lr is {@code base·gamma^t} (as the running product). State: {@code last_epoch}, {@code base_lr},
 * {@code last_lr}.
 */
public final class ExponentialLR extends ChainableLR {

    private final double gamma;

    /**
     * An exponential schedule over the optimizer's current lr.
     *
     * @param optimizer the optimizer whose lr to set
     * @param gamma the factor per step, at least 0
     * @throws IllegalArgumentException if gamma is negative, infinite or NaN
     */
    public ExponentialLR(Optimizer optimizer, double gamma) {
        super("ExponentialLR", optimizer);
        this.gamma = Schedules.factor("ExponentialLR", "gamma", gamma);
        start();
    }

    @Override
    double lr(int epoch, double current) {
        return epoch == 0 ? current : current * gamma;
    }
}
