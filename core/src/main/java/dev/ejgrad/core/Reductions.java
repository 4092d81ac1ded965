package dev.ejgrad.core;

import org.ejml.data.DMatrixRMaj;

/**
 * Sums, means, maxima, log-sum-exp, softmax and log-softmax. The row-wise forms (dim 1) are written out; the
 * column-wise forms (dim 0) of the normalising ops are the row-wise form of the transpose, transposed back, which is
 * exact and keeps one formula per op.
 */
final class Reductions {

    private Reductions() {
    }

    static Tensor sum(Tensor x) {
        double s = 0;
        for (double v : x.data.data) {
            s += v;
        }
        return Autograd.op("sum", scalar(s), x, g -> filled(x, g.data[0]));
    }

    static Tensor mean(Tensor x) {
        double s = 0;
        for (double v : x.data.data) {
            s += v;
        }
        int n = x.numel();
        return Autograd.op("mean", scalar(s / n), x, g -> filled(x, g.data[0] / n));
    }

    static Tensor sum(Tensor x, int dim) {
        Shapes.checkDim("sum", dim);
        DMatrixRMaj out = dim == 0
                ? Broadcast.sumTo("sum", x.data, 1, x.cols())
                : Broadcast.sumTo("sum", x.data, x.rows(), 1);
        return Autograd.op("sum", out, x, g -> expand(g, x, 1.0));
    }

    static Tensor mean(Tensor x, int dim) {
        Shapes.checkDim("mean", dim);
        int n = dim == 0 ? x.rows() : x.cols();
        DMatrixRMaj out = ArithmeticOps.map(
                dim == 0 ? Broadcast.sumTo("mean", x.data, 1, x.cols()) : Broadcast.sumTo("mean", x.data, x.rows(), 1),
                v -> v / n);
        return Autograd.op("mean", out, x, g -> expand(g, x, 1.0 / n));
    }

    static Tensor max(Tensor x, int dim) {
        Shapes.checkDim("max", dim);
        if (dim == 0) {
            return x.t().max(1).t();
        }
        if (x.cols() == 0) {
            throw new IllegalArgumentException("max: cannot reduce over dim 1 of size 0 (shape " + Shapes.of(x) + ")");
        }
        int rows = x.rows();
        int cols = x.cols();
        int[] argmax = new int[rows];
        DMatrixRMaj out = new DMatrixRMaj(rows, 1);
        for (int i = 0; i < rows; i++) {
            int best = 0;
            double m = x.data.data[i * cols];
            for (int j = 1; j < cols && !Double.isNaN(m); j++) {
                double v = x.data.data[i * cols + j];
                if (v > m || Double.isNaN(v)) {   // strict: ties keep the first; NaN wins, as torch.max
                    m = v;
                    best = j;
                }
            }
            argmax[i] = best;
            out.data[i] = m;
        }
        return Autograd.op("max", out, x, g -> {
            DMatrixRMaj gx = new DMatrixRMaj(rows, cols);
            for (int i = 0; i < rows; i++) {
                gx.data[i * cols + argmax[i]] = g.data[i];
            }
            return gx;
        });
    }

