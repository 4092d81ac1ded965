package dev.ejgrad.core;

import java.util.Objects;
import java.util.function.DoubleBinaryOperator;
import org.ejml.data.DMatrixRMaj;

/** add, sub, mul, div: elementwise with broadcasting; the engine sums each gradient back to its input's shape. */
final class ArithmeticOps {

    private ArithmeticOps() {
    }

    static Tensor add(Tensor a, Tensor b) {
        DMatrixRMaj out = binary("add", Kernels.Binary.ADD, a, b);
        return Autograd.op("add", out, a, g -> g, b, g -> g);
    }

    static Tensor sub(Tensor a, Tensor b) {
        DMatrixRMaj out = binary("sub", Kernels.Binary.SUB, a, b);
        return Autograd.op("sub", out, a, g -> g, b, g -> map(g, v -> -v));
    }

    static Tensor mul(Tensor a, Tensor b) {
        DMatrixRMaj out = binary("mul", Kernels.Binary.MUL, a, b);
        return Autograd.op("mul", out,
                a, g -> binary(Kernels.Binary.MUL, g, b.data),
                b, g -> binary(Kernels.Binary.MUL, g, a.data));
    }

    static Tensor div(Tensor a, Tensor b) {
        DMatrixRMaj out = binary("div", Kernels.Binary.DIV, a, b);
        return Autograd.op("div", out,
                a, g -> binary(Kernels.Binary.DIV, g, b.data),
                // as ATen's div_tensor_other_backward: -g * ((a / b) / b)
                b, g -> zip(g, out, b.data, (gv, q, y) -> -gv * (q / y)));
    }

    static Tensor neg(Tensor a) {
        return Autograd.op("neg", map(a.data, v -> -v), a, g -> map(g, v -> -v));
    }

    private static DMatrixRMaj binary(String name, Kernels.Binary op, Tensor a, Tensor b) {
        Objects.requireNonNull(b, name + ": other");
        int[] shape = Broadcast.shape(name, a, b);
        DMatrixRMaj out = new DMatrixRMaj(shape[0], shape[1]);
        Kernels.get().binary(op, a.data, b.data, out);
        return out;
    }

    /** {@code g op y} with {@code y} broadcast to {@code g}'s shape. */
    private static DMatrixRMaj binary(Kernels.Binary op, DMatrixRMaj g, DMatrixRMaj y) {
        DMatrixRMaj out = new DMatrixRMaj(g.numRows, g.numCols);
        Kernels.get().binary(op, g, y, out);
        return out;
    }

    /** {@code f(g, y)} with {@code y} broadcast to {@code g}'s shape. */
    static DMatrixRMaj zip(DMatrixRMaj g, DMatrixRMaj y, DoubleBinaryOperator f) {
        DMatrixRMaj out = new DMatrixRMaj(g.numRows, g.numCols);
        Kernels.get().zip(g, y, f, out);
        return out;
    }

    /** {@code f(g, out, y)} with {@code out} of {@code g}'s shape and {@code y} broadcast to it. */
    private static DMatrixRMaj zip(DMatrixRMaj g, DMatrixRMaj out, DMatrixRMaj y, Ternary f) {
        DMatrixRMaj yFull = zip(g, y, (gv, yv) -> yv);
        DMatrixRMaj r = new DMatrixRMaj(g.numRows, g.numCols);
        for (int i = 0; i < r.data.length; i++) {
            r.data[i] = f.apply(g.data[i], out.data[i], yFull.data[i]);
        }
        return r;
    }

    static DMatrixRMaj map(DMatrixRMaj in, java.util.function.DoubleUnaryOperator f) {
        DMatrixRMaj out = new DMatrixRMaj(in.numRows, in.numCols);
        Kernels.get().map(in, f, out);
        return out;
    }

    @FunctionalInterface
    private interface Ternary {
        double apply(double g, double out, double y);
    }
}
