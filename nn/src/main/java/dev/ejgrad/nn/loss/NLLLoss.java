package dev.ejgrad.nn.loss;

import static dev.ejgrad.nn.loss.LossChecks.checkClassTargets;
import static dev.ejgrad.nn.loss.LossChecks.checkClassWeight;
import static dev.ejgrad.nn.loss.LossChecks.checkDtype;

import dev.ejgrad.core.Autograd;
import dev.ejgrad.core.Tensor;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * Negative log-likelihood of class indices given log-probabilities, as {@code torch.nn.NLLLoss}:
 * row i contributes {@code -w[t_i]·input[i, t_i]}; MEAN divides by {@code Σ w[t_i]} over the rows not ignored (NaN,
 * with a zero gradient, when every row is ignored).
 *
 * <p>The input must be log-probabilities, e.g. from {@link dev.ejgrad.core.Tensor#logSoftmax(int)};
 * {@code NLLLoss(logSoftmax(z)) = CrossEntropyLoss(z)}.
 *
 * <p>Shape: input {@code N x C}; target {@code int[N]}; output 1x1, or {@code N x 1} for {@link Reduction#NONE}.
 *
 * <p><b>Immutable: each configuration method returns a new loss and leaves this one unchanged</b>, unlike the
 * optimizers' setters, which change the optimizer and return it. Use the result, {@code loss = loss.reduction(...)}:
 * a bare {@code loss.reduction(...);} changes nothing. The configuration methods are marked {@link CheckReturnValue}:
 * IDEs and Error Prone flag a result left unused, and ejgrad's own build fails on one.
 */
public final class NLLLoss {

    private static final String NAME = "NLLLoss";

    private final Tensor weight;
    private final int ignoreIndex;
    private final Reduction reduction;

    /** PyTorch's defaults: no weight, ignore index -100, MEAN. */
    public NLLLoss() {
        this(null, -100, Reduction.MEAN);
    }

    private NLLLoss(Tensor weight, int ignoreIndex, Reduction reduction) {
        this.weight = weight;
        this.ignoreIndex = ignoreIndex;
        this.reduction = reduction;
    }

    /**
     * Returns a new loss: this one with class weights. This loss is not changed; use the result.
     *
     * @param weight a 1xC weight per class (copied); must not require grad
     * @return a new loss with class weights (this one is unchanged)
     */
    @CheckReturnValue
    public NLLLoss weight(Tensor weight) {
        return new NLLLoss(LossChecks.classWeight(NAME, weight), ignoreIndex, reduction);
    }

    /**
     * Returns a new loss: this one with that ignore index. This loss is not changed; use the result.
     *
     * @param ignoreIndex a target value whose rows contribute nothing
     * @return a new loss with that ignore index (this one is unchanged)
     */
    @CheckReturnValue
    public NLLLoss ignoreIndex(int ignoreIndex) {
        return new NLLLoss(weight, ignoreIndex, reduction);
    }

    /**
     * Returns a new loss: this one with that reduction. This loss is not changed; use the result.
     *
     * @param reduction NONE, MEAN or SUM
     * @return a new loss with that reduction (this one is unchanged)
     * @throws IllegalArgumentException for BATCHMEAN
     */
    @CheckReturnValue
    public NLLLoss reduction(Reduction reduction) {
        return new NLLLoss(weight, ignoreIndex, LossChecks.checkReduction(NAME, reduction, false));
    }

    /**
     * Returns the loss: 1x1, or {@code N x 1} for NONE.
     *
     * @param input {@code N x C} log-probabilities; not modified
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
        ClassTerms nll = ClassTerms.nll(input, target, classWeights(), ignoreIndex);
        return reduction.reduce(nll.terms, nll.denominator);
    }

    private double[] classWeights() {
        return weight == null ? null : weight.toMatrix().data;
    }

    /**
     * Takes one evaluation apart: per row the target, its weight and {@code -input[row, target]}; the denominator
     * (for MEAN, {@code Σ weight[target]} over the rows not ignored) and the ignored rows.
     *
     * @param input {@code N x C} log-probabilities; not modified
     * @param target N class indices, or the ignore index
     * @return the explanation, whose value is {@link #forward(Tensor, int[])}'s
     * @throws IllegalArgumentException as {@link #forward(Tensor, int[])}
     */
    public LossExplanation explain(Tensor input, int[] target) {
        double value = Explanations.valueOf(() -> forward(input, target), reduction);
        int c = input.cols();
        double[] w = classWeights();
        DMatrixRMaj terms = Explanations.termValues(
                () -> ClassTerms.nll(input, target, w, ignoreIndex).terms);
        DMatrixRMaj x = Autograd.valuesOf(input);
        java.util.List<LossExplanation.Row> rows = new java.util.ArrayList<>();
        double denominator = 0;
        int kept = 0;
        for (int i = 0; i < target.length; i++) {
            int t = target[i];
            if (t == ignoreIndex) {
                rows.add(new LossExplanation.Row(i, 0, "target " + t + " is the ignore index", true));
                continue;
            }
            double wt = w == null ? 1 : w[t];
            denominator += wt;
            kept++;
            rows.add(new LossExplanation.Row(i, terms.data[i], "target " + t + ", weight "
                    + LossExplanation.number(wt) + ", -input[target] " + LossExplanation.number(-x.data[i * c + t]),
                    false));
        }
        java.util.List<String> notes = new java.util.ArrayList<>();
        return Explanations.classIndexed(NAME, reduction, value, rows, denominator, kept, w != null, notes);
    }
}
