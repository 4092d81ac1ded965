package dev.ejgrad.core;

import org.ejml.data.DMatrixRMaj;

/**
 * Softmax and log-softmax along a dim: normalisations, not reductions (the result has the input's shape). Both shift
 * each line by its maximum, so exp cannot overflow, and log-softmax never takes the log of a softmax, so it is exact
 * for logits of any size.
 */
final class Softmax {

    private Softmax() {
    }

    static Tensor softmax(Tensor x, int dim) {
        Shapes.checkDim("softmax", dim);
        DMatrixRMaj out = softmaxValues(x.values(), dim);
        // as ATen's _softmax_backward_data: (g - Σ g·s) · s
        return Autograd.op("softmax", Tensor.of(out, x.dtype()), x, (g, s) -> g.sub(g.mul(s).sum(dim)).mul(s));
    }

    static Tensor logSoftmax(Tensor x, int dim) {
        Shapes.checkDim("logSoftmax", dim);
        return Autograd.op("logSoftmax", Tensor.of(logSoftmaxValues(x.values(), dim), x.dtype()), x,
                (g, out) -> logSoftmaxBackward(g, out, dim));
    }

    /**
     * ATen's {@code _log_softmax_backward_data}: {@code g - exp(out) · Σ g} along the dim, one fused pass. Its own
     * rules are those of {@code derivatives.yaml}: for {@code g}, {@code gg - Σ(gg · exp(out))}; for {@code out},
     * {@code -Σg · exp(out) · gg}.
     */
    static Tensor logSoftmaxBackward(Tensor g, Tensor out, int dim) {
        Lines lines = Lines.of(g, dim);
        DMatrixRMaj gx = new DMatrixRMaj(g.rows(), g.cols());
        double[] gv = g.values().data;
        double[] o = out.values().data;
        for (int l = 0; l < lines.count; l++) {
            double sum = 0;
            for (int k = 0; k < lines.length; k++) {
                sum += gv[lines.index(l, k)];
            }
            for (int k = 0; k < lines.length; k++) {
                int i = lines.index(l, k);
                gx.data[i] = gv[i] - Math.exp(o[i]) * sum;
            }
        }
        return Autograd.op("logSoftmaxBackward", gx,
                g, gg -> gg.sub(gg.mul(out.exp()).sum(dim)),
                out, gg -> g.sum(dim).neg().mul(out.exp()).mul(gg));
    }

    /** Softmax values along a dim: {@code exp(x - max) / Σ exp(x - max)}. */
    static DMatrixRMaj softmaxValues(DMatrixRMaj x, int dim) {
        Lines lines = new Lines(x.numRows, x.numCols, dim);
        DMatrixRMaj out = new DMatrixRMaj(x.numRows, x.numCols);
        for (int l = 0; l < lines.count; l++) {
            double m = lineMax(x, lines, l);
            double s = 0;
            for (int k = 0; k < lines.length; k++) {
                int i = lines.index(l, k);
                double e = Math.exp(x.data[i] - m);
                out.data[i] = e;
                s += e;
            }
            for (int k = 0; k < lines.length; k++) {
                out.data[lines.index(l, k)] /= s;
            }
        }
        return out;
    }

    /** Log-softmax values along a dim: {@code (x - max) - log Σ exp(x - max)}, in ATen's order. */
    static DMatrixRMaj logSoftmaxValues(DMatrixRMaj x, int dim) {
        Lines lines = new Lines(x.numRows, x.numCols, dim);
        DMatrixRMaj out = new DMatrixRMaj(x.numRows, x.numCols);
        for (int l = 0; l < lines.count; l++) {
            double m = lineMax(x, lines, l);
            double s = 0;
            for (int k = 0; k < lines.length; k++) {
                s += Math.exp(x.data[lines.index(l, k)] - m);
            }
            // (x - max) first: x - (max + log s) would lose the last digits of large logits
            double logSum = Math.log(s);
            for (int k = 0; k < lines.length; k++) {
                int i = lines.index(l, k);
                out.data[i] = (x.data[i] - m) - logSum;
            }
        }
        return out;
    }

    private static double lineMax(DMatrixRMaj x, Lines lines, int l) {
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < lines.length; k++) {
            m = Math.max(m, x.data[lines.index(l, k)]);
        }
        return m;
    }
}
