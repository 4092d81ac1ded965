package dev.ejgrad.nn.loss;

import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * The checks every loss makes before computing, worded alike: reductions, options, shapes, targets and weights.
 * Each throws an {@link IllegalArgumentException} that names the loss, the shapes and the offending value.
 */
final class LossChecks {

    private LossChecks() {
    }

    static Reduction checkReduction(String loss, Reduction r, boolean batchMeanAllowed) {
        Objects.requireNonNull(r, "reduction");
        if (r == Reduction.BATCHMEAN && !batchMeanAllowed) {
            throw new IllegalArgumentException(loss + ": reduction BATCHMEAN is only defined for KLDivLoss; use MEAN");
        }
        return r;
    }

    /** A clamp or stabiliser {@code eps}: non-negative and finite. */
    static double checkEps(String loss, double eps) {
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(loss + ": eps must be non-negative and finite, got " + eps);
        }
        return eps;
    }

    /** A constant option tensor (a weight): must not require grad, since no gradient flows into it. */
    static Tensor constant(String loss, String what, Tensor t) {
        Objects.requireNonNull(t, what);
        if (t.requiresGrad()) {
            throw new IllegalArgumentException(loss + ": " + what + " requires grad, but no gradient flows into it; "
                    + "pass " + what + ".detach()");
        }
        return t;
    }

    /** A class weight as given to a setter: a constant 1xC row, copied. */
    static Tensor classWeight(String loss, Tensor weight) {
        Tensor w = constant(loss, "weight", weight);
        if (w.rows() != 1) {
            throw new IllegalArgumentException(loss + ": weight must be a 1xC row (one per class), got "
                    + Shapes.of(w));
        }
        return w.detach();
    }

    static void checkTargetConstant(String loss, Tensor target) {
        if (target.requiresGrad()) {
            throw new IllegalArgumentException(loss + ": the target requires grad, but this loss computes no gradient "
                    + "for its target; pass target.detach()");
        }
    }

    /**
     * The input and another tensor of the loss (the target, a weight, a variance; {@code null} for an option not
     * set) have one dtype: PyTorch's loss kernels refuse a mix rather than promote it, and so does every loss here.
     */
    static void checkDtype(String loss, Tensor input, String what, Tensor other) {
        if (other != null && other.dtype() != input.dtype()) {
            throw new IllegalArgumentException(loss + ": the input is " + input.dtype() + " but the " + what + " is "
                    + other.dtype() + "; a loss takes its input, target and weights in one dtype (as PyTorch's), "
                    + "convert one with to(" + input.dtype() + ")");
        }
    }

    static void checkSameShape(String loss, Tensor input, Tensor target) {
        if (input.rows() != target.rows() || input.cols() != target.cols()) {
            throw new IllegalArgumentException(loss + ": target shape " + Shapes.of(target)
                    + " must equal input shape " + Shapes.of(input));
        }
    }

    /** Every value in [0, 1] (NaN fails), else a message naming the first offender and its position. */
    static void checkUnitInterval(String loss, DMatrixRMaj m, String what) {
        for (int k = 0; k < m.data.length; k++) {
            double v = m.data[k];
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException(loss + ": " + what + "; found " + v + " at (" + k / m.numCols + ", "
                        + k % m.numCols + ")");
            }
        }
    }

    /** A 1xC class weight against an NxC input. */
    static void checkClassWeight(String loss, Tensor weight, Tensor input) {
        if (weight != null && (weight.rows() != 1 || weight.cols() != input.cols())) {
            throw new IllegalArgumentException(loss + ": weight must be " + Shapes.of(1, input.cols())
                    + " (one per class) for an input of shape " + Shapes.of(input) + ", got " + Shapes.of(weight));
        }
    }

    /** Class-index targets: one per row, each a class or the ignore index. */
    static void checkClassTargets(String loss, Tensor input, int[] target, int ignoreIndex) {
        Objects.requireNonNull(target, "target");
        if (target.length != input.rows()) {
            throw new IllegalArgumentException(loss + ": expected " + input.rows() + " targets (one per row of the "
                    + Shapes.of(input) + " input), got " + target.length);
        }
        int classes = input.cols();
        for (int i = 0; i < target.length; i++) {
            int t = target[i];
            if (t != ignoreIndex && (t < 0 || t >= classes)) {
                throw new IllegalArgumentException(loss + ": Target " + t + " is out of bounds (row " + i + ", "
                        + classes + " classes" + (t < 0 ? "; the ignore index is " + ignoreIndex : "") + ")");
            }
        }
    }

    /**
     * An elementwise weight that broadcasts to the input: NxC, 1xC, Nx1 or 1x1. A 1xN row on an NxN input is
     * refused: it would be taken per column, but a user with N examples may well have meant per row.
     */
    static void checkElementWeight(String loss, String what, Tensor weight, Tensor input) {
        int r = weight.rows();
        int c = weight.cols();
        boolean fits = (r == input.rows() || r == 1) && (c == input.cols() || c == 1);
        if (!fits) {
            throw new IllegalArgumentException(loss + ": " + what + " of shape " + Shapes.of(weight)
                    + " does not broadcast to the input shape " + Shapes.of(input) + " (use NxC, 1xC, Nx1 or 1x1)");
        }
        if (r == 1 && c > 1 && input.rows() == input.cols()) {
            throw new IllegalArgumentException(loss + ": " + what + " of shape " + Shapes.of(weight) + " on a square "
                    + Shapes.of(input) + " input is ambiguous (per class or per example?); expand it to "
                    + Shapes.of(input) + ", or use " + Shapes.of(input.rows(), 1) + " for per-example weights");
        }
    }
}
