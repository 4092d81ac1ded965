package dev.ejgrad.core;

import java.util.Objects;
import java.util.function.Function;
import org.ejml.data.DMatrixRMaj;

/**
 * Jacobians, Hessians and their products with vectors, as {@code torch.autograd.functional}. Every matrix is over the
 * row-major flattening of {@code x} and of {@code f(x)}: entry {@code (i, j)} of a Jacobian is
 * {@code ∂ f(x)[i / cols][i % cols] / ∂ x[j / xcols][j % xcols]}.
 *
 * <p>{@code x} is the point: it is not modified and need not require grad; {@code f} is evaluated on a fresh copy
 * that does. The results have no history.
 *
 * <pre>{@code
 * // the Fisher information of a logistic regression: the Hessian of its mean negative log-likelihood
 * Tensor h = Derivatives.hessian(w -> new BCEWithLogitsLoss().forward(x.matmul(w), y), w0);
 * }</pre>
 *
 * <p>Each function takes a float64 point and throws {@code IllegalArgumentException} for a float32 one, as
 * {@link GradCheck}: derivatives are checked and studied in float64.
 */
public final class Derivatives {

    private Derivatives() {
    }

    /**
     * The Jacobian of {@code f} at {@code x}, as {@code torch.autograd.functional.jacobian}.
     *
     * @param f the function
     * @param x the point; not modified
     * @return {@code f(x).numel() x x.numel()}
     * @throws IllegalArgumentException if {@code f}'s result does not depend on its argument
     */
    public static Tensor jacobian(Function<Tensor, Tensor> f, Tensor x) {
        Tensor point = point("jacobian", x);
        Tensor y = evaluate("jacobian", f, point);
        return rows(y, point);
    }

    /**
     * The Hessian of a 1x1 {@code f} at {@code x}, as {@code torch.autograd.functional.hessian}: the Jacobian of
     * its gradient.
     *
     * @param f the function, with a 1x1 result
     * @param x the point; not modified
     * @return {@code n x n}, {@code n = x.numel()}
     * @throws IllegalArgumentException if {@code f}'s result is not 1x1 or does not depend on its argument
     */
    public static Tensor hessian(Function<Tensor, Tensor> f, Tensor x) {
        Tensor point = point("hessian", x);
        Tensor y = scalarOf("hessian", f, point);
        Tensor g = gradient(y, point, null, true);
        return rows(g, point);
    }

    /**
     * The vector-Jacobian product {@code vᵀ·J}, as {@code torch.autograd.functional.vjp}.
     *
     * @param f the function
     * @param x the point; not modified
     * @param v the vector, of {@code f(x)}'s shape
     * @return shaped as {@code x}
     * @throws IllegalArgumentException if {@code v} has the wrong shape or {@code f} does not depend on its argument
     */
    public static Tensor vjp(Function<Tensor, Tensor> f, Tensor x, Tensor v) {
        Objects.requireNonNull(v, "v");
        Tensor point = point("vjp", x);
        Tensor y = evaluate("vjp", f, point);
        checkShape("vjp", v, y, "f(x)");
        return gradient(y, point, v, false).detach();
    }

    /**
     * The Jacobian-vector product {@code J·v}, as {@code torch.autograd.functional.jvp}, by the double-backward
     * trick: the vjp with a seed {@code u} is linear in {@code u}, and its own vjp with {@code v} is {@code J·v}.
     *
     * @param f the function
     * @param x the point; not modified
     * @param v the vector, of {@code x}'s shape
     * @return shaped as {@code f(x)}
     * @throws IllegalArgumentException if {@code v} has the wrong shape or {@code f} does not depend on its argument
     */
    public static Tensor jvp(Function<Tensor, Tensor> f, Tensor x, Tensor v) {
        Objects.requireNonNull(v, "v");
        Tensor point = point("jvp", x);
        checkShape("jvp", v, point, "x");
        Tensor y = evaluate("jvp", f, point);
        Tensor u = Tensor.zeros(y.rows(), y.cols()).requiresGrad(true);
        Tensor vjp = gradient(y, point, u, true);
        return gradient(vjp, u, v, false).detach();
    }

