package dev.ejgrad.nn.loss;

import dev.ejgrad.core.Autograd;
import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * Negative log-likelihood of targets under Gaussians with predicted means and variances, as
 * {@code torch.nn.GaussianNLLLoss}: elementwise
 * {@code 0.5·(log(max(var, eps)) + (input - target)²/max(var, eps))}, plus {@code 0.5·log(2π)} with
 * {@code full(true)}, reduced.
 *
 * <p>The clamp at {@code eps} is in value only, as PyTorch's (which clamps a clone of var under no_grad): autograd
 * does not see it, so below {@code eps} the gradient with respect to var is the formula's gradient at the clamped
 * value ({@code 0.5·(1/eps - (input - target)²/eps²)}), not zero. Built from core ops, so it is twice
 * differentiable, and a target that requires grad gets the negative of the input's gradient.
 *
 * <p>Shape: input and target {@code N x D}; var {@code N x D} (one variance per element), {@code N x 1} (one per
 * row, shared by its columns) or {@code 1 x D} (one per column, shared by the rows; its gradient sums over them);
 * output 1x1, or {@code N x D} for {@link Reduction#NONE}.
 *
 * <p>Defaults, PyTorch's: {@code full} false, {@code eps} 1e-6, MEAN.
 *
 * <p><b>Immutable: each configuration method returns a new loss and leaves this one unchanged</b>, unlike the
 * optimizers' setters, which change the optimizer and return it. Use the result, {@code loss = loss.reduction(...)}:
 * a bare {@code loss.reduction(...);} changes nothing. The configuration methods are marked {@link CheckReturnValue}:
 * IDEs and Error Prone flag a result left unused, and ejgrad's own build fails on one.
 */
public final class GaussianNLLLoss {

    private static final String NAME = "GaussianNLLLoss";
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private final boolean full;
    private final double eps;
    private final Reduction reduction;

    /** PyTorch's defaults: not full, eps 1e-6, MEAN. */
    public GaussianNLLLoss() {
        this(false, 1e-6, Reduction.MEAN);
    }

    private GaussianNLLLoss(boolean full, double eps, Reduction reduction) {
        this.full = full;
        this.eps = eps;
        this.reduction = reduction;
    }

    /**
     * Returns a new loss: this one with or without the constant. This loss is not changed; use the result.
     *
     * @param full whether to add {@code 0.5·log(2π)} to every term, making it the exact negative log-density
     * @return a new loss with that option (this one is unchanged)
     */
    @CheckReturnValue
    public GaussianNLLLoss full(boolean full) {
        return new GaussianNLLLoss(full, eps, reduction);
    }

    /**
     * Returns a new loss: this one with that clamp. This loss is not changed; use the result.
     *
     * @param eps the smallest variance used in the value, non-negative and finite
     * @return a new loss with that clamp (this one is unchanged)
     * @throws IllegalArgumentException if {@code eps} is negative, NaN or infinite
     */
    @CheckReturnValue
    public GaussianNLLLoss eps(double eps) {
        return new GaussianNLLLoss(full, LossChecks.checkEps(NAME, eps), reduction);
    }

    /**
     * Returns a new loss: this one with that reduction. This loss is not changed; use the result.
     *
     * @param reduction NONE, MEAN or SUM
     * @return a new loss with that reduction (this one is unchanged)
     * @throws IllegalArgumentException for BATCHMEAN
     */
    @CheckReturnValue
    public GaussianNLLLoss reduction(Reduction reduction) {
        return new GaussianNLLLoss(full, eps, LossChecks.checkReduction(NAME, reduction, false));
    }

    /**
     * Returns the loss: 1x1, or {@code N x D} for NONE.
     *
     * @param input the predicted means, {@code N x D}; not modified
     * @param target the observations, the input's shape; not modified
     * @param var the predicted variances, {@code N x D}, {@code N x 1} or {@code 1 x D}, non-negative; not modified
     * @return the loss: 1x1, or {@code N x D} for NONE
     * @throws IllegalArgumentException if the target's shape is not the input's, var has none of the three shapes,
     *     or var has a negative entry, or the input, target and var differ in dtype
     */
    public Tensor forward(Tensor input, Tensor target, Tensor var) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(var, "var");
        check(input, target, var);
        return reduction.reduceElements(terms(input, target, var));
    }

    private static void check(Tensor input, Tensor target, Tensor var) {
        LossChecks.checkSameShape(NAME, input, target);
        LossChecks.checkDtype(NAME, input, "target", target);
        LossChecks.checkDtype(NAME, input, "var", var);
        int n = input.rows();
        int d = input.cols();
        boolean fits = var.rows() == n && (var.cols() == d || var.cols() == 1) || var.rows() == 1 && var.cols() == d;
        if (!fits) {
            throw new IllegalArgumentException(NAME + ": var of shape " + Shapes.of(var) + " is of incorrect "
                    + "size for an input of shape " + Shapes.of(input) + " (use " + Shapes.of(n, d) + ", "
                    + Shapes.of(n, 1) + " or " + Shapes.of(1, d) + ")");
        }
        DMatrixRMaj v = Autograd.valuesOf(var);
        for (int k = 0; k < v.data.length; k++) {
            if (v.data[k] < 0) {
                throw new IllegalArgumentException(NAME + ": var has negative entry/entries; found " + v.data[k]
                        + " at (" + k / v.numCols + ", " + k % v.numCols + ")");
            }
        }
    }

    /** Each element's term, {@code 0.5·(log v + (input - target)²/v)} (+ 0.5·log 2π), v the clamped var. */
    private Tensor terms(Tensor input, Tensor target, Tensor var) {
        Tensor v = clampInValue(var);
        Tensor terms = v.log().add(input.sub(target).square().div(v)).mul(0.5);
        return full ? terms.add(HALF_LOG_2PI) : terms;
    }

    /**
     * {@code max(var, eps)} in value with the identity as its gradient rule: PyTorch clamps a clone of var in place
     * under no_grad, so its graph holds only the clone's identity.
     */
    private Tensor clampInValue(Tensor var) {
        DMatrixRMaj v = Autograd.valuesOf(var);
        DMatrixRMaj clamped = new DMatrixRMaj(v.numRows, v.numCols);
        for (int k = 0; k < v.data.length; k++) {
            // NaN stays NaN, as torch.clamp_
            clamped.data[k] = v.data[k] < eps ? eps : v.data[k];
        }
        return Autograd.op(NAME + ".varClamp", clamped, var, g -> g);
    }

    /**
     * Takes one evaluation apart: per row the sum of its terms, the denominator (N·D for MEAN), how many variances
     * the clamp raised to {@code eps}, and the constant of {@code full}.
     *
     * @param input the predicted means, {@code N x D}; not modified
     * @param target the observations, the input's shape; not modified
     * @param var the predicted variances; not modified
     * @return the explanation, whose value is {@link #forward(Tensor, Tensor, Tensor)}'s
     * @throws IllegalArgumentException as {@link #forward(Tensor, Tensor, Tensor)}
     */
    public LossExplanation explain(Tensor input, Tensor target, Tensor var) {
        double value = Explanations.valueOf(() -> forward(input, target, var), reduction);
        DMatrixRMaj terms = Explanations.termValues(() -> terms(input, target, var));
        DMatrixRMaj v = Autograd.valuesOf(var);
        int clamped = 0;
        for (double x : v.data) {
            if (x < eps) {
                clamped++;
            }
        }
        List<String> notes = new ArrayList<>();
        if (clamped > 0) {
            notes.add(clamped + " of " + v.data.length + " variances are below eps " + LossExplanation.number(eps)
                    + " and count as eps; their gradient is the formula's at eps (the clamp is in value only)");
        }
        if (full) {
            notes.add("full: every term includes 0.5·log(2π) = " + LossExplanation.number(HALF_LOG_2PI));
        }
        String shared = var.cols() != input.cols() ? ", one variance per row"
                : var.rows() != input.rows() ? ", one variance per column" : "";
        return Explanations.elementwise(NAME, reduction, value, terms,
                i -> "Σ 0.5·(log var + (input - target)²/var)" + shared, notes);
    }
}
