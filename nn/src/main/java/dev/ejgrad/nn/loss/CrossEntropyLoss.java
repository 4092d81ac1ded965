package dev.ejgrad.nn.loss;

import static dev.ejgrad.nn.loss.LossChecks.checkClassTargets;
import static dev.ejgrad.nn.loss.LossChecks.checkClassWeight;
import static dev.ejgrad.nn.loss.LossChecks.checkDtype;
import static dev.ejgrad.nn.loss.LossChecks.checkSameShape;
import static dev.ejgrad.nn.loss.LossChecks.checkTargetConstant;
import static dev.ejgrad.nn.loss.Explanations.logSoftmaxValues;

import dev.ejgrad.core.Autograd;
import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * Cross-entropy between the softmax of logits and a target, as {@code torch.nn.CrossEntropyLoss}, composed as ATen
 * composes it: log-softmax, then NLL's terms, then (with label smoothing) a smoothing term. Its gradient is
 * {@code softmax(z) - target distribution}, scaled by the class weights and the reduction's denominator, and it is
 * twice differentiable. It never takes the log of a softmax, so logits of any size are exact.
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
 * <p><b>Immutable: each configuration method returns a new loss and leaves this one unchanged</b>, unlike the
 * optimizers' setters, which change the optimizer and return it. Use the result, {@code loss = loss.reduction(...)}:
 * a bare {@code loss.reduction(...);} changes nothing. The configuration methods are marked {@link CheckReturnValue}:
 * IDEs and Error Prone flag a result left unused, and ejgrad's own build fails on one.
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
     * Returns a new loss: this one with class weights. This loss is not changed; use the result.
     *
     * @param weight a 1xC weight per class (copied); must not require grad
     * @return a new loss with class weights (this one is unchanged)
     */
    @CheckReturnValue
    public CrossEntropyLoss weight(Tensor weight) {
        return new CrossEntropyLoss(LossChecks.classWeight(NAME, weight), ignoreIndex, labelSmoothing, reduction);
    }

    /**
     * Returns a new loss: this one with that ignore index. This loss is not changed; use the result.
     *
     * @param ignoreIndex a target value whose rows contribute nothing, to the loss or to the mean's denominator
     * @return a new loss with that ignore index (this one is unchanged)
     */
    @CheckReturnValue
    public CrossEntropyLoss ignoreIndex(int ignoreIndex) {
        return new CrossEntropyLoss(weight, ignoreIndex, labelSmoothing, reduction);
    }

    /**
     * Returns a new loss: this one with label smoothing. This loss is not changed; use the result.
     *
     * @param labelSmoothing ε in [0, 1]: the target becomes {@code (1-ε)·target + ε/C}
     * @return a new loss with label smoothing (this one is unchanged)
     * @throws IllegalArgumentException if ε is outside [0, 1]
     */
    @CheckReturnValue
    public CrossEntropyLoss labelSmoothing(double labelSmoothing) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException(NAME + ": labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        return new CrossEntropyLoss(weight, ignoreIndex, labelSmoothing, reduction);
    }

    /**
     * Returns a new loss: this one with that reduction. This loss is not changed; use the result.
     *
     * @param reduction NONE, MEAN or SUM
     * @return a new loss with that reduction (this one is unchanged)
     * @throws IllegalArgumentException for BATCHMEAN
     */
    @CheckReturnValue
    public CrossEntropyLoss reduction(Reduction reduction) {
        return new CrossEntropyLoss(weight, ignoreIndex, labelSmoothing,
                LossChecks.checkReduction(NAME, reduction, false));
    }

    /**
     * Cross-entropy against class indices.
     *
     * @param input {@code N x C} logits; not modified
     * @param target N class indices in {@code [0, C)}, or the ignore index
     * @return the loss: 1x1, or {@code N x 1} for NONE
     * @throws IllegalArgumentException if the target count is not N, a target is out of range, or the weight is not
     *     1xC or not of the input's dtype
     */
    public Tensor forward(Tensor input, int[] target) {
        Objects.requireNonNull(input, "input");
        checkClassTargets(NAME, input, target, ignoreIndex);
        checkClassWeight(NAME, weight, input);
        checkDtype(NAME, input, "weight", weight);
        return hardTarget(input.logSoftmax(1), target).loss;
    }

    /** The terms against class indices, and the loss combined from them as ATen's cross_entropy. */
    private HardTarget hardTarget(Tensor logp, int[] target) {
        int c = logp.cols();
        double[] w = classWeights(c);
        ClassTerms nll = ClassTerms.nll(logp, target, weight == null ? null : w, ignoreIndex);
        Tensor loss = reduction.reduce(nll.terms, nll.denominator);
        if (labelSmoothing == 0) {
            return new HardTarget(nll, null, loss);
        }
        // -Σ_c w[c]·log p[c] per row, zero on the ignored rows, reduced with NLL's denominator (as ATen)
        Tensor weighted = weight == null ? logp : logp.mul(weight);
        Tensor smooth = nll.zeroIgnored(weighted.sum(1).neg());
        Tensor smoothLoss = reduction.reduce(smooth, nll.denominator);
        double eps = labelSmoothing;
        return new HardTarget(nll, smooth, loss.mul(1 - eps).add(smoothLoss.mul(eps / c)));
    }

    /** NLL's terms, the smoothing terms (null without smoothing), and the loss. */
    private static final class HardTarget {
        final ClassTerms nll;
        final Tensor smooth;
        final Tensor loss;

        HardTarget(ClassTerms nll, Tensor smooth, Tensor loss) {
            this.nll = nll;
            this.smooth = smooth;
            this.loss = loss;
        }
    }

    /**
     * Cross-entropy against class probabilities (soft targets), as PyTorch's probability-target form.
     *
     * @param input {@code N x C} logits; not modified
     * @param target {@code N x C} probabilities, each row a distribution; must not require grad
     * @return the loss: 1x1, or {@code N x 1} for NONE; MEAN divides by N
     * @throws IllegalArgumentException if the shapes differ, the weight is not 1xC, an ignore index was set, or the input,
     *     target and weight differ in dtype
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
        checkDtype(NAME, input, "target", target);
        checkClassWeight(NAME, weight, input);
        checkDtype(NAME, input, "weight", weight);
        return reduction.reduce(softTerms(input.logSoftmax(1), target), input.rows());
    }

    /** {@code -Σ_c log p[c]·q'[c]·w[c]} per row (N x 1), with {@code q' = (1-ε)·q + ε/C}, as ATen. */
    private Tensor softTerms(Tensor logp, Tensor target) {
        int c = logp.cols();
        Tensor q = labelSmoothing > 0 ? target.mul(1 - labelSmoothing).add(labelSmoothing / c) : target;
        Tensor terms = logp.mul(q);
        if (weight != null) {
            terms = terms.mul(weight);
        }
        return terms.sum(1).neg();
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
        double value = Explanations.valueOf(() -> forward(input, target), reduction);
        int c = input.cols();
        DMatrixRMaj logp = logSoftmaxValues(input);
        double[] w = classWeights(c);
        double eps = labelSmoothing;
        HardTarget parts;
        try (NoGrad scope = NoGrad.enter()) {
            parts = hardTarget(input.logSoftmax(1), target);
        }
        DMatrixRMaj nllTerms = Autograd.valuesOf(parts.nll.terms);
        DMatrixRMaj smoothTerms = parts.smooth == null ? null : Autograd.valuesOf(parts.smooth);
        java.util.List<LossExplanation.Row> rows = new java.util.ArrayList<>();
        double nllTotal = 0;
        double smoothTotal = 0;
        for (int i = 0; i < target.length; i++) {
            int t = target[i];
            if (t == ignoreIndex) {
                rows.add(new LossExplanation.Row(i, 0, "target " + t + " is the ignore index", true));
                continue;
            }
            double nll = nllTerms.data[i];
            double smooth = smoothTerms == null ? 0 : smoothTerms.data[i];
            nllTotal += nll;
            smoothTotal += smooth;
            String detail = "target " + t + ", weight " + LossExplanation.number(w[t]) + ", -log p[target] "
                    + LossExplanation.number(-logp.data[i * c + t]);
            if (eps > 0) {
                detail += ", smoothing term Σ w·(-log p) " + LossExplanation.number(smooth);
            }
            rows.add(new LossExplanation.Row(i, eps == 0 ? nll : (1 - eps) * nll + eps / c * smooth, detail, false));
        }
        double denominator = parts.nll.denominator;
        int kept = parts.nll.kept;
        java.util.List<String> notes = new java.util.ArrayList<>();
        if (eps > 0) {
            notes.add("label smoothing " + eps + ": (1 - " + eps + ") x NLL part (sum " + LossExplanation.number(nllTotal)
                    + ") + " + eps + "/" + c + " x smoothing part (sum " + LossExplanation.number(smoothTotal)
                    + "), both divided by the same denominator");
        }
        return Explanations.classIndexed(NAME, reduction, value, rows, denominator, kept, weight != null, notes);
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
        double value = Explanations.valueOf(() -> forward(input, target), reduction);
        int n = input.rows();
        int c = input.cols();
        double eps = labelSmoothing;
        DMatrixRMaj terms = Explanations.termValues(() -> softTerms(input.logSoftmax(1), target));
        java.util.List<String> notes = new java.util.ArrayList<>();
        if (eps > 0) {
            notes.add("label smoothing " + eps + ": each target row became (1 - " + eps + ") x q + " + eps + "/" + c);
        }
        return new LossExplanation(NAME, reduction, value, reduction == Reduction.MEAN ? n : 1,
                reduction == Reduction.MEAN ? "the " + n + " rows (probability targets)" : "no division for " + reduction,
                Explanations.rowSums(terms, i -> "-Σ w·q·log p over " + c + " classes"), notes);
    }
}
