package dev.ejgrad.core;

import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/** Matrix product and transpose. */
final class MatrixOps {

    private MatrixOps() {
    }

    static Tensor matmul(Tensor a, Tensor b) {
        Objects.requireNonNull(b, "matmul: other");
        if (a.cols() != b.rows()) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.of(a) + " and " + Shapes.of(b)
                    + " cannot be multiplied (" + a.cols() + " columns vs " + b.rows() + " rows)");
        }
        Kernels k = Kernels.get();
        DMatrixRMaj out = new DMatrixRMaj(a.rows(), b.cols());
        k.mult(a.data, b.data, out);
        return Autograd.op("matmul", out,
                a, g -> product(g.numRows, b.rows(), gA -> k.multTransB(g, b.data, gA)),   // g · bᵀ
                b, g -> product(a.cols(), g.numCols, gB -> k.multTransA(a.data, g, gB)));  // aᵀ · g
    }

    static Tensor matmulT(Tensor a, Tensor b) {
        Objects.requireNonNull(b, "matmulT: other");
        if (a.cols() != b.cols()) {
            throw new IllegalArgumentException("matmulT: shapes " + Shapes.of(a) + " and " + Shapes.of(b)
                    + " cannot be multiplied as a·bᵀ (" + a.cols() + " columns vs " + b.cols() + " columns)");
        }
        Kernels k = Kernels.get();
        DMatrixRMaj out = new DMatrixRMaj(a.rows(), b.rows());
        k.multTransB(a.data, b.data, out);
        return Autograd.op("matmulT", out,
                a, g -> product(g.numRows, b.cols(), gA -> k.mult(g, b.data, gA)),           // g · b
                b, g -> product(g.numCols, a.cols(), gB -> k.multTransA(g, a.data, gB)));    // gᵀ · a
    }

    static Tensor transpose(Tensor a) {
        DMatrixRMaj out = new DMatrixRMaj(a.cols(), a.rows());
        Kernels.get().transpose(a.data, out);
        return Autograd.op("t", out, a, g -> {
            DMatrixRMaj gt = new DMatrixRMaj(g.numCols, g.numRows);
            Kernels.get().transpose(g, gt);
            return gt;
        });
    }

    private static DMatrixRMaj product(int rows, int cols, java.util.function.Consumer<DMatrixRMaj> fill) {
        DMatrixRMaj out = new DMatrixRMaj(rows, cols);
        fill.accept(out);
        return out;
    }
}