    /**
     * The Hessian-vector product {@code H·v} of a 1x1 {@code f}, as {@code torch.autograd.functional.hvp} (by the
     * double-backward trick, as PyTorch).
     *
     * @param f the function, with a 1x1 result
     * @param x the point; not modified
     * @param v the vector, of {@code x}'s shape
     * @return shaped as {@code x}
     * @throws IllegalArgumentException if {@code f}'s result is not 1x1, {@code v} has the wrong shape, or {@code f}
     *     does not depend on its argument
     */
    public static Tensor hvp(Function<Tensor, Tensor> f, Tensor x, Tensor v) {
        Objects.requireNonNull(v, "v");
        Tensor point = point("hvp", x);
        checkShape("hvp", v, point, "x");
        Tensor g = gradient(scalarOf("hvp", f, point), point, null, true);
        Tensor u = Tensor.zeros(point.rows(), point.cols()).requiresGrad(true);
        Tensor back = gradient(g, point, u, true);
        return gradient(back, u, v, false).detach();
    }

    /**
     * The vector-Hessian product {@code vᵀ·H} of a 1x1 {@code f}, as {@code torch.autograd.functional.vhp}: the
     * gradient of {@code <∇f, v>}.
     *
     * @param f the function, with a 1x1 result
     * @param x the point; not modified
     * @param v the vector, of {@code x}'s shape
     * @return shaped as {@code x}
     * @throws IllegalArgumentException if {@code f}'s result is not 1x1, {@code v} has the wrong shape, or {@code f}
     *     does not depend on its argument
     */
    public static Tensor vhp(Function<Tensor, Tensor> f, Tensor x, Tensor v) {
        Objects.requireNonNull(v, "v");
        Tensor point = point("vhp", x);
        checkShape("vhp", v, point, "x");
        Tensor g = gradient(scalarOf("vhp", f, point), point, null, true);
        return gradient(g, point, v, false).detach();
    }

    /** A fresh leaf with {@code x}'s values that requires grad. */
    private static Tensor point(String op, Tensor x) {
        GradCheck.requireFloat64(op, Objects.requireNonNull(x, "x"));
        return new Tensor(x.values().copy()).requiresGrad(true);
    }

    private static Tensor evaluate(String op, Function<Tensor, Tensor> f, Tensor point) {
        Tensor y = Objects.requireNonNull(Objects.requireNonNull(f, "f").apply(point), op + ": f returned null");
        if (!y.requiresGrad()) {
            throw new IllegalArgumentException(op + ": f's result does not depend on its argument (or was computed "
                    + "under NoGrad or from a detached copy)");
        }
        return y;
    }

    private static Tensor scalarOf(String op, Function<Tensor, Tensor> f, Tensor point) {
        Tensor y = evaluate(op, f, point);
        if (y.rows() != 1 || y.cols() != 1) {
            throw new IllegalArgumentException(op + ": f must return a 1x1 tensor, got " + Shapes.of(y));
        }
        return y;
    }

    private static void checkShape(String op, Tensor v, Tensor like, String what) {
        if (v.rows() != like.rows() || v.cols() != like.cols()) {
            throw new IllegalArgumentException(op + ": v has shape " + Shapes.of(v) + " but " + what + " has shape "
                    + Shapes.of(like));
        }
    }

    /** d(y · seed)/d(x), zeros where y does not depend on x; the graph is kept for further passes. */
    private static Tensor gradient(Tensor y, Tensor x, Tensor seed, boolean createGraph) {
        Tensor s = seed != null ? seed : Tensor.scalar(1.0);
        if (!y.requiresGrad()) {
            return Tensor.zeros(x.rows(), x.cols());
        }
        Tensor g = Backward.capture(y, s, new Tensor[] {x}, true, createGraph)[0];
        return g != null ? g : Tensor.zeros(x.rows(), x.cols());
    }

    /** The Jacobian of {@code y} with respect to {@code x}: one backward per entry of {@code y}, a row each. */
    private static Tensor rows(Tensor y, Tensor x) {
        int m = y.numel();
        int n = x.numel();
        DMatrixRMaj out = new DMatrixRMaj(m, n);
        for (int i = 0; i < m; i++) {
            DMatrixRMaj seed = new DMatrixRMaj(y.rows(), y.cols());
            seed.data[i] = 1;
            Tensor g = gradient(y, x, new Tensor(seed), false);
            System.arraycopy(g.values().data, 0, out.data, i * n, n);
        }
        return new Tensor(out);
    }
}
