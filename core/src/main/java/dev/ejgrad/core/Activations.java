package dev.ejgrad.core;

import static dev.ejgrad.core.ArithmeticOps.map;

import org.ejml.data.DMatrixRMaj;

/**
 * The activations that models beyond the MLP use: leaky ReLU, ELU, SiLU, GELU (exact and tanh) and hardtanh. Each
 * forward is ATen's kernel, each rule ATen's backward written with tensor ops; the piecewise-linear ones pass the
 * gradient through a constant mask ({@link UnaryOps#scaleWhere}), so their second derivative is zero.
 */
final class Activations {

    /** C's {@code M_SQRT1_2}, √(1/2). */
    private static final double SQRT1_2 = 0.70710678118654752440;
    /** C's {@code M_2_SQRTPI}, 2/√π. */
    private static final double TWO_OVER_SQRT_PI = 1.12837916709551257390;
    /** The normal density's 1/√(2π), as ATen's {@code M_2_SQRTPI * M_SQRT1_2 * 0.5}. */
    private static final double NORMAL_DENSITY = TWO_OVER_SQRT_PI * SQRT1_2 * 0.5;
    /** √(2/π), as ATen's {@code M_SQRT2 * M_2_SQRTPI * 0.5}. */
    private static final double TANH_BETA = 1.41421356237309504880 * TWO_OVER_SQRT_PI * 0.5;
    private static final double TANH_KAPPA = 0.044715;

    private Activations() {
    }

    static Tensor leakyRelu(Tensor x, double negativeSlope) {
        if (Double.isNaN(negativeSlope)) {
            throw new IllegalArgumentException("leakyRelu: negativeSlope is NaN");
        }
        // as ATen: x > 0 takes the identity, so ±0 takes the slope (value and gradient)
        return Autograd.op("leakyRelu", map(x, v -> v > 0 ? v : v * negativeSlope), x,
                g -> UnaryOps.scaleWhere("leakyReluBackward", g, x.values(), v -> v > 0, negativeSlope));
    }

    static Tensor elu(Tensor x, double alpha) {
        if (Double.isNaN(alpha)) {
            throw new IllegalArgumentException("elu: alpha is NaN");
        }
        return Autograd.op("elu", map(x, v -> v <= 0 ? Math.expm1(v) * alpha : v), x,
                g -> eluBackward(g, x, alpha));
    }

    /**
     * ATen's {@code elu_backward}: {@code x <= 0 ? g·α·e^x : g}. Its rule for {@code x} is ATen's
     * {@code elu_double_backward}, which keeps only {@code x < 0}: at 0 the first derivative is α·g, the second 0.
     */
    private static Tensor eluBackward(Tensor g, Tensor x, double alpha) {
        DMatrixRMaj out = new DMatrixRMaj(g.rows(), g.cols());
        double[] xs = x.values().data;
        double[] gs = g.values().data;
        for (int i = 0; i < out.data.length; i++) {
            double v = xs[i];
            double gv = gs[i];
            out.data[i] = v <= 0 ? gv * alpha * Math.exp(v) : gv;
        }
        return Autograd.op("eluBackward", out,
                g, gg -> eluBackward(gg, x, alpha),
                x, gg -> UnaryOps.keepWhere("eluDoubleBackward", gg.mul(g).mul(alpha).mul(x.exp()), x.values(),
                        v -> v < 0));
    }

    static Tensor silu(Tensor x) {
        Tensor out = map(x, v -> v / (1 + Math.exp(-v)));
        // as ATen's silu_backward: g · σ · (1 + x · (1 - σ))
        return Autograd.op("silu", out, x, g -> {
            Tensor s = x.sigmoid();
            return g.mul(s).mul(x.mul(s.neg().add(1)).add(1));
        });
    }

    static Tensor gelu(Tensor x) {
        Tensor out = map(x, v -> v * 0.5 * (1 + Erf.erf(v * SQRT1_2)));
        // as ATen's gelu_backward: g · (Φ(x) + x · φ(x))
        return Autograd.op("gelu", out, x, g -> {
            Tensor cdf = x.mul(SQRT1_2).erf().add(1).mul(0.5);
            Tensor pdf = x.mul(x).mul(-0.5).exp().mul(NORMAL_DENSITY);
            return g.mul(cdf.add(x.mul(pdf)));
        });
    }

    static Tensor geluTanh(Tensor x) {
        Tensor out = map(x, v -> {
            double inner = TANH_BETA * (v + TANH_KAPPA * (v * v * v));
            return 0.5 * v * (1 + Math.tanh(inner));
        });
        // as ATen's gelu_backward with approximate='tanh'
        return Autograd.op("geluTanh", out, x, g -> {
            Tensor xSquared = x.mul(x);
            Tensor inner = x.add(xSquared.mul(x).mul(TANH_KAPPA)).mul(TANH_BETA);
            Tensor tanh = inner.tanh();
            Tensor left = x.mul(0.5);
            Tensor right = tanh.add(1);
            Tensor leftDerivative = right.mul(0.5);
            Tensor tanhDerivative = tanh.mul(tanh).neg().add(1);
            Tensor innerDerivative = xSquared.mul(3 * TANH_KAPPA).add(1).mul(TANH_BETA);
            Tensor rightDerivative = left.mul(tanhDerivative).mul(innerDerivative);
            return g.mul(leftDerivative.add(rightDerivative));
        });
    }

    static Tensor hardtanh(Tensor x, double min, double max) {
        if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
            throw new IllegalArgumentException("hardtanh: need min <= max, got min " + min + " and max " + max);
        }
        // unlike clamp, no gradient at the bounds themselves (ATen's hardtanh_backward); NaN passes it
        return Autograd.op("hardtanh", map(x, v -> v < min ? min : v > max ? max : v), x,
                g -> UnaryOps.keepWhere("hardtanhBackward", g, x.values(), v -> !(v <= min || v >= max)));
    }
}
