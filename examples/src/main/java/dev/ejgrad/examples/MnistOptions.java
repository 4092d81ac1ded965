package dev.ejgrad.examples;

import dev.ejgrad.examples.data.Mnist;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options that {@code mnist} and {@code sequence-mnist} share (a picocli mixin): where the digits come from, how
 * many of them, how long to train, the learning rate's decay, the seed and the dtype.
 */
final class MnistOptions {

    @Option(names = "--data", paramLabel = "DIR", description = "Folder with the four MNIST IDX files (.gz or not).")
    Path data;

    @Option(names = "--epochs", defaultValue = "5", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--lr-decay", defaultValue = "0.7",
            description = "Learning rate multiplier per epoch (default: ${DEFAULT-VALUE}).")
    double lrDecay;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for the initial weights and the shuffling.")
    long seed;

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N training and N/4 test images.")
    Integer limit;

    @Mixin
    DTypeOption dtype;

    /** {@return whether --epochs and --limit are at least 1 and --lr-decay is in (0, 1]} */
    boolean valid() {
        return epochs >= 1 && lrDecay > 0 && lrDecay <= 1 && (limit == null || limit >= 1);
    }

    /** {@return the data, cut to the first --limit training and --limit/4 test images if --limit is given} */
    Mnist limited(Mnist mnist) {
        return limit == null ? mnist : mnist.limit(limit, Math.max(1, limit / 4));
    }

    /** Copies --epochs, --lr-decay, --seed and --dtype into a run's settings. */
    void applyTo(MnistTraining.Settings s) {
        s.epochs = epochs;
        s.lrDecay = lrDecay;
        s.seed = seed;
        s.dtype = dtype.dtype;
    }
}
