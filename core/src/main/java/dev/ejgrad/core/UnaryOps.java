package dev.ejgrad.core;

import static dev.ejgrad.core.ArithmeticOps.map;
import static dev.ejgrad.core.ArithmeticOps.zip;

import java.util.function.DoubleUnaryOperator;
import org.ejml.data.DMatrixRMaj;

/**
 * Elementwise functions. Each forward is one line of math and each rule the matching line of ATen's derivatives, so
 * that edge values (0, ±inf, the softplus threshold, clamp bounds) come out as libtorch's.
 */
final class UnaryOps {

    private UnaryOps() {
    }

    static Tensor neg(Tensor x) {
        return ArithmeticOps.neg(x);
    }

    static Tensor exp(Tensor x) {
        DMatrixRMaj out = new DMatrixRMaj(x.rows(), x.cols());
        Kernels.get().exp(x.data, out);
        return Autograd.op("exp", out, x, g -> zip(g, out, (gv, e) -> gv * e));
    }

    static Tensor log(Tensor x) {
        return unary("log", x, Math::log, g -> zip(g, x.data, (gv, v) -> gv / v));
    }

    static Tensor sqrt(Tensor x) {
        DMatrixRMaj out = map(x.data, Math::sqrt);
        return Autograd.op("sqrt", out, x, g -> zip(g, out, (gv, s) -> gv / (2 * s)));
    }

    static Tensor abs(Tensor x) {
        // g·sgn(x) with ATen's sgn, (0 < x) - (x < 0): +0.0 at ±0 and at NaN (Math.signum gives ±0 and NaN)
        return unary("abs", x, Math::abs, g -> zip(g, x.data, (gv, v) -> gv * (v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0)));
    }

    static Tensor pow(Tensor x, double p) {
        if (p == 0) {
            // as ATen's pow_backward: exponent 0 has gradient 0 everywhere, even where x^-1 is infinite
            return unary("pow", x, v -> 1.0, g -> new DMatrixRMaj(g.numRows, g.numCols));
        }
        return unary("pow", x, v -> atenPow(v, p), g -> zip(g, x.data, (gv, v) -> gv * (p * atenPow(v, p - 1))));
    }

    /**
     * x^p as ATen's pow kernel: exponents 0.5, -0.5, -1, 2, 3 and -2 run as sqrt, 1/sqrt, 1/x, x·x, x·x·x and
     * 1/(x·x), which differ from Math.pow at -0.0 (sqrt(-0.0) = -0.0, 1/sqrt(-0.0) = -inf), at -inf (sqrt(-inf) is
     * NaN) and in the last bit.
     */
    private static double atenPow(double v, double p) {
        if (p == 0.5) {
            return Math.sqrt(v);
        } else if (p == -0.5) {
            return 1 / Math.sqrt(v);
        } else if (p == -1) {
            return 1 / v;
        } else if (p == 2) {
            return v * v;
        } else if (p == 3) {
            return v * v * v;
        } else if (p == -2) {
            return 1 / (v * v);
        }
        return Math.pow(v, p);
    }

    static Tensor sigmoid(Tensor x) {
        // 1/(1+e^-x) is finite for every x: e^-x overflows to inf only where the result is 0
        DMatrixRMaj out = map(x.data, v -> 1 / (1 + Math.exp(-v)));
        return Autograd.op("sigmoid", out, x, g -> zip(g, out, (gv, s) -> gv * (1 - s) * s));
    }

    static Tensor tanh(Tensor x) {
        DMatrixRMaj out = new DMatrixRMaj(x.rows(), x.cols());
        Kernels.get().tanh(x.data, out);
        return Autograd.op("tanh", out, x, g -> zip(g, out, (gv, t) -> gv * (1 - t * t)));
    }

    static Tensor relu(Tensor x) {
        // x < 0 ? 0 : x keeps relu(-0.0) = -0.0 and NaN, as libtorch; the gradient passes where the output is not
        // <= 0 (> 0 or NaN)
        Kernels k = Kernels.get();
        DMatrixRMaj out = new DMatrixRMaj(x.rows(), x.cols());
        k.relu(x.data, out);
        return Autograd.op("relu", out, x, g -> {
            DMatrixRMaj gx = new DMatrixRMaj(g.numRows, g.numCols);
            k.reluBackward(g, out, gx);
            return gx;
        });
    }

    static Tensor logSigmoid(Tensor x) {
        return unary("logSigmoid", x, v -> Math.min(v, 0) - Math.log1p(Math.exp(-Math.abs(v))),
                g -> zip(g, x.data, (gv, v) -> {
                    double z = Math.exp(-Math.abs(v));
                    return v < 0 ? gv * (1 - z / (1 + z)) : gv * (z / (1 + z));
                }));
    }

    static Tensor softplus(Tensor x) {
        // above the threshold 20, x itself: log1p(e^x) would differ from x in the last digits
        return unary("softplus", x, v -> v > 20 ? v : Math.log1p(Math.exp(v)),
                g -> zip(g, x.data, (gv, v) -> {
                    double z = Math.exp(v);
                    return v > 20 ? gv : gv * z / (z + 1);
                }));
    }

    static Tensor clamp(Tensor x, double min, double max) {
        if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
            throw new IllegalArgumentException("clamp: need min <= max, got min " + min + " and max " + max);
        }
        // the gradient passes at the bounds themselves, as libtorch's clamp_backward
        // compared as std::min(std::max(x, min), max) in ATen's kernel, so that -0.0 at a bound of 0.0 stays -0.0
        // (Math.max(-0.0, 0.0) is 0.0); NaN stays NaN
        return unary("clamp", x, v -> v < min ? min : v > max ? max : v,
                g -> zip(g, x.data, (gv, v) -> v >= min && v <= max ? gv : 0.0));
    }

    private static Tensor unary(String name, Tensor x, DoubleUnaryOperator f, GradFn rule) {
        return Autograd.op(name, map(x.data, f), x, rule);
    }
}
