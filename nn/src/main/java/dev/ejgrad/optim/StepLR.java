package dev.ejgrad.optim;

/**
 * Multiplies the learning rate by gamma every stepSize steps, as {@code torch.optim.lr_scheduler.StepLR}: after
 * step t the lr is {@code base·gamma^floor(t / stepSize)}, computed in PyTorch's chainable form (the current lr times
 * gamma when t is a positive multiple of stepSize). State: {@code last_epoch}, {@code base_lr}, {@code last_lr}.
 */
public final class StepLR extends ChainableLR {

    private final int stepSize;
    private final double gamma;

    /**
     * A step schedule over the optimizer's current lr.
     *
     * @param optimizer the optimizer whose lr to set
     * @param stepSize the period, at least 1
     * @param gamma the factor, at least 0
     * @throws IllegalArgumentException if stepSize is below 1 or gamma is negative or NaN
     */
    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super("StepLR", optimizer);
        if (stepSize < 1) {
            throw new IllegalArgumentException("StepLR: stepSize must be at least 1, got " + stepSize);
        }
        this.stepSize = stepSize;
        this.gamma = Schedules.factor("StepLR", "gamma", gamma);
        start();
    }

    @Override
    double lr(int epoch, double current) {
        return epoch == 0 || epoch % stepSize != 0 ? current : current * gamma;
    }
}
