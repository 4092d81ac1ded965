package dev.ejgrad.core;

import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * The elementwise ops of two tensors, broadcasting: {@code add}, {@code sub}, {@code mul}, {@code div},
 * {@code maximum}, {@code minimum} and {@code pow(Tensor)} (the engine sums each gradient back to its input's shape);
 * with them {@code neg}, the one definition of negation, and C's {@code pow} ({@link #cPow}), and the elementwise
 * loops ({@code map}, {@code zip}) that the other op files share.
 */
final class ArithmeticOps {

    private ArithmeticOps() {
    }

    static Tensor add(Tensor a, Tensor b) {
        Tensor out = binary("add", Kernels.Binary.ADD, a, b);
        return Autograd.op("add", out, a, g -> g, b, g -> g);
    }

    static Tensor sub(Tensor a, Tensor b) {
        Tensor out = binary("sub", Kernels.Binary.SUB, a, b);
        return Autograd.op("sub", out, a, g -> g, b, Tensor::neg);
    }

    static Tensor mul(Tensor a, Tensor b) {
        Tensor out = binary("mul", Kernels.Binary.MUL, a, b);
        return Autograd.op("mul", out, a, g -> g.mul(b), b, g -> g.mul(a));
    }

    static Tensor div(Tensor a, Tensor b) {
        Tensor out = binary("div", Kernels.Binary.DIV, a, b);
        // as ATen's div_tensor_other_backward: -g * ((a / b) / b)
        return Autograd.op("div", out, a, (g, q) -> g.div(b), b, (g, q) -> g.neg().mul(q.div(b)));
    }

    static Tensor maximum(Tensor a, Tensor b) {
        return extremum("maximum", a, b, true);
    }

    static Tensor minimum(Tensor a, Tensor b) {
        return extremum("minimum", a, b, false);
    }

    /**
     * The elementwise maximum or minimum, NaN winning, as ATen. Its rules are derivatives.yaml's: the larger (or
     * smaller) side takes g, the other none, and a tie gives each side half.
     */
    private static Tensor extremum(String name, Tensor a, Tensor b, boolean max) {
        Objects.requireNonNull(b, name + ": other");
        Tensor out = zip(name, a, b, max
                ? (x, y) -> x != x ? x : y != y ? y : Math.max(x, y)
                : (x, y) -> x != x ? x : y != y ? y : Math.min(x, y));
        Tensor tie = a.eq(b);
        Tensor aLoses = max ? a.lt(b) : a.gt(b);
        Tensor bLoses = max ? a.gt(b) : a.lt(b);
        return Autograd.op(name, out,
                a, g -> Tensor.where(tie, g.div(2), g).maskedFill(aLoses, 0),
                b, g -> Tensor.where(tie, g.div(2), g).maskedFill(bLoses, 0));
    }

    /** {@code a^b} elementwise, broadcasting, as {@code torch.pow(Tensor, Tensor)}. */
    static Tensor pow(Tensor a, Tensor b) {
        Objects.requireNonNull(b, "pow: exponent");
        Tensor out = zip("pow", a, b, ArithmeticOps::cPow);
        // as ATen's pow_backward_self and pow_backward_exponent: exponent 0 gives the base gradient 0 exactly (a
        // select), and a base of 0 with a non-negative exponent gives g · 0 for the exponent (NaN for a NaN or
        // infinite g, as ATen's grad * where(cond, 0, result * log(self)))
        Tensor exponentZero = b.eq(0);
        Tensor baseZero = a.eq(0).mul(b.ge(0));
        return Autograd.op("pow", out,
                a, (g, result) -> g.mul(b.mul(a.pow(b.sub(1)))).maskedFill(exponentZero, 0),
                b, (g, result) -> g.mul(result.mul(a.log()).maskedFill(baseZero, 0)));
    }

    /**
     * C's {@code pow}, which libtorch calls: {@code Math.pow} but for pow(1, y) = 1 for every y (NaN included) and
     * pow(-1, ±inf) = 1, where Java gives NaN.
     */
    static double cPow(double x, double y) {
        if (x == 1 || (x == -1 && Double.isInfinite(y))) {
            return 1;
        }
        return Math.pow(x, y);
    }

    /**
     * {@code f(a, b)} elementwise, broadcasting, in the promoted dtype: float32 operands are widened, combined in double
     * and rounded once.
     */
    static Tensor zip(String name, Tensor a, Tensor b, DoubleBinaryOperator f) {
        Objects.requireNonNull(b, name + ": other");
        int[] shape = Broadcast.shape(name, a, b);
        if (a.dtype() == DType.FLOAT32 && b.dtype() == DType.FLOAT32) {
            FMatrixRMaj out = new FMatrixRMaj(shape[0], shape[1]);
            Kernels.get().zip(a.floats(), b.floats(), f, out);
            return new Tensor(out);
        }
        DMatrixRMaj out = new DMatrixRMaj(shape[0], shape[1]);
        Kernels.get().zip(a.values(), b.values(), f, out);
        return new Tensor(out);
    }

    /** {@code -a}: the one definition of negation. */
    static Tensor neg(Tensor a) {
        return Autograd.op("neg", map(a, v -> -v), a, Tensor::neg);
    }

    /** {@code a op b}, broadcasting, in the promoted dtype (float32 arithmetic on float32 operands). */
    private static Tensor binary(String name, Kernels.Binary op, Tensor a, Tensor b) {
        Objects.requireNonNull(b, name + ": other");
        int[] shape = Broadcast.shape(name, a, b);
        if (a.dtype() == DType.FLOAT32 && b.dtype() == DType.FLOAT32) {
            FMatrixRMaj out = new FMatrixRMaj(shape[0], shape[1]);
            Kernels.get().binary(op, a.floats(), b.floats(), out);
            return new Tensor(out);
        }
        DMatrixRMaj out = new DMatrixRMaj(shape[0], shape[1]);
        Kernels.get().binary(op, a.values(), b.values(), out);
        return new Tensor(out);
    }

    /** {@code f(g, y)} with {@code y} broadcast to {@code g}'s shape. */
    static DMatrixRMaj zip(DMatrixRMaj g, DMatrixRMaj y, DoubleBinaryOperator f) {
        DMatrixRMaj out = new DMatrixRMaj(g.numRows, g.numCols);
        Kernels.get().zip(g, y, f, out);
        return out;
    }

    /** {@code f} of every element, in {@code x}'s dtype: a float32 value is widened, mapped in double, rounded once. */
    static Tensor map(Tensor x, DoubleUnaryOperator f) {
        if (x.dtype() == DType.FLOAT32) {
            FMatrixRMaj out = new FMatrixRMaj(x.rows(), x.cols());
            Kernels.get().map(x.floats(), f, out);
            return new Tensor(out);
        }
        return new Tensor(map(x.values(), f));
    }

    /** An elementwise op with a kernel of its own in each dtype (a shared loop over a lambda would not inline). */
    static Tensor map(Tensor x, BiConsumer<DMatrixRMaj, DMatrixRMaj> kernel, BiConsumer<FMatrixRMaj, FMatrixRMaj> floatKernel) {
        if (x.dtype() == DType.FLOAT32) {
            FMatrixRMaj out = new FMatrixRMaj(x.rows(), x.cols());
            floatKernel.accept(x.floats(), out);
            return new Tensor(out);
        }
        DMatrixRMaj out = new DMatrixRMaj(x.rows(), x.cols());
        kernel.accept(x.values(), out);
        return new Tensor(out);
    }

    static DMatrixRMaj map(DMatrixRMaj in, DoubleUnaryOperator f) {
        DMatrixRMaj out = new DMatrixRMaj(in.numRows, in.numCols);
        Kernels.get().map(in, f, out);
        return out;
    }
}
