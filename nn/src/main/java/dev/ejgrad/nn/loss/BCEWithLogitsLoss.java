package dev.ejgrad.nn.loss;

import static dev.ejgrad.nn.loss.Explanations.at;

import dev.ejgrad.core.Autograd;
import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * Binary cross-entropy on logits, as {@code torch.nn.BCEWithLogitsLoss}: sigmoid and BCE in one loss, composed as
 * libtorch composes it, {@code w·((1-y)·x - (1 + (pw-1)·y)·logσ(x))} with {@code logσ(x) = min(x, 0) -
 * log1p(e^-|x|)}, exact and finite for logits of any size (±1000 included), where {@code BCELoss(sigmoid(x))}
 * saturates; twice differentiable.
 *
 * <p>Gradient: {@code w·((1 + (pw-1)·y)·σ(x) - pw·y)}, which is {@code w·(σ(x) - y)} without a positive weight.
 *
 * <p>Shape: input and target {@code N x C}; weight broadcasts to it (NxC, 1xC, Nx1 or 1x1); posWeight is 1xC (or
 * 1x1), one per label, broadcast over rows; output 1x1, or {@code N x C} for {@link Reduction#NONE}.
 *
 * <p><b>Immutable: each configuration method returns a new loss and leaves this one unchanged</b>, unlike the
 * optimizers' setters, which change the optimizer and return it. Use the result, {@code loss = loss.reduction(...)}:
 * a bare {@code loss.reduction(...);} changes nothing. The configuration methods are marked {@link CheckReturnValue}:
 * IDEs and Error Prone flag a result left unused, and ejgrad's own build fails on one.
 */
public final class BCEWithLogitsLoss {

    private static final String NAME = "BCEWithLogitsLoss";

    private final Tensor weight;
    private final Tensor posWeight;
    private final Reduction reduction;

    /** PyTorch's defaults: no weight, no positive weight, MEAN. */
    public BCEWithLogitsLoss() {
        this(null, null, Reduction.MEAN);
    }

    private BCEWithLogitsLoss(Tensor weight, Tensor posWeight, Reduction reduction) {
        this.weight = weight;
        this.posWeight = posWeight;
        this.reduction = reduction;
    }

    /**
     * Returns a new loss: this one with element weights. This loss is not changed; use the result.
     *
     * @param weight a weight that broadcasts to the input (copied); must not require grad
     * @return a new loss with element weights (this one is unchanged)
     */
    @CheckReturnValue
    public BCEWithLogitsLoss weight(Tensor weight) {
        return new BCEWithLogitsLoss(LossChecks.constant(NAME, "weight", weight).detach(), posWeight, reduction);
    }

    /**
     * Returns a new loss: this one with positive weights. This loss is not changed; use the result.
     *
     * @param posWeight the weight of the positive term per label, 1xC or 1x1 (copied); must not require grad
     * @return a new loss with positive weights (this one is unchanged)
     * @throws IllegalArgumentException if it is not a single row
     */
    @CheckReturnValue
    public BCEWithLogitsLoss posWeight(Tensor posWeight) {
        Tensor pw = LossChecks.constant(NAME, "posWeight", posWeight);
        if (pw.rows() != 1) {
            throw new IllegalArgumentException(NAME + ": posWeight must be 1xC (one per label) or 1x1, got "
                    + Shapes.of(pw));
        }
        return new BCEWithLogitsLoss(weight, pw.detach(), reduction);
    }

    /**
     * Returns a new loss: this one with that reduction. This loss is not changed; use the result.
     *
     * @param reduction NONE, MEAN or SUM
     * @return a new loss with that reduction (this one is unchanged)
     * @throws IllegalArgumentException for BATCHMEAN
     */
    @CheckReturnValue
    public BCEWithLogitsLoss reduction(Reduction reduction) {
        return new BCEWithLogitsLoss(weight, posWeight, LossChecks.checkReduction(NAME, reduction, false));
    }

    /**
     * Returns the loss: 1x1, or {@code N x C} for NONE.
     *
     * @param input logits, {@code N x C}; not modified
     * @param target targets in [0, 1], the input's shape; must not require grad
     * @return the loss: 1x1, or {@code N x C} for NONE
     * @throws IllegalArgumentException if the shapes differ, a target is outside [0, 1], or a weight does not
     *     broadcast, or the input, target and weights differ in dtype
     */
    public Tensor forward(Tensor input, Tensor target) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(target, "target");
        LossChecks.checkSameShape(NAME, input, target);
        LossChecks.checkTargetConstant(NAME, target);
        LossChecks.checkDtype(NAME, input, "target", target);
        LossChecks.checkDtype(NAME, input, "weight", weight);
        LossChecks.checkDtype(NAME, input, "posWeight", posWeight);
        if (weight != null) {
            LossChecks.checkElementWeight(NAME, "weight", weight, input);
        }
        if (posWeight != null && posWeight.cols() != input.cols() && posWeight.cols() != 1) {
            throw new IllegalArgumentException(NAME + ": posWeight must be " + Shapes.of(1, input.cols())
                    + " or 1x1 for an input of shape " + Shapes.of(input) + ", got " + Shapes.of(posWeight));
        }
        LossChecks.checkUnitInterval(NAME, Autograd.valuesOf(target), "target must be in [0, 1]");
        return reduction.reduceElements(terms(input, target));
    }

    /**
     * Each element's term, composed as libtorch composes it: {@code w·((1-y)·x - (1 + (pw-1)·y)·log σ(x))}. log σ is
     * exact at any logit, so the loss and its derivatives (of every order) are too.
     */
    private Tensor terms(Tensor input, Tensor target) {
        Tensor logSigmoid = input.logSigmoid();
        if (posWeight != null) {
            logSigmoid = logSigmoid.mul(posWeight.sub(1).mul(target).add(1));
        }
        Tensor terms = target.neg().add(1).mul(input).sub(logSigmoid);
        return weight == null ? terms : terms.mul(weight);
    }

    /**
     * Takes one evaluation apart: per row the sum of its elements' terms, the denominator (N·C for MEAN), and what
     * posWeight added to the positive terms.
     *
     * @param input logits, {@code N x C}; not modified
     * @param target targets in [0, 1]
     * @return the explanation, whose value is {@link #forward(Tensor, Tensor)}'s
     * @throws IllegalArgumentException as {@link #forward(Tensor, Tensor)}
     */
    public LossExplanation explain(Tensor input, Tensor target) {
        double value = Explanations.valueOf(() -> forward(input, target), reduction);
        int n = input.rows();
        int c = input.cols();
        DMatrixRMaj x = Autograd.valuesOf(input);
        DMatrixRMaj y = Autograd.valuesOf(target);
        DMatrixRMaj w = weight == null ? null : Autograd.valuesOf(weight);
        DMatrixRMaj pw = posWeight == null ? null : Autograd.valuesOf(posWeight);
        DMatrixRMaj terms = Explanations.termValues(() -> terms(input, target));
        int positives = 0;
        double added = 0;
        for (int k = 0; pw != null && k < x.data.length; k++) {
            if (y.data[k] > 0) {
                double logSigmoid = logSigmoid(x.data[k]);
                positives++;
                added += -(at(pw, 0, k % c) - 1) * y.data[k] * logSigmoid * (w == null ? 1 : at(w, k / c, k % c));
            }
        }
        java.util.List<String> notes = new java.util.ArrayList<>();
        if (pw != null) {
            notes.add("posWeight scaled the positive term -y·log σ(x) of the " + positives + " elements with a "
                    + "target > 0, adding " + LossExplanation.number(added) + " to the sum");
        }
        return Explanations.elementwise(NAME, reduction, value, terms, i -> c + " terms", notes);
    }

    /** {@code log σ(x) = min(x, 0) - log1p(e^-|x|)}, finite for every finite x. */
    private static double logSigmoid(double x) {
        return Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
    }
}
