package dev.ejgrad.core;

import org.ejml.data.DMatrixRMaj;

/**
 * Sums, means, maxima and log-sum-exp, over everything or along a dim. Their rules stretch the upstream gradient back
 * with {@link Broadcast#expand}, or place it at the selected element ({@link IndexOps#place}).
 */
final class Reductions {

    private Reductions() {
    }

    static Tensor sum(Tensor x) {
        double s = 0;
        for (double v : x.data.data) {
            s += v;
        }
        return Autograd.op("sum", scalar(s), x, g -> Broadcast.expand(g, x.rows(), x.cols()));
    }

    static Tensor mean(Tensor x) {
        double s = 0;
        for (double v : x.data.data) {
            s += v;
        }
        int n = x.numel();
        // as ATen's mean_backward: g.expand(shape) / n
        return Autograd.op("mean", scalar(s / n), x, g -> Broadcast.expand(g, x.rows(), x.cols()).div(n));
    }

    static Tensor sum(Tensor x, int dim) {
        Shapes.checkDim("sum", dim);
        return Autograd.op("sum", sumAlong(x.data, dim), x, g -> Broadcast.expand(g, x.rows(), x.cols()));
    }

    static Tensor mean(Tensor x, int dim) {
        Shapes.checkDim("mean", dim);
        int n = dim == 0 ? x.rows() : x.cols();
        DMatrixRMaj out = ArithmeticOps.map(sumAlong(x.data, dim), v -> v / n);
        return Autograd.op("mean", out, x, g -> Broadcast.expand(g, x.rows(), x.cols()).div(n));
    }

    private static DMatrixRMaj sumAlong(DMatrixRMaj x, int dim) {
        return dim == 0 ? Broadcast.sumTo("sum", x, 1, x.numCols) : Broadcast.sumTo("sum", x, x.numRows, 1);
    }

    static Tensor max(Tensor x, int dim) {
        Shapes.checkDim("max", dim);
        Lines lines = Lines.of(x, dim);
        if (lines.length == 0) {
            throw new IllegalArgumentException("max: cannot reduce over dim " + dim + " of size 0 (shape "
                    + Shapes.of(x) + ")");
        }
        int[] argmax = new int[lines.count];
        for (int l = 0; l < lines.count; l++) {
            int best = 0;
            double m = x.data.data[lines.start(l)];
            for (int k = 1; k < lines.length && !Double.isNaN(m); k++) {
                double v = x.data.data[lines.index(l, k)];
                if (v > m || Double.isNaN(v)) {   // strict: ties keep the first; NaN wins, as torch.max
                    m = v;
                    best = k;
                }
            }
            argmax[l] = best;
        }
        DMatrixRMaj out;
        try (NoGrad scope = NoGrad.enter()) {
            out = IndexOps.pick(x, dim, argmax).data;
        }
        return Autograd.op("max", out, x, g -> IndexOps.place(g, dim, argmax, x.rows(), x.cols()));
    }

    static Tensor logSumExp(Tensor x, int dim) {
        Shapes.checkDim("logSumExp", dim);
        Lines lines = Lines.of(x, dim);
        DMatrixRMaj out = new DMatrixRMaj(lines.reducedRows(x.rows()), lines.reducedCols());
        double[] v = x.data.data;
        for (int l = 0; l < lines.count; l++) {
            // shift by the line max so exp cannot overflow; an infinite max is not subtracted (inf - inf = NaN)
            double m = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < lines.length; k++) {
                m = Math.max(m, v[lines.index(l, k)]);
            }
            if (Double.isInfinite(m)) {
                m = 0;
            }
            double s = 0;
            for (int k = 0; k < lines.length; k++) {
                s += Math.exp(v[lines.index(l, k)] - m);
            }
            out.data[l] = Math.log(s) + m;
        }
        // as ATen's logsumexp_backward: g · exp(x - result)
        return Autograd.record("logSumExp", out, x, lse -> g -> g.mul(x.sub(lse).exp()));
    }

    static DMatrixRMaj scalar(double v) {
        DMatrixRMaj m = new DMatrixRMaj(1, 1);
        m.data[0] = v;
        return m;
    }
}
