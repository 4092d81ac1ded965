package dev.ejgrad.nn.loss;

/** How a loss reduces its per-element (or per-row) values, as PyTorch's {@code reduction} argument. */
public enum Reduction {
    /** No reduction: per-row values (Nx1) for NLL and cross-entropy, per-element values for the others. */
    NONE,
    /** The mean; for NLL and cross-entropy with class weights, the weighted mean over the rows not ignored. */
    MEAN,
    /** The sum. */
    SUM,
    /** The sum divided by the batch size N: the true mean KL divergence per example. {@link KLDivLoss} only. */
    BATCHMEAN
}
