package dev.ejgrad.examples;

import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.examples.data.Arff;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.ReLU;
import dev.ejgrad.nn.Sequential;
import dev.ejgrad.nn.loss.BCEWithLogitsLoss;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.Adam;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Lesson 5: when labels co-occur, each needs its own sigmoid (BCEWithLogitsLoss); a softmax head makes labels
 * compete for one unit of probability and so can only name one.
 */
@Command(name = "multilabel", mixinStandardHelpOptions = true,
        description = {"Sigmoid heads against a softmax head on a multilabel data set (emotions by default).",
            "The data is not shipped (it has no explicit licence); --data names the folder."})
final class Multilabel implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "../shared/data/multilabel-emotions",
            description = "Folder with emotions-train.arff and emotions-test.arff (default: ${DEFAULT-VALUE}).")
    Path data;

    static final int LABELS = 6;
    static final int STEPS = 400;

    /** Scores of one head on the test set. */
    static final class Scores {
        double[] f1;
        double macroF1;
        double hamming;
        double labelsPerExample;
    }

    /** The lesson's numbers. */
    static final class Result {
        List<String> names;
        double trueLabelsPerExample;
        Scores sigmoid;
        Scores softmax;
        int trainRows;
        int testRows;
    }

    static Result compute(Path dir) throws IOException {
        Arff.MultiLabel train = Arff.read(dir.resolve("emotions-train.arff"), LABELS);
        Arff.MultiLabel test = Arff.read(dir.resolve("emotions-test.arff"), LABELS);
        Tensor mean = train.features().mean(0);
        Tensor centered = train.features().sub(mean);
        Tensor std = centered.mul(centered).mean(0).sqrt();
        Tensor x = centered.div(std).detach();
        Tensor xTest = test.features().sub(mean).div(std).detach();
        Tensor y = train.labels();
        int d = x.cols();

        // posWeight = negatives / positives per label, so rare labels weigh as much as common ones
        Tensor positives = y.sum(0);
        Tensor posWeight = Tensor.full(1, LABELS, y.rows()).sub(positives).div(positives).detach();
        Sequential sigmoidNet = net(d);
        BCEWithLogitsLoss bce = new BCEWithLogitsLoss().posWeight(posWeight);
        fit(sigmoidNet, () -> bce.forward(sigmoidNet.forward(x), y));

        // the softmax head learns the label set as a distribution: each present label gets an equal share
        Tensor share = y.div(y.sum(1).clamp(1, Double.MAX_VALUE)).detach();
        Sequential softmaxNet = net(d);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        fit(softmaxNet, () -> ce.forward(softmaxNet.forward(x), share));

        Result r = new Result();
        r.names = train.labelNames();
        r.trainRows = x.rows();
        r.testRows = xTest.rows();
        r.trueLabelsPerExample = test.labels().sum().item() / test.labels().rows();
        try (NoGrad scope = NoGrad.enter()) {
            r.sigmoid = score(threshold(sigmoidNet.forward(xTest).sigmoid()), test.labels());
            r.softmax = score(argmax(softmaxNet.forward(xTest)), test.labels());
        }
        return r;
    }

    private static Sequential net(int d) {
        Random rng = new Random(3);
        return new Sequential(new Linear(d, 32, true, rng), new ReLU(), new Linear(32, LABELS, true, rng));
    }

    private static void fit(Sequential net, java.util.function.Supplier<Tensor> objective) {
        Adam opt = new Adam(net.parameters(), 0.003).weightDecay(1e-3);
        for (int step = 0; step < STEPS; step++) {
            opt.zeroGrad();
            objective.get().backward();
            opt.step();
        }
    }

    /** Sigmoid heads: each label on its own, present when its probability is at least 1/2. */
    private static double[][] threshold(Tensor p) {
        return p.ge(0.5).toArray();
    }

    /** A softmax head: the probabilities sum to 1, so it names the one most likely label. */
    private static double[][] argmax(Tensor logits) {
        int[] best = logits.argmax(1);
        double[][] out = new double[logits.rows()][logits.cols()];
        for (int i = 0; i < best.length; i++) {
            out[i][best[i]] = 1;
        }
        return out;
    }

    static Scores score(double[][] predicted, Tensor truth) {
        int n = truth.rows();
        int l = truth.cols();
        Scores s = new Scores();
        s.f1 = new double[l];
        double wrong = 0;
        double predictedLabels = 0;
        for (int j = 0; j < l; j++) {
            double tp = 0;
            double fp = 0;
            double fn = 0;
            for (int i = 0; i < n; i++) {
                double p = predicted[i][j];
                double t = truth.get(i, j);
                tp += p * t;
                fp += p * (1 - t);
                fn += (1 - p) * t;
                wrong += p != t ? 1 : 0;
                predictedLabels += p;
            }
            s.f1[j] = tp == 0 ? 0 : 2 * tp / (2 * tp + fp + fn);
            s.macroF1 += s.f1[j] / l;
        }
        s.hamming = wrong / (n * l);
        s.labelsPerExample = predictedLabels / n;
        return s;
    }

    static String report(Result r) {
        StringBuilder sb = new StringBuilder(String.format("emotions: %d training and %d test songs, %d labels, "
                + "%.2f labels per song on average%nMLP 72-32-6 on each side; test-set scores%n%n", r.trainRows,
                r.testRows, LABELS, r.trueLabelsPerExample));
        TextTable t = new TextTable("label", "F1 sigmoid heads", "F1 softmax head");
        for (int j = 0; j < LABELS; j++) {
            t.row(r.names.get(j), r.sigmoid.f1[j], r.softmax.f1[j]);
        }
        t.row("macro F1", r.sigmoid.macroF1, r.softmax.macroF1);
        t.row("Hamming loss", r.sigmoid.hamming, r.softmax.hamming);
        t.row("labels predicted per song", r.sigmoid.labelsPerExample, r.softmax.labelsPerExample);
        sb.append(t);
        sb.append("\nsigmoid heads: BCEWithLogitsLoss with posWeight = negatives/positives per label, each label "
                + "predicted on its own\nsoftmax head: CrossEntropyLoss on the label set as a distribution; its "
                + "probabilities share one unit,\nso it can only name one label per song and misses the others\n");
        return sb.toString();
    }

    @Override
    public Integer call() throws IOException {
        System.out.print(report(compute(data)));
        return 0;
    }
}
