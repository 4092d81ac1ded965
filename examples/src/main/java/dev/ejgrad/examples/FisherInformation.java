package dev.ejgrad.examples;

import dev.ejgrad.core.Autograd;
import dev.ejgrad.core.Derivatives;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.data.Csv;
import dev.ejgrad.examples.data.Embedded;
import dev.ejgrad.nn.loss.BCEWithLogitsLoss;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import picocli.CommandLine.Command;

/**
 * Lesson 8: the Hessian of the negative log-likelihood is the Fisher information. With autograd's second derivatives
 * ({@link Derivatives#hessian}) it checks, on the shipped breast-cancer data (logistic) and iris (softmax):
 *
 * <ul>
 *   <li>the Hessian of the mean NLL in θ is {@code Xᵀ diag(p(1-p)) X / N}, and it does not depend on the labels: for
 *       the canonical link the observed and the expected information coincide;</li>
 *   <li>for softmax, the Hessian in the logits is block-diagonal with blocks {@code (diag(p) - ppᵀ)/N};</li>
 *   <li>Newton's method driven by autograd's gradient and Hessian lands on the hand-written IRLS solution of the
 *       {@code logistic-regression} lesson, in the same number of iterations;</li>
 *   <li>the inverse information gives standard errors and Wald intervals; the ridge term of that lesson adds
 *       {@code N·λ} to the information, so its intervals are narrower (a Gaussian prior's posterior).</li>
 * </ul>
 */
@Command(name = "fisher-information", mixinStandardHelpOptions = true,
        description = "The Hessian of the NLL is the Fisher information; Newton by autograd's Hessian; Wald intervals.")
final class FisherInformation implements Callable<Integer> {

    private static final double LAMBDA = Newton.LAMBDA;

    /** The logistic part's numbers. */
    static final class Binary {
        double hessianVsFisher;
        double labelsChangeNothing;
        double[] newton;
        double[] irls;
        int newtonIterations;
        int irlsIterations;
        double distance;
        double[] sePlain;
        double[] seRidge;
    }

    /** The softmax part's numbers. */
    static final class Softmax {
        double blockError;
        double outsideBlocks;
        double[] newton;
        double[] irls;
        int newtonIterations;
        int irlsIterations;
        double distance;
    }

    /**
     * Both parts.
     *
     * @param binary the logistic part, on the breast-cancer data
     * @param softmax the softmax part, on iris
     */
    record Result(Binary binary, Softmax softmax) {
    }

    static Result compute() throws IOException {
        return new Result(binary(Embedded.csv("breast-cancer/breast_cancer.csv")),
                softmax(Embedded.csv("iris/iris.csv")));
    }

    /** The features standardised, with a column of ones for the bias. */
    private static Tensor design(Csv.Table data) {
        return Tensor.from(Newton.withOnes(Standardizer.standardize(data.features())));
    }

    static Binary binary(Csv.Table data) {
        Tensor a = design(data);
        int n = a.rows();
        int[] labels = data.labels();
        double[] yv = new double[n];
        double[] flipped = new double[n];
        for (int i = 0; i < n; i++) {
            yv[i] = labels[i];
            flipped[i] = 1 - labels[i];
        }
        Tensor y = Tensor.column(yv);
        BCEWithLogitsLoss bce = new BCEWithLogitsLoss();
        Function<Tensor, Tensor> nll = theta -> bce.forward(a.matmul(theta), y);
        Function<Tensor, Tensor> penalised = theta -> nll.apply(theta).add(theta.pow(2).sum().mul(LAMBDA / 2));

        Binary b = new Binary();
        Newton.Result fit = newton(penalised, Tensor.zeros(a.cols(), 1));
        b.newtonIterations = fit.iterations();
        Tensor theta = Tensor.from(fit.theta());
        b.newton = theta.toMatrix().data;
        Newton.Result irls = Newton.irlsBinary(a.toMatrix(), yv);
        b.irls = irls.theta().data;
        b.irlsIterations = irls.iterations();
        b.distance = Newton.distance(b.newton, b.irls);

        // the Hessian of the mean NLL at the estimate, against the Fisher information Xᵀ diag(p(1-p)) X / N
        Tensor hessian = Derivatives.hessian(nll, theta);
        Tensor p = a.matmul(theta).sigmoid();
        Tensor fisher = a.t().matmul(a.mul(p.mul(p.neg().add(1)))).div(n);
        b.hessianVsFisher = maxAbs(hessian.sub(fisher));
        Tensor yFlipped = Tensor.column(flipped);
        Tensor other = Derivatives.hessian(t -> bce.forward(a.matmul(t), yFlipped), theta);
        b.labelsChangeNothing = maxAbs(hessian.sub(other));

        // Wald: Var(θ̂) ≈ (N·I(θ̂))⁻¹; the ridge adds N·λ to the information
        b.sePlain = standardErrors(hessian, n, 0);
        b.seRidge = standardErrors(hessian, n, LAMBDA);
        return b;
    }