    static Tensor logSumExp(Tensor x, int dim) {
        Shapes.checkDim("logSumExp", dim);
        if (dim == 0) {
            return x.t().logSumExp(1).t();
        }
        int rows = x.rows();
        int cols = x.cols();
        DMatrixRMaj out = new DMatrixRMaj(rows, 1);
        for (int i = 0; i < rows; i++) {
            // shift by the row max so exp cannot overflow; an infinite max is not subtracted (inf - inf = NaN)
            double m = rowMax(x.data, i);
            if (Double.isInfinite(m)) {
                m = 0;
            }
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += Math.exp(x.data.data[i * cols + j] - m);
            }
            out.data[i] = Math.log(s) + m;
        }
        return Autograd.op("logSumExp", out, x, g -> {
            DMatrixRMaj gx = new DMatrixRMaj(rows, cols);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    gx.data[i * cols + j] = g.data[i] * Math.exp(x.data.data[i * cols + j] - out.data[i]);
                }
            }
            return gx;
        });
    }

    static Tensor softmax(Tensor x, int dim) {
        Shapes.checkDim("softmax", dim);
        if (dim == 0) {
            return x.t().softmax(1).t();
        }
        DMatrixRMaj out = softmaxRows(x.data);
        int rows = x.rows();
        int cols = x.cols();
        // as ATen's softmax_backward: (g - Σ g·s) · s
        return Autograd.op("softmax", out, x, g -> {
            DMatrixRMaj gx = new DMatrixRMaj(rows, cols);
            for (int i = 0; i < rows; i++) {
                int r = i * cols;
                double dot = 0;
                for (int j = 0; j < cols; j++) {
                    dot += g.data[r + j] * out.data[r + j];
                }
                for (int j = 0; j < cols; j++) {
                    gx.data[r + j] = (g.data[r + j] - dot) * out.data[r + j];
                }
            }
            return gx;
        });
    }

    static Tensor logSoftmax(Tensor x, int dim) {
        Shapes.checkDim("logSoftmax", dim);
        if (dim == 0) {
            return x.t().logSoftmax(1).t();
        }
        DMatrixRMaj out = logSoftmaxRows(x.data);
        int rows = x.rows();
        int cols = x.cols();
        // as ATen's log_softmax_backward: g - exp(out) · Σ g
        return Autograd.op("logSoftmax", out, x, g -> {
            DMatrixRMaj gx = new DMatrixRMaj(rows, cols);
            for (int i = 0; i < rows; i++) {
                int r = i * cols;
                double sum = 0;
                for (int j = 0; j < cols; j++) {
                    sum += g.data[r + j];
                }
                for (int j = 0; j < cols; j++) {
                    gx.data[r + j] = g.data[r + j] - Math.exp(out.data[r + j]) * sum;
                }
            }
            return gx;
        });
    }

    /**
     * Row-wise softmax of a matrix, {@code exp(x - max) / Σ exp(x - max)}, shared with fused loss nodes.
     *
     * @param x the logits; not modified
     * @return a new matrix of probabilities
     */
    static DMatrixRMaj softmaxRows(DMatrixRMaj x) {
        int rows = x.numRows;
        int cols = x.numCols;
        DMatrixRMaj out = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < rows; i++) {
            int r = i * cols;
            double m = rowMax(x, i);
            double s = 0;
            for (int j = 0; j < cols; j++) {
                double e = Math.exp(x.data[r + j] - m);
                out.data[r + j] = e;
                s += e;
            }
            for (int j = 0; j < cols; j++) {
                out.data[r + j] /= s;
            }
        }
        return out;
    }

    /**
     * Row-wise log-softmax, {@code (x - max) - log Σ exp(x - max)}.
     *
     * @param x the logits; not modified
     * @return a new matrix of log-probabilities
     */
    static DMatrixRMaj logSoftmaxRows(DMatrixRMaj x) {
        int rows = x.numRows;
        int cols = x.numCols;
        DMatrixRMaj out = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < rows; i++) {
            int r = i * cols;
            double m = rowMax(x, i);
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += Math.exp(x.data[r + j] - m);
            }
            // (x - max) - log Σ, as ATen: x - (max + log Σ) would round max + log Σ to max's ulp (all of log 2 is
            // lost from 1e16 on)
            double logSum = Math.log(s);
            for (int j = 0; j < cols; j++) {
                out.data[r + j] = (x.data[r + j] - m) - logSum;
            }
        }
        return out;
    }

    private static double rowMax(DMatrixRMaj x, int i) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < x.numCols; j++) {
            m = Math.max(m, x.data[i * x.numCols + j]);
        }
        return m;
    }

    private static DMatrixRMaj scalar(double v) {
        DMatrixRMaj m = new DMatrixRMaj(1, 1);
        m.data[0] = v;
        return m;
    }

    private static DMatrixRMaj filled(Tensor like, double v) {
        DMatrixRMaj m = new DMatrixRMaj(like.rows(), like.cols());
        m.fill(v);
        return m;
    }

    /** {@code g} (1 x cols or rows x 1) stretched to {@code like}'s shape and scaled. */
    private static DMatrixRMaj expand(DMatrixRMaj g, Tensor like, double scale) {
        DMatrixRMaj out = new DMatrixRMaj(like.rows(), like.cols());
        Kernels.get().zip(out, g, (zero, gv) -> gv * scale, out);
        return out;
    }
}
