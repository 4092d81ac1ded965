package dev.ejgrad.nn.loss;

import dev.ejgrad.core.Autograd;
import dev.ejgrad.core.Tensor;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * Kullback-Leibler divergence of a target distribution from predicted log-probabilities, as
 * {@code torch.nn.KLDivLoss}: elementwise {@code y·(log y - x)} (0 where {@code y = 0}), or
 * {@code e^y·(y - x)} with {@code logTarget(true)}.
 *
 * <p>Reductions: {@link Reduction#BATCHMEAN} (sum / N) is the true KL divergence per example,
 * {@code KL(p‖q) = Σ p·log(p/q)}; {@link Reduction#MEAN}, PyTorch's default, divides by every element (N·C) and so
 * is the KL divergence divided by C. Because {@code H(p, q) = H(p) + KL(p‖q)} and {@code H(p)} does not depend on
 * the model, minimising this is minimising cross-entropy with probability targets.
 *
 * <p>Shape: input and target {@code N x C}; output 1x1, or {@code N x C} for {@link Reduction#NONE}.
 *
 * <p><b>Immutable: each configuration method returns a new loss and leaves this one unchanged</b>, unlike the
 * optimizers' setters, which change the optimizer and return it. Use the result, {@code loss = loss.reduction(...)}:
 * a bare {@code loss.reduction(...);} changes nothing. The configuration methods are marked {@link CheckReturnValue}:
 * IDEs and Error Prone flag a result left unused, and ejgrad's own build fails on one.
 */
public final class KLDivLoss {

    private static final String NAME = "KLDivLoss";

    private final Reduction reduction;
    private final boolean logTarget;

    /** PyTorch's defaults: MEAN, target given as probabilities. */
    public KLDivLoss() {
        this(Reduction.MEAN, false);
    }

    private KLDivLoss(Reduction reduction, boolean logTarget) {
        this.reduction = reduction;
        this.logTarget = logTarget;
    }

    /**
     * Returns a new loss: this one with that reduction. This loss is not changed; use the result.
     *
     * @param reduction NONE, MEAN, SUM or BATCHMEAN (the true KL divergence per example)
     * @return a new loss with that reduction (this one is unchanged)
     */
    @CheckReturnValue
    public KLDivLoss reduction(Reduction reduction) {
        return new KLDivLoss(LossChecks.checkReduction(NAME, reduction, true), logTarget);
    }

    /**
     * Returns a new loss: this one with that target form. This loss is not changed; use the result.
     *
     * @param logTarget whether the target is given as log-probabilities
     * @return a new loss with that target form (this one is unchanged)
     */
    @CheckReturnValue
    public KLDivLoss logTarget(boolean logTarget) {
        return new KLDivLoss(reduction, logTarget);
    }

    /**
     * Returns the loss: 1x1, or {@code N x C} for NONE.
     *
     * @param input log-probabilities, {@code N x C}; not modified
     * @param target probabilities (or log-probabilities with {@code logTarget}), the input's shape; must not
     *     require grad
     * @return the loss: 1x1, or {@code N x C} for NONE
     * @throws IllegalArgumentException if the shapes or dtypes differ or the target requires grad
     */
    public Tensor forward(Tensor input, Tensor target) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(target, "target");
        LossChecks.checkSameShape(NAME, input, target);
        LossChecks.checkTargetConstant(NAME, target);
        LossChecks.checkDtype(NAME, input, "target", target);
        return reduction.reduceElements(terms(input, target));
    }

    /**
     * Each element's term, as ATen's kl_div: {@code xlogy(y, y) - y·x}, or {@code e^y·(y - x)} with
     * {@code logTarget}; linear in the input, so its second derivative is zero.
     */
    private Tensor terms(Tensor input, Tensor target) {
        if (logTarget) {
            return target.sub(input).mul(target.exp());
        }
        DMatrixRMaj y = Autograd.valuesOf(target);
        DMatrixRMaj yLogY = new DMatrixRMaj(y.numRows, y.numCols);
        for (int k = 0; k < y.data.length; k++) {
            yLogY.data[k] = xlogy(y.data[k]);
        }
        return Tensor.from(yLogY).to(target.dtype()).sub(target.mul(input));
    }

    /** {@code y·log y}, 0 at {@code y = 0} (as torch.xlogy), NaN for NaN. */
    private static double xlogy(double y) {
        return y == 0 ? 0 : y * Math.log(y);
    }

    /**
     * Takes one evaluation apart: per row its KL terms, the denominator (N·C for MEAN, N for BATCHMEAN), and the
     * identity {@code H(p, q) = H(p) + KL(p‖q)} on these numbers, with q the input's distribution.
     *
     * @param input log-probabilities, {@code N x C}; not modified
     * @param target probabilities (or log-probabilities with {@code logTarget})
     * @return the explanation, whose value is {@link #forward(Tensor, Tensor)}'s
     * @throws IllegalArgumentException as {@link #forward(Tensor, Tensor)}
     */
    public LossExplanation explain(Tensor input, Tensor target) {
        double value = Explanations.valueOf(() -> forward(input, target), reduction);
        int n = input.rows();
        int c = input.cols();
        DMatrixRMaj x = Autograd.valuesOf(input);
        DMatrixRMaj y = Autograd.valuesOf(target);
        DMatrixRMaj terms = new DMatrixRMaj(n, c);
        double crossEntropy = 0;
        double entropy = 0;
        for (int k = 0; k < terms.data.length; k++) {
            double p = logTarget ? Math.exp(y.data[k]) : y.data[k];
            double pLogP = logTarget ? p * y.data[k] : xlogy(p);
            terms.data[k] = pLogP - p * x.data[k];
            crossEntropy -= p * x.data[k];
            entropy -= pLogP;
        }
        java.util.List<String> notes = new java.util.ArrayList<>();
        notes.add("over all rows: cross-entropy H(p, q) " + LossExplanation.number(crossEntropy) + " = entropy H(p) "
                + LossExplanation.number(entropy) + " + KL(p‖q) " + LossExplanation.number(crossEntropy - entropy));
        if (reduction == Reduction.MEAN) {
            notes.add("MEAN divides by every element, as PyTorch does; BATCHMEAN (divide by N) is the true KL "
                    + "divergence per example");
        }
        return Explanations.elementwise(NAME, reduction, value, terms, i -> "Σ p·(log p - log q)", notes);
    }
}
