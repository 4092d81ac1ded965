package dev.ejgrad.core;

import static dev.ejgrad.core.ArithmeticOps.map;

import java.util.function.DoublePredicate;
import java.util.function.DoubleUnaryOperator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * Elementwise functions. Each forward is one line of math and each rule the matching formula of ATen's
 * {@code derivatives.yaml}, written with tensor ops so that it can be differentiated again; edge values (0, ±inf,
 * NaN, the softplus threshold, clamp bounds) come out as libtorch's.
 *
 * <p>The piecewise-linear ops pass the gradient through a mask of their input: {@link #keepWhere} (ATen's
 * {@code threshold_backward} and {@code clamp_backward}) is linear in the gradient, so its own rule is itself and the
 * second derivative is zero.
 */
final class UnaryOps {

    private UnaryOps() {
    }

    static Tensor exp(Tensor x) {
        return Autograd.op("exp", map(x, Kernels.get()::exp, (in, f) -> Kernels.get().map(in, Math::exp, f)), x, (g, e) -> g.mul(e));
    }

    static Tensor log(Tensor x) {
        return unary("log", x, Math::log, g -> g.div(x));
    }

    static Tensor sqrt(Tensor x) {
        return Autograd.op("sqrt", map(x, Math::sqrt), x, (g, s) -> g.div(s.mul(2)));
    }

    static Tensor abs(Tensor x) {
        // as ATen: g · sgn(x), with sgn(±0) = sgn(NaN) = 0, a constant
        return unary("abs", x, Math::abs, g -> g.mul(map(x, UnaryOps::sgn)));
    }

    static Tensor pow(Tensor x, double p) {
        if (p == 0) {
            // as ATen's pow_backward: exponent 0 has gradient 0 everywhere, even where x^-1 is infinite
            return unary("pow", x, v -> 1.0, g -> Tensor.zeros(g.rows(), g.cols(), g.dtype()));
        }
        return unary("pow", x, powOf(p), g -> g.mul(x.pow(p - 1).mul(p)));
    }

    /**
     * {@code v^p} as ATen computes it: the exponents 0.5, -0.5, 2, 3, -1 and -2 run as sqrt, rsqrt and products,
     * which differ from {@code Math.pow} at -0.0 and in the last bit.
     */
    private static DoubleUnaryOperator powOf(double p) {
        if (p == 0.5) {
            return Math::sqrt;
        } else if (p == -0.5) {
            return v -> 1 / Math.sqrt(v);
        } else if (p == 2) {
            return v -> v * v;
        } else if (p == 3) {
            return v -> v * v * v;
        } else if (p == -1) {
            return v -> 1 / v;
        } else if (p == -2) {
            return v -> 1 / (v * v);
        }
        return v -> ArithmeticOps.cPow(v, p);
    }

    static Tensor log1p(Tensor x) {
        // as ATen: g / (x + 1), finite where log1p(x) is NaN (x < -1)
        return unary("log1p", x, Math::log1p, g -> g.div(x.add(1)));
    }

    static Tensor expm1(Tensor x) {
        return Autograd.op("expm1", map(x, Math::expm1), x, (g, e) -> g.mul(e.add(1)));
    }

    static Tensor reciprocal(Tensor x) {
        // as ATen: -g · r², so 1/1e200 has gradient -0.0 and 1/±0 gradient -inf
        return Autograd.op("reciprocal", map(x, v -> 1 / v), x, (g, r) -> g.neg().mul(r.mul(r)));
    }

    static Tensor rsqrt(Tensor x) {
        // as ATen: -0.5 · g · r³
        return Autograd.op("rsqrt", map(x, v -> 1 / Math.sqrt(v)), x, (g, r) -> g.mul(-0.5).mul(r.pow(3)));
    }

    static Tensor sin(Tensor x) {
        return unary("sin", x, Math::sin, g -> g.mul(x.cos()));
    }

    static Tensor cos(Tensor x) {
        return unary("cos", x, Math::cos, g -> g.mul(x.sin().neg()));
    }

    static Tensor erf(Tensor x) {
        // as ATen: 2/√π · exp(-x²) · g
        return unary("erf", x, Erf::erf, g -> x.pow(2).neg().exp().mul(2 / Math.sqrt(Math.PI)).mul(g));
    }

