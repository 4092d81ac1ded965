package dev.ejgrad.optim;

/**
 * Scales the learning rate by a factor moving linearly from startFactor to endFactor over totalIters steps, as
 * {@code torch.optim.lr_scheduler.LinearLR}: after step t the lr is, within rounding,
 * {@code base·(startFactor + (endFactor - startFactor)·min(t, totalIters) / totalIters)}, so the first lr (at
 * construction) is {@code base·startFactor}. Computed in PyTorch's chainable form. State: {@code last_epoch},
 * {@code base_lr}, {@code last_lr}.
 */
public final class LinearLR extends ChainableLR {

    private final double startFactor;
    private final double endFactor;
    private final int totalIters;

    /**
     * A linear warm-up or decay over the optimizer's current lr.
     *
     * @param optimizer the optimizer whose lr to set
     * @param startFactor the first factor, in (0, 1]
     * @param endFactor the last factor, in [0, 1]
     * @param totalIters the number of steps to reach endFactor, at least 0
     * @throws IllegalArgumentException if a factor is outside its range or totalIters is negative
     */
    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
        super("LinearLR", optimizer);
        if (!(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("LinearLR: startFactor must be in (0, 1], got " + startFactor);
        }
        if (!(endFactor >= 0 && endFactor <= 1)) {
            throw new IllegalArgumentException("LinearLR: endFactor must be in [0, 1], got " + endFactor);
        }
        if (totalIters < 0) {
            throw new IllegalArgumentException("LinearLR: totalIters must be at least 0, got " + totalIters);
        }
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = totalIters;
        start();
    }

    @Override
    double lr(int epoch, double current) {
        if (epoch == 0) {
            return current * startFactor;
        }
        if (epoch > totalIters) {
            return current;
        }
        return current * (1. + (endFactor - startFactor)
                / (totalIters * startFactor + (epoch - 1) * (endFactor - startFactor)));
    }
}
