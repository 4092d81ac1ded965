package dev.ejgrad.nn.loss;

import static dev.ejgrad.nn.loss.Explanations.at;

import dev.ejgrad.core.Autograd;
import dev.ejgrad.core.Tensor;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * Binary cross-entropy between probabilities and targets in [0, 1], as {@code torch.nn.BCELoss}:
 * {@code -w·(y·max(log p, -100) + (1-y)·max(log1p(-p), -100))}.
 *
 * <p>The clamp at -100 makes a wrong-side probability of exactly 0 or 1 cost 100 instead of infinity; the gradient
 * is libtorch's {@code w·(p-y) / max(p·(1-p), ε)} with {@code ε = 1e-12} held as a float, so it stays finite. Where
 * the clamp binds, that gradient no longer moves the loss: prefer {@link BCEWithLogitsLoss} on logits.
 *
 * <p>Shape: input and target {@code N x C}; weight broadcasts to it (NxC, 1xC, Nx1 or 1x1); output 1x1, or
 * {@code N x C} for {@link Reduction#NONE}.
 *
 * <p><b>Immutable: each configuration method returns a new loss and leaves this one unchanged</b>, unlike the
 * optimizers' setters, which change the optimizer and return it. Use the result, {@code loss = loss.reduction(...)}:
 * a bare {@code loss.reduction(...);} changes nothing. The configuration methods are marked {@link CheckReturnValue}:
 * IDEs and Error Prone flag a result left unused, and ejgrad's own build fails on one.
 */
public final class BCELoss {

    private static final String NAME = "BCELoss";
    /** libtorch's EPSILON, a float 1e-12 widened to double. */
    private static final double EPSILON = (double) 1e-12f;
    /** The 1e-12 (a double) that libtorch's double backward adds to p and 1 - p. */
    private static final double DOUBLE_EPS = 1e-12;

    private final Tensor weight;
    private final Reduction reduction;

    /** PyTorch's defaults: no weight, MEAN. */
    public BCELoss() {
        this(null, Reduction.MEAN);
    }

    private BCELoss(Tensor weight, Reduction reduction) {
        this.weight = weight;
        this.reduction = reduction;
    }

    /**
     * Returns a new loss: this one with element weights. This loss is not changed; use the result.
     *
     * @param weight a weight that broadcasts to the input (copied); must not require grad
     * @return a new loss with element weights (this one is unchanged)
     */
    @CheckReturnValue
    public BCELoss weight(Tensor weight) {
        return new BCELoss(LossChecks.constant(NAME, "weight", weight).detach(), reduction);
    }

    /**
     * Returns a new loss: this one with that reduction. This loss is not changed; use the result.
     *
     * @param reduction NONE, MEAN or SUM
     * @return a new loss with that reduction (this one is unchanged)
     * @throws IllegalArgumentException for BATCHMEAN
     */
    @CheckReturnValue
    public BCELoss reduction(Reduction reduction) {
        return new BCELoss(weight, LossChecks.checkReduction(NAME, reduction, false));
    }

    /**
     * Returns the loss: 1x1, or {@code N x C} for NONE.
     *
     * @param input probabilities in [0, 1], {@code N x C}; not modified
     * @param target targets in [0, 1], the input's shape; must not require grad
     * @return the loss: 1x1, or {@code N x C} for NONE
     * @throws IllegalArgumentException if the shapes differ, a probability or target is outside [0, 1] (or NaN), or
     *     the weight does not broadcast unambiguously, or the input, target and weight differ in dtype
     */
    public Tensor forward(Tensor input, Tensor target) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(target, "target");
        LossChecks.checkSameShape(NAME, input, target);
        LossChecks.checkTargetConstant(NAME, target);
        LossChecks.checkDtype(NAME, input, "target", target);
        LossChecks.checkDtype(NAME, input, "weight", weight);
        if (weight != null) {
            LossChecks.checkElementWeight(NAME, "weight", weight, input);
        }
        DMatrixRMaj p = Autograd.valuesOf(input);
        DMatrixRMaj y = Autograd.valuesOf(target);
        LossChecks.checkUnitInterval(NAME, p, "input must be probabilities in [0, 1]; for logits use BCEWithLogitsLoss");
        LossChecks.checkUnitInterval(NAME, y, "target must be values in [0, 1]");
        return reduction.reduceElements(terms(input, target));
    }

    /** Each element's term as an op of its own, as libtorch's {@code binary_cross_entropy}, N x C. */
    private Tensor terms(Tensor input, Tensor target) {
        DMatrixRMaj w = weight == null ? null : Autograd.valuesOf(weight);
        DMatrixRMaj losses = termValues(Autograd.valuesOf(input), Autograd.valuesOf(target), w);
        return Autograd.op(NAME, losses, input, g -> backward(g, input, target));
    }

    /**
     * ATen's {@code binary_cross_entropy_backward}: {@code g·(p - y)/max((1 - p)·p, ε)·w}. Its own rules are ATen's
     * double-backward formulas, with {@code 1e-12} added rather than the first derivative's clamp: for {@code g},
     * {@code gg·(p - y)/((p + ε)(1 - p + ε))·w}; for {@code p}, {@code gg·g·(p² - 2py + y)/((p + ε)²(1 - p + ε)²)·w}.
     * They differ from the exact derivative of the first rule by up to 7e-11, and libtorch's are the judge.
     */
    private Tensor backward(Tensor g, Tensor input, Tensor target) {
        DMatrixRMaj gv = Autograd.valuesOf(g);
        DMatrixRMaj p = Autograd.valuesOf(input);
        DMatrixRMaj y = Autograd.valuesOf(target);
        DMatrixRMaj w = weight == null ? null : Autograd.valuesOf(weight);
        int c = p.numCols;
        DMatrixRMaj grad = new DMatrixRMaj(p.numRows, c);
        for (int k = 0; k < grad.data.length; k++) {
            double d = gv.data[k] * (p.data[k] - y.data[k]) / Math.max((1 - p.data[k]) * p.data[k], EPSILON);
            grad.data[k] = w == null ? d : d * at(w, k / c, k % c);
        }
        return Autograd.op(NAME + "Backward", grad,
                g, gg -> weighted(gg.mul(input.sub(target).div(input.add(DOUBLE_EPS)
                        .mul(input.neg().add(1).add(DOUBLE_EPS))))),
                input, gg -> {
                    Tensor numerator = input.mul(input).sub(input.mul(2).mul(target)).add(target);
                    Tensor denominator = input.add(DOUBLE_EPS).pow(2).mul(input.neg().add(1).add(DOUBLE_EPS).pow(2));
                    return weighted(numerator.div(denominator).mul(gg.mul(g)));
                });
    }

    private Tensor weighted(Tensor t) {
        return weight == null ? t : t.mul(weight);
    }

    /**
     * Takes one evaluation apart: per row the sum of its elements' terms, the denominator (N·C for MEAN), and how many
     * log terms hit the -100 clamp (a probability of exactly 0 or 1, or within e^-100 of it, on the wrong side).
     *
     * @param input probabilities, {@code N x C}; not modified
     * @param target targets in [0, 1]
     * @return the explanation, whose value is {@link #forward(Tensor, Tensor)}'s
     * @throws IllegalArgumentException as {@link #forward(Tensor, Tensor)}
     */
    public LossExplanation explain(Tensor input, Tensor target) {
        double value = Explanations.valueOf(() -> forward(input, target), reduction);
        int n = input.rows();
        int c = input.cols();
        DMatrixRMaj p = Autograd.valuesOf(input);
        DMatrixRMaj y = Autograd.valuesOf(target);
        DMatrixRMaj terms = Explanations.termValues(() -> terms(input, target));
        int clamped = 0;
        int[] perRow = new int[n];
        for (int k = 0; k < p.data.length; k++) {
            if (y.data[k] > 0 && Math.log(p.data[k]) < -100 || y.data[k] < 1 && Math.log1p(-p.data[k]) < -100) {
                clamped++;
                perRow[k / c]++;
            }
        }
        java.util.List<String> notes = new java.util.ArrayList<>();
        if (clamped > 0) {
            notes.add(clamped + " of " + n * c + " log terms hit the -100 clamp: each costs 100 and passes almost no "
                    + "gradient back through a sigmoid; on logits, BCEWithLogitsLoss stays exact");
        }
        return Explanations.elementwise(NAME, reduction, value, terms,
                i -> c + " terms" + (perRow[i] > 0 ? ", " + perRow[i] + " clamped at -100" : ""), notes);
    }

    /** Each element's term, as libtorch: {@code w·((y-1)·max(log1p(-p), -100) - y·max(log p, -100))}. */
    private static DMatrixRMaj termValues(DMatrixRMaj p, DMatrixRMaj y, DMatrixRMaj w) {
        int c = p.numCols;
        DMatrixRMaj losses = new DMatrixRMaj(p.numRows, c);
        for (int k = 0; k < losses.data.length; k++) {
            double l = (y.data[k] - 1) * Math.max(Math.log1p(-p.data[k]), -100)
                    - y.data[k] * Math.max(Math.log(p.data[k]), -100);
            losses.data[k] = w == null ? l : l * at(w, k / c, k % c);
        }
        return losses;
    }
}
