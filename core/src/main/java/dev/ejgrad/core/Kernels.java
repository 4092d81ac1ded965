package dev.ejgrad.core;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntConsumer;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * The seam between op definitions and the loops that run them. Ops say what to compute; an implementation of this
 * interface says how, so that faster kernels (vectorised, multi-threaded) replace these without touching any op.
 *
 * <p>Every method writes into an output it is given, which has the right shape and is not an input unless stated.
 *
 * <p><b>float32.</b> The dtype is an axis of the seam: each kernel a float32 tensor needs has an overload on EJML's
 * {@link FMatrixRMaj} (row-major {@code float[]}), with the same contract as its float64 form. Every implementation
 * gives the same bits for them, whichever path ran and on any thread count:
 * <ul>
 * <li>the products run {@link FloatScalarGemm}'s summation order (float32 accumulation, as PyTorch's CPU
 *     {@code sgemm}; see that class);</li>
 * <li>{@code binary}, {@code relu} and {@code reluBackward} compute in float32, which is exact for comparisons and
 *     correctly rounded for the four arithmetic ops, so it equals computing in float64 and rounding once;</li>
 * <li>{@code map} and {@code zip} widen each value, apply the float64 function and round the result once;</li>
 * <li>{@code sumTo} accumulates in float64 and rounds once, at the end.</li>
 * </ul>
 */
interface Kernels {

    /** The kernels in use: the Vector API ones when {@code jdk.incubator.vector} is present, else plain Java. */
    static Kernels get() {
        return KernelSelection.KERNELS;
    }

    /** {@code c = a · b}. */
    void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c);

    /** {@code c = aᵀ · b}, without materialising {@code aᵀ} where the implementation can. */
    void multTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c);

    /** {@code c = a · bᵀ}, without materialising {@code bᵀ} where the implementation can. */
    void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c);

    /** {@code out[i] = f(in[i])}; {@code out} may be {@code in}. */
    void map(DMatrixRMaj in, DoubleUnaryOperator f, DMatrixRMaj out);

    /** {@code out = f(a, b)} with {@code a} and {@code b} broadcast to {@code out}'s shape. */
    void zip(DMatrixRMaj a, DMatrixRMaj b, DoubleBinaryOperator f, DMatrixRMaj out);

    /** The four arithmetic ops, each with a loop of its own (a shared loop over a lambda would not inline). */
    enum Binary { ADD, SUB, MUL, DIV }

    /** {@code out = a op b} with {@code a} and {@code b} broadcast to {@code out}'s shape. */
    void binary(Binary op, DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj out);

    /** {@code out = max(in, 0)}, keeping -0.0 and NaN, as relu. */
    void relu(DMatrixRMaj in, DMatrixRMaj out);

    /** {@code gradIn = out <= 0 ? 0 : g}: relu's backward from its output, as ATen's threshold_backward (NaN passes). */
    void reluBackward(DMatrixRMaj g, DMatrixRMaj out, DMatrixRMaj gradIn);

    /** {@code out[i] = exp(in[i])}. */
    void exp(DMatrixRMaj in, DMatrixRMaj out);

    /** {@code out[i] = tanh(in[i])}. */
    void tanh(DMatrixRMaj in, DMatrixRMaj out);

    /** {@code out = aᵀ}. */
    void transpose(DMatrixRMaj a, DMatrixRMaj out);

    /** {@code c = a · b} in float32, with {@link FloatScalarGemm}'s bits. */
    void mult(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c);

    /** {@code c = aᵀ · b} in float32, without materialising {@code aᵀ}, with {@link FloatScalarGemm}'s bits. */
    void multTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c);

    /** {@code c = a · bᵀ} in float32, without materialising {@code bᵀ}, with {@link FloatScalarGemm}'s bits. */
    void multTransB(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c);

    /** {@code out[i] = (float) f(in[i])}: widened, computed in float64, rounded once; {@code out} may be {@code in}. */
    void map(FMatrixRMaj in, DoubleUnaryOperator f, FMatrixRMaj out);

    /**
     * {@code out = (float) f(a, b)} with {@code a} and {@code b} widened and broadcast to {@code out}'s shape;
     * {@code out} may be an input of its shape.
     */
    void zip(FMatrixRMaj a, FMatrixRMaj b, DoubleBinaryOperator f, FMatrixRMaj out);

    /**
     * {@code out = a op b} in float32 with {@code a} and {@code b} broadcast to {@code out}'s shape (each side equal
     * to {@code out}'s or 1); {@code out} may be an input of its shape.
     */
    void binary(Binary op, FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj out);

    /** {@code out = max(in, 0)} in float32, keeping -0.0 and NaN, as relu; {@code out} may be {@code in}. */
    void relu(FMatrixRMaj in, FMatrixRMaj out);

    /** {@code gradIn = out <= 0 ? 0 : g} in float32, as the float64 form (NaN passes). */
    void reluBackward(FMatrixRMaj g, FMatrixRMaj out, FMatrixRMaj gradIn);

    /** {@code out = aᵀ} in float32. */
    void transpose(FMatrixRMaj a, FMatrixRMaj out);

    /**
     * Sums {@code g} down to {@code out}'s shape, each side of which is {@code g}'s or 1 (the values of
     * {@code sum_to}, the adjoint of broadcasting): over the rows when {@code out} has one row, over the columns when
     * it has one column, over both when it is 1 x 1, a copy when the shapes agree. Accumulated in float64 in the order
     * of {@link Broadcast#sumTo(String, DMatrixRMaj, int, int)} (each row's sum, then the rows), and rounded to float32
     * once, so each element is {@code (float)} of that float64 sum of the widened values.
     */
    void sumTo(FMatrixRMaj g, FMatrixRMaj out);

    /**
     * Runs {@code body.accept(i)} for every {@code i} in {@code [0, count)}, here in order on the calling thread;
     * a multi-threaded implementation may run contiguous ranges of {@code i} on several threads when
     * {@code count · costEach} (about the values each call touches) is large. Each call must write only outputs of
     * its own, so that the results never depend on the split.
     */
    default void forEach(int count, long costEach, IntConsumer body) {
        for (int i = 0; i < count; i++) {
            body.accept(i);
        }
    }
}
