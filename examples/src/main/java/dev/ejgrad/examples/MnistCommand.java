package dev.ejgrad.examples;

import dev.ejgrad.examples.data.Mnist;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code mnist} subcommand: train an MLP on MNIST and save its weights and a chart. */
@Command(name = "mnist", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an MLP (784-256-10, ReLU, cross-entropy) on MNIST.",
            "Without --data or --download it uses the 2,000/500 subset shipped with the examples."})
final class MnistCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    MnistOptions common;

    @Option(names = "--download", paramLabel = "DIR",
            description = "Download the four files into DIR (verified by checksum), then train on them.")
    Path download;

    @Option(names = "--mirror", paramLabel = "URL",
            description = "With --download: a base URL (ending in /) to fetch the files from instead of the public "
                + "mirrors; may be repeated.")
    java.util.List<String> mirrors;

    @Option(names = "--model", defaultValue = "mlp", paramLabel = "mlp|cnn",
            description = "mlp: 784-hidden-10 with ReLU; cnn: Conv2d(1, 16, 5), ReLU, MaxPool2d(2), Conv2d(16, 32, 5), "
                    + "ReLU, MaxPool2d(2), Linear(512, 10) (default: ${DEFAULT-VALUE}).")
    MnistTraining.ModelKind model;

    @Option(names = "--batch-size", description = "Examples per step (default: 128 for mlp, 32 for cnn).")
    Integer batchSize;

    @Option(names = "--hidden", defaultValue = "256", description = "Hidden units (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--optimizer", defaultValue = "adam",
            description = "adam or sgd (default: ${DEFAULT-VALUE}).")
    MnistTraining.OptimizerKind optimizer;

    @Option(names = "--lr", description = "Learning rate (default: 0.001 for adam, 0.002 for adam with cnn, 0.1 for "
            + "sgd).")
    Double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--out", defaultValue = "target/ejgrad-mnist", paramLabel = "DIR",
            description = "Where to write the weights and the chart (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        int batch = batchSize != null ? batchSize : model == MnistTraining.ModelKind.CNN ? 32 : 128;
        if (!common.valid() || batch < 1 || hidden < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--epochs, --batch-size, --hidden and --limit must be at least 1, and --lr-decay in (0, 1]");
        }
        if (lr != null && !(lr > 0)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--lr must be positive, not " + lr);
        }
        Path data = common.data;
        if (download != null && data != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--data reads a folder, --download fills one: give one of them");
        }
        if (mirrors != null && download == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--mirror is only used with --download");
        }
        Mnist mnist;
        String source;
        if (download != null) {
            mnist = Mnist.download(download, mirrors == null ? Mnist.MIRRORS
                    : mirrors.stream().map(m -> m.endsWith("/") ? m : m + "/").toList());
            source = "MNIST downloaded to " + download;
        } else if (data != null) {
            mnist = Mnist.fromDirectory(data);
            source = "MNIST from " + data;
        } else {
            mnist = Mnist.embedded();
            source = "embedded MNIST subset";
        }
        mnist = common.limited(mnist);
        MnistTraining.Settings s = new MnistTraining.Settings();
        common.applyTo(s);
        s.batchSize = batch;
        s.model = model;
        s.hidden = hidden;
        s.optimizer = optimizer;
        s.lr = lr == null ? Double.NaN : lr;
        s.momentum = momentum;
        s.out = out;
        s.progressBar = System.console() != null;
        s.dataSet = download == null && data == null ? "MNIST, shipped subset" : "MNIST";
        String network = model == MnistTraining.ModelKind.CNN
                ? "CNN Conv2d(1, 16, 5), ReLU, MaxPool2d(2), Conv2d(16, 32, 5), ReLU, MaxPool2d(2), Linear(512, 10)"
                : "MLP 784-" + hidden + "-10";
        PrintWriter o = spec.commandLine().getOut();
        o.printf("%s: %,d training and %,d test images%n%s, %s, %s lr %s (x%s per epoch), batch %d, seed %d%n",
                source, mnist.trainSize(), mnist.testSize(), network, common.dtype.label(),
                optimizer.name().toLowerCase(Locale.ROOT), s.learningRate(), s.lrDecay, batch, s.seed);
        o.flush();
        MnistTraining.Result r = MnistTraining.run(mnist, s, (epoch, total, loss, accuracy, speed) -> {
            o.printf("epoch %d/%d  loss %.4f  test accuracy %.2f%%%n", epoch, total, loss, 100 * accuracy);
            o.flush();
        });
        o.println("weights: " + r.weights);
        o.println("chart:   " + r.chart);
        o.flush();
        return 0;
    }
}
