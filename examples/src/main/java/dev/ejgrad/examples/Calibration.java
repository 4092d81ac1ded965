package dev.ejgrad.examples;

import dev.ejgrad.core.Derivatives;
import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.data.Csv;
import dev.ejgrad.examples.data.Embedded;
import dev.ejgrad.examples.data.Mnist;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.ReLU;
import dev.ejgrad.nn.Sequential;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.nn.loss.MSELoss;
import dev.ejgrad.optim.Adam;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Lesson 11: probabilities you can trust. Cross-entropy is a proper scoring rule, so a model trained by it (and
 * stopped at its best validation loss) says 80% when it is right 80% of the time; the lesson measures that, and
 * what breaks it.
 *
 * <ul>
 *   <li>Reliability diagrams and the expected calibration error (ECE: 15 equal-width bins of the top-class
 *       confidence, {@code Σ_b (n_b/N)·|accuracy_b − confidence_b|}, as Guo et al. 2017) of one MLP trained by
 *       cross-entropy, by MSE between its softmax and the one-hot target (the Brier score), by a multiclass hinge
 *       loss (Crammer-Singer), by cross-entropy far past its best validation loss, and by cross-entropy with label
 *       smoothing 0.1.</li>
 *   <li>Proper scoring on a synthetic problem with known class probabilities {@code p = softmax(z)}: scoring the
 *       predictions {@code softmax(z/T)}, the expected cross-entropy and Brier score are smallest at {@code T = 1},
 *       the expected 0-1 loss does not depend on {@code T} at all, and the expected hinge loss is smallest
 *       elsewhere: it is not proper.</li>
 *   <li>Temperature scaling: one parameter fitted by maximum likelihood on the validation split (Newton's method
 *       in {@code β = 1/T}, where the NLL is convex, on the 1x1 Hessian from {@link Derivatives#hessian}); the
 *       gradient {@code dNLL/dT} checked against the hand formula {@code mean(z_y − Σ_k q_k z_k)/T²}.</li>
 * </ul>
 */
@Command(name = "calibration", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Calibration: reliability diagrams and ECE of models trained by cross-entropy, MSE, a "
            + "hinge loss, too long and with label smoothing; proper scoring rules; temperature scaling by Newton.",
            "Without --data it uses the 2,000/500 MNIST subset shipped with the examples; breast cancer always."})
final class Calibration implements Callable<Integer> {

    /** The bins of the ECE and of the reliability diagrams. */
    static final int BINS = 15;

    @Option(names = "--data", paramLabel = "DIR", description = "Folder with the four MNIST IDX files (.gz or not): "
            + "the full set instead of the shipped subset.")
    Path data;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for the splits, the weights and the batches "
            + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "target/ejgrad-calibration", paramLabel = "DIR",
            description = "Where to write the reliability diagrams and the proper-scoring chart (default: "
                + "${DEFAULT-VALUE}).")
    Path out;

    // ------------------------------------------------------------------------------------------------ the numbers

    /** One of the {@value #BINS} confidence bins: how many predictions fell in it, their mean confidence, accuracy. */
    record Bin(double lower, double upper, int count, double confidence, double accuracy) {
    }

    /** A model's test-set scores at one temperature. */
    record Scores(double accuracy, double nll, double brier, double ece, double meanConfidence, List<Bin> bins) {
    }

    /** Temperature scaling of one model: the fitted T and the scores before and after. */
    record Scaling(double temperature, int newtonSteps, double valNllBefore, double valNllAfter, Scores after) {
    }

    /** One trained model. */
    record Model(String name, String objective, int epoch, Scores test, Scaling scaling) {
    }

    /** {@code dNLL/dT} on the validation split, by autograd and by the hand formula. */
    record GradientCheck(String model, double temperature, double autograd, double byHand) {
    }

    /** A data set's models and checks. */
    record DataSetResult(String name, String setup, List<Model> models, List<GradientCheck> gradients) {

        Model model(String modelName) {
            return models.stream().filter(m -> m.name().equals(modelName)).findFirst().orElseThrow();
        }
    }

    /** The expected scores of {@code softmax(z/T)} under the true probabilities {@code softmax(z)}, at one T. */
    record CurvePoint(double temperature, double crossEntropy, double brier, double zeroOne, double hinge) {
    }

    /** The synthetic problem: the curve over T, and the derivatives at T = 1 by autograd. */
    record ProperScoring(int examples, int classes, List<CurvePoint> curve, double ceSlopeAtOne,
            double ceCurvatureAtOne, double brierSlopeAtOne, double fittedTemperature) {

        CurvePoint at(double temperature) {
            return curve.stream().filter(p -> p.temperature() == temperature).findFirst().orElseThrow();
        }

        /** {@return the T of the grid where a score is smallest} */
        double argmin(java.util.function.ToDoubleFunction<CurvePoint> score) {
            return curve.stream().min(java.util.Comparator.comparingDouble(score)).orElseThrow().temperature();
        }
    }

    /** Everything the lesson prints. */
    record Result(List<DataSetResult> dataSets, ProperScoring properScoring, List<Path> pictures) {
    }

    static final String CE = "cross-entropy";
    static final String MSE = "MSE on one-hot";
    static final String HINGE = "multiclass hinge";
    static final String OVERTRAINED = "cross-entropy, overtrained";
    static final String SMOOTHED = "label smoothing 0.1";

    // ------------------------------------------------------------------------------------------------ the data

    /** Training batches by index: rows {@code order[from..to)} of the training part. */
    interface TrainRows {
        Tensor rows(int[] order, int from, int to);
    }

    /** A data set split three ways, and how to train on it. */
    record Split(String name, int features, int classes, TrainRows train, int[] trainLabels, Tensor xVal, int[] yVal,
            Tensor xTest, int[] yTest, Plan plan) {
    }

    /** The network and the training schedule for a data set. */
    record Plan(int hidden, double lr, int batch, int epochs, int overtrainEpochs) {
    }

    /** MNIST, its training images split into training and validation parts (seeded); its test images. */
    static Split mnist(Mnist data, String name, long seed, Plan plan) {
        int n = data.trainSize();
        int[] order = permutation(n, new Random(seed));
        int nVal = n >= 25_000 ? 5000 : n / 5;   // 400 of the subset's 2,000; 5,000 of the full 60,000
        int[] val = java.util.Arrays.copyOfRange(order, n - nVal, n);
        int[] train = java.util.Arrays.copyOfRange(order, 0, n - nVal);
        int[] all = permutation(n, null);
        int[] labels = data.trainLabels(all, 0, n);
        TrainRows rows = (o, from, to) -> {
            int[] mapped = new int[to - from];
            for (int i = from; i < to; i++) {
                mapped[i - from] = train[o[i]];
            }
            return data.trainBatch(mapped, 0, mapped.length);
        };
        String title = String.format(Locale.ROOT, "%s: %,d training, %,d validation, %,d test images", name,
                train.length, nVal, data.testSize());
        return new Split(title, data.features(), 10, rows, pick(labels, train), data.trainBatch(val, 0, nVal),
                pick(labels, val), data.testBatch(0, data.testSize()), data.testLabels(), plan);
    }

    /** Breast cancer: 60/20/20 training, validation and test rows (seeded), standardised by the training rows. */
    static Split breastCancer(long seed) throws IOException {
        Csv.Table t = Embedded.csv("breast-cancer/breast_cancer.csv");
        int n = t.features().rows();
        int[] order = permutation(n, new Random(seed));
        int nTest = n / 5;
        int nVal = n / 5;
        int[] test = java.util.Arrays.copyOfRange(order, 0, nTest);
        int[] val = java.util.Arrays.copyOfRange(order, nTest, nTest + nVal);
        int[] train = java.util.Arrays.copyOfRange(order, nTest + nVal, n);
        Tensor x = Standardizer.fit(t.features().indexSelect(0, train)).apply(t.features());
        Tensor xt = x.indexSelect(0, train);
        TrainRows rows = (o, from, to) -> xt.indexSelect(0, java.util.Arrays.copyOfRange(o, from, to));
        int[] labels = t.labels();
        return new Split(String.format(Locale.ROOT, "breast cancer: %d training, %d validation, %d test rows",
                train.length, nVal, nTest), t.features().cols(), t.classes().size(), rows, pick(labels, train),
                x.indexSelect(0, val), pick(labels, val), x.indexSelect(0, test), pick(labels, test),
                new Plan(32, 3e-3, 32, 150, 1500));
    }

    static int[] permutation(int n, Random rng) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        if (rng != null) {
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = a[i];
                a[i] = a[j];
                a[j] = t;
            }
        }
        return a;
    }

    private static int[] pick(int[] labels, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = labels[rows[i]];
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ the losses

    /** A training objective on logits and class indices. */
    interface Objective {
        Tensor loss(Tensor logits, int[] labels);
    }

    static Tensor oneHot(int[] labels, int classes) {
        double[][] y = new double[labels.length][classes];
        for (int i = 0; i < labels.length; i++) {
            y[i][labels[i]] = 1;
        }
        return Tensor.of(y);
    }

    /** Mean squared error between the softmax and the one-hot target: the Brier score divided by the classes. */
    static Tensor mseOnOneHot(Tensor logits, int[] labels) {
        return new MSELoss().forward(logits.softmax(1), oneHot(labels, logits.cols()));
    }

    /**
     * The multiclass hinge loss of Crammer and Singer (2001), composed from ejgrad's ops:
     * {@code mean_i max(0, 1 + max_{j≠y_i} z_ij − z_iy_i)}. (Weston-Watkins would sum the hinge over every wrong
     * class instead of taking the largest.) It is zero once the true class leads every other by a margin of 1, so
     * it asks nothing of the probabilities beyond that.
     */
    static Tensor hinge(Tensor logits, int[] labels) {
        int[][] index = new int[labels.length][];
        for (int i = 0; i < labels.length; i++) {
            index[i] = new int[] {labels[i]};
        }
        Tensor trueClass = logits.gather(1, index);
        Tensor bestOther = logits.maskedFill(oneHot(labels, logits.cols()), Double.NEGATIVE_INFINITY).max(1);
        return bestOther.sub(trueClass).add(1).relu().mean();
    }

    // ------------------------------------------------------------------------------------------------ training

    /** The logits of the validation and test sets at one point of training. */
    record Logits(int epoch, Tensor val, Tensor test) {
    }

    /** A run: its logits at the epoch of the lowest validation objective, and at its last epoch. */
    record Run(Logits best, Logits last) {
    }

    /**
     * Trains the lesson's MLP (the same initial weights for every objective) with Adam on mini-batches, keeping the
     * logits of the epoch whose validation objective was lowest.
     */
    static Run train(Split s, Objective objective, int epochs, long seed) {
        Plan p = s.plan();
        Random init = new Random(seed);
        Sequential net = new Sequential(new Linear(s.features(), p.hidden(), true, init), new ReLU(),
                new Linear(p.hidden(), s.classes(), true, init));
        Adam opt = new Adam(net.parameters(), p.lr());
        Random shuffle = new Random(seed + 1);
        int n = s.trainLabels().length;
        double bestVal = Double.POSITIVE_INFINITY;
        Logits best = null;
        Logits last = null;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            int[] order = permutation(n, shuffle);
            for (int from = 0; from < n; from += p.batch()) {
                int to = Math.min(n, from + p.batch());
                int[] labels = new int[to - from];
                for (int i = from; i < to; i++) {
                    labels[i - from] = s.trainLabels()[order[i]];
                }
                opt.zeroGrad();
                objective.loss(net.forward(s.train().rows(order, from, to)), labels).backward();
                opt.step();
            }
            try (NoGrad scope = NoGrad.enter()) {
                Tensor val = forward(net, s.xVal());
                double v = objective.loss(val, s.yVal()).item();
                if (v < bestVal || epoch == epochs) {
                    Logits now = new Logits(epoch, val, forward(net, s.xTest()));
                    if (v < bestVal) {
                        bestVal = v;
                        best = now;
                    }
                    last = now;
                }
            }
        }
        return new Run(best, last);
    }

    private static Tensor forward(Sequential net, Tensor x) {
        List<Tensor> parts = new ArrayList<>();
        for (int from = 0; from < x.rows(); from += 2000) {
            parts.add(net.forward(x.narrow(0, from, Math.min(2000, x.rows() - from))));
        }
        return Tensor.cat(0, parts);
    }

    // ------------------------------------------------------------------------------------------------ scoring

    /** Accuracy, NLL, Brier score and ECE of {@code softmax(logits / T)}. */
    static Scores score(Tensor logits, int[] labels, double temperature) {
        try (NoGrad scope = NoGrad.enter()) {
            Tensor z = logits.div(temperature);
            double nll = new CrossEntropyLoss().forward(z, labels).item();
            Tensor q = z.softmax(1);
            double brier = q.sub(oneHot(labels, q.cols())).square().sum(1).mean().item();
            double[][] probs = q.toArray();
            int[] predicted = z.argmax(1);
            int[] count = new int[BINS];
            double[] confidence = new double[BINS];
            double[] correct = new double[BINS];
            double right = 0;
            double sumConfidence = 0;
            for (int i = 0; i < labels.length; i++) {
                double c = probs[i][predicted[i]];
                // bins (k/15, (k+1)/15], as Guo et al.'s code
                int b = Math.min(BINS - 1, Math.max(0, (int) Math.ceil(c * BINS) - 1));
                boolean hit = predicted[i] == labels[i];
                count[b]++;
                confidence[b] += c;
                correct[b] += hit ? 1 : 0;
                right += hit ? 1 : 0;
                sumConfidence += c;
            }
            List<Bin> bins = new ArrayList<>();
            double ece = 0;
            for (int b = 0; b < BINS; b++) {
                double conf = count[b] == 0 ? Double.NaN : confidence[b] / count[b];
                double acc = count[b] == 0 ? Double.NaN : correct[b] / count[b];
                bins.add(new Bin((double) b / BINS, (double) (b + 1) / BINS, count[b], conf, acc));
                if (count[b] > 0) {
                    ece += (double) count[b] / labels.length * Math.abs(acc - conf);
                }
            }
            return new Scores(right / labels.length, nll, brier, ece, sumConfidence / labels.length, bins);
        }
    }

    // ------------------------------------------------------------------------------------------------ temperature

    /** The mean NLL of {@code softmax(β·z)}: convex in β (a log-sum-exp of lines minus a line). */
    static Tensor nllInBeta(Tensor logits, int[] labels, Tensor beta) {
        return new CrossEntropyLoss().forward(logits.mul(beta), labels);
    }

    /** The fitted temperature and the Newton steps it took. */
    record Fit(double temperature, int steps) {
    }

    /** Minimises the validation NLL over β = 1/T by Newton's method, from T = 1, on autograd's gradient and Hessian. */
    static Fit fitTemperature(Tensor logits, int[] labels) {
        double beta = 1;
        for (int step = 1; step <= 50; step++) {
            Tensor b = Tensor.scalar(beta);
            double g = Derivatives.vjp(x -> nllInBeta(logits, labels, x), b, Tensor.scalar(1)).item();
            double h = Derivatives.hessian(x -> nllInBeta(logits, labels, x), b).item();
            double next = beta - g / h;
            if (!(next > 0)) {
                next = beta / 2;   // a step past zero: halve instead (β must stay positive)
            }
            boolean done = Math.abs(next - beta) < 1e-12 * Math.max(1, Math.abs(beta));
            beta = next;
            if (done) {
                return new Fit(1 / beta, step);
            }
        }
        throw new IllegalStateException("calibration: Newton's method for the temperature did not converge");
    }

    /** {@code dNLL/dT} at T by autograd, and by hand: {@code mean_i (z_iy − Σ_k q_ik z_ik) / T²}, q = softmax(z/T). */
    static GradientCheck gradientInT(String model, Tensor logits, int[] labels, double temperature) {
        Tensor t = Tensor.scalar(temperature).requiresGrad(true);
        new CrossEntropyLoss().forward(logits.div(t), labels).backward();
        double[][] z = logits.toArray();
        double[][] q = logits.div(temperature).softmax(1).toArray();
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            double expected = 0;
            for (int k = 0; k < z[i].length; k++) {
                expected += q[i][k] * z[i][k];
            }
            sum += z[i][labels[i]] - expected;
        }
        return new GradientCheck(model, temperature, t.grad().item(),
                sum / labels.length / (temperature * temperature));
    }

    static Model model(String name, String objective, Logits logits, int[] yVal, int[] yTest) {
        Fit fit = fitTemperature(logits.val(), yVal);
        Scaling scaling = new Scaling(fit.temperature(), fit.steps(), score(logits.val(), yVal, 1).nll(),
                score(logits.val(), yVal, fit.temperature()).nll(), score(logits.test(), yTest, fit.temperature()));
        return new Model(name, objective, logits.epoch(), score(logits.test(), yTest, 1), scaling);
    }

    static DataSetResult run(Split s, long seed) {
        Plan p = s.plan();
        CrossEntropyLoss ce = new CrossEntropyLoss();
        CrossEntropyLoss smoothed = new CrossEntropyLoss().labelSmoothing(0.1);
        Run byCe = train(s, ce::forward, p.overtrainEpochs(), seed);
        Run byMse = train(s, Calibration::mseOnOneHot, p.epochs(), seed);
        Run byHinge = train(s, Calibration::hinge, p.epochs(), seed);
        Run bySmoothing = train(s, smoothed::forward, p.epochs(), seed);
        List<Model> models = List.of(
                model(CE, "CrossEntropyLoss, stopped at its best validation loss", byCe.best(), s.yVal(), s.yTest()),
                model(MSE, "MSELoss(softmax(z), one-hot): the Brier score / classes", byMse.best(), s.yVal(), s.yTest()),
                model(HINGE, "Crammer-Singer: mean max(0, 1 + max_{j≠y} z_j − z_y), composed from ejgrad's ops", byHinge.best(), s.yVal(), s.yTest()),
                model(OVERTRAINED, "the cross-entropy run, trained on far past its best validation loss", byCe.last(),
                        s.yVal(), s.yTest()),
                model(SMOOTHED, "CrossEntropyLoss().labelSmoothing(0.1), stopped at its best validation loss", bySmoothing.best(), s.yVal(), s.yTest()));
        List<GradientCheck> gradients = new ArrayList<>();
        // at T = 1, and at the fitted T, where it should vanish
        gradients.add(gradientInT(OVERTRAINED, byCe.last().val(), s.yVal(), 1));
        gradients.add(gradientInT(OVERTRAINED, byCe.last().val(), s.yVal(), models.get(3).scaling().temperature()));
        String setup = String.format(Locale.ROOT, "MLP %d-%d-%d (ReLU), Adam lr %s, batch %d; every objective %d "
                + "epochs from the same initial weights, stopped at its lowest validation loss, except the "
                + "overtrained model (%d epochs)", s.features(), p.hidden(), s.classes(), p.lr(), p.batch(),
                p.epochs(), p.overtrainEpochs());
        return new DataSetResult(s.name(), setup, models, gradients);
    }

    // ------------------------------------------------------------------------------------------------ proper scoring

    static final int SYNTHETIC_EXAMPLES = 2000;
    static final int SYNTHETIC_CLASSES = 4;

    /** The temperatures of the curve: 0.25 to 4, log-spaced, 1 exactly among them. */
    static double[] temperatures() {
        double[] t = new double[33];
        for (int i = 0; i < t.length; i++) {
            t[i] = i == 16 ? 1 : Math.pow(2, (i - 16) / 8.0);
        }
        return t;
    }

    /** Expected cross-entropy of {@code softmax(z·β)} under {@code p}: {@code −mean_i Σ_k p_ik log q_ik}. */
    static Tensor expectedCrossEntropy(Tensor z, Tensor p, Tensor beta) {
        return z.mul(beta).logSoftmax(1).mul(p).sum(1).neg().mean();
    }

    /** Expected Brier score: {@code mean_i Σ_y p_iy Σ_k (q_ik − [k = y])² = mean_i Σ_k (q_ik² − 2 q_ik p_ik + p_ik)}. */
    static Tensor expectedBrier(Tensor z, Tensor p, Tensor beta) {
        Tensor q = z.mul(beta).softmax(1);
        return q.square().sub(q.mul(p).mul(2)).add(p).sum(1).mean();
    }

    static ProperScoring properScoring(long seed) {
        Random rng = new Random(seed + 100);
        Tensor z = Tensor.randn(SYNTHETIC_EXAMPLES, SYNTHETIC_CLASSES, rng).mul(2);
        Tensor p = z.softmax(1);
        double[][] pa = p.toArray();
        double[][] za = z.toArray();
        List<CurvePoint> curve = new ArrayList<>();
        for (double t : temperatures()) {
            Tensor beta = Tensor.scalar(1 / t);
            double hinge = 0;
            double zeroOne = 0;
            for (int i = 0; i < SYNTHETIC_EXAMPLES; i++) {
                int top = 0;
                for (int k = 1; k < SYNTHETIC_CLASSES; k++) {
                    top = za[i][k] / t > za[i][top] / t ? k : top;
                }
                zeroOne += 1 - pa[i][top];
                for (int y = 0; y < SYNTHETIC_CLASSES; y++) {
                    double other = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < SYNTHETIC_CLASSES; k++) {
                        other = k == y ? other : Math.max(other, za[i][k] / t);
                    }
                    hinge += pa[i][y] * Math.max(0, 1 + other - za[i][y] / t);
                }
            }
            curve.add(new CurvePoint(t, expectedCrossEntropy(z, p, beta).item(), expectedBrier(z, p, beta).item(),
                    zeroOne / SYNTHETIC_EXAMPLES, hinge / SYNTHETIC_EXAMPLES));
        }
        // d/dT at T = 1 is −d/dβ at β = 1; the second derivative in β, positive at a minimum
        Tensor one = Tensor.scalar(1);
        double ceSlope = -Derivatives.vjp(b -> expectedCrossEntropy(z, p, b), one, one).item();
        double ceCurvature = Derivatives.hessian(b -> expectedCrossEntropy(z, p, b), one).item();
        double brierSlope = -Derivatives.vjp(b -> expectedBrier(z, p, b), one, one).item();
        // labels drawn from the true probabilities: temperature scaling on them finds T near 1
        int[] labels = new int[SYNTHETIC_EXAMPLES];
        for (int i = 0; i < labels.length; i++) {
            double u = rng.nextDouble();
            int k = 0;
            for (double acc = pa[i][0]; acc < u && k < SYNTHETIC_CLASSES - 1; acc += pa[i][++k]) {
                // walk the cumulative distribution
            }
            labels[i] = k;
        }
        double fitted = fitTemperature(z, labels).temperature();
        return new ProperScoring(SYNTHETIC_EXAMPLES, SYNTHETIC_CLASSES, curve, ceSlope, ceCurvature, brierSlope,
                fitted);
    }

    // ------------------------------------------------------------------------------------------------ the lesson

    /** The data sets of a run: the MNIST subset (or full MNIST from {@code dir}) and breast cancer. */
    static List<Split> splits(Path dir, long seed) throws IOException {
        Split mnist = dir == null
                ? mnist(Mnist.embedded(), "embedded MNIST subset", seed, new Plan(128, 1e-3, 64, 30, 100))
                : mnist(Mnist.fromDirectory(dir), "MNIST from " + dir, seed, new Plan(128, 1e-3, 128, 10, 40));
        return List.of(mnist, breastCancer(seed));
    }

    static Result compute(Path dir, long seed, Path out) throws IOException {
        List<DataSetResult> sets = new ArrayList<>();
        for (Split s : splits(dir, seed)) {
            sets.add(run(s, seed));
        }
        ProperScoring proper = properScoring(seed);
        List<Path> pictures = new ArrayList<>();
        if (out != null) {
            Files.createDirectories(out);
            for (int i = 0; i < sets.size(); i++) {
                Path file = out.resolve(i == 0 ? "reliability-mnist.png" : "reliability-breast-cancer.png");
                ReliabilityDiagram.write(sets.get(i), file);
                pictures.add(file);
            }
            Path curve = out.resolve("proper-scoring.png");
            ReliabilityDiagram.writeCurve(proper, curve);
            pictures.add(curve);
        }
        return new Result(sets, proper, pictures);
    }

    static String report(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("one MLP per data set, from the same initial weights, trained five ways:\n");
        for (Model m : r.dataSets().get(0).models()) {
            sb.append(String.format(Locale.ROOT, "  %-27s %s%n", m.name(), m.objective()));
        }
        sb.append("ECE: 15 equal-width bins of the top-class confidence, Σ_b (n_b/N)·|accuracy_b − confidence_b| "
                + "(Guo et al. 2017); Brier: Σ_k (q_k − [k = y])², mean over examples; all scores on the test set\n");
        for (DataSetResult d : r.dataSets()) {
            sb.append('\n').append(d.name()).append('\n').append(d.setup()).append("\n\n");
            TextTable t = new TextTable("model", "epoch", "accuracy", "NLL", "Brier", "ECE", "mean confidence");
            for (Model m : d.models()) {
                Scores s = m.test();
                t.row(m.name(), m.epoch(), percent(s.accuracy()), s.nll(), s.brier(), percent(s.ece()),
                        percent(s.meanConfidence()));
            }
            sb.append(t);
            sb.append("\ntemperature scaling: T fitted on the validation split (Newton in 1/T on autograd's "
                    + "Hessian), then the test set scored at it\n");
            TextTable ts = new TextTable("model", "T", "Newton steps", "val NLL T=1", "val NLL at T", "test NLL",
                    "at T", "test ECE", "at T", "test accuracy", "at T");
            for (Model m : d.models()) {
                Scaling s = m.scaling();
                ts.row(m.name(), s.temperature(), s.newtonSteps(), s.valNllBefore(), s.valNllAfter(), m.test().nll(),
                        s.after().nll(), percent(m.test().ece()), percent(s.after().ece()),
                        percent(m.test().accuracy()), percent(s.after().accuracy()));
            }
            sb.append(ts);
            sb.append("\ndNLL/dT on the validation split: autograd against mean(z_y − Σ_k q_k z_k)/T² by hand\n");
            TextTable g = new TextTable("model", "T", "autograd", "by hand", "|difference|");
            for (GradientCheck c : d.gradients()) {
                g.row(c.model(), c.temperature(), c.autograd(), c.byHand(), Math.abs(c.autograd() - c.byHand()));
            }
            sb.append(g);
            Model plain = d.model(CE);
            Model smooth = d.model(SMOOTHED);
            sb.append(String.format(Locale.ROOT, "%nlabel smoothing 0.1 against none: test ECE %s against %s, "
                    + "NLL %.4f against %.4f, mean confidence %s against %s (accuracy %s against %s)%n",
                    percent(smooth.test().ece()), percent(plain.test().ece()), smooth.test().nll(),
                    plain.test().nll(), percent(smooth.test().meanConfidence()),
                    percent(plain.test().meanConfidence()), percent(smooth.test().accuracy()),
                    percent(plain.test().accuracy())));
        }
        ProperScoring p = r.properScoring();
        sb.append(String.format(Locale.ROOT, "%nproper scoring: %,d examples, %d classes, true logits z ~ N(0, 2²) "
                + "(seeded), true probabilities p = softmax(z);%nthe prediction softmax(z/T) scored by the expected "
                + "loss under p (exact sums over the classes, no sampling)%n", p.examples(), p.classes()));
        TextTable c = new TextTable("T", "E[cross-entropy]", "E[Brier]", "E[0-1 loss]", "E[hinge]");
        for (double t : new double[] {0.25, 0.5, Math.pow(2, -0.25), 1, Math.pow(2, 0.25), 2, 4}) {
            CurvePoint q = p.curve().stream().filter(x -> Math.abs(x.temperature() - t) < 1e-12).findFirst()
                    .orElseThrow();
            c.row(q.temperature(), q.crossEntropy(), q.brier(), q.zeroOne(), q.hinge());
        }
        sb.append(c);
        sb.append(String.format(Locale.ROOT, "smallest on the grid of %d temperatures (0.25 to 4): cross-entropy at "
                + "T = %s, Brier at T = %s, hinge at T = %s; the 0-1 loss is the same at every T (spread %s)%n",
                p.curve().size(), TextTable.number(p.argmin(CurvePoint::crossEntropy)),
                TextTable.number(p.argmin(CurvePoint::brier)), TextTable.number(p.argmin(CurvePoint::hinge)),
                TextTable.number(spread(p.curve(), CurvePoint::zeroOne))));
        sb.append(String.format(Locale.ROOT, "at T = 1, by autograd: dE[CE]/dT = %s, d²E[CE]/dβ² = %s (β = 1/T), "
                + "dE[Brier]/dT = %s%n", TextTable.number(p.ceSlopeAtOne()), TextTable.number(p.ceCurvatureAtOne()),
                TextTable.number(p.brierSlopeAtOne())));
        sb.append(String.format(Locale.ROOT, "labels drawn from p, temperature scaling by Newton finds T = %.4f%n",
                p.fittedTemperature()));
        if (!r.pictures().isEmpty()) {
            sb.append('\n');
            for (Path f : r.pictures()) {
                sb.append("chart: ").append(f).append('\n');
            }
        }
        return sb.toString();
    }

    static double spread(List<CurvePoint> curve, java.util.function.ToDoubleFunction<CurvePoint> score) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (CurvePoint c : curve) {
            lo = Math.min(lo, score.applyAsDouble(c));
            hi = Math.max(hi, score.applyAsDouble(c));
        }
        return hi - lo;
    }

    static String percent(double v) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    @Override
    public Integer call() throws IOException {
        System.out.print(report(compute(data, seed, out)));
        return 0;
    }
}
