package dev.ejgrad.optim;

/**
 * Cosine annealing, as {@code torch.optim.lr_scheduler.CosineAnnealingLR} (Loshchilov and Hutter, "SGDR: Stochastic
 * Gradient Descent with Warm Restarts", 2017, without the restarts): after step t the lr is, within rounding,
 *
 * <pre>
 * etaMin + (base - etaMin)·(1 + cos(π·t / tMax)) / 2
 * </pre>
 *
 * computed in PyTorch's recursive (chainable) form. Past tMax it follows the cosine back up (period 2·tMax), as
 * PyTorch does. State: {@code last_epoch}, {@code base_lr}, {@code last_lr}.
 */
public final class CosineAnnealingLR extends ChainableLR {

    private final int tMax;
    private final double etaMin;

    /**
     * Cosine annealing from the optimizer's current lr down to 0.
     *
     * @param optimizer the optimizer whose lr to set
     * @param tMax the number of steps to the minimum, at least 1
     * @throws IllegalArgumentException if tMax is below 1
     */
    public CosineAnnealingLR(Optimizer optimizer, int tMax) {
        this(optimizer, tMax, 0);
    }

    /**
     * Cosine annealing from the optimizer's current lr down to etaMin.
     *
     * @param optimizer the optimizer whose lr to set
     * @param tMax the number of steps to the minimum, at least 1
     * @param etaMin the minimum lr, at least 0
     * @throws IllegalArgumentException if tMax is below 1 or etaMin is negative, infinite or NaN
     */
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super("CosineAnnealingLR", optimizer);
        if (tMax < 1) {
            throw new IllegalArgumentException("CosineAnnealingLR: tMax must be at least 1, got " + tMax);
        }
        this.tMax = tMax;
        this.etaMin = Schedules.factor("CosineAnnealingLR", "etaMin", etaMin);
        start();
    }

    @Override
    double lr(int epoch, double current) {
        if (epoch == 0) {
            return current;
        }
        if (Math.floorMod(epoch - 1 - tMax, 2 * tMax) == 0) {
            return current + (baseLr - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
        }
        return (1 + Math.cos(Math.PI * epoch / tMax)) / (1 + Math.cos(Math.PI * (epoch - 1) / tMax))
                * (current - etaMin) + etaMin;
    }
}
