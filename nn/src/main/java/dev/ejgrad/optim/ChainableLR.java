package dev.ejgrad.optim;

import dev.ejgrad.core.Tensor;
import java.util.Map;
import java.util.Objects;

/**
 * PyTorch's {@code _LRScheduler}: an epoch counter starting at -1, a first step taken at construction, and each
 * step's lr computed from the optimizer's current one (the chainable form). State: {@code last_epoch},
 * {@code base_lr}, {@code last_lr}.
 */
abstract class ChainableLR implements LRScheduler {

    private static final String[] KEYS = {"last_epoch", "base_lr", "last_lr"};

    final String name;
    final Optimizer optimizer;
    double baseLr;
    int lastEpoch = -1;
    private double lastLr;

    ChainableLR(String name, Optimizer optimizer) {
        this.name = name;
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.baseLr = optimizer.lr();
    }

    /** Takes the first step (epoch 0); called last by each constructor, after its checks. */
    final void start() {
        step();
    }

    /** The lr for {@code epoch} (at least 0), given the optimizer's current lr. */
    abstract double lr(int epoch, double current);

    @Override
    public void step() {
        int epoch = lastEpoch + 1;
        optimizer.lr(lr(epoch, optimizer.lr()));
        lastEpoch = epoch;
        lastLr = optimizer.lr();
    }

    @Override
    public double lastLr() {
        return lastLr;
    }

    @Override
    public Map<String, Tensor> stateDict() {
        return SchedulerState.of(KEYS, lastEpoch, baseLr, lastLr);
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        double[] v = SchedulerState.read(name, state, KEYS);
        int epoch = SchedulerState.whole(name, "last_epoch", v[0], 0);
        double base = SchedulerState.lr(name, "base_lr", v[1]);
        double last = SchedulerState.lr(name, "last_lr", v[2]);
        check(epoch);
        lastEpoch = epoch;
        baseLr = base;
        lastLr = last;
    }

    /** Rejects a loaded epoch this schedule cannot be at (OneCycleLR: past its total steps). */
    void check(int epoch) {
    }
}
