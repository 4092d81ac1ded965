package dev.ejgrad.nn.loss;

import dev.ejgrad.core.Autograd;
import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/** Checks and reductions shared by the losses, so that every loss validates and words its messages alike. */
final class LossSupport {

    private LossSupport() {
    }


    static Reduction checkReduction(String loss, Reduction r, boolean batchMeanAllowed) {
        Objects.requireNonNull(r, "reduction");
        if (r == Reduction.BATCHMEAN && !batchMeanAllowed) {
            throw new IllegalArgumentException(loss + ": reduction BATCHMEAN is only defined for KLDivLoss; use MEAN");
        }
        return r;
    }

    /** A clamp or stabiliser {@code eps}: non-negative and finite. */
    static double checkEps(String loss, double eps) {
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(loss + ": eps must be non-negative and finite, got " + eps);
        }
        return eps;
    }

    /** A constant option tensor (a weight): must not require grad, since no gradient flows into it. */
    static Tensor constant(String loss, String what, Tensor t) {
        Objects.requireNonNull(t, what);
        if (t.requiresGrad()) {
            throw new IllegalArgumentException(loss + ": " + what + " requires grad, but no gradient flows into it; "
                    + "pass " + what + ".detach()");
        }
        return t;
    }

    /** A class weight as given to a setter: a constant 1xC row, copied. */
    static Tensor classWeight(String loss, Tensor weight) {
        Tensor w = constant(loss, "weight", weight);
        if (w.rows() != 1) {
            throw new IllegalArgumentException(loss + ": weight must be a 1xC row (one per class), got "
                    + Shapes.of(w));
        }
        return w.detach();
    }

    /**
     * The explanation of a class-index loss (NLL, cross-entropy): MEAN divides by the weights of the rows not ignored
     * (their count without weights), and a mean over no row is 0/0.
     */
    static LossExplanation classIndexed(String loss, Reduction r, double value, java.util.List<LossExplanation.Row> rows,
            double weightTotal, int kept, boolean weighted, java.util.List<String> notes) {
        if (kept == 0 && r == Reduction.MEAN) {
            notes.add("every row is ignored: the mean is 0/0 = NaN, and the gradient is 0");
        }
        String rule = r != Reduction.MEAN ? "no division for " + r
                : weighted ? "Σ weight[target] over the " + kept + " rows not ignored"
                : "the " + kept + " rows not ignored";
        return new LossExplanation(loss, r, value, r == Reduction.MEAN ? weightTotal : 1, rule, rows, notes);
    }

    /** The explanation of an elementwise loss (BCE, BCE with logits, KL, MSE): its N x C terms summed per row. */
    static LossExplanation elementwise(String loss, Reduction r, double value, DMatrixRMaj terms,
            java.util.function.IntFunction<String> detail, java.util.List<String> notes) {
        int n = terms.numRows;
        int c = terms.numCols;
        return new LossExplanation(loss, r, value, elementDenominator(r, n, c), elementRule(r, n, c),
                rowSums(terms, detail), notes);
    }

    static void checkTargetConstant(String loss, Tensor target) {
        if (target.requiresGrad()) {
            throw new IllegalArgumentException(loss + ": the target requires grad, but this loss computes no gradient "
                    + "for its target; pass target.detach()");
        }
    }

    static void checkSameShape(String loss, Tensor input, Tensor target) {
        if (input.rows() != target.rows() || input.cols() != target.cols()) {
            throw new IllegalArgumentException(loss + ": target shape " + Shapes.of(target)
                    + " must equal input shape " + Shapes.of(input));
        }
    }

    /** Every value in [0, 1] (NaN fails), else a message naming the first offender and its position. */
    static void checkUnitInterval(String loss, DMatrixRMaj m, String what) {
        for (int k = 0; k < m.data.length; k++) {
            double v = m.data[k];
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException(loss + ": " + what + "; found " + v + " at (" + k / m.numCols + ", "
                        + k % m.numCols + ")");
            }
        }
    }

    /** A 1xC class weight against an NxC input. */
    static void checkClassWeight(String loss, Tensor weight, Tensor input) {
        if (weight != null && (weight.rows() != 1 || weight.cols() != input.cols())) {
            throw new IllegalArgumentException(loss + ": weight must be " + Shapes.of(1, input.cols())
                    + " (one per class) for an input of shape " + Shapes.of(input) + ", got " + Shapes.of(weight));
        }
    }

    /** Class-index targets: one per row, each a class or the ignore index. */
    static void checkClassTargets(String loss, Tensor input, int[] target, int ignoreIndex) {
        Objects.requireNonNull(target, "target");
        if (target.length != input.rows()) {
            throw new IllegalArgumentException(loss + ": expected " + input.rows() + " targets (one per row of the "
                    + Shapes.of(input) + " input), got " + target.length);
        }
        int classes = input.cols();
        for (int i = 0; i < target.length; i++) {
            int t = target[i];
            if (t != ignoreIndex && (t < 0 || t >= classes)) {
                throw new IllegalArgumentException(loss + ": Target " + t + " is out of bounds (row " + i + ", "
                        + classes + " classes" + (t < 0 ? "; the ignore index is " + ignoreIndex : "") + ")");
            }
        }
    }

    /**
     * An elementwise weight that broadcasts to the input: NxC, 1xC, Nx1 or 1x1. A 1xN row on an NxN input is
     * refused: it would be taken per column, but a user with N examples may well have meant per row.
     */
    static void checkElementWeight(String loss, String what, Tensor weight, Tensor input) {
        int r = weight.rows();
        int c = weight.cols();
        boolean fits = (r == input.rows() || r == 1) && (c == input.cols() || c == 1);
        if (!fits) {
            throw new IllegalArgumentException(loss + ": " + what + " of shape " + Shapes.of(weight)
                    + " does not broadcast to the input shape " + Shapes.of(input) + " (use NxC, 1xC, Nx1 or 1x1)");
        }
        if (r == 1 && c > 1 && input.rows() == input.cols()) {
            throw new IllegalArgumentException(loss + ": " + what + " of shape " + Shapes.of(weight) + " on a square "
                    + Shapes.of(input) + " input is ambiguous (per class or per example?); expand it to "
                    + Shapes.of(input) + ", or use " + Shapes.of(input.rows(), 1) + " for per-example weights");
        }
    }

    /** The value of an element of a matrix broadcast to {@code rows x cols}, at row-major index {@code (i, j)}. */
    static double at(DMatrixRMaj m, int i, int j) {
        return m.data[(m.numRows == 1 ? 0 : i) * m.numCols + (m.numCols == 1 ? 0 : j)];
    }

    static DMatrixRMaj values(Tensor t) {
        return Autograd.valuesOf(t);
    }

    /** Row-wise log-softmax values, computed by core without recording a graph. */
    static DMatrixRMaj logSoftmaxValues(Tensor logits) {
        try (NoGrad scope = NoGrad.enter()) {
            return Autograd.valuesOf(logits.logSoftmax(1));
        }
    }

    /** The loss value as forward computes it, without recording a graph; for NONE the sum of its entries. */
    static double valueOf(java.util.function.Supplier<Tensor> forward, Reduction r) {
        try (NoGrad scope = NoGrad.enter()) {
            Tensor out = forward.get();
            return r == Reduction.NONE ? out.sum().item() : out.item();
        }
    }

    /** The denominator of an elementwise loss: N·C for MEAN, N for BATCHMEAN, else 1. */
    static double elementDenominator(Reduction r, int n, int c) {
        return r == Reduction.MEAN ? (double) n * c : r == Reduction.BATCHMEAN ? n : 1;
    }

    static String elementRule(Reduction r, int n, int c) {
        switch (r) {
            case MEAN:
                return "every element: " + n + " x " + c;
            case BATCHMEAN:
                return "the " + n + " rows";
            default:
                return "no division for " + r;
        }
    }

    /** Row sums of an N x C matrix of elementwise losses, as explanation rows. */
    static java.util.List<LossExplanation.Row> rowSums(DMatrixRMaj losses, java.util.function.IntFunction<String> detail) {
        java.util.List<LossExplanation.Row> rows = new java.util.ArrayList<>();
        int c = losses.numCols;
        for (int i = 0; i < losses.numRows; i++) {
            double s = 0;
            for (int j = 0; j < c; j++) {
                s += losses.data[i * c + j];
            }
            rows.add(new LossExplanation.Row(i, s, detail.apply(i), false));
        }
        return rows;
    }

    /**
     * The one reduction of every loss, differentiable, so that its rule is every loss's upstream scaling: NONE keeps
     * the terms (g passes as it is), SUM adds them (g reaches every term), MEAN divides their sum by
     * {@code meanDenominator} and BATCHMEAN by the row count (g / denominator reaches every term).
     *
     * @param meanDenominator the element count for elementwise losses, {@code Σ weight[target]} over the rows not
     *     ignored for class-index ones, N for probability targets
     */
    static Tensor reduce(Tensor terms, Reduction r, double meanDenominator) {
        switch (r) {
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
    static Tensor reduceElements(Tensor terms, Reduction r) {
        return reduce(terms, r, terms.numel());
    }

    /** The values of a loss's terms, computed without recording a graph, for an explanation. */
    static DMatrixRMaj termValues(java.util.function.Supplier<Tensor> terms) {
        try (NoGrad scope = NoGrad.enter()) {
            return Autograd.valuesOf(terms.get());
        }
    }

    /**
     * NLL's terms, as ATen's {@code nll_loss}: {@code -w[t_i]·logp[i, t_i]} per row (N x 1), exactly 0 for a row
     * whose target is the ignore index; the gradient reaches only the target entries of the rows not ignored.
     */
    static ClassTerms nllTerms(Tensor logp, int[] target, double[] w, int ignoreIndex) {
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
        Tensor terms = w == null ? picked.neg() : picked.mul(Tensor.column(scale));
        Tensor ignoredRows = Tensor.column(ignored);
        if (kept < n) {
            terms = terms.maskedFill(ignoredRows, 0);
        }
        return new ClassTerms(terms, ignoredRows, kept < n, denominator, kept);
    }

    /**
     * The terms of a class-index loss with what its reduction needs: the MEAN denominator {@code Σ w[t]} over the
     * {@code kept} rows not ignored, and which rows are ignored (1) for terms that must be zeroed there too.
     */
    static final class ClassTerms {
        final Tensor terms;
        final Tensor ignoredRows;
        final boolean anyIgnored;
        final double denominator;
        final int kept;

        ClassTerms(Tensor terms, Tensor ignoredRows, boolean anyIgnored, double denominator, int kept) {
            this.terms = terms;
            this.ignoredRows = ignoredRows;
            this.anyIgnored = anyIgnored;
            this.denominator = denominator;
            this.kept = kept;
        }

        /** {@code other} with the ignored rows set to exactly 0. */
        Tensor zeroIgnored(Tensor other) {
            return anyIgnored ? other.maskedFill(ignoredRows, 0) : other;
        }
    }
}
