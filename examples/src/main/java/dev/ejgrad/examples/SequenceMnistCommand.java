package dev.ejgrad.examples;

import dev.ejgrad.examples.data.Mnist;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code sequence-mnist} subcommand: each image as 28 steps of 28 pixels, read by an LSTM. */
@Command(name = "sequence-mnist", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an LSTM on MNIST read row by row: each image is 28 steps of 28 pixels, the last hidden "
            + "state goes through Linear(hidden, 10), cross-entropy, Adam.",
            "Without --data it uses the 2,000/500 subset shipped with the examples."})
final class SequenceMnistCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "Folder with the four MNIST IDX files (.gz or not).")
    Path data;

    @Option(names = "--epochs", defaultValue = "5", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--hidden", defaultValue = "128", description = "LSTM hidden units (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--lr-decay", defaultValue = "0.7",
            description = "Learning rate multiplier per epoch (default: ${DEFAULT-VALUE}).")
    double lrDecay;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for the initial weights and the shuffling.")
    long seed;

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N training and N/4 test images.")
    Integer limit;

    @Option(names = "--out", defaultValue = "target/ejgrad-sequence-mnist", paramLabel = "DIR",
            description = "Where to write the weights and the chart (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (epochs < 1 || batchSize < 1 || hidden < 1 || !(lrDecay > 0 && lrDecay <= 1) || !(lr > 0)
                || (limit != null && limit < 1)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--epochs, --batch-size, --hidden and --limit must be at least 1, --lr positive and --lr-decay in "
                    + "(0, 1]");
        }
        Mnist mnist = data != null ? Mnist.fromDirectory(data) : Mnist.embedded();
        String source = data != null ? "MNIST from " + data : "embedded MNIST subset";
        if (limit != null) {
            mnist = mnist.limit(limit, Math.max(1, limit / 4));
        }
        if (mnist.features() != 28 * 28) {
            throw new IllegalArgumentException("sequence-mnist: images of " + mnist.features() + " pixels, expected "
                    + "28x28");
        }
        MnistTraining.Settings s = new MnistTraining.Settings();
        s.epochs = epochs;
        s.batchSize = batchSize;
        s.hidden = hidden;
        s.optimizer = MnistTraining.OptimizerKind.ADAM;
        s.lr = lr;
        s.lrDecay = lrDecay;
        s.seed = seed;
        s.out = out;
        s.progressBar = System.console() != null;
        s.dataSet = data == null ? "MNIST, shipped subset" : "MNIST";
        String model = String.format(Locale.ROOT, "LSTM(28, %d) over 28 rows, Linear(%d, 10)", hidden, hidden);
        System.out.printf("%s: %,d training and %,d test images%n%s, adam lr %s (x%s per epoch), batch %d, seed %d%n",
                source, mnist.trainSize(), mnist.testSize(), model, s.learningRate(), lrDecay, batchSize, seed);
        long start = System.nanoTime();
        MnistTraining.Result r = MnistTraining.run(mnist, s, new RowLstm(28, hidden, new Random(seed)), model,
                "sequence-mnist-lstm", "sequence-mnist-training", (epoch, total, loss, accuracy, speed) ->
                        System.out.printf("epoch %d/%d  loss %.4f  test accuracy %.2f%%  (%,.0f images/s)%n", epoch,
                                total, loss, 100 * accuracy, speed));
        System.out.printf("weights: %s%nchart:   %s%n%.1f s of training and evaluation%n", r.weights, r.chart,
                (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
