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
import dev.ejgrad.examples.data.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
            description = {"Folder of a MULAN data set: NAME-train.arff and NAME-test.arff, and NAME.xml listing the "
                + "labels (emotions, yeast, scene; default: ${DEFAULT-VALUE})."})
    Path data;

    static final int STEPS = 400;
    static final int HIDDEN = 32;

    /** A MULAN data set in a folder: its name, the train and test files, and how many labels it has. */
    record DataSet(String name, Path train, Path test, int labels) {

        /**
         * Finds the one {@code NAME-train.arff} with its {@code NAME-test.arff} in a folder; the labels are counted
         * in {@code NAME.xml}, or, without it, are the trailing {@code {0,1}} attributes.
         */
        static DataSet in(Path dir) throws IOException {
            if (!Files.exists(dir)) {
                throw new NoSuchFileException(dir.toString());
            }
            if (!Files.isDirectory(dir)) {
                throw new IOException("--data takes the folder that holds NAME-train.arff and NAME-test.arff; "
                        + dir + " is a file (try --data " + (dir.getParent() == null ? "." : dir.getParent()) + ")");
            }
            List<String> names = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith("-train.arff")).sorted()
                        .forEach(f -> names.add(f.substring(0, f.length() - "-train.arff".length())));
            }
            if (names.size() != 1) {
                throw new IOException(dir + ": expected one NAME-train.arff (with NAME-test.arff), found "
                        + (names.isEmpty() ? "none" : String.join(", ", names)));
            }
            String name = names.get(0);
            Path test = dir.resolve(name + "-test.arff");
            if (!Files.exists(test)) {
                throw new IOException(dir + ": " + name + "-train.arff has no " + name + "-test.arff beside it");
            }
            Path xml = dir.resolve(name + ".xml");
            int labels = Files.exists(xml) ? labelsInXml(xml) : Arff.trailingBinaryAttributes(dir.resolve(name
                    + "-train.arff"));
            return new DataSet(name, dir.resolve(name + "-train.arff"), test, labels);
        }

        private static int labelsInXml(Path xml) throws IOException {
            Matcher m = Pattern.compile("<label\\s+name=").matcher(Files.readString(xml));
            int n = 0;
            while (m.find()) {
                n++;
            }
            if (n == 0) {
                throw new DataFormatException(xml.toString(), "line 1", "no <label name=...> element");
            }
            return n;
        }
    }

    /** Scores of one head on the test set. */
    static final class Scores {
        double[] f1;
        double macroF1;
        double hamming;
        double labelsPerExample;
    }

    /** The lesson's numbers. */
    static final class Result {
        String dataSet;
        int features;
        List<String> names;
        double trueLabelsPerExample;
        Scores sigmoid;
        Scores softmax;
        int trainRows;
        int testRows;
    }

    static Result compute(Path dir) throws IOException {
        DataSet set = DataSet.in(dir);
        int labels = set.labels();
        Arff.MultiLabel train = Arff.read(set.train(), labels);
        Arff.MultiLabel test = Arff.read(set.test(), labels);
        if (test.features().cols() != train.features().cols()) {
            throw new DataFormatException(set.test().toString(), "line 1", test.features().cols() + " features, but "
                    + set.train().getFileName() + " has " + train.features().cols());
        }
        Standardizer standardizer = Standardizer.fit(train.features());
        Tensor x = standardizer.apply(train.features());
        Tensor xTest = standardizer.apply(test.features());
        Tensor y = train.labels();
        int d = x.cols();

        // posWeight = negatives / positives per label, so rare labels weigh as much as common ones
        Tensor positives = y.sum(0);
        double[] w = new double[labels];
        for (int j = 0; j < labels; j++) {
            double pos = positives.get(0, j);
            w[j] = pos == 0 ? 1 : (y.rows() - pos) / pos;   // a label never seen in training: weight 1, not infinity
        }
        Tensor posWeight = Tensor.row(w);
        Sequential sigmoidNet = net(d, labels);
        BCEWithLogitsLoss bce = new BCEWithLogitsLoss().posWeight(posWeight);
        fit(sigmoidNet, () -> bce.forward(sigmoidNet.forward(x), y));

        // the softmax head learns the label set as a distribution: each present label gets an equal share
        Tensor share = y.div(y.sum(1).clamp(1, Double.MAX_VALUE)).detach();
        Sequential softmaxNet = net(d, labels);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        fit(softmaxNet, () -> ce.forward(softmaxNet.forward(x), share));

        Result r = new Result();
        r.dataSet = set.name();
        r.features = d;
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

    private static Sequential net(int d, int labels) {
        Random rng = new Random(3);
        return new Sequential(new Linear(d, HIDDEN, true, rng), new ReLU(), new Linear(HIDDEN, labels, true, rng));
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
        String item = r.dataSet.equals("emotions") ? "song" : "example";
        int labels = r.names.size();
        StringBuilder sb = new StringBuilder(String.format("%s: %d training and %d test %ss, %d labels, "
                + "%.2f labels per %s on average%nMLP %d-%d-%d on each side; test-set scores%n%n", r.dataSet,
                r.trainRows, r.testRows, item, labels, r.trueLabelsPerExample, item, r.features, HIDDEN, labels));
        TextTable t = new TextTable("label", "F1 sigmoid heads", "F1 softmax head");
        for (int j = 0; j < labels; j++) {
            t.row(r.names.get(j), r.sigmoid.f1[j], r.softmax.f1[j]);
        }
        t.row("macro F1", r.sigmoid.macroF1, r.softmax.macroF1);
        t.row("Hamming loss", r.sigmoid.hamming, r.softmax.hamming);
        t.row("labels predicted per " + item, r.sigmoid.labelsPerExample, r.softmax.labelsPerExample);
        sb.append(t);
        sb.append("\nsigmoid heads: BCEWithLogitsLoss with posWeight = negatives/positives per label, each label "
                + "predicted on its own\nsoftmax head: CrossEntropyLoss on the label set as a distribution; its "
                + "probabilities share one unit,\nso it can only name one label per " + item + " and misses the others\n");
        return sb.toString();
    }

    @Override
    public Integer call() throws IOException {
        System.out.print(report(compute(data)));
        return 0;
    }
}
