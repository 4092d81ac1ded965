package dev.ejgrad.core;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Plain-Java kernels: EJML for the float64 matrix products, {@link FloatScalarGemm} on one thread for the float32
 * ones (EJML's float32 dense ops are not a dependency), simple loops for the rest. Always available.
 *
 * <p>The float32 loops are the float64 ones with {@code float} for {@code double} where the arithmetic is the
 * element type's own (Java has no generics over primitive arrays, and a loop shared through widened values would
 * slow float64 down); their elementwise loops are written once per op as {@link #binaryRange}, which the Vector API
 * kernels also use for the tail of each row, so both paths give the same bits.
 */
final class JavaKernels implements Kernels {

    static final JavaKernels INSTANCE = new JavaKernels();

    /** The plain-Java kernels run on the calling thread only. */
    private static final Workers ONE_THREAD = new Workers(1);

    private JavaKernels() {
    }

    @Override
    public void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        CommonOps_DDRM.mult(a, b, c);
    }

    @Override
    public void multTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        CommonOps_DDRM.multTransA(a, b, c);
    }

    @Override
    public void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        // measured: EJML's multTransB is about 2x slower than an explicit transpose followed by mult
        DMatrixRMaj bt = new DMatrixRMaj(b.numCols, b.numRows);
        CommonOps_DDRM.transpose(b, bt);
        CommonOps_DDRM.mult(a, bt, c);
    }

    @Override
    public void map(DMatrixRMaj in, DoubleUnaryOperator f, DMatrixRMaj out) {
        double[] src = in.data;
        double[] dst = out.data;
        int n = in.getNumElements();
        for (int i = 0; i < n; i++) {
            dst[i] = f.applyAsDouble(src[i]);
        }
    }

    @Override
    public void zip(DMatrixRMaj a, DMatrixRMaj b, DoubleBinaryOperator f, DMatrixRMaj out) {
        double[] x = a.data;
        double[] y = b.data;
        double[] dst = out.data;
        int rows = out.numRows;
        int cols = out.numCols;
        if (a.numRows == rows && a.numCols == cols && b.numRows == rows && b.numCols == cols) {
            int n = rows * cols;
            for (int i = 0; i < n; i++) {
                dst[i] = f.applyAsDouble(x[i], y[i]);
            }
            return;
        }
        // a side of size 1 is read with stride 0
        int xRow = a.numRows == 1 ? 0 : a.numCols;
        int xCol = a.numCols == 1 ? 0 : 1;
        int yRow = b.numRows == 1 ? 0 : b.numCols;
        int yCol = b.numCols == 1 ? 0 : 1;
        for (int i = 0; i < rows; i++) {
            int xi = i * xRow;
            int yi = i * yRow;
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                dst[o + j] = f.applyAsDouble(x[xi + j * xCol], y[yi + j * yCol]);
            }
        }
    }

    @Override
    public void binary(Binary op, DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj out) {
        double[] x = a.data;
        double[] y = b.data;
        double[] z = out.data;
        int rows = out.numRows;
        int cols = out.numCols;
        boolean same = a.numRows == rows && a.numCols == cols && b.numRows == rows && b.numCols == cols;
        if (same) {
            int n = rows * cols;
            switch (op) {
                case ADD: for (int i = 0; i < n; i++) { z[i] = x[i] + y[i]; } return;
                case SUB: for (int i = 0; i < n; i++) { z[i] = x[i] - y[i]; } return;
                case MUL: for (int i = 0; i < n; i++) { z[i] = x[i] * y[i]; } return;
                default: for (int i = 0; i < n; i++) { z[i] = x[i] / y[i]; } return;
            }
        }
        // a side of size 1 is read with stride 0
        int xRow = a.numRows == 1 ? 0 : a.numCols;
        int xCol = a.numCols == 1 ? 0 : 1;
        int yRow = b.numRows == 1 ? 0 : b.numCols;
        int yCol = b.numCols == 1 ? 0 : 1;
        for (int i = 0; i < rows; i++) {
            int xi = i * xRow;
            int yi = i * yRow;
            int o = i * cols;
            switch (op) {
                case ADD: for (int j = 0; j < cols; j++) { z[o + j] = x[xi + j * xCol] + y[yi + j * yCol]; } break;
                case SUB: for (int j = 0; j < cols; j++) { z[o + j] = x[xi + j * xCol] - y[yi + j * yCol]; } break;
                case MUL: for (int j = 0; j < cols; j++) { z[o + j] = x[xi + j * xCol] * y[yi + j * yCol]; } break;
                default: for (int j = 0; j < cols; j++) { z[o + j] = x[xi + j * xCol] / y[yi + j * yCol]; } break;
            }
        }
    }

    @Override
    public void relu(DMatrixRMaj in, DMatrixRMaj out) {
        double[] x = in.data;
        double[] z = out.data;
        for (int i = 0; i < z.length; i++) {
            z[i] = x[i] < 0 ? 0.0 : x[i];
        }
    }

    @Override
    public void reluBackward(DMatrixRMaj g, DMatrixRMaj out, DMatrixRMaj gradIn) {
        double[] gv = g.data;
        double[] r = out.data;
        double[] z = gradIn.data;
        for (int i = 0; i < z.length; i++) {
            z[i] = r[i] <= 0 ? 0.0 : gv[i];   // as threshold_backward: NaN passes the gradient
        }
    }

    @Override
    public void exp(DMatrixRMaj in, DMatrixRMaj out) {
        double[] src = in.data;
        double[] dst = out.data;
        int n = in.getNumElements();
        for (int i = 0; i < n; i++) {
            dst[i] = Math.exp(src[i]);
        }
    }

    @Override
    public void tanh(DMatrixRMaj in, DMatrixRMaj out) {
        double[] src = in.data;
        double[] dst = out.data;
        int n = in.getNumElements();
        for (int i = 0; i < n; i++) {
            dst[i] = Math.tanh(src[i]);
        }
    }

    @Override
    public void transpose(DMatrixRMaj a, DMatrixRMaj out) {
        CommonOps_DDRM.transpose(a, out);
    }

    // ---- float32 ----

    @Override
    public void mult(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        FloatScalarGemm.gemm(ONE_THREAD, false, false, a.numRows, b.numCols, a.numCols, a.data, b.data, c.data);
    }

    @Override
    public void multTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        FloatScalarGemm.gemm(ONE_THREAD, true, false, a.numCols, b.numCols, a.numRows, a.data, b.data, c.data);
    }

    @Override
    public void multTransB(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        FloatScalarGemm.gemm(ONE_THREAD, false, true, a.numRows, b.numRows, a.numCols, a.data, b.data, c.data);
    }

    @Override
    public void map(FMatrixRMaj in, DoubleUnaryOperator f, FMatrixRMaj out) {
        float[] src = in.data;
        float[] dst = out.data;
        int n = in.getNumElements();
        for (int i = 0; i < n; i++) {
            dst[i] = (float) f.applyAsDouble(src[i]);
        }
    }

    @Override
    public void zip(FMatrixRMaj a, FMatrixRMaj b, DoubleBinaryOperator f, FMatrixRMaj out) {
        float[] x = a.data;
        float[] y = b.data;
        float[] z = out.data;
        broadcastRows(a, b, out, (xi, xStep, yi, yStep, o, n) -> {
            for (int j = 0; j < n; j++) {
                z[o + j] = (float) f.applyAsDouble(x[xi + j * xStep], y[yi + j * yStep]);
            }
        });
    }

    @Override
    public void binary(Binary op, FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj out) {
        float[] x = a.data;
        float[] y = b.data;
        float[] z = out.data;
        broadcastRows(a, b, out, (xi, xStep, yi, yStep, o, n) -> binaryRange(op, x, xi, xStep, y, yi, yStep, z, o, 0, n));
    }

    /** A run of {@code n} output values at {@code o}, read from {@code a} at {@code xi} and {@code b} at {@code yi}. */
    @FunctionalInterface
    interface BroadcastRun {
        /** A step of 0 repeats one value, a step of 1 reads along. */
        void run(int xi, int xStep, int yi, int yStep, int o, int n);
    }

    /**
     * The float32 broadcasting, written once for {@code binary}, {@code zip} and the vector {@code binary}: one run
     * over all of {@code out} where {@code a}, {@code b} and {@code out} have the same shape, else one run a row of
     * {@code out}, each side of size 1 read with step 0.
     */
    static void broadcastRows(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj out, BroadcastRun run) {
        int rows = out.numRows;
        int cols = out.numCols;
        if (a.numRows == rows && a.numCols == cols && b.numRows == rows && b.numCols == cols) {
            run.run(0, 1, 0, 1, 0, rows * cols);
            return;
        }
        int xRow = a.numRows == 1 ? 0 : a.numCols;
        int xCol = a.numCols == 1 ? 0 : 1;
        int yRow = b.numRows == 1 ? 0 : b.numCols;
        int yCol = b.numCols == 1 ? 0 : 1;
        for (int i = 0; i < rows; i++) {
            run.run(i * xRow, xCol, i * yRow, yCol, i * cols, cols);
        }
    }

    /**
     * {@code z[o + j] = x[xi + j·xStep] op y[yi + j·yStep]} in float32 for {@code j} in {@code [from, to)}: one row
     * of a broadcast binary op (a step of 0 repeats one value), or all of it when the shapes agree.
     */
    static void binaryRange(Binary op, float[] x, int xi, int xStep, float[] y, int yi, int yStep, float[] z, int o,
            int from, int to) {
        switch (op) {
            case ADD: for (int j = from; j < to; j++) { z[o + j] = x[xi + j * xStep] + y[yi + j * yStep]; } return;
            case SUB: for (int j = from; j < to; j++) { z[o + j] = x[xi + j * xStep] - y[yi + j * yStep]; } return;
            case MUL: for (int j = from; j < to; j++) { z[o + j] = x[xi + j * xStep] * y[yi + j * yStep]; } return;
            default: for (int j = from; j < to; j++) { z[o + j] = x[xi + j * xStep] / y[yi + j * yStep]; } return;
        }
    }

    @Override
    public void relu(FMatrixRMaj in, FMatrixRMaj out) {
        reluRange(in.data, out.data, 0, in.getNumElements());
    }

    /** {@code z[i] = max(x[i], 0)} for {@code i} in {@code [from, to)}, keeping -0.0 and NaN. */
    static void reluRange(float[] x, float[] z, int from, int to) {
        for (int i = from; i < to; i++) {
            z[i] = x[i] < 0 ? 0f : x[i];
        }
    }

    @Override
    public void reluBackward(FMatrixRMaj g, FMatrixRMaj out, FMatrixRMaj gradIn) {
        reluBackwardRange(g.data, out.data, gradIn.data, 0, gradIn.getNumElements());
    }

    /** {@code z[i] = r[i] <= 0 ? 0 : g[i]} for {@code i} in {@code [from, to)} (NaN passes the gradient). */
    static void reluBackwardRange(float[] g, float[] r, float[] z, int from, int to) {
        for (int i = from; i < to; i++) {
            z[i] = r[i] <= 0 ? 0f : g[i];
        }
    }

    @Override
    public void transpose(FMatrixRMaj a, FMatrixRMaj out) {
        float[] src = a.data;
        float[] dst = out.data;
        int rows = a.numRows;
        int cols = a.numCols;
        // in square blocks, so that both the rows read and the rows written stay in cache
        int block = 32;
        for (int i0 = 0; i0 < rows; i0 += block) {
            int i1 = Math.min(rows, i0 + block);
            for (int j0 = 0; j0 < cols; j0 += block) {
                int j1 = Math.min(cols, j0 + block);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        dst[j * rows + i] = src[i * cols + j];
                    }
                }
            }
        }
    }

    @Override
    public void sumTo(FMatrixRMaj g, FMatrixRMaj out) {
        int rows = out.numRows;
        int cols = out.numCols;
        int n = g.numCols;
        float[] src = g.data;
        float[] dst = out.data;
        if (g.numRows == rows && n == cols) {
            System.arraycopy(src, 0, dst, 0, rows * cols);   // as Broadcast.sumTo, which returns g itself: -0.0 stays
            return;
        }
        // float64 accumulators, in Broadcast.sumTo's order: a row's sum, then the rows
        double[] acc = new double[rows * cols];
        for (int i = 0; i < g.numRows; i++) {
            int o = rows == 1 ? 0 : i * cols;
            int s = i * n;
            if (cols == 1) {
                double row = 0;
                for (int j = 0; j < n; j++) {
                    row += src[s + j];
                }
                acc[o] += row;
            } else {
                for (int j = 0; j < n; j++) {
                    acc[o + j] += src[s + j];
                }
            }
        }
        for (int i = 0; i < acc.length; i++) {
            dst[i] = (float) acc[i];
        }
    }
}
