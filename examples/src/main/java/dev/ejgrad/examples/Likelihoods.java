package dev.ejgrad.examples;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.data.Csv;
import dev.ejgrad.examples.data.Embedded;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.loss.BCELoss;
import dev.ejgrad.nn.loss.BCEWithLogitsLoss;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.nn.loss.GaussianNLLLoss;
import dev.ejgrad.nn.loss.MSELoss;
import dev.ejgrad.nn.loss.PoissonNLLLoss;
import dev.ejgrad.optim.SGD;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;

/**
 * Lesson 9: each of the library's regression and classification losses is the negative log-likelihood of a
 * distribution, so minimising it by gradient descent is maximum-likelihood estimation.
 *
 * <ul>
 *   <li>{@code BCEWithLogitsLoss} / {@code BCELoss}: Bernoulli. An intercept-only model on the shipped breast-cancer
 *       data ends at {@code p̂} = the positive (benign) rate.</li>
 *   <li>{@code CrossEntropyLoss}: categorical. Intercept-only logits on iris end at the class frequencies.</li>
 *   <li>{@code MSELoss}: Gaussian with a fixed variance. The fit is least squares; the variance that then maximises
 *       the likelihood is the mean squared residual. The loss leaves out the {@code 1/(2σ²)} factor and
 *       {@code log σ√(2π)}.</li>
 *   <li>{@code GaussianNLLLoss}: Gaussian with a learned variance. On seeded data in three groups of different noise,
 *       each group's learned variance is its mean squared residual. Without {@code full} the loss drops
 *       {@code 0.5·log 2π}.</li>
 *   <li>{@code PoissonNLLLoss}: Poisson. A constant log-rate on seeded counts ends at log of the sample mean. Without
 *       {@code full} the loss drops {@code log y!}; with it, it adds Stirling's approximation of {@code log y!} (for
 *       {@code y > 1}), not the exact value.</li>
 * </ul>
 *
 * <p>Every loss value is set beside the negative log-likelihood summed by hand from the pmf or pdf, in plain doubles
 * (the {@code log…} methods below), never through a loss.
 */
@Command(name = "likelihoods", mixinStandardHelpOptions = true,
        description = "BCE, cross-entropy, MSE, GaussianNLLLoss and PoissonNLLLoss are negative log-likelihoods; "
                + "gradient descent on each finds the maximum-likelihood estimate.")
final class Likelihoods implements Callable<Integer> {

    /** The heteroscedastic set's groups: means, standard deviations, examples per group. */
    static final double[] GROUP_MEAN = {-1.0, 0.5, 2.0};
    static final double[] GROUP_SIGMA = {0.5, 1.0, 2.0};
    static final int PER_GROUP = 200;
    /** The Poisson counts' rate and number. */
    static final double RATE = 3.5;
    static final int COUNTS = 500;
    /** The regression's line and noise. */
    static final double SLOPE = 1.5;
    static final double INTERCEPT = -0.7;
    static final double SIGMA = 0.4;
    static final int POINTS = 200;

    /**
     * A fitted parameter (one number, or a vector such as the class probabilities) beside its closed-form
     * maximum-likelihood estimate, and the value that generated seeded data (NaN for real data).
     */
    record Estimate(String distribution, String parameter, double[] fitted, double[] mle, double truth) {

        Estimate(String distribution, String parameter, double fitted, double mle, double truth) {
            this(distribution, parameter, new double[] {fitted}, new double[] {mle}, truth);
        }

        double difference() {
            double d = 0;
            for (int i = 0; i < fitted.length; i++) {
                d = Math.max(d, Math.abs(fitted[i] - mle[i]));
            }
            return d;
        }
    }

    /** One loss value beside the NLL summed by hand from the distribution. */
    record Value(String loss, double value, String leftOut, double restored, double byHand) {
    }

    /** The lesson's numbers. */
    static final class Result {
        final ArrayList<Estimate> estimates = new ArrayList<>();
        final ArrayList<Value> values = new ArrayList<>();
        /** PoissonNLLLoss full(true) minus the exact NLL, and the same from Stirling's error summed by hand. */
        double stirlingGap;
        double stirlingGapByHand;
    }

    static Result compute() throws IOException {
        Result r = new Result();
        bernoulli(Embedded.csv("breast-cancer/breast_cancer.csv"), r);
        categorical(Embedded.csv("iris/iris.csv"), r);
        gaussianFixedVariance(r);
        gaussianLearnedVariance(r);
        poisson(r);
        return r;
    }