    static Softmax softmax(Csv.Table data) {
        Tensor a = design(data);
        int n = a.rows();
        int m = a.cols();
        int k = data.classes().size();
        int[] labels = data.labels();
        CrossEntropyLoss ce = new CrossEntropyLoss();
        // Θ is m x K, flattened row-major; the lesson's IRLS orders (w_c, b_c) per class
        Function<Tensor, Tensor> penalised = theta -> ce.forward(a.matmul(theta), labels)
                .add(theta.pow(2).sum().mul(LAMBDA / 2));
        Softmax s = new Softmax();
        Newton.Result fit = newton(penalised, Tensor.zeros(m, k));
        s.newtonIterations = fit.iterations();
        Tensor theta = Tensor.from(fit.theta());
        s.newton = new double[m * k];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < m; j++) {
                s.newton[c * m + j] = theta.get(j, c);
            }
        }
        Newton.Result irls = Newton.irlsSoftmax(a.toMatrix(), labels, k);
        s.irls = irls.theta().data;
        s.irlsIterations = irls.iterations();
        s.distance = Newton.distance(s.newton, s.irls);

        // the Hessian of the mean CE in the logits: block-diagonal, (diag(p_i) - p_i p_iᵀ)/N per row
        Tensor z = a.matmul(theta);
        Tensor h = Derivatives.hessian(logits -> ce.forward(logits, labels), z);
        Tensor probs = z.softmax(1);
        for (int r = 0; r < n * k; r++) {
            for (int c = 0; c < n * k; c++) {
                int i = r / k;
                if (c / k != i) {
                    s.outsideBlocks = Math.max(s.outsideBlocks, Math.abs(h.get(r, c)));
                    continue;
                }
                double pr = probs.get(i, r % k);
                double pc = probs.get(i, c % k);
                double expected = ((r == c ? pr : 0) - pr * pc) / n;
                s.blockError = Math.max(s.blockError, Math.abs(h.get(r, c) - expected));
            }
        }
        return s;
    }

    /** Newton's method with autograd's gradient and Hessian, stopping as the IRLS does. */
    private static Newton.Result newton(Function<Tensor, Tensor> objective, Tensor start) {
        return Newton.minimize(start.toMatrix(), at -> {
            Tensor theta = Tensor.from(at);
            Tensor point = theta.detach().requiresGrad(true);
            Tensor gradient = Autograd.grad(objective.apply(point), List.of(point)).get(0);
            return new Newton.Derivatives(column(gradient), Derivatives.hessian(objective, theta).toMatrix());
        });
    }

    private static DMatrixRMaj column(Tensor t) {
        DMatrixRMaj c = t.toMatrix();
        c.reshape(c.getNumElements(), 1, true);
        return c;
    }

    /** {@code √diag((N·(H + λI))⁻¹)}. */
    private static double[] standardErrors(Tensor hessian, int n, double lambda) {
        DMatrixRMaj info = hessian.toMatrix();
        for (int j = 0; j < info.numRows; j++) {
            info.add(j, j, lambda);
        }
        CommonOps_DDRM.scale(n, info);
        DMatrixRMaj inverse = new DMatrixRMaj(info.numRows, info.numCols);
        CommonOps_DDRM.invert(info, inverse);
        double[] se = new double[info.numRows];
        for (int j = 0; j < se.length; j++) {
            se[j] = Math.sqrt(inverse.get(j, j));
        }
        return se;
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (double[] row : t.toArray()) {
            for (double v : row) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }

    static String report(Result r) {
        StringBuilder sb = new StringBuilder();
        Binary b = r.binary();
        sb.append("breast cancer, logistic (569 x 30, standardised; θ = (w, b))\n");
        sb.append(String.format("max |Hessian of the mean NLL - Xᵀdiag(p(1-p))X/N| = %s%n",
                TextTable.number(b.hessianVsFisher)));
        sb.append(String.format("max |H(labels) - H(1 - labels)|                 = %s   (observed = expected "
                + "information)%n", TextTable.number(b.labelsChangeNothing)));
        sb.append(String.format("Newton with autograd's Hessian: %d iterations; the lesson's IRLS: %d; |θ_autograd - "
                + "θ_IRLS| = %s%n", b.newtonIterations, b.irlsIterations, TextTable.number(b.distance)));
        sb.append("\nWald intervals, θ ± 1.96·se, se = √diag((N·I)⁻¹); the ridge adds N·λ to the information\n");
        TextTable t = new TextTable("coefficient", "estimate", "se (Fisher)", "se (with ridge)", "95% (with ridge)");
        int d = b.newton.length;
        for (int j : new int[] {0, 1, 2, 3, d - 1}) {
            double est = b.newton[j];
            double se = b.seRidge[j];
            t.row(j == d - 1 ? "bias" : "θ[" + j + "]", est, b.sePlain[j], se,
                    String.format("[%.3f, %.3f]", est - 1.96 * se, est + 1.96 * se));
        }
        sb.append(t);
        Softmax s = r.softmax();
        sb.append("\niris, softmax (150 x 4, 3 classes)\n");
        sb.append(String.format("Hessian in the logits (450 x 450): max |block - (diag(p) - ppᵀ)/N| = %s, outside the "
                + "blocks max %s%n", TextTable.number(s.blockError), TextTable.number(s.outsideBlocks)));
        sb.append(String.format("Newton with autograd's Hessian: %d iterations; the lesson's IRLS: %d; |Θ_autograd - "
                + "Θ_IRLS| = %s%n", s.newtonIterations, s.irlsIterations, TextTable.number(s.distance)));
        return sb.toString();
    }

    @Override
    public Integer call() throws IOException {
        System.out.print(report(compute()));
        return 0;
    }
}