    static Tensor sigmoid(Tensor x) {
        // 1/(1+e^-x) is finite for every x: e^-x overflows to inf only where the result is 0
        Tensor out = map(x, v -> 1 / (1 + Math.exp(-v)));
        // as ATen's sigmoid_backward: g · (1 - s) · s
        return Autograd.op("sigmoid", out, x, (g, s) -> g.mul(s.neg().add(1)).mul(s));
    }

    static Tensor tanh(Tensor x) {
        Tensor out = map(x, Kernels.get()::tanh, (in, f) -> Kernels.get().map(in, Math::tanh, f));
        // as ATen's tanh_backward: g · (1 - t²)
        return Autograd.op("tanh", out, x, (g, t) -> g.mul(t.mul(t).neg().add(1)));
    }

    static Tensor relu(Tensor x) {
        // x < 0 ? 0 : x keeps relu(-0.0) = -0.0 and NaN, as libtorch
        Tensor out = map(x, Kernels.get()::relu, Kernels.get()::relu);
        return Autograd.op("relu", out, x, g -> thresholdBackward(g, out));
    }

    /** ATen's {@code threshold_backward(g, out, 0)}: {@code out <= 0 ? 0 : g}, relu's fused backward. */
    private static Tensor thresholdBackward(Tensor g, Tensor out) {
        Tensor gx;
        if (g.dtype() == DType.FLOAT32 && out.dtype() == DType.FLOAT32) {
            FMatrixRMaj f = new FMatrixRMaj(g.rows(), g.cols());
            Kernels.get().reluBackward(g.floats(), out.floats(), f);
            gx = new Tensor(f);
        } else {
            DMatrixRMaj d = new DMatrixRMaj(g.rows(), g.cols());
            Kernels.get().reluBackward(g.values(), out.values(), d);
            gx = Tensor.of(d, g.dtype());
        }
        return Autograd.op("thresholdBackward", gx, g, gg -> thresholdBackward(gg, out));
    }

    static Tensor logSigmoid(Tensor x) {
        // as ATen's log_sigmoid_forward: min(x, 0) - log1p(z) with z = e^-|x|, and z kept for the backward
        DMatrixRMaj z = map(x.values(), v -> Math.exp(-Math.abs(v)));
        DMatrixRMaj out = new DMatrixRMaj(x.rows(), x.cols());
        double[] xs = x.values().data;
        for (int i = 0; i < out.data.length; i++) {
            out.data[i] = Math.min(xs[i], 0) - Math.log1p(z.data[i]);
        }
        return Autograd.op("logSigmoid", out, x, g -> logSigmoidBackward(g, x, z));
    }

    /**
     * ATen's {@code log_sigmoid_backward}: {@code g·(1 - z/(1+z))} for {@code x < 0} and {@code g·z/(1+z)} elsewhere,
     * with {@code z = e^-|x|} (both σ(-x)); where z is subnormal the quotient is z itself, not 0, so an infinite g
     * gives ±inf. Its rule for {@code x} is ATen's {@code log_sigmoid_double_backward}, {@code gg·g·(σ(x) - 1)·σ(x)}.
     */
    private static Tensor logSigmoidBackward(Tensor g, Tensor x, DMatrixRMaj z) {
        DMatrixRMaj gx = new DMatrixRMaj(g.rows(), g.cols());
        double[] xs = x.values().data;
        double[] gs = g.values().data;
        for (int i = 0; i < gx.data.length; i++) {
            boolean negative = xs[i] < 0;
            double maxDeriv = negative ? 1 : 0;
            double sign = negative ? 1 : -1;
            gx.data[i] = (maxDeriv - sign * (z.data[i] / (1 + z.data[i]))) * gs[i];
        }
        return Autograd.op("logSigmoidBackward", gx,
                g, gg -> logSigmoidBackward(gg, x, z),
                x, gg -> {
                    Tensor s = x.sigmoid();
                    return gg.mul(g).mul(s.sub(1)).mul(s);
                });
    }

