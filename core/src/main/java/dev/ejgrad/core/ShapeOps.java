package dev.ejgrad.core;

import java.util.List;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * reshape, narrow and cat: the values moved, never changed, so each rule moves the gradient back (reshape back, pad
 * with zeros, split) and is itself linear.
 */
final class ShapeOps {

    private ShapeOps() {
    }

    static Tensor reshape(Tensor x, int rows, int cols) {
        int n = x.numel();
        if (rows == -1 && cols > 0 && n % cols == 0) {
            rows = n / cols;
        } else if (cols == -1 && rows > 0 && n % rows == 0) {
            cols = n / rows;
        }
        if (rows < 0 || cols < 0 || (long) rows * cols != n) {
            throw new IllegalArgumentException("reshape: shape " + Shapes.of(x) + " (" + n + " elements) cannot be "
                    + "viewed as " + Shapes.of(rows, cols));
        }
        if (rows == x.rows() && cols == x.cols()) {
            return Autograd.op("reshape", x.values().copy(), x, g -> g);
        }
        int xr = x.rows();
        int xc = x.cols();
        DMatrixRMaj out = new DMatrixRMaj(rows, cols);
        System.arraycopy(x.values().data, 0, out.data, 0, n);
        return Autograd.op("reshape", out, x, g -> reshape(g, xr, xc));
    }

    static Tensor narrow(Tensor x, int dim, int start, int length) {
        Shapes.checkDim("narrow", dim);
        int size = dim == 0 ? x.rows() : x.cols();
        int from = start < 0 ? start + size : start;
        if (from < 0 || from > size || length < 0 || from + length > size) {
            throw new IllegalArgumentException("narrow: start " + start + " and length " + length + " do not fit in "
                    + "dim " + dim + " of size " + size + " (input " + Shapes.of(x) + ")");
        }
        int rows = dim == 0 ? length : x.rows();
        int cols = dim == 0 ? x.cols() : length;
        DMatrixRMaj out = new DMatrixRMaj(rows, cols);
        double[] xs = x.values().data;
        for (int i = 0; i < rows; i++) {
            int src = dim == 0 ? (from + i) * x.cols() : i * x.cols() + from;
            System.arraycopy(xs, src, out.data, i * cols, cols);
        }
        int xr = x.rows();
        int xc = x.cols();
        return Autograd.op("narrow", out, x, g -> pad(g, dim, from, xr, xc));
    }

    /** The adjoint of narrow: zeros of {@code rows x cols} with g at offset {@code from} along dim. */
    private static Tensor pad(Tensor g, int dim, int from, int rows, int cols) {
        DMatrixRMaj out = new DMatrixRMaj(rows, cols);
        int gc = g.cols();
        double[] gs = g.values().data;
        for (int i = 0; i < g.rows(); i++) {
            int dst = dim == 0 ? (from + i) * cols : i * cols + from;
            System.arraycopy(gs, i * gc, out.data, dst, gc);
        }
        int length = dim == 0 ? g.rows() : g.cols();
        return Autograd.op("pad", out, g, gg -> narrow(gg, dim, from, length));
    }

    static Tensor cat(int dim, List<Tensor> parts) {
        Shapes.checkDim("cat", dim);
        Objects.requireNonNull(parts, "parts");
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("cat: expected a non-empty list of tensors");
        }
        Tensor first = Objects.requireNonNull(parts.get(0), "parts[0]");
        int total = 0;
        for (int k = 0; k < parts.size(); k++) {
            Tensor p = Objects.requireNonNull(parts.get(k), "parts[" + k + "]");
            int other = dim == 0 ? p.cols() : p.rows();
            int want = dim == 0 ? first.cols() : first.rows();
            if (other != want) {
                throw new IllegalArgumentException("cat: along dim " + dim + " every part needs " + want
                        + (dim == 0 ? " columns" : " rows") + " (as part 0, " + Shapes.of(first) + "), but part " + k
                        + " is " + Shapes.of(p));
            }
            total += dim == 0 ? p.rows() : p.cols();
        }
        int rows = dim == 0 ? total : first.rows();
        int cols = dim == 0 ? first.cols() : total;
        DMatrixRMaj out = new DMatrixRMaj(rows, cols);
        Tensor[] inputs = parts.toArray(new Tensor[0]);
        GradFn[] rules = new GradFn[inputs.length];
        int offset = 0;
        for (int k = 0; k < inputs.length; k++) {
            Tensor p = inputs[k];
            double[] ps = p.values().data;
            for (int i = 0; i < p.rows(); i++) {
                int dst = dim == 0 ? (offset + i) * cols : i * cols + offset;
                System.arraycopy(ps, i * p.cols(), out.data, dst, p.cols());
            }
            int from = offset;
            int length = dim == 0 ? p.rows() : p.cols();
            rules[k] = g -> narrow(g, dim, from, length);
            offset += length;
        }
        return Autograd.op("cat", out, inputs, rules);
    }
}
