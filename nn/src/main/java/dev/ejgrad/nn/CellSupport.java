package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.Objects;
import java.util.Random;

/** What the recurrent cells share: PyTorch's init and the shape checks of an input and a state. */
final class CellSupport {

    private CellSupport() {
    }

    /** Rejects a non-positive size before anything is drawn. */
    static void checkSizes(String cell, int inputSize, int hiddenSize, Random rng) {
        Objects.requireNonNull(rng, "rng");
        if (inputSize <= 0 || hiddenSize <= 0) {
            throw new IllegalArgumentException(cell + ": inputSize and hiddenSize must be positive, got inputSize="
                    + inputSize + ", hiddenSize=" + hiddenSize);
        }
    }

    /** A {@code rows x cols} leaf requiring grad, U(-bound, bound) row by row, as {@code uniform_}. */
    static Tensor uniform(int rows, int cols, double bound, Random rng) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = -bound + 2 * bound * rng.nextDouble();
        }
        return Tensor.of(rows, cols, v).requiresGrad(true);
    }

    /** Rejects an input without {@code inputSize} columns. */
    static void checkInput(String cell, Tensor x, int inputSize) {
        Objects.requireNonNull(x, "x");
        if (x.cols() != inputSize) {
            throw new IllegalArgumentException(cell + ": input must have " + inputSize + " columns (inputSize), got "
                    + x.rows() + "x" + x.cols());
        }
    }

    /** Rejects a state that is not {@code x.rows() x hiddenSize}. */
    static void checkState(String cell, String what, Tensor state, Tensor x, int hiddenSize) {
        if (state.rows() != x.rows() || state.cols() != hiddenSize) {
            throw new IllegalArgumentException(cell + ": " + what + " must be " + x.rows() + "x" + hiddenSize
                    + " (the input's rows x hiddenSize) for an input of shape " + x.rows() + "x" + x.cols() + ", got "
                    + state.rows() + "x" + state.cols());
        }
    }

    /** Column block {@code k} of {@code hidden} columns: gate {@code k} of the packed gates. */
    static Tensor gate(Tensor gates, int k, int hidden) {
        return gates.narrow(1, k * hidden, hidden);
    }
}
