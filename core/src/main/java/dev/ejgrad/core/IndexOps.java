package dev.ejgrad.core;

import org.ejml.data.DMatrixRMaj;

/**
 * The ops that select entries by index or by mask, each beside its adjoint (its backward, and the other's rule):
 * <ul>
 *   <li>{@code pick} and {@code place}: one entry per line and back, the backward of the value-selecting reductions
 *       ({@code max(dim)}, {@code min(dim)}), as ATen's {@code value_selecting_reduction_backward};</li>
 *   <li>{@code gather} and {@code scatterAdd};</li>
 *   <li>{@code indexSelect} and {@code indexAdd};</li>
 *   <li>{@code maskedFill} and {@code where}, whose masks are constants.</li>
 * </ul>
 * Each is linear in its differentiated input, so each rule is one of these ops again.
 */
final class IndexOps {

    private IndexOps() {
    }

    /** {@code x[index[l]]} along each line of {@code dim}: {@code 1 x cols} for dim 0, {@code rows x 1} for dim 1. */
    static Tensor pick(Tensor x, int dim, int[] index) {
        Lines lines = Lines.of(x, dim);
        DMatrixRMaj out = new DMatrixRMaj(lines.reducedRows(x.rows()), lines.reducedCols());
        double[] xs = x.values().data;
        for (int l = 0; l < lines.count; l++) {
            out.data[l] = xs[lines.index(l, index[l])];
        }
        int rows = x.rows();
        int cols = x.cols();
        return Autograd.op("pick", out, x, g -> place(g, dim, index, rows, cols));
    }

    /** Zeros of {@code rows x cols} with {@code g[l]} at {@code index[l]} of each line of {@code dim}. */
    static Tensor place(Tensor g, int dim, int[] index, int rows, int cols) {
        Lines lines = new Lines(rows, cols, dim);
        DMatrixRMaj out = new DMatrixRMaj(rows, cols);
        double[] gs = g.values().data;
        for (int l = 0; l < lines.count; l++) {
            out.data[lines.index(l, index[l])] = gs[l];
        }
        return Autograd.op("place", out, g, gg -> pick(gg, dim, index));
    }