    /** Full-batch gradient descent: every objective here is smooth and convex in its parameters. */
    private static void descend(List<Tensor> params, double lr, int steps, Supplier<Tensor> loss) {
        SGD sgd = new SGD(params, lr);
        for (int s = 0; s < steps; s++) {
            sgd.zeroGrad();
            loss.get().backward();
            sgd.step();
        }
    }

    // ---- Bernoulli -------------------------------------------------------------------------------------------

    static void bernoulli(Csv.Table data, Result r) {
        int[] labels = data.labels();
        int n = labels.length;
        double[] yv = new double[n];
        double positives = 0;
        for (int i = 0; i < n; i++) {
            yv[i] = labels[i];
            positives += labels[i];
        }
        Tensor y = Tensor.column(yv);
        Tensor column = Tensor.zeros(n, 1);
        Tensor logit = Tensor.scalar(-2).requiresGrad(true);
        BCEWithLogitsLoss bce = new BCEWithLogitsLoss();
        descend(List.of(logit), 4, 200, () -> bce.forward(logit.add(column), y));
        double p = 1 / (1 + Math.exp(-logit.item()));
        double rate = positives / n;
        r.estimates.add(new Estimate("Bernoulli: breast cancer", "p(" + data.classes().get(1) + ")", p, rate,
                Double.NaN));

        double byHand = 0;
        for (double yi : yv) {
            byHand -= logBernoulli(yi, p);
        }
        byHand /= n;
        double withLogits = bce.forward(logit.add(column), y).item();
        double onProbabilities = new BCELoss().forward(logit.add(column).sigmoid(), y).item();
        r.values.add(new Value("BCEWithLogitsLoss", withLogits, "nothing", withLogits, byHand));
        r.values.add(new Value("BCELoss(sigmoid)", onProbabilities, "nothing", onProbabilities, byHand));
    }

    /** {@code log P(y | p)} of a Bernoulli: {@code y·log p + (1 - y)·log(1 - p)}. */
    static double logBernoulli(double y, double p) {
        return y * Math.log(p) + (1 - y) * Math.log(1 - p);
    }

    // ---- categorical -----------------------------------------------------------------------------------------

    static void categorical(Csv.Table data, Result r) {
        int[] labels = data.labels();
        int n = labels.length;
        int k = data.classes().size();
        double[] counts = new double[k];
        for (int label : labels) {
            counts[label]++;
        }
        Tensor rows = Tensor.zeros(n, k);
        // start far from the answer: the frequencies of iris are equal, uniform logits would already be the MLE
        Tensor logits = Tensor.row(2, 0, -2).requiresGrad(true);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        descend(List.of(logits), 3, 200, () -> ce.forward(logits.add(rows), labels));
        double[] p = softmax(logits);
        for (int c = 0; c < k; c++) {
            r.estimates.add(new Estimate(c == 0 ? "categorical: iris" : "", "p(" + data.classes().get(c) + ")", p[c],
                    counts[c] / n, Double.NaN));
        }
        double byHand = 0;
        for (int label : labels) {
            byHand -= logCategorical(label, p);
        }
        byHand /= n;
        double value = ce.forward(logits.add(rows), labels).item();
        r.values.add(new Value("CrossEntropyLoss", value, "nothing", value, byHand));
    }

