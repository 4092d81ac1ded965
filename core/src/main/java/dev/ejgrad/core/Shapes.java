package dev.ejgrad.core;

import org.ejml.data.DMatrixRMaj;

/**
 * The one shape vocabulary of ejgrad's messages, {@code RxC} (e.g. {@code 3x4}), and the argument checks the ops
 * share, so that every message reads the same way: ops, layers, losses, loaders and examples all write shapes
 * through {@link #of(int, int)} and {@link #of(Tensor)}.
 */
public final class Shapes {

    private Shapes() {
    }

    /**
     * A shape as messages write it.
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @return {@code rows + "x" + cols}, e.g. {@code 3x4}
     */
    public static String of(int rows, int cols) {
        return rows + "x" + cols;
    }

    /**
     * A tensor's shape as messages write it.
     *
     * @param t a tensor; not modified
     * @return its {@code RxC}, e.g. {@code 3x4}
     */
    public static String of(Tensor t) {
        return of(t.rows(), t.cols());
    }

    static String of(DMatrixRMaj m) {
        return of(m.numRows, m.numCols);
    }

    static void checkDim(String op, int dim) {
        if (dim != 0 && dim != 1) {
            throw new IllegalArgumentException(op + ": dim must be 0 (over rows) or 1 (over columns), got " + dim);
        }
    }

    static void checkSize(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("shape " + of(rows, cols) + " has a negative side");
        }
    }
}
