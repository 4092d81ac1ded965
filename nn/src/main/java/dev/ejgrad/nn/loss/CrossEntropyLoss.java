package dev.ejgrad.nn.loss;

import static dev.ejgrad.nn.loss.LossSupport.checkClassTargets;
import static dev.ejgrad.nn.loss.LossSupport.checkClassWeight;
import static dev.ejgrad.nn.loss.LossSupport.checkSameShape;
import static dev.ejgrad.nn.loss.LossSupport.checkTargetConstant;
import static dev.ejgrad.nn.loss.LossSupport.logSoftmaxValues;
import static dev.ejgrad.nn.loss.LossSupport.scalar;

import dev.ejgrad.core.Autograd;
import dev.ejgrad.core.Tensor;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * Cross-entropy between the softmax of logits and a target, as {@code torch.nn.CrossEntropyLoss}: one fused
 * LogSoftmax+NLL node whose gradient is {@code softmax(z) - target distribution}, scaled by the class weights and
 * the reduction's denominator. It never takes the log of a softmax, so logits of any spread are exact.
 *
 * <p>With class-index targets {@code t} and label smoothing {@code ε} over {@code C} classes, row i contributes
 * {@code (1-ε)·w[t]·(-log p[t]) + (ε/C)·Σ_c w[c]·(-log p[c])}; MEAN divides the sum of each part by
 * {@code Σ w[t_i]} over the rows not ignored (NaN, with a zero gradient, when every row is ignored). With
 * probability targets {@code q}, row i contributes {@code -Σ_c w[c]·q'[c]·log p[c]} with
 * {@code q' = (1-ε)·q + ε/C}, and MEAN divides by N.
 *
 * <p>Shape: input {@code N x C} logits; target {@code int[N]} class indices or {@code N x C} probabilities; output
 * 1x1, or {@code N x 1} for {@link Reduction#NONE}.
 *
 * <pre>{@code
 * Tensor loss = new CrossEntropyLoss().labelSmoothing(0.1).forward(logits, labels);
 * }</pre>
 *
 * <p>Immutable: each configuration method returns a new loss.
 */
public final class CrossEntropyLoss {

    private static final String NAME = "CrossEntropyLoss";
    private static final int DEFAULT_IGNORE = -100;

    private final Tensor weight;
    private final int ignoreIndex;
    private final double labelSmoothing;
    private final Reduction reduction;

    /** PyTorch's defaults: no weight, ignore index -100, no label smoothing, MEAN. */
    public CrossEntropyLoss() {
        this(null, DEFAULT_IGNORE, 0.0, Reduction.MEAN);
    }

    private CrossEntropyLoss(Tensor weight, int ignoreIndex, double labelSmoothing, Reduction reduction) {
        this.weight = weight;
        this.ignoreIndex = ignoreIndex;
        this.labelSmoothing = labelSmoothing;
        this.reduction = reduction;
    }

    /**
     * Returns this loss with class weights.
     *
     * @param weight a 1xC weight per class (copied); must not require grad
     * @return this loss with class weights
     */
    public CrossEntropyLoss weight(Tensor weight) {
        return new CrossEntropyLoss(LossSupport.classWeight(NAME, weight), ignoreIndex, labelSmoothing, reduction);
    }

    /**
     * Returns this loss with that ignore index.
     *
     * @param ignoreIndex a target value whose rows contribute nothing, to the loss or to the mean's denominator
     * @return this loss with that ignore index
     */
    public CrossEntropyLoss ignoreIndex(int ignoreIndex) {
        return new CrossEntropyLoss(weight, ignoreIndex, labelSmoothing, reduction);
    }

    /**
     * Returns this loss with label smoothing.
     *
     * @param labelSmoothing ε in [0, 1]: the target becomes {@code (1-ε)·target + ε/C}
     * @return this loss with label smoothing
     * @throws IllegalArgumentException if ε is outside [0, 1]
     */
    public CrossEntropyLoss labelSmoothing(double labelSmoothing) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException(NAME + ": labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        return new CrossEntropyLoss(weight, ignoreIndex, labelSmoothing, reduction);
    }

    /**
     * Returns this loss with that reduction.
     *
     * @param reduction NONE, MEAN or SUM
     * @return this loss with that reduction
     * @throws IllegalArgumentException for BATCHMEAN
     */
    public CrossEntropyLoss reduction(Reduction reduction) {
        return new CrossEntropyLoss(weight, ignoreIndex, labelSmoothing,
                LossSupport.checkReduction(NAME, reduction, false));
    }

    /**
     * Cross-entropy against class indices.
     *
     * @param input {@code N x C} logits; not modified
     * @param target N class indices in {@code [0, C)}, or the ignore index
     * @return the loss: 1x1, or {@code N x 1} for NONE
     * @throws IllegalArgumentException if the target count is not N, a target is out of range, or the weight is not
     *     1xC
     */
    public Tensor forward(Tensor input, int[] target) {
        Objects.requireNonNull(input, "input");
        checkClassTargets(NAME, input, target, ignoreIndex);
        checkClassWeight(NAME, weight, input);
        int n = input.rows();
        int c = input.cols();
        int[] t = target.clone();
        DMatrixRMaj logp = logSoftmaxValues(input);
        double eps = labelSmoothing;
        double[] w = classWeights(c);
        double wSum = 0;
        for (double v : w) {
            wSum += v;
        }

        DMatrixRMaj nll = new DMatrixRMaj(n, 1);
        DMatrixRMaj smooth = new DMatrixRMaj(n, 1);
        double denominator = 0;
        for (int i = 0; i < n; i++) {
            if (t[i] == ignoreIndex) {
                continue;
            }
            nll.data[i] = -w[t[i]] * logp.data[i * c + t[i]];
            double s = 0;
            for (int j = 0; j < c; j++) {
                s += w[j] * logp.data[i * c + j];
            }
            smooth.data[i] = -s;
            denominator += w[t[i]];
        }
        DMatrixRMaj out = combine(nll, smooth, denominator, c);

        double total = denominator;
        double ws = wSum;
        return Autograd.op(NAME, out, input, g -> {
            DMatrixRMaj grad = new DMatrixRMaj(n, c);
            for (int i = 0; i < n; i++) {
                if (t[i] == ignoreIndex) {
                    continue;   // ignored rows get exactly zero, even when the mean is 0/0
                }
                if (reduction == Reduction.MEAN && total == 0) {
                    // as libtorch: the NLL part's gradient at the target is w[t]·(g/0) = 0·inf = NaN, and
                    // log_softmax's backward spreads it over the row (the fused form would give ±inf)
                    java.util.Arrays.fill(grad.data, i * c, (i + 1) * c, Double.NaN);
                    continue;
                }
                double up = reduction == Reduction.NONE ? g.data[i]
                        : reduction == Reduction.SUM ? g.data[0] : g.data[0] / total;
                double wt = w[t[i]];
                double pull = (1 - eps) * wt + eps / c * ws;
                for (int j = 0; j < c; j++) {
                    double p = Math.exp(logp.data[i * c + j]);
                    double targetMass = (j == t[i] ? (1 - eps) * wt : 0) + eps / c * w[j];
                    grad.data[i * c + j] = up * (p * pull - targetMass);
                }
            }
            return grad;
        });
    }

    /** {@code (1-ε)·nll + (ε/C)·smooth}, each reduced on its own as PyTorch does. */
    private DMatrixRMaj combine(DMatrixRMaj nll, DMatrixRMaj smooth, double denominator, int c) {
        double eps = labelSmoothing;
        if (reduction == Reduction.NONE) {
            DMatrixRMaj out = new DMatrixRMaj(nll.numRows, 1);
            for (int i = 0; i < out.data.length; i++) {
                out.data[i] = eps == 0 ? nll.data[i] : (1 - eps) * nll.data[i] + smooth.data[i] * (eps / c);
            }
            return out;
        }
        double a = 0;
        double b = 0;
        for (int i = 0; i < nll.data.length; i++) {
            a += nll.data[i];
            b += smooth.data[i];
        }
        if (reduction == Reduction.MEAN) {
            a /= denominator;
            b /= denominator;
        }
        return scalar(eps == 0 ? a : (1 - eps) * a + b * (eps / c));
    }

    /**
     * Cross-entropy against class probabilities (soft targets), as PyTorch's probability-target form.
     *
     * @param input {@code N x C} logits; not modified
     * @param target {@code N x C} probabilities, each row a distribution; must not require grad
     * @return the loss: 1x1, or {@code N x 1} for NONE; MEAN divides by N
     * @throws IllegalArgumentException if the shapes differ, the weight is not 1xC, or an ignore index was set
     */
    public Tensor forward(Tensor input, Tensor target) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(target, "target");
        if (ignoreIndex != DEFAULT_IGNORE) {
            throw new IllegalArgumentException(NAME + ": ignoreIndex (" + ignoreIndex + ") only applies to class-index "
                    + "targets, not to probability targets");
        }
        checkSameShape(NAME, input, target);
        checkTargetConstant(NAME, target);
        checkClassWeight(NAME, weight, input);
        int n = input.rows();
        int c = input.cols();
        double eps = labelSmoothing;
        DMatrixRMaj logp = logSoftmaxValues(input);
        DMatrixRMaj q = target.toMatrix();
        if (eps > 0) {
            for (int k = 0; k < q.data.length; k++) {
                q.data[k] = q.data[k] * (1 - eps) + eps / c;
            }
        }
        double[] w = classWeights(c);
        DMatrixRMaj rows = new DMatrixRMaj(n, 1);
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < c; j++) {
                s += logp.data[i * c + j] * q.data[i * c + j] * w[j];
            }
            rows.data[i] = -s;
        }
        DMatrixRMaj out = LossSupport.reduce(rows, reduction);
        return Autograd.op(NAME, out, input, g -> {
            DMatrixRMaj grad = new DMatrixRMaj(n, c);
            for (int i = 0; i < n; i++) {
                double up = LossSupport.upstream(g, reduction, i, n, n);
                double mass = 0;
                for (int j = 0; j < c; j++) {
                    mass += w[j] * q.data[i * c + j];
                }
                for (int j = 0; j < c; j++) {
                    double p = Math.exp(logp.data[i * c + j]);
                    grad.data[i * c + j] = up * (p * mass - w[j] * q.data[i * c + j]);
                }
            }
            return grad;
        });
    }

    private double[] classWeights(int c) {
        if (weight == null) {
            double[] ones = new double[c];
            java.util.Arrays.fill(ones, 1.0);
            return ones;
        }
        return weight.toMatrix().data;
    }

    /**
     * Takes one evaluation against class indices apart: per row the target, its weight, {@code -log p[target]} and,
     * with label smoothing, the smoothing term; the denominator (for MEAN, {@code Σ weight[target]} over the rows not
     * ignored); the ignored rows; and the label-smoothing split.
     *
     * @param input {@code N x C} logits; not modified
     * @param target N class indices, or the ignore index
     * @return the explanation, whose value is {@link #forward(Tensor, int[])}'s
     * @throws IllegalArgumentException as {@link #forward(Tensor, int[])}
     */
    public LossExplanation explain(Tensor input, int[] target) {
        double value = LossSupport.valueOf(() -> forward(input, target), reduction);
        int c = input.cols();
        DMatrixRMaj logp = logSoftmaxValues(input);
        double[] w = classWeights(c);
        double eps = labelSmoothing;
        java.util.List<LossExplanation.Row> rows = new java.util.ArrayList<>();
        double denominator = 0;
        int kept = 0;
        double nllTotal = 0;
        double smoothTotal = 0;
        for (int i = 0; i < target.length; i++) {
            int t = target[i];
            if (t == ignoreIndex) {
                rows.add(new LossExplanation.Row(i, 0, "target " + t + " is the ignore index", true));
                continue;
            }
            double nll = -w[t] * logp.data[i * c + t];
            double smooth = 0;
            for (int j = 0; j < c; j++) {
                smooth -= w[j] * logp.data[i * c + j];
            }
            nllTotal += nll;
            smoothTotal += smooth;
            denominator += w[t];
            kept++;
            String detail = "target " + t + ", weight " + LossExplanation.number(w[t]) + ", -log p[target] "
                    + LossExplanation.number(-logp.data[i * c + t]);
            if (eps > 0) {
                detail += ", smoothing term Σ w·(-log p) " + LossExplanation.number(smooth);
            }
            rows.add(new LossExplanation.Row(i, eps == 0 ? nll : (1 - eps) * nll + eps / c * smooth, detail, false));
        }
        java.util.List<String> notes = new java.util.ArrayList<>();
        if (eps > 0) {
            notes.add("label smoothing " + eps + ": (1 - " + eps + ") x NLL part (sum " + LossExplanation.number(nllTotal)
                    + ") + " + eps + "/" + c + " x smoothing part (sum " + LossExplanation.number(smoothTotal)
                    + "), both divided by the same denominator");
        }
        return LossSupport.classIndexed(NAME, reduction, value, rows, denominator, kept, weight != null, notes);
    }

    /**
     * Takes one evaluation against class probabilities apart: per row {@code -Σ_c w[c]·q'[c]·log p[c]}; MEAN
     * divides by N.
     *
     * @param input {@code N x C} logits; not modified
     * @param target {@code N x C} probabilities
     * @return the explanation, whose value is {@link #forward(Tensor, Tensor)}'s
     * @throws IllegalArgumentException as {@link #forward(Tensor, Tensor)}
     */
    public LossExplanation explain(Tensor input, Tensor target) {
        double value = LossSupport.valueOf(() -> forward(input, target), reduction);
        int n = input.rows();
        int c = input.cols();
        DMatrixRMaj logp = logSoftmaxValues(input);
        DMatrixRMaj q = target.toMatrix();
        double eps = labelSmoothing;
        double[] w = classWeights(c);
        DMatrixRMaj terms = new DMatrixRMaj(n, c);
        for (int k = 0; k < q.data.length; k++) {
            double qk = eps > 0 ? q.data[k] * (1 - eps) + eps / c : q.data[k];
            terms.data[k] = -logp.data[k] * qk * w[k % c];
        }
        java.util.List<String> notes = new java.util.ArrayList<>();
        if (eps > 0) {
            notes.add("label smoothing " + eps + ": each target row became (1 - " + eps + ") x q + " + eps + "/" + c);
        }
        return new LossExplanation(NAME, reduction, value, reduction == Reduction.MEAN ? n : 1,
                reduction == Reduction.MEAN ? "the " + n + " rows (probability targets)" : "no division for " + reduction,
                LossSupport.rowSums(terms, i -> "-Σ w·q·log p over " + c + " classes"), notes);
    }
}
