package dev.ejgrad.nn.loss;

import dev.ejgrad.core.Autograd;
import dev.ejgrad.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * Negative log-likelihood of counts under Poisson distributions with predicted rates, as
 * {@code torch.nn.PoissonNLLLoss}: elementwise {@code exp(input) - target·input} when the input is the log of the
 * rate ({@code logInput(true)}, the default), or {@code input - target·log(input + eps)} when it is the rate itself;
 * with {@code full(true)} the Stirling approximation of {@code log(target!)},
 * {@code target·log(target) - target + 0.5·log(2π·target)}, is added where {@code target > 1} (0 elsewhere).
 * Reduced.
 *
 * <p>The terms drop {@code log(target!)} unless {@code full}: they differ from the exact negative log-likelihood by a
 * constant of the data, which moves no gradient. Built from core ops, so it is twice differentiable.
 *
 * <p>Shape: input and target {@code N x D}; output 1x1, or {@code N x D} for {@link Reduction#NONE}.
 *
 * <p>Defaults, PyTorch's: {@code logInput} true, {@code full} false, {@code eps} 1e-8, MEAN.
 *
 * <p><b>Immutable: each configuration method returns a new loss and leaves this one unchanged</b>, unlike the
 * optimizers' setters, which change the optimizer and return it. Use the result, {@code loss = loss.reduction(...)}:
 * a bare {@code loss.reduction(...);} changes nothing. The configuration methods are marked {@link CheckReturnValue}:
 * IDEs and Error Prone flag a result left unused, and ejgrad's own build fails on one.
 */
public final class PoissonNLLLoss {

    private static final String NAME = "PoissonNLLLoss";

    private final boolean logInput;
    private final boolean full;
    private final double eps;
    private final Reduction reduction;

    /** PyTorch's defaults: log-rate input, not full, eps 1e-8, MEAN. */
    public PoissonNLLLoss() {
        this(true, false, 1e-8, Reduction.MEAN);
    }

    private PoissonNLLLoss(boolean logInput, boolean full, double eps, Reduction reduction) {
        this.logInput = logInput;
        this.full = full;
        this.eps = eps;
        this.reduction = reduction;
    }

    /**
     * Returns this loss taking that form of input.
     *
     * @param logInput true: the input is the log-rate (any real); false: the rate itself (non-negative)
     * @return a new loss with that option (this one is unchanged)
     */
    @CheckReturnValue
    public PoissonNLLLoss logInput(boolean logInput) {
        return new PoissonNLLLoss(logInput, full, eps, reduction);
    }

    /**
     * Returns a new loss: this one with or without the Stirling term. This loss is not changed; use the result.
     *
     * @param full whether to add {@code target·log(target) - target + 0.5·log(2π·target)} where {@code target > 1}
     * @return a new loss with that option (this one is unchanged)
     */
    @CheckReturnValue
    public PoissonNLLLoss full(boolean full) {
        return new PoissonNLLLoss(logInput, full, eps, reduction);
    }

    /**
     * Returns a new loss: this one with that stabiliser, used only when the input is the rate: {@code log(input + eps)}. This loss is not changed; use the result.
     *
     * @param eps added to the rate inside the log, non-negative and finite
     * @return a new loss with that stabiliser (this one is unchanged)
     * @throws IllegalArgumentException if {@code eps} is negative, NaN or infinite
     */
    @CheckReturnValue
    public PoissonNLLLoss eps(double eps) {
        return new PoissonNLLLoss(logInput, full, LossChecks.checkEps(NAME, eps), reduction);
    }

    /**
     * Returns a new loss: this one with that reduction. This loss is not changed; use the result.
     *
     * @param reduction NONE, MEAN or SUM
     * @return a new loss with that reduction (this one is unchanged)
     * @throws IllegalArgumentException for BATCHMEAN
     */
    @CheckReturnValue
    public PoissonNLLLoss reduction(Reduction reduction) {
        return new PoissonNLLLoss(logInput, full, eps, LossChecks.checkReduction(NAME, reduction, false));
    }

    /**
     * Returns the loss: 1x1, or {@code N x D} for NONE.
     *
     * @param input log-rates (with {@code logInput}, the default) or non-negative rates, {@code N x D}; not modified
     * @param target non-negative counts (whole or not), the input's shape; must not require grad
     * @return the loss: 1x1, or {@code N x D} for NONE
     * @throws IllegalArgumentException if the shapes differ, the target requires grad or has a negative (or NaN)
     *     entry, a rate is negative (or NaN) without {@code logInput}, or the dtypes differ
     */
    public Tensor forward(Tensor input, Tensor target) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(target, "target");
        LossChecks.checkSameShape(NAME, input, target);
        LossChecks.checkTargetConstant(NAME, target);
        LossChecks.checkDtype(NAME, input, "target", target);
        checkNonNegative(Autograd.valuesOf(target), "target must be non-negative counts");
        if (!logInput) {
            checkNonNegative(Autograd.valuesOf(input), "input must be non-negative rates when logInput is false "
                    + "(for log-rates use logInput(true))");
        }
        return reduction.reduceElements(terms(input, target));
    }

    private static void checkNonNegative(DMatrixRMaj m, String what) {
        for (int k = 0; k < m.data.length; k++) {
            if (!(m.data[k] >= 0)) {
                throw new IllegalArgumentException(NAME + ": " + what + "; found " + m.data[k] + " at ("
                        + k / m.numCols + ", " + k % m.numCols + ")");
            }
        }
    }

    /** Each element's term, in ATen's {@code poisson_nll_loss} order. */
    private Tensor terms(Tensor input, Tensor target) {
        Tensor terms = logInput ? input.exp().sub(target.mul(input)) : input.sub(target.mul(input.add(eps).log()));
        return full ? terms.add(Tensor.from(stirling(Autograd.valuesOf(target))).to(target.dtype())) : terms;
    }

    /** {@code t·log t - t + 0.5·log(2π·t)} where {@code t > 1}, else 0: a constant of the target. */
    private static DMatrixRMaj stirling(DMatrixRMaj t) {
        DMatrixRMaj s = new DMatrixRMaj(t.numRows, t.numCols);
        for (int k = 0; k < t.data.length; k++) {
            double y = t.data[k];
            s.data[k] = y > 1 ? y * Math.log(y) - y + 0.5 * Math.log(2 * Math.PI * y) : 0;
        }
        return s;
    }

    /**
     * Takes one evaluation apart: per row the sum of its terms, the denominator (N·D for MEAN) and, with
     * {@code full}, how many elements got the Stirling term and its total.
     *
     * @param input log-rates or rates, {@code N x D}; not modified
     * @param target non-negative counts, the input's shape; not modified
     * @return the explanation, whose value is {@link #forward(Tensor, Tensor)}'s
     * @throws IllegalArgumentException as {@link #forward(Tensor, Tensor)}
     */
    public LossExplanation explain(Tensor input, Tensor target) {
        double value = Explanations.valueOf(() -> forward(input, target), reduction);
        DMatrixRMaj terms = Explanations.termValues(() -> terms(input, target));
        List<String> notes = new ArrayList<>();
        if (full) {
            DMatrixRMaj t = Autograd.valuesOf(target);
            DMatrixRMaj s = stirling(t);
            int count = 0;
            double total = 0;
            for (int k = 0; k < t.data.length; k++) {
                if (t.data[k] > 1) {
                    count++;
                    total += s.data[k];
                }
            }
            notes.add("full: the Stirling term of log(target!) is added to the " + count + " of " + t.data.length
                    + " elements with target > 1, " + LossExplanation.number(total) + " in all");
        }
        String term = logInput ? "Σ exp(input) - target·input" : "Σ input - target·log(input + eps)";
        return Explanations.elementwise(NAME, reduction, value, terms, i -> term + (full ? " + Stirling" : ""), notes);
    }
}
