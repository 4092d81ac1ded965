package dev.ejgrad.optim;

import dev.ejgrad.core.Tensor;
import java.util.List;
import java.util.Objects;

/**
 * Gradient clipping between {@code backward} and an optimizer's step, as {@code torch.nn.utils.clip_grad_norm_} and
 * {@code clip_grad_value_}. Each changed gradient is replaced through {@link Tensor#setGrad} (a gradient's own
 * storage is read-only, since backward may share it with another tensor) of its own dtype; parameters whose gradient
 * is {@code null} are skipped and keep none. Norms are computed in double for every dtype, and a float32 gradient's
 * clipped values are rounded once to float32 (PyTorch computes them in float32 throughout).
 *
 * <pre>{@code
 * loss.backward();
 * double norm = ClipGrad.clipGradNorm(model.parameters(), 1.0);
 * optimizer.step();
 * }</pre>
 */
public final class ClipGrad {

    private ClipGrad() {
    }

    /**
     * Scales all gradients together so that their 2-norm is at most maxNorm, as
     * {@code clip_grad_norm_(params, max_norm)}.
     *
     * @param params the parameters whose gradients to clip; not modified (only their gradients are replaced)
     * @param maxNorm the largest total norm, at least 0
     * @return the total 2-norm of the gradients before clipping (infinite if a gradient is; 0 without gradients)
     * @throws IllegalArgumentException if maxNorm is negative or NaN
     */
    public static double clipGradNorm(List<Tensor> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2);
    }

    /**
     * Scales all gradients together so that their p-norm is at most maxNorm, as
     * {@code clip_grad_norm_(params, max_norm, norm_type)}: the total norm is the p-norm of the per-tensor p-norms
     * (for p = ∞ the largest |g|, for p = -∞ the smallest, for p = 0 the number of non-zero entries), and every
     * gradient is multiplied by {@code min(1, maxNorm / (total + 1e-6))}. An infinite gradient makes the total
     * infinite and the coefficient 0: its finite entries become ±0 and the infinite ones NaN, as in PyTorch.
     *
     * @param params the parameters whose gradients to clip; not modified (only their gradients are replaced)
     * @param maxNorm the largest total norm, at least 0
     * @param normType p: 2, 1, {@link Double#POSITIVE_INFINITY} or any other value but NaN
     * @return the total norm of the gradients before clipping (0 without gradients)
     * @throws IllegalArgumentException if maxNorm is negative or NaN, or normType is NaN
     */
    public static double clipGradNorm(List<Tensor> params, double maxNorm, double normType) {
        List<Tensor> ps = check(params);
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be at least 0, got " + maxNorm);
        }
        if (Double.isNaN(normType)) {
            throw new IllegalArgumentException("clipGradNorm: normType is NaN");
        }
        double[] norms = ps.stream().filter(p -> p.grad() != null)
                .mapToDouble(p -> norm(flat(p.grad()), normType)).toArray();
        if (norms.length == 0) {
            return 0;
        }
        // the per-tensor norms' own norm (for ±inf: their largest or smallest), as torch.norm(torch.stack(norms), p)
        double total = norm(norms, normType);
        double coef = Math.min(maxNorm / (total + 1e-6), 1.0);
        if (Double.isNaN(maxNorm / (total + 1e-6))) {
            coef = Double.NaN;   // torch.clamp keeps NaN
        }
        for (Tensor p : ps) {
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            double[] v = flat(g);
            for (int i = 0; i < v.length; i++) {
                v[i] = v[i] * coef;
            }
            p.setGrad(Tensor.of(g.rows(), g.cols(), v).to(g.dtype()));   // rounded once, in the grad's dtype
        }
        return total;
    }

    /**
     * Clamps every gradient entry to [-clipValue, clipValue], as {@code clip_grad_value_} (NaN stays NaN).
     *
     * @param params the parameters whose gradients to clip; not modified (only their gradients are replaced)
     * @param clipValue the bound, at least 0
     * @throws IllegalArgumentException if clipValue is negative or NaN
     */
    public static void clipGradValue(List<Tensor> params, double clipValue) {
        List<Tensor> ps = check(params);
        if (!(clipValue >= 0)) {
            throw new IllegalArgumentException("clipGradValue: clipValue must be at least 0, got " + clipValue);
        }
        for (Tensor p : ps) {
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            double[] v = flat(g);
            for (int i = 0; i < v.length; i++) {
                v[i] = Double.isNaN(v[i]) ? v[i] : Math.min(Math.max(v[i], -clipValue), clipValue);
            }
            p.setGrad(Tensor.of(g.rows(), g.cols(), v).to(g.dtype()));   // rounded once, in the grad's dtype
        }
    }

    private static List<Tensor> check(List<Tensor> params) {
        Objects.requireNonNull(params, "params");
        for (int i = 0; i < params.size(); i++) {
            Objects.requireNonNull(params.get(i), "params[" + i + "]");
        }
        return params;
    }

    /** A tensor's values, row-major, copied. */
    private static double[] flat(Tensor t) {
        return java.util.Arrays.copyOf(t.toMatrix().data, t.numel());
    }

    /** torch.norm(v, p) of a flat vector. */
    private static double norm(double[] v, double p) {
        if (p == Double.POSITIVE_INFINITY || p == Double.NEGATIVE_INFINITY) {
            double out = Math.abs(v[0]);
            for (double x : v) {
                out = p > 0 ? nanMax(out, Math.abs(x)) : nanMin(out, Math.abs(x));
            }
            return out;
        }
        double acc = 0;
        if (p == 0) {
            for (double x : v) {
                acc += x != 0 ? 1 : 0;
            }
            return acc;
        }
        if (p == 1) {
            for (double x : v) {
                acc += Math.abs(x);
            }
            return acc;
        }
        if (p == 2) {
            for (double x : v) {
                acc += x * x;
            }
            return Math.sqrt(acc);
        }
        for (double x : v) {
            acc += Math.pow(Math.abs(x), p);
        }
        return Math.pow(acc, 1 / p);
    }

    private static double nanMax(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
    }

    private static double nanMin(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
    }
}
