package dev.ejgrad.optim;

import dev.ejgrad.core.Tensor;
import java.util.Map;
import java.util.Objects;

/**
 * Reduces the learning rate when a metric stops improving, as {@code torch.optim.lr_scheduler.ReduceLROnPlateau}.
 * Each {@link #step(double)} compares the metric with the best so far: better means
 * {@code m < best·(1 - threshold)} (MIN, REL), {@code m < best - threshold} (MIN, ABS),
 * {@code m > best·(1 + threshold)} (MAX, REL) or {@code m > best + threshold} (MAX, ABS). After more than patience
 * steps without improvement the lr becomes {@code max(lr·factor, minLr)}, unless that changes it by eps or less, and
 * the next cooldown steps count no bad steps. Before any step, {@link #lastLr()} is the optimizer's lr.
 *
 * <p>Defaults: MIN, factor 0.1, patience 10, threshold 1e-4, REL, cooldown 0, minLr 0, eps 1e-8. State:
 * {@code last_epoch}, {@code best}, {@code num_bad_epochs}, {@code cooldown_counter}, {@code last_lr}.
 *
 * <pre>{@code
 * ReduceLROnPlateau sched = new ReduceLROnPlateau(opt);
 * for (int epoch = 0; epoch < 100; epoch++) {
 *     train(opt);
 *     sched.step(validationLoss());
 * }
 * }</pre>
 */
public final class ReduceLROnPlateau implements LRScheduler {

    /** Whether the metric should fall (a loss) or rise (an accuracy). */
    public enum Mode {
        /** Lower is better. */
        MIN,
        /** Higher is better. */
        MAX
    }

    /** How the threshold is applied to the best value. */
    public enum ThresholdMode {
        /** Relative: a fraction of the best value. */
        REL,
        /** Absolute: a distance from the best value. */
        ABS
    }

    private static final String NAME = "ReduceLROnPlateau";
    private static final String[] KEYS = {"last_epoch", "best", "num_bad_epochs", "cooldown_counter", "last_lr"};

    private final Optimizer optimizer;
    private final Mode mode;
    private final double factor;
    private final int patience;
    private final double threshold;
    private final ThresholdMode thresholdMode;
    private final int cooldown;
    private final double minLr;
    private final double eps;
    private int lastEpoch;
    private double best;
    private int numBadEpochs;
    private int cooldownCounter;
    private double lastLr;

    /**
     * A plateau schedule with PyTorch's defaults: MIN, factor 0.1, patience 10, threshold 1e-4 REL, cooldown 0, minLr
     * 0, eps 1e-8.
     *
     * @param optimizer the optimizer whose lr to reduce
     */
    public ReduceLROnPlateau(Optimizer optimizer) {
        this(optimizer, Mode.MIN, 0.1, 10, 1e-4, ThresholdMode.REL, 0, 0, 1e-8);
    }

    /**
     * A plateau schedule.
     *
     * @param optimizer the optimizer whose lr to reduce
     * @param mode whether lower or higher metrics are better
     * @param factor the reduction factor, in [0, 1)
     * @param patience the number of steps without improvement tolerated, at least 0
     * @param threshold the least change that counts as an improvement, finite
     * @param thresholdMode whether the threshold is relative or absolute
     * @param cooldown the number of steps after a reduction during which bad steps are not counted, at least 0
     * @param minLr the smallest lr, at least 0
     * @param eps the smallest reduction made, at least 0
     * @throws IllegalArgumentException if a value is outside its range or NaN
     */
    public ReduceLROnPlateau(Optimizer optimizer, Mode mode, double factor, int patience, double threshold,
            ThresholdMode thresholdMode, int cooldown, double minLr, double eps) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.thresholdMode = Objects.requireNonNull(thresholdMode, "thresholdMode");
        if (!(factor >= 0 && factor < 1)) {
            throw new IllegalArgumentException(NAME + ": factor must be in [0, 1), got " + factor);
        }
        if (patience < 0) {
            throw new IllegalArgumentException(NAME + ": patience must be at least 0, got " + patience);
        }
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException(NAME + ": threshold must be finite, got " + threshold);
        }
        if (cooldown < 0) {
            throw new IllegalArgumentException(NAME + ": cooldown must be at least 0, got " + cooldown);
        }
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        this.cooldown = cooldown;
        this.minLr = Schedules.factor(NAME, "minLr", minLr);
        this.eps = Schedules.factor(NAME, "eps", eps);
        this.best = worst();
        this.lastLr = optimizer.lr();
    }

    private double worst() {
        return mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /**
     * Not available: this schedule needs the metric.
     *
     * @throws UnsupportedOperationException always; call {@link #step(double)}
     */
    @Override
    public void step() {
        throw new UnsupportedOperationException(NAME + ": step() needs the metric; call step(double metric)");
    }

    /**
     * Records one epoch's metric and reduces the lr if it has not improved for more than patience epochs.
     *
     * @param metric the monitored value (a NaN is never an improvement)
     */
    public void step(double metric) {
        lastEpoch++;
        if (isBetter(metric)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0;   // bad epochs in cooldown are ignored
        }
        if (numBadEpochs > patience) {
            double old = optimizer.lr();
            double lr = Math.max(old * factor, minLr);
            if (old - lr > eps) {
                optimizer.lr(lr);
            }
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
        lastLr = optimizer.lr();
    }

    private boolean isBetter(double a) {
        if (mode == Mode.MIN) {
            return thresholdMode == ThresholdMode.REL ? a < best * (1. - threshold) : a < best - threshold;
        }
        return thresholdMode == ThresholdMode.REL ? a > best * (threshold + 1.) : a > best + threshold;
    }

    @Override
    public double lastLr() {
        return lastLr;
    }

    @Override
    public Map<String, Tensor> stateDict() {
        return SchedulerState.of(KEYS, lastEpoch, best, numBadEpochs, cooldownCounter, lastLr);
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        double[] v = SchedulerState.read(NAME, state, KEYS);
        int epoch = SchedulerState.whole(NAME, "last_epoch", v[0], 0);
        if (Double.isNaN(v[1])) {
            throw new IllegalArgumentException(NAME + ": best is NaN");
        }
        int bad = SchedulerState.whole(NAME, "num_bad_epochs", v[2], 0);
        int cool = SchedulerState.whole(NAME, "cooldown_counter", v[3], 0);
        double last = SchedulerState.lr(NAME, "last_lr", v[4]);
        lastEpoch = epoch;
        best = v[1];
        numBadEpochs = bad;
        cooldownCounter = cool;
        lastLr = last;
    }
}
