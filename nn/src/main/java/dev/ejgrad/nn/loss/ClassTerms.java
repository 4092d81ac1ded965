package dev.ejgrad.nn.loss;

import dev.ejgrad.core.Tensor;

/**
 * The terms of a class-index loss (NLL, cross-entropy) with what its reduction needs: the MEAN denominator
 * {@code Σ w[t]} over the {@code kept} rows not ignored, and which rows are ignored (1) for terms that must be zeroed
 * there too.
 */
final class ClassTerms {
    final Tensor terms;
    final Tensor ignoredRows;
    final boolean anyIgnored;
    final double denominator;
    final int kept;

    private ClassTerms(Tensor terms, Tensor ignoredRows, boolean anyIgnored, double denominator, int kept) {
        this.terms = terms;
        this.ignoredRows = ignoredRows;
        this.anyIgnored = anyIgnored;
        this.denominator = denominator;
        this.kept = kept;
    }

    /**
     * NLL's terms, as ATen's {@code nll_loss}: {@code -w[t_i]·logp[i, t_i]} per row (N x 1), exactly 0 for a row
     * whose target is the ignore index; the gradient reaches only the target entries of the rows not ignored.
     */
    static ClassTerms nll(Tensor logp, int[] target, double[] w, int ignoreIndex) {
        int n = target.length;
        int[][] index = new int[n][1];
        double[] scale = new double[n];
        double[] ignored = new double[n];
        double denominator = 0;
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (target[i] == ignoreIndex) {
                ignored[i] = 1;
                continue;
            }
            index[i][0] = target[i];
            double wt = w == null ? 1 : w[target[i]];
            scale[i] = -wt;
            denominator += wt;
            kept++;
        }
        Tensor picked = logp.gather(1, index);
        Tensor terms = w == null ? picked.neg() : picked.mul(Tensor.column(scale).to(logp.dtype()));
        Tensor ignoredRows = Tensor.column(ignored);
        if (kept < n) {
            terms = terms.maskedFill(ignoredRows, 0);
        }
        return new ClassTerms(terms, ignoredRows, kept < n, denominator, kept);
    }

    /** {@code other} with the ignored rows set to exactly 0. */
    Tensor zeroIgnored(Tensor other) {
        return anyIgnored ? other.maskedFill(ignoredRows, 0) : other;
    }
}
