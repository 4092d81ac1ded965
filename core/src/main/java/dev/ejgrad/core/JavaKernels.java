package dev.ejgrad.core;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/** Plain-Java kernels: EJML for the matrix products, simple loops for the rest. Always available. */
final class JavaKernels implements Kernels {

    static final JavaKernels INSTANCE = new JavaKernels();

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
            // as ATen's threshold_backward: result <= 0 ? 0 : grad, so a NaN input passes the gradient
            z[i] = r[i] <= 0 ? 0.0 : gv[i];
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
}
