package dev.ejgrad.core;

import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * Two-dimensional NumPy broadcasting and its adjoint, written once for every binary op.
 *
 * <p>Two shapes broadcast when, on each side, the sizes are equal or one of them is 1. The adjoint of broadcasting
 * an input to a larger shape is summing the gradient back over the stretched sides ({@code sum_to} in PyTorch).
 */
final class Broadcast {

    private Broadcast() {
    }

    /** Result rows of broadcasting {@code a} with {@code b}; throws naming the op and both shapes otherwise. */
    static int[] shape(String op, Tensor a, Tensor b) {
        int rows = side(a.rows(), b.rows());
        int cols = side(a.cols(), b.cols());
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(
                    op + ": shapes " + Shapes.of(a) + " and " + Shapes.of(b) + " do not broadcast");
        }
        return new int[] {rows, cols};
    }

    private static int side(int x, int y) {
        if (x == y || y == 1) {
            return x;
        }
        return x == 1 ? y : -1;
    }

    /**
     * Sums {@code g} down to {@code rows x cols}, the shape of an input that was broadcast to {@code g}'s shape
     * ({@code sum_to}); its rule is {@link #expand}. Returns {@code g} itself when the shapes already agree.
     */
    static Tensor sumTo(String op, Tensor g, int rows, int cols) {
        if (g.rows() == rows && g.cols() == cols) {
            return g;
        }
        int gRows = g.rows();
        int gCols = g.cols();
        Tensor out;
        if (g.dtype() == DType.FLOAT32) {
            check(op, gRows, gCols, rows, cols);
            FMatrixRMaj f = new FMatrixRMaj(rows, cols);
            Kernels.get().sumTo(g.floats(), f);
            out = new Tensor(f);
        } else {
            out = new Tensor(sumTo(op, g.values(), rows, cols));
        }
        return Autograd.op("sumTo", out, g, gg -> expand(gg, gRows, gCols));
    }

    /**
     * Stretches {@code g} (whose sides are those of {@code rows x cols} or 1) to {@code rows x cols}, as
     * {@code expand}; its rule is {@link #sumTo}. Returns {@code g} itself when the shapes already agree.
     */
    static Tensor expand(Tensor g, int rows, int cols) {
        if (g.rows() == rows && g.cols() == cols) {
            return g;
        }
        int gRows = g.rows();
        int gCols = g.cols();
        Tensor out;
        if (g.dtype() == DType.FLOAT32) {
            FMatrixRMaj f = new FMatrixRMaj(rows, cols);
            Kernels.get().binary(Kernels.Binary.ADD, f, g.floats(), f);
            out = new Tensor(f);
        } else {
            DMatrixRMaj d = new DMatrixRMaj(rows, cols);
            Kernels.get().binary(Kernels.Binary.ADD, d, g.values(), d);
            out = new Tensor(d);
        }
        return Autograd.op("expand", out, g, gg -> sumTo("expand", gg, gRows, gCols));
    }

    /** The values of {@link #sumTo(String, Tensor, int, int)}, shared with reductions. */
    static DMatrixRMaj sumTo(String op, DMatrixRMaj g, int rows, int cols) {
        if (g.numRows == rows && g.numCols == cols) {
            return g;
        }
        check(op, g.numRows, g.numCols, rows, cols);
        DMatrixRMaj out = new DMatrixRMaj(rows, cols);
        double[] src = g.data;
        double[] dst = out.data;
        int n = g.numCols;
        for (int i = 0; i < g.numRows; i++) {
            int o = rows == 1 ? 0 : i * cols;
            int s = i * n;
            if (cols == 1) {
                double acc = 0;
                for (int j = 0; j < n; j++) {
                    acc += src[s + j];
                }
                dst[o] += acc;
            } else {
                for (int j = 0; j < n; j++) {
                    dst[o + j] += src[s + j];
                }
            }
        }
        return out;
    }

    private static void check(String op, int gRows, int gCols, int rows, int cols) {
        if (!(rows == gRows || rows == 1) || !(cols == gCols || cols == 1)) {
            throw new IllegalStateException(op + ": backward produced a gradient of shape " + Shapes.of(gRows, gCols)
                    + " for an input of shape " + Shapes.of(rows, cols));
        }
    }

    /** The element at {@code (i, j)} of {@code m} broadcast to a larger shape (a side of 1 repeats). */
    static double at(DMatrixRMaj m, int i, int j) {
        return m.data[(m.numRows == 1 ? 0 : i) * m.numCols + (m.numCols == 1 ? 0 : j)];
    }
}
