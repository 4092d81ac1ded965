package dev.ejgrad.core;

import org.ejml.data.DMatrixRMaj;

/** Shape formatting and argument checks shared by the ops, so that every message reads the same way. */
final class Shapes {

    private Shapes() {
    }

    static String of(int rows, int cols) {
        return rows + "x" + cols;
    }

    static String of(Tensor t) {
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
