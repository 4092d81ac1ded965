package dev.ejgrad.core;

import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

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
        DMatrixRMaj out = new DMatrixRMaj(a.rows(), b.cols());
        Kernels.get().mult(a.data, b.data, out);
        return Autograd.op("matmul", out, a, g -> matmulT(g, b), b, g -> tMatmul(a, g));
    }

    static Tensor matmulT(Tensor a, Tensor b) {
        Objects.requireNonNull(b, "matmulT: other");
        if (a.cols() != b.cols()) {
            throw new IllegalArgumentException("matmulT: shapes " + Shapes.of(a) + " and " + Shapes.of(b)
                    + " cannot be multiplied as a·bᵀ (" + a.cols() + " columns vs " + b.cols() + " columns)");
        }
        DMatrixRMaj out = new DMatrixRMaj(a.rows(), b.rows());
        Kernels.get().multTransB(a.data, b.data, out);
        return Autograd.op("matmulT", out, a, g -> matmul(g, b), b, g -> tMatmul(g, a));
    }

    /** {@code aᵀ·b} without forming {@code aᵀ}: the weight gradient of a product. */
    static Tensor tMatmul(Tensor a, Tensor b) {
        if (a.rows() != b.rows()) {
            throw new IllegalArgumentException("tMatmul: shapes " + Shapes.of(a) + " and " + Shapes.of(b)
                    + " cannot be multiplied as aᵀ·b (" + a.rows() + " rows vs " + b.rows() + " rows)");
        }
        DMatrixRMaj out = new DMatrixRMaj(a.cols(), b.cols());
        Kernels.get().multTransA(a.data, b.data, out);
        return Autograd.op("tMatmul", out, a, g -> matmulT(b, g), b, g -> matmul(a, g));
    }

    static Tensor transpose(Tensor a) {
        DMatrixRMaj out = new DMatrixRMaj(a.cols(), a.rows());
        Kernels.get().transpose(a.data, out);
        return Autograd.op("t", out, a, Tensor::t);
    }
}
