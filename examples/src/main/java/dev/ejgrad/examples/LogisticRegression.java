package dev.ejgrad.examples;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.data.Csv;
import dev.ejgrad.examples.data.Embedded;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.loss.BCEWithLogitsLoss;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.Adam;
import dev.ejgrad.optim.Optimizer;
import dev.ejgrad.optim.SGD;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;

/**
 * Lesson 4: logistic regression is a network with no hidden layer. Trained by gradient descent on
 * BCEWithLogitsLoss it reaches the same coefficients as Newton's method (IRLS with EJML solves) on the same
 * objective; then the same for multinomial (softmax) regression.
 *
 * <p>Both data sets are (nearly) linearly separable, so the unpenalised maximum-likelihood estimate lies at infinity;
 * both methods therefore maximise the likelihood with a small ridge penalty {@code (λ/2)·|θ|²} (a Gaussian prior),
 * whose optimum is unique. In the network the penalty is the optimizers' weight decay, which adds {@code λ·θ} to the
 * gradient.
 */
@Command(name = "logistic-regression", mixinStandardHelpOptions = true,
        description = "Logistic and softmax regression by gradient descent, checked against Newton's method.")
final class LogisticRegression implements Callable<Integer> {

    static final double LAMBDA = Newton.LAMBDA;

    /** One comparison. */
    static final class Fit {
        String name;
        double[] network;   // weights then bias (per class for softmax)
        double[] newton;
        double distance;
        double accuracy;
        int newtonIterations;
    }

    /**
     * The lesson's numbers.
     *
     * @param binary logistic regression on the breast-cancer data
     * @param multinomial softmax regression on iris
     */
    record Result(Fit binary, Fit multinomial) {
    }

    static Result compute() throws IOException {
        return new Result(binary(Embedded.csv("breast-cancer/breast_cancer.csv")),
                multinomial(Embedded.csv("iris/iris.csv")));
    }

    static Fit binary(Csv.Table data) {
        Tensor x = Standardizer.standardize(data.features());
        int n = x.rows();
        int d = x.cols();
        double[] yv = new double[n];
        int[] labels = data.labels();
        for (int i = 0; i < n; i++) {
            yv[i] = labels[i];
        }
        Tensor y = Tensor.column(yv);

        Linear model = new Linear(d, 1, true, new Random(0));
        BCEWithLogitsLoss loss = new BCEWithLogitsLoss();
        train(model, () -> loss.forward(model.forward(x), y));

        Fit f = new Fit();
        f.name = "breast cancer, logistic (569 x 30)";
        f.network = concat(model.weight(), model.bias());
        Newton.Result irls = Newton.irlsBinary(Newton.withOnes(x), yv);
        f.newtonIterations = irls.iterations();
        f.newton = irls.theta().data.clone();
        f.distance = Newton.distance(f.network, f.newton);
        Tensor predicted = model.forward(x).gt(0);   // a logit above 0 is a probability above 1/2
        int correct = 0;
        for (int i = 0; i < n; i++) {
            correct += predicted.get(i, 0) == labels[i] ? 1 : 0;
        }
        f.accuracy = (double) correct / n;
        return f;
    }

    static Fit multinomial(Csv.Table data) {
        Tensor x = Standardizer.standardize(data.features());
        int n = x.rows();
        int d = x.cols();
        int k = data.classes().size();
        int[] labels = data.labels();
        Linear model = new Linear(d, k, true, new Random(0));
        CrossEntropyLoss loss = new CrossEntropyLoss();
        train(model, () -> loss.forward(model.forward(x), labels));

        Fit f = new Fit();
        f.name = "iris, softmax (150 x 4, 3 classes)";
        // the network's parameters as (w_c, b_c) per class, the order Newton uses
        f.network = new double[k * (d + 1)];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                f.network[c * (d + 1) + j] = model.weight().get(c, j);
            }
            f.network[c * (d + 1) + d] = model.bias().get(0, c);
        }
        Newton.Result irls = Newton.irlsSoftmax(Newton.withOnes(x), labels, k);
        f.newtonIterations = irls.iterations();
        f.newton = irls.theta().data.clone();
        f.distance = Newton.distance(f.network, f.newton);
        int[] predicted = model.forward(x).argmax(1);
        int correct = 0;
        for (int i = 0; i < n; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        f.accuracy = (double) correct / n;
        return f;
    }

    /**
     * Full-batch Adam to come close quickly, then full-batch gradient descent with Nesterov momentum, which on this
     * smooth, strongly convex objective converges linearly, to the last digits. Both add {@code λ·θ} to the
     * gradient (weight decay), so both minimise the penalised likelihood.
     */
    private static void train(Linear model, Supplier<Tensor> objective) {
        List<Optimizer> phases = List.of(new Adam(model.parameters(), 0.05).weightDecay(LAMBDA),
                new SGD(model.parameters(), 0.1).momentum(0.9).nesterov(true).weightDecay(LAMBDA));
        for (Optimizer opt : phases) {
            for (int step = 0; step < 2000; step++) {
                opt.zeroGrad();
                objective.get().backward();
                opt.step();
            }
        }
    }

    private static double[] concat(Tensor w, Tensor b) {
        double[] out = new double[w.numel() + b.numel()];
        for (int j = 0; j < w.numel(); j++) {
            out[j] = w.get(0, j);
        }
        out[w.numel()] = b.item();
        return out;
    }

    static String report(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("a network with no hidden layer, trained by gradient descent (Adam, then Nesterov momentum; weight "
                + "decay λ = ").append(LAMBDA).append(")\nagainst Newton's method on the same penalised likelihood (both data sets are nearly "
                        + "separable,\nso the plain maximum-likelihood estimate is at infinity; the ridge term "
                        + "makes the optimum unique)\n");
        for (Fit f : new Fit[] {r.binary(), r.multinomial()}) {
            sb.append('\n').append(f.name).append('\n');
            TextTable t = new TextTable("coefficient", "network", "Newton", "difference");
            int shown = Math.min(6, f.network.length);
            for (int i = 0; i < shown; i++) {
                t.row("θ[" + i + "]", f.network[i], f.newton[i], f.network[i] - f.newton[i]);
            }
            if (f.network.length > shown) {
                t.row("... (" + (f.network.length - shown) + " more)", "", "", "");
            }
            sb.append(t);
            sb.append(String.format("distance |θ_network - θ_Newton| = %s   (Newton: %d iterations; training accuracy "
                    + "%.1f%%)%n", TextTable.number(f.distance), f.newtonIterations, 100 * f.accuracy));
        }
        return sb.toString();
    }

    @Override
    public Integer call() throws IOException {
        System.out.print(report(compute()));
        return 0;
    }
}