    private static double[] softmax(Tensor logits) {
        int k = logits.cols();
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            max = Math.max(max, logits.get(0, c));
        }
        double[] p = new double[k];
        double total = 0;
        for (int c = 0; c < k; c++) {
            p[c] = Math.exp(logits.get(0, c) - max);
            total += p[c];
        }
        for (int c = 0; c < k; c++) {
            p[c] /= total;
        }
        return p;
    }

    /** {@code log P(y = c | p)} of a categorical distribution: {@code log p_c}. */
    static double logCategorical(int c, double[] p) {
        return Math.log(p[c]);
    }

    // ---- Gaussian, fixed variance ----------------------------------------------------------------------------

    static void gaussianFixedVariance(Result r) {
        Random rng = new Random(11);
        double[] xv = new double[POINTS];
        double[] yv = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            xv[i] = rng.nextGaussian();
            yv[i] = SLOPE * xv[i] + INTERCEPT + SIGMA * rng.nextGaussian();
        }
        Tensor x = Tensor.column(xv);
        Tensor y = Tensor.column(yv);
        Linear line = new Linear(1, 1, true, new Random(1));
        MSELoss mse = new MSELoss();
        descend(line.parameters(), 0.5, 200, () -> mse.forward(line.forward(x), y));
        double w = line.weight().item();
        double b = line.bias().item();

        // least squares in closed form
        double mx = mean(xv);
        double my = mean(yv);
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < POINTS; i++) {
            sxy += (xv[i] - mx) * (yv[i] - my);
            sxx += (xv[i] - mx) * (xv[i] - mx);
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        double value = mse.forward(line.forward(x), y).item();
        // with the mean fixed at the fit, the σ² that maximises the likelihood: the mean squared residual
        double sigma2 = 0;
        for (int i = 0; i < POINTS; i++) {
            double e = yv[i] - (slope * xv[i] + intercept);
            sigma2 += e * e;
        }
        sigma2 /= POINTS;
        r.estimates.add(new Estimate("Gaussian, fixed σ²: MSE", "slope", w, slope, SLOPE));
        r.estimates.add(new Estimate("", "intercept", b, intercept, INTERCEPT));
        r.estimates.add(new Estimate("", "σ² = MSE at the fit", value, sigma2, SIGMA * SIGMA));

        double byHand = 0;
        for (int i = 0; i < POINTS; i++) {
            byHand -= logGaussian(yv[i], w * xv[i] + b, sigma2);
        }
        byHand /= POINTS;
        double restored = value / (2 * sigma2) + Math.log(Math.sqrt(sigma2 * 2 * Math.PI));
        r.values.add(new Value("MSELoss", value, "÷ 2σ², + log √(2πσ²)", restored, byHand));
    }

    /** {@code log p(y | μ, σ²)} of a Gaussian: {@code -log √(2πσ²) - (y - μ)²/(2σ²)}. */
    static double logGaussian(double y, double mu, double variance) {
        return -0.5 * Math.log(2 * Math.PI * variance) - (y - mu) * (y - mu) / (2 * variance);
    }

    // ---- Gaussian, learned variance --------------------------------------------------------------------------

    static void gaussianLearnedVariance(Result r) {
        int groups = GROUP_MEAN.length;
        int n = groups * PER_GROUP;
        Random rng = new Random(7);
        int[] group = new int[n];
        double[] yv = new double[n];
        for (int i = 0; i < n; i++) {
            group[i] = i % groups;
            yv[i] = GROUP_MEAN[group[i]] + GROUP_SIGMA[group[i]] * rng.nextGaussian();
        }
        Tensor y = Tensor.column(yv);
        // the model: a mean and a log-variance per group, looked up by each example's group
        Tensor mu = Tensor.zeros(groups, 1).requiresGrad(true);
        Tensor logVar = Tensor.zeros(groups, 1).requiresGrad(true);
        GaussianNLLLoss nll = new GaussianNLLLoss();
        descend(List.of(mu, logVar), 1, 600,
                () -> nll.forward(mu.indexSelect(0, group), y, logVar.indexSelect(0, group).exp()));

        double[] sum = new double[groups];
        for (int i = 0; i < n; i++) {
            sum[group[i]] += yv[i];
        }
        double[] squared = new double[groups];
        for (int i = 0; i < n; i++) {
            double e = yv[i] - sum[group[i]] / PER_GROUP;
            squared[group[i]] += e * e;
        }
        for (int g = 0; g < groups; g++) {
            String name = "Gaussian, learned σ²";
            r.estimates.add(new Estimate(g == 0 ? name : "", "group " + (g + 1) + " mean", mu.get(g, 0),
                    sum[g] / PER_GROUP, GROUP_MEAN[g]));
            r.estimates.add(new Estimate("", "group " + (g + 1) + " σ² = mean sq. resid.",
                    Math.exp(logVar.get(g, 0)), squared[g] / PER_GROUP, GROUP_SIGMA[g] * GROUP_SIGMA[g]));
        }

        double byHand = 0;
        for (int i = 0; i < n; i++) {
            byHand -= logGaussian(yv[i], mu.get(group[i], 0), Math.exp(logVar.get(group[i], 0)));
        }
        byHand /= n;
        Tensor means = mu.indexSelect(0, group);
        Tensor vars = logVar.indexSelect(0, group).exp();
        double value = nll.forward(means, y, vars).item();
        double full = nll.full(true).forward(means, y, vars).item();
        r.values.add(new Value("GaussianNLLLoss", value, "+ 0.5·log 2π", value + 0.5 * Math.log(2 * Math.PI),
                byHand));
        r.values.add(new Value("GaussianNLLLoss full(true)", full, "nothing", full, byHand));
    }

    // ---- Poisson ---------------------------------------------------------------------------------------------

    static void poisson(Result r) {
        Random rng = new Random(3);
        double[] yv = new double[COUNTS];
        for (int i = 0; i < COUNTS; i++) {
            yv[i] = poissonSample(RATE, rng);
        }
        Tensor y = Tensor.column(yv);
        Tensor column = Tensor.zeros(COUNTS, 1);
        Tensor logRate = Tensor.scalar(0).requiresGrad(true);
        PoissonNLLLoss nll = new PoissonNLLLoss();
        descend(List.of(logRate), 0.2, 200, () -> nll.forward(logRate.add(column), y));
        double rate = Math.exp(logRate.item());
        r.estimates.add(new Estimate("Poisson", "λ = sample mean", rate, mean(yv), RATE));

        double byHand = 0;
        double logFactorials = 0;
        double stirlingError = 0;
        for (double yi : yv) {
            byHand -= logPoisson(yi, rate);
            logFactorials += logFactorial(yi);
            stirlingError += yi > 1 ? yi * Math.log(yi) - yi + 0.5 * Math.log(2 * Math.PI * yi) - logFactorial(yi) : 0;
        }
        byHand /= COUNTS;
        logFactorials /= COUNTS;
        Tensor input = logRate.add(column);
        double value = nll.forward(input, y).item();
        double full = nll.full(true).forward(input, y).item();
        r.values.add(new Value("PoissonNLLLoss", value, "+ mean log y!", value + logFactorials, byHand));
        r.values.add(new Value("PoissonNLLLoss full(true)", full, "+ log y! - Stirling's",
                full - stirlingError / COUNTS, byHand));
        r.stirlingGap = full - byHand;
        r.stirlingGapByHand = stirlingError / COUNTS;
    }

    /** {@code log P(y | λ)} of a Poisson: {@code y·log λ - λ - log y!}. */
    static double logPoisson(double y, double rate) {
        return y * Math.log(rate) - rate - logFactorial(y);
    }

    /** {@code log y!} for a whole {@code y ≥ 0}, summed exactly. */
    static double logFactorial(double y) {
        double s = 0;
        for (int k = 2; k <= (int) y; k++) {
            s += Math.log(k);
        }
        return s;
    }

    /** Knuth's multiplication method: fine for a small rate. */
    private static int poissonSample(double rate, Random rng) {
        double limit = Math.exp(-rate);
        double product = rng.nextDouble();
        int k = 0;
        while (product > limit) {
            product *= rng.nextDouble();
            k++;
        }
        return k;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }

    static String report(Result r) {
        StringBuilder sb = new StringBuilder("Gradient descent on each loss lands on the maximum-likelihood estimate "
                + "(iris from logits 2, 0, -2; \"true\" made the seeded data):\n\n");
        TextTable t = new TextTable("distribution", "parameter", "gradient descent", "closed-form MLE", "|difference|",
                "true");
        for (Estimate e : r.estimates) {
            t.row(e.distribution(), e.parameter(), numbers(e.fitted()), numbers(e.mle()), e.difference(),
                    Double.isNaN(e.truth()) ? "" : e.truth());
        }
        sb.append(t).append("\nEach loss at the fit, with what it leaves out put back, is the mean NLL summed by hand "
                + "from the pmf/pdf:\n\n");
        TextTable v = new TextTable("loss", "value", "leaves out", "restored", "NLL by hand", "|difference|");
        for (Value e : r.values) {
            v.row(e.loss(), e.value(), e.leftOut(), e.restored(), e.byHand(), Math.abs(e.restored() - e.byHand()));
        }
        sb.append(v);
        return sb.toString();
    }

    private static String numbers(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (double d : v) {
            sb.append(sb.length() == 0 ? "" : ", ").append(TextTable.number(d));
        }
        return sb.toString();
    }

    @Override
    public Integer call() throws IOException {
        System.out.print(report(compute()));
        return 0;
    }
}
