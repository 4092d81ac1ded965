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
        return Autograd.op("sub", out, a, g -> g, b, Tensor::neg);
    }

    static Tensor mul(Tensor a, Tensor b) {
        DMatrixRMaj out = binary("mul", Kernels.Binary.MUL, a, b);
        return Autograd.op("mul", out, a, g -> g.mul(b), b, g -> g.mul(a));
    }

    static Tensor div(Tensor a, Tensor b) {
        DMatrixRMaj out = binary("div", Kernels.Binary.DIV, a, b);
        // as ATen's div_tensor_other_backward: -g * ((a / b) / b)
        return Autograd.record("div", out, new Tensor[] {a, b},
                q -> new GradFn[] {g -> g.div(b), g -> g.neg().mul(q.div(b))});
    }

    /** {@code -a}: the one definition of negation. */
    static Tensor neg(Tensor a) {
        return Autograd.op("neg", map(a.data, v -> -v), a, Tensor::neg);
    }

    private static DMatrixRMaj binary(String name, Kernels.Binary op, Tensor a, Tensor b) {
        Objects.requireNonNull(b, name + ": other");
        int[] shape = Broadcast.shape(name, a, b);
        DMatrixRMaj out = new DMatrixRMaj(shape[0], shape[1]);
        Kernels.get().binary(op, a.data, b.data, out);
        return out;
    }

    /** {@code f(g, y)} with {@code y} broadcast to {@code g}'s shape. */
    static DMatrixRMaj zip(DMatrixRMaj g, DMatrixRMaj y, DoubleBinaryOperator f) {
        DMatrixRMaj out = new DMatrixRMaj(g.numRows, g.numCols);
        Kernels.get().zip(g, y, f, out);
        return out;
    }

    static DMatrixRMaj map(DMatrixRMaj in, java.util.function.DoubleUnaryOperator f) {
        DMatrixRMaj out = new DMatrixRMaj(in.numRows, in.numCols);
        Kernels.get().map(in, f, out);
        return out;
    }
}
