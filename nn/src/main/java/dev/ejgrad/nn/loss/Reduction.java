package dev.ejgrad.nn.loss;

import dev.ejgrad.core.Tensor;

/** How a loss reduces its per-element (or per-row) values, as PyTorch's {@code reduction} argument. */
public enum Reduction {
    /** No reduction: per-row values (Nx1) for NLL and cross-entropy, per-element values for the others. */
    NONE,
    /** The mean; for NLL and cross-entropy with class weights, the weighted mean over the rows not ignored. */
    MEAN,
    /** The sum. */
    SUM,
    /** The sum divided by the batch size N: the true mean KL divergence per example. {@link KLDivLoss} only. */
    BATCHMEAN;

    /**
     * The one reduction of every loss, differentiable, so that its rule is every loss's upstream scaling: NONE keeps
     * the terms (g passes as it is), SUM adds them (g reaches every term), MEAN divides their sum by
     * {@code meanDenominator} and BATCHMEAN by the row count (g / denominator reaches every term).
     *
     * @param meanDenominator the element count for elementwise losses, {@code Σ weight[target]} over the rows not
     *     ignored for class-index ones, N for probability targets
     */
    Tensor reduce(Tensor terms, double meanDenominator) {
        switch (this) {
            case NONE:
                return terms;
            case SUM:
                return terms.sum();
            case MEAN:
                return terms.sum().div(meanDenominator);
            default:
                return terms.sum().div(terms.rows());
        }
    }

    /** The reduction of an elementwise loss: MEAN divides by the element count. */
    Tensor reduceElements(Tensor terms) {
        return reduce(terms, terms.numel());
    }
}
