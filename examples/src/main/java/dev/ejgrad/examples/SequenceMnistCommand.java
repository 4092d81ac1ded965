package dev.ejgrad.examples;

import dev.ejgrad.examples.data.Mnist;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code sequence-mnist} subcommand: each image as 28 steps of 28 pixels, read by an LSTM. */
@Command(name = "sequence-mnist", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an LSTM on MNIST read row by row: each image is 28 steps of 28 pixels, the last hidden "
            + "state goes through Linear(hidden, 10), cross-entropy, Adam.",
            "Without --data it uses the 2,000/500 subset shipped with the examples."})
final class SequenceMnistCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    MnistOptions common;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--hidden", defaultValue = "128", description = "LSTM hidden units (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--out", defaultValue = "target/ejgrad-sequence-mnist", paramLabel = "DIR",
            description = "Where to write the weights and the chart (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!common.valid() || batchSize < 1 || hidden < 1 || !(lr > 0)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--epochs, --batch-size, --hidden and --limit must be at least 1, --lr positive and --lr-decay in "
                    + "(0, 1]");
        }
        Path data = common.data;
        Mnist mnist = common.limited(data != null ? Mnist.fromDirectory(data) : Mnist.embedded());
        String source = data != null ? "MNIST from " + data : "embedded MNIST subset";
        if (mnist.features() != 28 * 28) {
            throw new IllegalArgumentException("sequence-mnist: images of " + mnist.features() + " pixels, expected "
                    + "28x28");
        }
        MnistTraining.Settings s = new MnistTraining.Settings();
        common.applyTo(s);
        s.batchSize = batchSize;
        s.hidden = hidden;
        s.optimizer = MnistTraining.OptimizerKind.ADAM;
        s.lr = lr;
        s.out = out;
        s.progressBar = System.console() != null;
        s.dataSet = data == null ? "MNIST, shipped subset" : "MNIST";
        String model = String.format(Locale.ROOT, "LSTM(28, %d) over 28 rows, Linear(%d, 10)", hidden, hidden);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("%s: %,d training and %,d test images%n%s, %s, adam lr %s (x%s per epoch), batch %d, seed %d%n",
                source, mnist.trainSize(), mnist.testSize(), model, common.dtype.label(), s.learningRate(),
                s.lrDecay, batchSize, s.seed);
        o.flush();
        long start = System.nanoTime();
        MnistTraining.Result r = MnistTraining.run(mnist, s, new RowLstm(28, hidden, new Random(s.seed)), model,
                "sequence-mnist-lstm", "sequence-mnist-training", (epoch, total, loss, accuracy, speed) -> {
                    o.printf("epoch %d/%d  loss %.4f  test accuracy %.2f%%  (%,.0f images/s)%n", epoch, total, loss,
                            100 * accuracy, speed);
                    o.flush();
                });
        o.printf("weights: %s%nchart:   %s%n%.1f s of training and evaluation%n", r.weights, r.chart,
                (System.nanoTime() - start) / 1e9);
        o.flush();
        return 0;
    }
}