    static Tensor softplus(Tensor x, double beta, double threshold) {
        if (beta == 0 || Double.isNaN(beta) || Double.isNaN(threshold)) {
            throw new IllegalArgumentException("softplus: need a nonzero beta and a threshold, got beta " + beta
                    + " and threshold " + threshold);
        }
        // above the threshold, x itself: log1p(e^βx)/β would differ from x in the last digits
        return unary("softplus", x, v -> v * beta > threshold ? v : Math.log1p(Math.exp(v * beta)) / beta,
                g -> softplusBackward(g, x, beta, threshold));
    }

    /**
     * ATen's {@code softplus_backward}: {@code βx > threshold ? g : g·σ(βx)}. Its rule for {@code x} is ATen's
     * {@code softplus_double_backward}, which keeps only {@code βx < threshold}: at the threshold itself the first
     * derivative is σ's and the second is 0, as libtorch.
     */
    private static Tensor softplusBackward(Tensor g, Tensor x, double beta, double threshold) {
        DMatrixRMaj gx = new DMatrixRMaj(g.rows(), g.cols());
        double[] xs = x.values().data;
        double[] gs = g.values().data;
        for (int i = 0; i < gx.data.length; i++) {
            double v = xs[i] * beta;
            double z = Math.exp(v);
            gx.data[i] = v > threshold ? gs[i] : gs[i] * z / (z + 1);
        }
        return Autograd.op("softplusBackward", gx,
                g, gg -> softplusBackward(gg, x, beta, threshold),
                x, gg -> {
                    Tensor s = (beta == 1 ? x : x.mul(beta)).sigmoid();
                    Tensor d = gg.mul(g).mul(s.neg().add(1)).mul(s);
                    return keepWhere("softplusDoubleBackward", beta == 1 ? d : d.mul(beta), x.values(),
                            v -> v * beta < threshold);
                });
    }

    static Tensor clamp(Tensor x, double min, double max) {
        if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
            throw new IllegalArgumentException("clamp: need min <= max, got min " + min + " and max " + max);
        }
        // the gradient passes at the bounds themselves, as libtorch's clamp_backward
        // compared as ATen's std::min(std::max(x, min), max), so that -0.0 at a bound of 0.0 stays -0.0
        // (Math.max(-0.0, 0.0) is 0.0); NaN stays NaN
        return unary("clamp", x, v -> v < min ? min : v > max ? max : v,
                g -> keepWhere("clampBackward", g, x.values(), v -> v >= min && v <= max));
    }

    /**
     * {@code keep(x) ? g : 0} for a constant {@code x}: the backward of the piecewise-linear ops. It is linear in
     * {@code g}, so its rule is itself (and the second derivative of those ops is zero).
     */
    static Tensor keepWhere(String name, Tensor g, DMatrixRMaj x, DoublePredicate keep) {
        DMatrixRMaj out = new DMatrixRMaj(g.rows(), g.cols());
        double[] gs = g.values().data;
        for (int i = 0; i < out.data.length; i++) {
            // a select, as ATen's threshold_backward and clamp_backward: exactly 0, even for an infinite or NaN g
            out.data[i] = keep.test(x.data[i]) ? gs[i] : 0.0;
        }
        return Autograd.op(name, out, g, gg -> keepWhere(name, gg, x, keep));
    }

    /**
     * {@code keep(x) ? g : g·otherwise} for a constant {@code x}, as ATen's {@code leaky_relu_backward}: a product,
     * so a slope of 0 still gives NaN for an infinite or NaN g; linear in {@code g}, so its rule is itself.
     */
    static Tensor scaleWhere(String name, Tensor g, DMatrixRMaj x, DoublePredicate keep, double otherwise) {
        DMatrixRMaj out = new DMatrixRMaj(g.rows(), g.cols());
        double[] gs = g.values().data;
        for (int i = 0; i < out.data.length; i++) {
            double gv = gs[i];
            out.data[i] = keep.test(x.data[i]) ? gv : gv * otherwise;
        }
        return Autograd.op(name, out, g, gg -> scaleWhere(name, gg, x, keep, otherwise));
    }

    /** ATen's sgn for reals: {@code (0 < v) - (v < 0)}, so ±0 and NaN give +0. */
    private static double sgn(double v) {
        return (v > 0 ? 1.0 : 0.0) - (v < 0 ? 1.0 : 0.0);
    }

    private static Tensor unary(String name, Tensor x, DoubleUnaryOperator f, GradFn rule) {
        return Autograd.op(name, map(x, f), x, rule);
    }
}
