package dev.ejgrad.core;

/**
 * The lines along which a reduction over {@code dim} runs, written once for both dims: dim 1 reduces each row
 * (a line per row, its elements contiguous), dim 0 each column (a line per column, its elements {@code cols} apart).
 * Element {@code k} of line {@code l} sits at row-major index {@code start(l) + k * stride}.
 */
final class Lines {

    final int count;
    final int length;
    final int stride;
    private final int cols;
    private final int dim;

    Lines(int rows, int cols, int dim) {
        this.dim = dim;
        this.cols = cols;
        this.count = dim == 0 ? cols : rows;
        this.length = dim == 0 ? rows : cols;
        this.stride = dim == 0 ? cols : 1;
    }

    static Lines of(Tensor x, int dim) {
        return new Lines(x.rows(), x.cols(), dim);
    }

    int start(int line) {
        return dim == 0 ? line : line * cols;
    }

    int index(int line, int k) {
        return start(line) + k * stride;
    }

    /** The shape of one value per line: 1 x cols for dim 0, rows x 1 for dim 1. */
    int reducedRows(int rows) {
        return dim == 0 ? 1 : rows;
    }

    int reducedCols() {
        return dim == 0 ? cols : 1;
    }
}
