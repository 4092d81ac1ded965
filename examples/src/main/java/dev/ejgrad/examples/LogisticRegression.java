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
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
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

    static final double LAMBDA = 1e-2;

    /** One comparison. */
    static final class Fit {
        String name;
        double[] network;   // weights then bias (per class for softmax)
        double[] newton;
        double distance;
        double accuracy;
        int newtonIterations;
    }

    /** The lesson's numbers. */
    static final class Result {
        Fit binary;
        Fit multinomial;
    }

    static Result compute() throws IOException {
        Result r = new Result();
        r.binary = binary(Embedded.csv("breast-cancer/breast_cancer.csv"));
        r.multinomial = multinomial(Embedded.csv("iris/iris.csv"));
        return r;
    }

    /** Standardised features: mean 0 and standard deviation 1 per column. */
    static Tensor standardize(Tensor x) {
        Tensor mean = x.mean(0);
        Tensor centered = x.sub(mean);
        Tensor std = centered.mul(centered).mean(0).sqrt();
        return centered.div(std).detach();
    }

    static Fit binary(Csv.Table data) {
        Tensor x = standardize(data.features());
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
        Newton irls = irlsBinary(withOnes(x), yv);
        f.newtonIterations = irls.iterations;
        DMatrixRMaj theta = irls.theta;
        f.newton = theta.data.clone();
        f.distance = distance(f.network, f.newton);
        Tensor predicted = model.forward(x).gt(0);   // a logit above 0 is a probability above 1/2
        int correct = 0;
        for (int i = 0; i < n; i++) {
            correct += predicted.get(i, 0) == labels[i] ? 1 : 0;
        }
        f.accuracy = (double) correct / n;
        return f;
    }

    static Fit multinomial(Csv.Table data) {
        Tensor x = standardize(data.features());
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
        Newton irls = irlsSoftmax(withOnes(x), labels, k);
        f.newtonIterations = irls.iterations;
        DMatrixRMaj theta = irls.theta;
        f.newton = theta.data.clone();
        f.distance = distance(f.network, f.newton);
        int[] predicted = model.forward(x).argmax(1);
        int correct = 0;
        for (int i = 0; i < n; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        f.accuracy = (double) correct / n;
        return f;
    }

    /** Newton's method's result: the coefficients and the iterations it took. */
    static final class Newton {
        DMatrixRMaj theta;
        int iterations;
    }

    /**
     * Newton's method on {@code J(θ) = mean BCE + (λ/2)|θ|²}, {@code θ = (w, b)}, with the Hessian written by hand:
     * IRLS. Stops when no coefficient moves by 1e-14.
     *
     * @param a the features with a column of ones, N x (d+1)
     * @param yv the 0/1 labels
     */
    static Newton irlsBinary(DMatrixRMaj a, double[] yv) {
        int n = a.numRows;
        int d = a.numCols - 1;
        Newton result = new Newton();
        DMatrixRMaj theta = new DMatrixRMaj(d + 1, 1);
        for (int it = 1; it <= 50; it++) {
            DMatrixRMaj z = new DMatrixRMaj(n, 1);
            CommonOps_DDRM.mult(a, theta, z);
            DMatrixRMaj grad = new DMatrixRMaj(d + 1, 1);
            DMatrixRMaj hess = new DMatrixRMaj(d + 1, d + 1);
            for (int i = 0; i < n; i++) {
                double p = 1 / (1 + Math.exp(-z.data[i]));
                double s = p * (1 - p);
                for (int j = 0; j <= d; j++) {
                    grad.data[j] += (p - yv[i]) * a.get(i, j) / n;
                    for (int k = 0; k <= d; k++) {
                        hess.data[j * (d + 1) + k] += s * a.get(i, j) * a.get(i, k) / n;
                    }
                }
            }
            result.iterations = it;
            if (newtonStep(theta, grad, hess) < 1e-14) {
                break;
            }
        }
        result.theta = theta;
        return result;
    }

    /**
     * Newton's method on {@code J(Θ) = mean CE + (λ/2)|Θ|²} with the full K(d+1) Hessian written by hand; the
     * coefficients are ordered (w_c, b_c) per class.
     *
     * @param a the features with a column of ones, N x (d+1)
     * @param labels the classes
     * @param k the number of classes
     */
    static Newton irlsSoftmax(DMatrixRMaj a, int[] labels, int k) {
        int n = a.numRows;
        int m = a.numCols;
        Newton result = new Newton();
        DMatrixRMaj theta = new DMatrixRMaj(k * m, 1);
        for (int it = 1; it <= 50; it++) {
            DMatrixRMaj grad = new DMatrixRMaj(k * m, 1);
            DMatrixRMaj hess = new DMatrixRMaj(k * m, k * m);
            for (int i = 0; i < n; i++) {
                double[] p = new double[k];
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    for (int j = 0; j < m; j++) {
                        p[c] += theta.data[c * m + j] * a.get(i, j);
                    }
                    max = Math.max(max, p[c]);
                }
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    p[c] = Math.exp(p[c] - max);
                    sum += p[c];
                }
                for (int c = 0; c < k; c++) {
                    p[c] /= sum;
                }
                for (int c = 0; c < k; c++) {
                    double r = p[c] - (labels[i] == c ? 1 : 0);
                    for (int j = 0; j < m; j++) {
                        grad.data[c * m + j] += r * a.get(i, j) / n;
                        for (int e = 0; e < k; e++) {
                            double w = p[c] * ((c == e ? 1 : 0) - p[e]) / n;
                            for (int l = 0; l < m; l++) {
                                hess.data[(c * m + j) * k * m + e * m + l] += w * a.get(i, j) * a.get(i, l);
                            }
                        }
                    }
                }
            }
            result.iterations = it;
            if (newtonStep(theta, grad, hess) < 1e-14) {
                break;
            }
        }
        result.theta = theta;
        return result;
    }

    /**
     * One Newton step on the penalised objective: adds the ridge term {@code λ·θ} to the likelihood's gradient and
     * {@code λ·I} to its Hessian, solves, and moves θ.
     *
     * @return the largest change of a coefficient, to stop on
     */
    static double newtonStep(DMatrixRMaj theta, DMatrixRMaj grad, DMatrixRMaj hess) {
        int p = theta.numRows;
        for (int j = 0; j < p; j++) {
            grad.data[j] += LAMBDA * theta.data[j];
            hess.data[j * p + j] += LAMBDA;
        }
        DMatrixRMaj step = new DMatrixRMaj(p, 1);
        CommonOps_DDRM.solve(hess, grad, step);
        CommonOps_DDRM.subtractEquals(theta, step);
        return CommonOps_DDRM.elementMaxAbs(step);
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

    static DMatrixRMaj withOnes(Tensor x) {
        DMatrixRMaj a = new DMatrixRMaj(x.rows(), x.cols() + 1);
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) {
                a.set(i, j, x.get(i, j));
            }
            a.set(i, x.cols(), 1);
        }
        return a;
    }

    private static double[] concat(Tensor w, Tensor b) {
        double[] out = new double[w.numel() + b.numel()];
        for (int j = 0; j < w.numel(); j++) {
            out[j] = w.get(0, j);
        }
        out[w.numel()] = b.item();
        return out;
    }

    static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    static String report(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("a network with no hidden layer, trained by gradient descent (Adam, then Nesterov momentum; weight "
                + "decay λ = ").append(LAMBDA).append(")\nagainst Newton's method on the same penalised likelihood (both data sets are nearly "
                        + "separable,\nso the plain maximum-likelihood estimate is at infinity; the ridge term "
                        + "makes the optimum unique)\n");
        for (Fit f : new Fit[] {r.binary, r.multinomial}) {
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
