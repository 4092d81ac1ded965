package dev.ejgrad.core;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntConsumer;
import org.ejml.data.DMatrixRMaj;

/**
 * The seam between op definitions and the loops that run them. Ops say what to compute; an implementation of this
 * interface says how, so that faster kernels (vectorised, multi-threaded) replace these without touching any op.
 *
 * <p>Every method writes into an output it is given, which has the right shape and is not an input unless stated.
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
