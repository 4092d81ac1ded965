package dev.ejgrad.examples;

import dev.ejgrad.core.DType;
import dev.ejgrad.core.ImageShape;
import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.examples.data.Mnist;
import dev.ejgrad.nn.Conv2d;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.MaxPool2d;
import dev.ejgrad.nn.Module;
import dev.ejgrad.nn.ReLU;
import dev.ejgrad.nn.SafeTensors;
import dev.ejgrad.nn.Sequential;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.Adam;
import dev.ejgrad.optim.Optimizer;
import dev.ejgrad.optim.SGD;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import me.tongfei.progressbar.ProgressBar;
import org.knowm.xchart.XYChart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains an MLP (784-hidden-10, ReLU), a small CNN ({@link #cnn}), or any model of the 784 pixels (the
 * {@code sequence-mnist} LSTM), on MNIST with cross-entropy, then saves its weights and a chart. Seeded: the same
 * settings give the same numbers.
 */
final class MnistTraining {

    private static final Logger LOG = LoggerFactory.getLogger(MnistTraining.class);

    /** Which optimizer to train with. */
    enum OptimizerKind { ADAM, SGD }

    /** Which network to train. */
    enum ModelKind { MLP, CNN }

    /** The settings of a run. */
    static final class Settings {
        int epochs = 5;
        int batchSize = 128;
        int hidden = 256;
        ModelKind model = ModelKind.MLP;
        OptimizerKind optimizer = OptimizerKind.ADAM;
        double lr = Double.NaN;      // NaN: 1e-3 for Adam (2e-3 for the CNN), 0.1 for SGD
        double momentum = 0.9;
        double lrDecay = 0.7;
        long seed = 1;
        /** The dtype the model is converted to and trained in; its batches are converted too. */
        DType dtype = DType.FLOAT64;
        Path out = Path.of("target", "ejgrad-mnist");
        boolean progressBar;
        /** The data set's name in the chart's title. */
        String dataSet = "MNIST";

        double learningRate() {
            if (!Double.isNaN(lr)) {
                return lr;
            }
            return optimizer == OptimizerKind.SGD ? 0.1 : model == ModelKind.CNN ? 2e-3 : 1e-3;
        }
    }

    /** What a run produced. */
    static final class Result {
        final List<Double> losses = new ArrayList<>();
        final List<Double> accuracies = new ArrayList<>();
        Module model;
        Path weights;
        Path chart;
    }

    /** A line per epoch, for the caller to print. */
    interface EpochListener {
        void epoch(int epoch, int epochs, double loss, double accuracy, double samplesPerSecond);
    }

    private MnistTraining() {
    }

    static Result run(Mnist data, Settings s, EpochListener listener) throws IOException {
        Random rng = new Random(s.seed);
        if (s.model == ModelKind.CNN) {
            return run(data, s, cnn(rng), "CNN conv16-conv32", "mnist-cnn", "mnist-training", listener);
        }
        Sequential model = new Sequential(new Linear(data.features(), s.hidden, true, rng), new ReLU(),
                new Linear(s.hidden, 10, true, rng));
        return run(data, s, model, String.format(Locale.ROOT, "MLP %d-%d-10", data.features(), s.hidden), "mnist-mlp",
                "mnist-training", listener);
    }

    /**
     * Trains any model of 784 pixels to 10 logits in {@code s.dtype} (the model, made in float64, is converted in
     * place with {@link Module#to}, then the optimizer is made; each batch is converted to the dtype), saves its
     * weights (in that dtype) as {@code weightsName.safetensors} and the chart as {@code chartName.png}, titled with
     * {@code modelName} and, in float32, the dtype.
     */
    static Result run(Mnist data, Settings s, Module model, String modelName, String weightsName, String chartName,
            EpochListener listener) throws IOException {
        model.to(s.dtype);
        Optimizer opt = s.optimizer == OptimizerKind.ADAM
                ? new Adam(model.parameters(), s.learningRate())
                : new SGD(model.parameters(), s.learningRate()).momentum(s.momentum);
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        Random shuffle = new Random(s.seed + 1);
        int n = data.trainSize();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Result result = new Result();
        result.model = model;
        for (int epoch = 1; epoch <= s.epochs; epoch++) {
            // as PyTorch's MNIST example (StepLR, gamma 0.7): a smaller step each epoch settles the weights
            opt.lr(s.learningRate() * Math.pow(s.lrDecay, epoch - 1));
            shuffle(order, shuffle);
            int steps = (n + s.batchSize - 1) / s.batchSize;
            double sum = 0;
            long start = System.nanoTime();
            try (ProgressBar bar = s.progressBar ? TrainingChart.progressBar(epoch, s.epochs, steps) : null) {
                for (int k = 0; k < steps; k++) {
                    int from = k * s.batchSize;
                    int to = Math.min(n, from + s.batchSize);
                    opt.zeroGrad();
                    Tensor loss = lossFn.forward(model.forward(data.trainBatch(order, from, to).to(s.dtype)),
                            data.trainLabels(order, from, to));
                    loss.backward();
                    opt.step();
                    sum += loss.item() * (to - from);
                    if (bar != null) {
                        bar.step();
                        bar.setExtraMessage(String.format(" loss %.4f, %,.0f samples/s", sum / to,
                                to / ((System.nanoTime() - start) / 1e9)));
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double accuracy = accuracy(model, data, s.dtype);
            result.losses.add(sum / n);
            result.accuracies.add(accuracy);
            if (!s.progressBar) {
                LOG.info("epoch {}/{}: {} steps in {} s, {} samples/s", epoch, s.epochs, steps,
                        String.format("%.1f", seconds), String.format("%,.0f", n / seconds));
            }
            listener.epoch(epoch, s.epochs, sum / n, accuracy, n / seconds);
        }
        Files.createDirectories(s.out);
        result.weights = s.out.resolve(weightsName + ".safetensors");
        SafeTensors.save(model.stateDict(), result.weights);
        result.chart = s.out.resolve(chartName + ".png");
        TrainingChart.save(chart(result, s.dataSet, n, data.testSize(), String.format(Locale.ROOT, "%s, %s%s",
                modelName, s.optimizer.name().toLowerCase(Locale.ROOT).replace("adam", "Adam")
                        .replace("sgd", "SGD"), s.dtype == DType.FLOAT64 ? "" : ", " + DTypeOption.label(s.dtype))),
                result.chart);
        return result;
    }

    /**
     * The small CNN of {@code mnist --model cnn}, the network of the speed figures: Conv2d(1, 16, 5), ReLU,
     * MaxPool2d(2), Conv2d(16, 32, 5), ReLU, MaxPool2d(2), Linear(512, 10), on 1x28x28 digits as rows. Its children
     * are named 0..6; PyTorch's same network needs an {@code nn.Flatten()} before the Linear (then child 7).
     */
    static Sequential cnn(Random rng) {
        Conv2d conv1 = new Conv2d(new ImageShape(1, 28, 28), 16, 5, rng);
        MaxPool2d pool1 = new MaxPool2d(conv1.outputShape(), 2);
        Conv2d conv2 = new Conv2d(pool1.outputShape(), 32, 5, rng);
        MaxPool2d pool2 = new MaxPool2d(conv2.outputShape(), 2);
        return new Sequential(conv1, new ReLU(), pool1, conv2, new ReLU(), pool2,
                new Linear(pool2.outputShape().size(), 10, true, rng));
    }

    private static void shuffle(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** The fraction of test images whose largest logit is at their label, the images given in {@code dtype}. */
    static double accuracy(Module model, Mnist data, DType dtype) {
        int[] labels = data.testLabels();
        int correct = 0;
        try (NoGrad scope = NoGrad.enter()) {
            for (int from = 0; from < labels.length; from += 1000) {
                int to = Math.min(labels.length, from + 1000);
                int[] predicted = model.forward(data.testBatch(from, to).to(dtype)).argmax(1);
                for (int i = 0; i < predicted.length; i++) {
                    correct += predicted[i] == labels[from + i] ? 1 : 0;
                }
            }
        }
        return (double) correct / labels.length;
    }

    /**
     * The chart of a run ({@link TrainingChart#lossAndError}), titled with the data set, its sizes and the model.
     */
    static XYChart chart(Result r, String dataSet, int trainImages, int testImages, String model) {
        String title = String.format(Locale.ROOT, "%s (%,d training, %,d test images): %s", dataSet, trainImages,
                testImages, model);
        return TrainingChart.lossAndError(title, r.losses, r.accuracies);
    }
}
