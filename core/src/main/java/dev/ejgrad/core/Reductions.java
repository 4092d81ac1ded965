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
        for (double v : x.values().data) {
            s += v;
        }
        return Autograd.op("sum", scalar(s), x, g -> Broadcast.expand(g, x.rows(), x.cols()));
    }

    static Tensor mean(Tensor x) {
        double s = 0;
        for (double v : x.values().data) {
            s += v;
        }
        int n = x.numel();
        // as ATen's mean_backward: g.expand(shape) / n
        return Autograd.op("mean", scalar(s / n), x, g -> Broadcast.expand(g, x.rows(), x.cols()).div(n));
    }

    static Tensor sum(Tensor x, int dim) {
        Shapes.checkDim("sum", dim);
        return Autograd.op("sum", sumAlong(x.values(), dim), x, g -> Broadcast.expand(g, x.rows(), x.cols()));
    }

    static Tensor mean(Tensor x, int dim) {
        Shapes.checkDim("mean", dim);
        int n = dim == 0 ? x.rows() : x.cols();
        DMatrixRMaj out = ArithmeticOps.map(sumAlong(x.values(), dim), v -> v / n);
        return Autograd.op("mean", out, x, g -> Broadcast.expand(g, x.rows(), x.cols()).div(n));
    }

    private static DMatrixRMaj sumAlong(DMatrixRMaj x, int dim) {
        DMatrixRMaj out = dim == 0 ? Broadcast.sumTo("sum", x, 1, x.numCols) : Broadcast.sumTo("sum", x, x.numRows, 1);
        if (out == x) {
            // a sum over a side of 1 still starts from +0.0, as ATen's: sum([-0.0]) is 0.0
            out = ArithmeticOps.map(x, v -> v + 0.0);
        }
        return out;
    }

    static Tensor max(Tensor x, int dim) {
        return selected("max", x, dim, argExtreme("max", x, dim, true));
    }

    static Tensor min(Tensor x, int dim) {
        return selected("min", x, dim, argExtreme("min", x, dim, false));
    }

    /** The element at {@code index} of each line, its gradient placed back there (value_selecting_reduction). */
    private static Tensor selected(String name, Tensor x, int dim, int[] index) {
        DMatrixRMaj out;
        try (NoGrad scope = NoGrad.enter()) {
            out = IndexOps.pick(x, dim, index).values();
        }
        return Autograd.op(name, out, x, g -> IndexOps.place(g, dim, index, x.rows(), x.cols()));
    }

    /**
     * The index of the largest (or smallest) element of each line: the first on ties (-0.0 ties with 0.0), and the
     * first NaN if there is one, as torch.max, torch.argmax and their min forms.
     */
    static int[] argExtreme(String name, Tensor x, int dim, boolean max) {
        Shapes.checkDim(name, dim);
        Lines lines = Lines.of(x, dim);
        if (lines.length == 0) {
            throw new IllegalArgumentException(name + ": cannot reduce over dim " + dim + " of size 0 (shape "
                    + Shapes.of(x) + ")");
        }
        int[] best = new int[lines.count];
        double[] xs = x.values().data;
        for (int l = 0; l < lines.count; l++) {
            int b = 0;
            double m = xs[lines.start(l)];
            for (int k = 1; k < lines.length && !Double.isNaN(m); k++) {
                double v = xs[lines.index(l, k)];
                if ((max ? v > m : v < m) || Double.isNaN(v)) {   // strict: ties keep the first
                    m = v;
                    b = k;
                }
            }
            best[l] = b;
        }
        return best;
    }

    /** var's and std's argument checks, naming the op called. */
    private static void checkSpread(String name, int dim, int correction) {
        Shapes.checkDim(name, dim);
        if (correction < 0) {
            throw new IllegalArgumentException(name + ": correction must be >= 0, got " + correction);
        }
    }

    static Tensor var(Tensor x, int dim, int correction) {
        checkSpread("var", dim, correction);
        int n = dim == 0 ? x.rows() : x.cols();
        Lines lines = Lines.of(x, dim);
        DMatrixRMaj out = new DMatrixRMaj(lines.reducedRows(x.rows()), lines.reducedCols());
        double[] v = x.values().data;
        for (int l = 0; l < lines.count; l++) {
            double mean = 0;
            for (int k = 0; k < lines.length; k++) {
                mean += v[lines.index(l, k)];
            }
            mean /= n;
            double squares = 0;
            for (int k = 0; k < lines.length; k++) {
                double d = v[lines.index(l, k)] - mean;
                squares += d * d;
            }
            // as ATen: the denominator is max(0, N - correction), so a correction >= N gives inf or NaN
            out.data[l] = squares / Math.max(0, n - correction);
        }
        // as ATen's var_backward: (2 / (N - correction)) · g · (x - mean), unclamped (N = correction: inf or NaN)
        return Autograd.op("var", out, x, g -> g.mul(2.0 / (n - correction)).mul(x.sub(x.mean(dim))));
    }

    static Tensor std(Tensor x, int dim, int correction) {
        checkSpread("std", dim, correction);
        Tensor var = var(x, dim, correction);
        // as ATen's std_backward: var_backward of g / (2·std), masked to 0 where std = 0 (not 0 · inf = NaN)
        return Autograd.op("std", ArithmeticOps.map(var, Math::sqrt), var,
                (g, s) -> g.div(s.mul(2)).maskedFill(s.eq(0), 0));
    }

    static Tensor norm(Tensor x) {
        double s = 0;
        for (double v : x.values().data) {
            s += v * v;
        }
        double norm = Math.sqrt(s);
        // as ATen's norm_backward for p = 2: x · (g / ‖x‖), and 0 where ‖x‖ = 0
        return Autograd.op("norm", Tensor.of(scalar(norm), x.dtype()), x,
                (g, out) -> norm == 0 ? Tensor.zeros(x.rows(), x.cols(), x.dtype()) : x.mul(g.div(out)));
    }

    static Tensor logSumExp(Tensor x, int dim) {
        Shapes.checkDim("logSumExp", dim);
        Lines lines = Lines.of(x, dim);
        DMatrixRMaj out = new DMatrixRMaj(lines.reducedRows(x.rows()), lines.reducedCols());
        double[] v = x.values().data;
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
        return Autograd.op("logSumExp", Tensor.of(out, x.dtype()), x, (g, lse) -> g.mul(x.sub(lse).exp()));
    }

    static DMatrixRMaj scalar(double v) {
        DMatrixRMaj m = new DMatrixRMaj(1, 1);
        m.data[0] = v;
        return m;
    }
}