    static Tensor gather(Tensor x, int dim, int[][] index) {
        Shapes.checkDim("gather", dim);
        java.util.Objects.requireNonNull(index, "index");
        int rows = index.length;
        int cols = rows == 0 ? 0 : java.util.Objects.requireNonNull(index[0], "index[0]").length;
        int size = dim == 0 ? x.rows() : x.cols();
        for (int i = 0; i < rows; i++) {
            java.util.Objects.requireNonNull(index[i], "index[" + i + "]");
            if (index[i].length != cols) {
                throw new IllegalArgumentException("gather: index rows differ in length (row 0 has " + cols
                        + ", row " + i + " has " + index[i].length + ")");
            }
            for (int j = 0; j < cols; j++) {
                if (index[i][j] < 0 || index[i][j] >= size) {
                    throw new IllegalArgumentException("gather: index " + index[i][j] + " at (" + i + ", " + j
                            + ") is out of bounds for dim " + dim + " of size " + size + " (input " + Shapes.of(x)
                            + ")");
                }
            }
        }
        if ((dim == 0 ? cols > x.cols() : rows > x.rows())) {
            throw new IllegalArgumentException("gather: index shape " + Shapes.of(rows, cols) + " must not exceed the "
                    + "input shape " + Shapes.of(x) + " outside dim " + dim);
        }
        int[][] idx = new int[rows][];
        for (int i = 0; i < rows; i++) {
            idx[i] = index[i].clone();
        }
        DMatrixRMaj out = new DMatrixRMaj(rows, cols);
        double[] xs = x.values().data;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out.data[i * cols + j] = xs[dim == 0 ? idx[i][j] * x.cols() + j : i * x.cols() + idx[i][j]];
            }
        }
        int xr = x.rows();
        int xc = x.cols();
        return Autograd.op("gather", out, x, g -> scatterAdd(g, dim, idx, xr, xc));
    }

    /** The adjoint of gather: zeros of {@code rows x cols} with each {@code g[i][j]} added at its index. */
    static Tensor scatterAdd(Tensor g, int dim, int[][] idx, int rows, int cols) {
        DMatrixRMaj out = new DMatrixRMaj(rows, cols);
        int gc = g.cols();
        double[] gs = g.values().data;
        for (int i = 0; i < g.rows(); i++) {
            for (int j = 0; j < gc; j++) {
                out.data[dim == 0 ? idx[i][j] * cols + j : i * cols + idx[i][j]] += gs[i * gc + j];
            }
        }
        return Autograd.op("scatterAdd", out, g, gg -> gather(gg, dim, idx));
    }

    static Tensor maskedFill(Tensor x, Tensor mask, double value) {
        java.util.Objects.requireNonNull(mask, "mask");
        boolean fits = (mask.rows() == x.rows() || mask.rows() == 1) && (mask.cols() == x.cols() || mask.cols() == 1);
        if (!fits) {
            throw new IllegalArgumentException("maskedFill: mask of shape " + Shapes.of(mask) + " does not broadcast "
                    + "to the input shape " + Shapes.of(x));
        }
        if (mask.requiresGrad()) {
            throw new IllegalArgumentException("maskedFill: the mask requires grad, but no gradient flows into it; "
                    + "pass mask.detach()");
        }
        DMatrixRMaj out = new DMatrixRMaj(x.rows(), x.cols());
        Kernels.get().zip(x.values(), mask.values(), (v, m) -> m != 0 ? value : v, out);
        return Autograd.op("maskedFill", Tensor.of(out, x.dtype()), x, g -> maskedFill(g, mask, 0.0));
    }

    static Tensor where(Tensor condition, Tensor a, Tensor b) {
        java.util.Objects.requireNonNull(condition, "condition");
        java.util.Objects.requireNonNull(a, "a");
        java.util.Objects.requireNonNull(b, "b");
        if (condition.requiresGrad()) {
            throw new IllegalArgumentException("where: the condition requires grad, but no gradient flows into it; "
                    + "pass condition.detach()");
        }
        int[] ab;
        int[] shape;
        try {
            ab = Broadcast.shape("where", a, b);
            shape = Broadcast.shape("where", condition, new Tensor(new DMatrixRMaj(ab[0], ab[1])));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("where: shapes " + Shapes.of(condition) + " (condition), "
                    + Shapes.of(a) + " and " + Shapes.of(b) + " do not broadcast");
        }
        int rows = shape[0];
        int cols = shape[1];
        DMatrixRMaj out = new DMatrixRMaj(rows, cols);
        DMatrixRMaj cv = condition.values();
        DMatrixRMaj av = a.values();
        DMatrixRMaj bv = b.values();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out.data[i * cols + j] = Broadcast.at(cv, i, j) != 0 ? Broadcast.at(av, i, j) : Broadcast.at(bv, i, j);
            }
        }
        Tensor notChosen = condition.eq(0);     // NaN is nonzero: it picks a
        Tensor chosen = notChosen.eq(0);
        return Autograd.op("where", Tensor.of(out, DType.promote(a.dtype(), b.dtype())),
                a, g -> g.maskedFill(notChosen, 0), b, g -> g.maskedFill(chosen, 0));
    }

    static Tensor indexSelect(Tensor x, int dim, int[] index) {
        Shapes.checkDim("indexSelect", dim);
        java.util.Objects.requireNonNull(index, "index");
        int size = dim == 0 ? x.rows() : x.cols();
        for (int k = 0; k < index.length; k++) {
            if (index[k] < 0 || index[k] >= size) {
                throw new IllegalArgumentException("indexSelect: index " + index[k] + " at position " + k
                        + " is out of range for dim " + dim + " of size " + size + " (input " + Shapes.of(x) + ")");
            }
        }
        int[] idx = index.clone();
        int rows = dim == 0 ? idx.length : x.rows();
        int cols = dim == 0 ? x.cols() : idx.length;
        DMatrixRMaj out = new DMatrixRMaj(rows, cols);
        double[] xs = x.values().data;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out.data[i * cols + j] = dim == 0 ? xs[idx[i] * x.cols() + j] : xs[i * x.cols() + idx[j]];
            }
        }
        int xr = x.rows();
        int xc = x.cols();
        return Autograd.op("indexSelect", out, x, g -> indexAdd(g, dim, idx, xr, xc));
    }

    /** The adjoint of indexSelect: zeros of {@code rows x cols} with each selected line of g added back. */
    private static Tensor indexAdd(Tensor g, int dim, int[] idx, int rows, int cols) {
        DMatrixRMaj out = new DMatrixRMaj(rows, cols);
        int gc = g.cols();
        double[] gs = g.values().data;
        for (int i = 0; i < g.rows(); i++) {
            for (int j = 0; j < gc; j++) {
                out.data[dim == 0 ? idx[i] * cols + j : i * cols + idx[j]] += gs[i * gc + j];
            }
        }
        return Autograd.op("indexAdd", out, g, gg -> indexSelect(gg, dim, idx));
    }
}
