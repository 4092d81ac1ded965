package dev.ejgrad.nn.loss;

import dev.ejgrad.core.Autograd;
import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.ejml.data.DMatrixRMaj;

/**
 * The builders of a {@link LossExplanation}: a loss's value and term values computed without recording a graph, its
 * terms summed per row, and the denominator and its rule for each reduction.
 */
final class Explanations {

    private Explanations() {
    }

    /**
     * The explanation of a class-index loss (NLL, cross-entropy): MEAN divides by the weights of the rows not ignored
     * (their count without weights), and a mean over no row is 0/0.
     */
    static LossExplanation classIndexed(String loss, Reduction r, double value, List<LossExplanation.Row> rows,
            double weightTotal, int kept, boolean weighted, List<String> notes) {
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
            IntFunction<String> detail, List<String> notes) {
        int n = terms.numRows;
        int c = terms.numCols;
        return new LossExplanation(loss, r, value, elementDenominator(r, n, c), elementRule(r, n, c),
                rowSums(terms, detail), notes);
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
    static List<LossExplanation.Row> rowSums(DMatrixRMaj losses, IntFunction<String> detail) {
        List<LossExplanation.Row> rows = new ArrayList<>();
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

    /** The loss value as forward computes it, without recording a graph; for NONE the sum of its entries. */
    static double valueOf(Supplier<Tensor> forward, Reduction r) {
        try (NoGrad scope = NoGrad.enter()) {
            Tensor out = forward.get();
            return r == Reduction.NONE ? out.sum().item() : out.item();
        }
    }

    /** The values of a loss's terms, computed without recording a graph, for an explanation. */
    static DMatrixRMaj termValues(Supplier<Tensor> terms) {
        try (NoGrad scope = NoGrad.enter()) {
            return Autograd.valuesOf(terms.get());
        }
    }

    /** Row-wise log-softmax values, computed by core without recording a graph. */
    static DMatrixRMaj logSoftmaxValues(Tensor logits) {
        try (NoGrad scope = NoGrad.enter()) {
            return Autograd.valuesOf(logits.logSoftmax(1));
        }
    }

    /** The value of an element of a matrix broadcast to {@code rows x cols}, at row-major index {@code (i, j)}. */
    static double at(DMatrixRMaj m, int i, int j) {
        return m.data[(m.numRows == 1 ? 0 : i) * m.numCols + (m.numCols == 1 ? 0 : j)];
    }
}
