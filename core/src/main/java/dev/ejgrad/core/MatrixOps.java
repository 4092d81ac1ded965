package dev.ejgrad.core;

import java.util.Objects;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * Matrix products and transpose. The three products {@code a·b}, {@code a·bᵀ} and {@code aᵀ·b} are each other's
 * rules, so no gradient ever materialises a transpose:
 *
 * <pre>
 * a·b    da = g·bᵀ    db = aᵀ·g
 * a·bᵀ   da = g·b     db = gᵀ·a
 * aᵀ·b   da = b·gᵀ    db = a·g
 * </pre>
 */
final class MatrixOps {

    private MatrixOps() {
    }

    static Tensor matmul(Tensor a, Tensor b) {
        Objects.requireNonNull(b, "matmul: other");
        if (a.cols() != b.rows()) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.of(a) + " and " + Shapes.of(b)
                    + " cannot be multiplied (" + a.cols() + " columns vs " + b.rows() + " rows)");
        }
        Tensor out = product("matmul", false, false, a, b, a.rows(), b.cols(), a.cols());
        return Autograd.op("matmul", out, a, g -> matmulT(g, b), b, g -> tMatmul(a, g));
    }

    static Tensor matmulT(Tensor a, Tensor b) {
        Objects.requireNonNull(b, "matmulT: other");
        if (a.cols() != b.cols()) {
            throw new IllegalArgumentException("matmulT: shapes " + Shapes.of(a) + " and " + Shapes.of(b)
                    + " cannot be multiplied as a·bᵀ (" + a.cols() + " columns vs " + b.cols() + " columns)");
        }
        Tensor out = product("matmulT", false, true, a, b, a.rows(), b.rows(), a.cols());
        return Autograd.op("matmulT", out, a, g -> matmul(g, b), b, g -> tMatmul(g, a));
    }

    /** {@code aᵀ·b} without forming {@code aᵀ}: the weight gradient of a product. */
    static Tensor tMatmul(Tensor a, Tensor b) {
        if (a.rows() != b.rows()) {
            throw new IllegalArgumentException("tMatmul: shapes " + Shapes.of(a) + " and " + Shapes.of(b)
                    + " cannot be multiplied as aᵀ·b (" + a.rows() + " rows vs " + b.rows() + " rows)");
        }
        Tensor out = product("tMatmul", true, false, a, b, a.cols(), b.cols(), a.rows());
        return Autograd.op("tMatmul", out, a, g -> matmulT(b, g), b, g -> matmul(a, g));
    }

    /**
     * {@code op(a)·op(b)}, {@code m x n} over {@code k}, in the operands' dtype: a float32 product runs the float32
     * GEMM (float32 accumulation, as libtorch's {@code sgemm}). Mixed dtypes are refused, as PyTorch's {@code mm}.
     */
    private static Tensor product(String name, boolean ta, boolean tb, Tensor a, Tensor b, int m, int n, int k) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(name + ": expected both operands to have the same dtype, but got "
                    + a.dtype() + " " + Shapes.of(a) + " and " + b.dtype() + " " + Shapes.of(b)
                    + "; convert one with to(DType)");
        }
        if (a.dtype() == DType.FLOAT32) {
            FMatrixRMaj out = new FMatrixRMaj(m, n);
            if (ta) {
                Kernels.get().multTransA(a.floats(), b.floats(), out);
            } else if (tb) {
                Kernels.get().multTransB(a.floats(), b.floats(), out);
            } else {
                Kernels.get().mult(a.floats(), b.floats(), out);
            }
            return new Tensor(out);
        }
        DMatrixRMaj out = new DMatrixRMaj(m, n);
        if (ta) {
            Kernels.get().multTransA(a.values(), b.values(), out);
        } else if (tb) {
            Kernels.get().multTransB(a.values(), b.values(), out);
        } else {
            Kernels.get().mult(a.values(), b.values(), out);
        }
        return new Tensor(out);
    }

    static Tensor transpose(Tensor a) {
        Tensor out;
        if (a.dtype() == DType.FLOAT32) {
            FMatrixRMaj f = new FMatrixRMaj(a.cols(), a.rows());
            Kernels.get().transpose(a.floats(), f);
            out = new Tensor(f);
        } else {
            DMatrixRMaj d = new DMatrixRMaj(a.cols(), a.rows());
            Kernels.get().transpose(a.values(), d);
            out = new Tensor(d);
        }
        return Autograd.op("t", out, a, Tensor::t);
    }
}
