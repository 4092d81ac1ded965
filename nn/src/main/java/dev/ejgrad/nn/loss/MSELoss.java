package dev.ejgrad.nn.loss;

import dev.ejgrad.core.Tensor;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * Mean squared error, as {@code torch.nn.MSELoss}: {@code (input - target)²}, reduced. Built from core ops, so the
 * target may require grad too (its gradient is the negative of the input's).
 *
 * <p>Minimising it is maximising the likelihood of a Gaussian with fixed variance around the input.
 *
 * <p>Shape: input and target {@code N x C}; output 1x1, or {@code N x C} for {@link Reduction#NONE}.
 *
 * <p><b>Immutable: each configuration method returns a new loss and leaves this one unchanged</b>, unlike the
 * optimizers' setters, which change the optimizer and return it. Use the result, {@code loss = loss.reduction(...)}:
 * a bare {@code loss.reduction(...);} changes nothing. The configuration methods are marked {@link CheckReturnValue}:
 * IDEs and Error Prone flag a result left unused, and ejgrad's own build fails on one.
 */
public final class MSELoss {

    private static final String NAME = "MSELoss";

    private final Reduction reduction;

    /** PyTorch's default: MEAN. */
    public MSELoss() {
        this(Reduction.MEAN);
    }

    private MSELoss(Reduction reduction) {
        this.reduction = reduction;
    }

    /**
     * Returns a new loss: this one with that reduction. This loss is not changed; use the result.
     *
     * @param reduction NONE, MEAN or SUM
     * @return a new loss with that reduction (this one is unchanged)
     * @throws IllegalArgumentException for BATCHMEAN
     */
    @CheckReturnValue
    public MSELoss reduction(Reduction reduction) {
        return new MSELoss(LossChecks.checkReduction(NAME, reduction, false));
    }

    /**
     * Returns the loss: 1x1, or {@code N x C} for NONE.
     *
     * @param input predictions, {@code N x C}; not modified
     * @param target targets, the input's shape; not modified
     * @return the loss: 1x1, or {@code N x C} for NONE
     * @throws IllegalArgumentException if the shapes or dtypes differ
     */
    public Tensor forward(Tensor input, Tensor target) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(target, "target");
        LossChecks.checkSameShape(NAME, input, target);
        LossChecks.checkDtype(NAME, input, "target", target);
        return reduction.reduceElements(terms(input, target));
    }

    /** Each element's term, {@code (input - target)²}. */
    private static Tensor terms(Tensor input, Tensor target) {
        Tensor diff = input.sub(target);
        return diff.mul(diff);
    }

    /**
     * Takes one evaluation apart: per row its sum of squared errors and the denominator (N·C for MEAN).
     *
     * @param input predictions, {@code N x C}; not modified
     * @param target targets, the input's shape
     * @return the explanation, whose value is {@link #forward(Tensor, Tensor)}'s
     * @throws IllegalArgumentException as {@link #forward(Tensor, Tensor)}
     */
    public LossExplanation explain(Tensor input, Tensor target) {
        double value = Explanations.valueOf(() -> forward(input, target), reduction);
        DMatrixRMaj terms = Explanations.termValues(() -> terms(input, target));
        return Explanations.elementwise(NAME, reduction, value, terms, i -> "Σ (input - target)²",
                java.util.List.of());
    }
}
