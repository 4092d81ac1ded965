package dev.ejgrad.optim;

import java.util.Objects;

/**
 * The 1cycle policy, as {@code torch.optim.lr_scheduler.OneCycleLR} (Smith and Topin, "Super-Convergence: Very Fast
 * Training of Neural Networks Using Large Learning Rates", 2018): the lr rises from {@code maxLr / 25} to maxLr over
 * the first {@code pctStart·totalSteps - 1} steps, then anneals to {@code maxLr / 25 / 1e4} at step
 * {@code totalSteps - 1}, each phase by a cosine or a straight line (PyTorch's div_factor 25 and final_div_factor
 * 1e4, two phases). The optimizer's own lr is replaced by {@code maxLr / 25} at construction. PyTorch allows one step
 * more than totalSteps (step number totalSteps, a little past the end of the last phase, where the cosine turns back
 * up); a further step throws.
 *
 * <p>Only the learning rate is scheduled: PyTorch's {@code cycle_momentum} (on by default, cycling SGD's momentum or
 * Adam's β1 between 0.95 and 0.85) is not done, so this is {@code OneCycleLR(..., cycle_momentum=False)}; the
 * learning rates are the same either way. State: {@code last_epoch}, {@code base_lr}, {@code last_lr}.
 */
public final class OneCycleLR extends ChainableLR {

    /** How each phase moves between its two learning rates. */
    public enum AnnealStrategy {
        /** {@code end + (start - end)/2·(1 + cos(π·pct))}. */
        COS,
        /** {@code start + (end - start)·pct}. */
        LINEAR
    }

    private static final double DIV_FACTOR = 25;
    private static final double FINAL_DIV_FACTOR = 1e4;

    private final int totalSteps;
    private final double maxLr;
    private final double minLr;
    private final double phase1End;
    private final AnnealStrategy strategy;

    /**
     * A one-cycle schedule with pctStart 0.3 and cosine annealing (PyTorch's defaults).
     *
     * @param optimizer the optimizer whose lr to set
     * @param maxLr the peak lr, at least 0
     * @param totalSteps the length of the cycle, at least 1
     * @throws IllegalArgumentException if maxLr is negative or not finite, or totalSteps is below 1
     */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps) {
        this(optimizer, maxLr, totalSteps, 0.3, AnnealStrategy.COS);
    }

    /**
     * A one-cycle schedule.
     *
     * @param optimizer the optimizer whose lr to set
     * @param maxLr the peak lr, at least 0
     * @param totalSteps the length of the cycle, at least 1
     * @param pctStart the fraction of the cycle spent rising, in [0, 1]
     * @param annealStrategy how each phase moves
     * @throws IllegalArgumentException if maxLr is negative or not finite, totalSteps is below 1, pctStart is outside
     *     [0, 1], or a phase has length 0 (pctStart·totalSteps is 1 or totalSteps)
     */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart,
            AnnealStrategy annealStrategy) {
        super("OneCycleLR", optimizer);
        Objects.requireNonNull(annealStrategy, "annealStrategy");
        if (totalSteps < 1) {
            throw new IllegalArgumentException("OneCycleLR: totalSteps must be at least 1, got " + totalSteps);
        }
        if (!(pctStart >= 0 && pctStart <= 1)) {
            throw new IllegalArgumentException("OneCycleLR: pctStart must be in [0, 1], got " + pctStart);
        }
        this.maxLr = Schedules.factor("OneCycleLR", "maxLr", maxLr);
        this.totalSteps = totalSteps;
        this.phase1End = pctStart * totalSteps - 1;
        if (phase1End == totalSteps - 1 || phase1End == 0) {
            // a phase of length 0: PyTorch divides by zero at its end
            throw new IllegalArgumentException("OneCycleLR: pctStart " + pctStart + " with " + totalSteps
                    + " steps gives a phase of length 0");
        }
        this.strategy = annealStrategy;
        this.baseLr = maxLr / DIV_FACTOR;
        this.minLr = baseLr / FINAL_DIV_FACTOR;
        optimizer.lr(baseLr);
        start();
    }

    @Override
    public void step() {
        if (lastEpoch + 1 > totalSteps) {
            throw new IllegalStateException("OneCycleLR: Tried to step " + (lastEpoch + 2)
                    + " times. The specified number of total steps is " + totalSteps);
        }
        super.step();
    }

    @Override
    void check(int epoch) {
        if (epoch > totalSteps) {
            throw new IllegalArgumentException("OneCycleLR: last_epoch " + epoch + " is past the total steps "
                    + totalSteps);
        }
    }

    @Override
    double lr(int epoch, double current) {
        if (epoch <= phase1End) {
            return anneal(baseLr, maxLr, epoch / phase1End);
        }
        double end = totalSteps - 1;
        return anneal(maxLr, minLr, (epoch - phase1End) / (end - phase1End));
    }

    private double anneal(double start, double end, double pct) {
        if (strategy == AnnealStrategy.COS) {
            double cosOut = Math.cos(Math.PI * pct) + 1;
            return end + (start - end) / 2.0 * cosOut;
        }
        return (end - start) * pct + start;
    }
}
