package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The reproducers of issue 10, where ejgrad and libtorch disagreed. Expected values are libtorch's (PyTorch 1.13,
 * float64), compared bit for bit: signed zeros, NaN and infinities included.
 */
class TorchDisagreementsTest {

    @Test
    void logSoftmaxKeepsLogTwoAtLargeLogits() {
        assertArrayEquals(new double[] {-0.6931471805599453, -0.6931471805599453},
                flat(Tensor.row(1e5, 1e5).logSoftmax(1)));
        Tensor x = Tensor.row(1e17, 1e17).requiresGrad(true);
        Tensor y = x.logSoftmax(1);
        y.backward(Tensor.row(1, 0));
        assertArrayEquals(new double[] {-0.6931471805599453, -0.6931471805599453}, flat(y));
        assertArrayEquals(new double[] {0.5, -0.5}, flat(x.grad()));
        double[] log4 = {-1.3862943611198906, -1.3862943611198906, -1.3862943611198906, -1.3862943611198906};
        assertArrayEquals(log4, flat(Tensor.column(1e300, 1e300, 1e300, 1e300).logSoftmax(0)));
        assertArrayEquals(log4, flat(Tensor.row(1e300, 1e300, 1e300, 1e300).logSoftmax(1)));
    }

    @Test
    void reluBackwardPassesTheGradientAtNaN() {
        Tensor x = Tensor.row(Double.NaN, 1, -1).requiresGrad(true);
        x.relu().backward(Tensor.ones(1, 3));
        assertArrayEquals(new double[] {1, 1, 0}, flat(x.grad()));
    }

    @Test
    void absBackwardIsZeroAtNaNAndPositiveZeroTimesTheGradientAtZero() {
        Tensor x = Tensor.row(Double.NaN, -0.0, 0.0, 2, -3).requiresGrad(true);
        x.abs().backward(Tensor.row(1, 1, -1, 1, 1));
        assertArrayEquals(new double[] {0.0, 0.0, -0.0, 1, -1}, flat(x.grad()));
    }

    /** pow(x, p) and its gradient (upstream ones) at -0.0, 0.0, -inf, NaN and -2, for ATen's special exponents. */
    @Test
    void powFollowsAtensSpecialExponents() {
        double inf = Double.POSITIVE_INFINITY;
        double nan = Double.NaN;
        double[][] cases = {
            // p, then pow(x, p), then its gradient, at x = -0.0, 0.0, -inf, NaN, -2
            {0.5, -0.0, 0.0, nan, nan, nan, -inf, inf, nan, nan, nan},
            {-0.5, -inf, inf, nan, nan, nan, -inf, -inf, -0.0, nan, nan},
            {2, 0.0, 0.0, inf, nan, 4, -0.0, 0.0, -inf, nan, -4},
            {3, -0.0, 0.0, -inf, nan, -8, 0.0, 0.0, inf, nan, 12},
            {-1, -inf, inf, -0.0, nan, -0.5, -inf, -inf, -0.0, nan, -0.25},
            {-2, inf, inf, 0.0, nan, 0.25, inf, -inf, 0.0, nan, 0.25},
            {1.5, 0.0, 0.0, inf, nan, nan, -0.0, 0.0, nan, nan, nan},
            {0, 1, 1, 1, 1, 1, 0.0, 0.0, 0.0, 0.0, 0.0},
        };
        for (double[] c : cases) {
            Tensor x = Tensor.row(-0.0, 0.0, -inf, nan, -2).requiresGrad(true);
            Tensor y = x.pow(c[0]);
            y.backward(Tensor.ones(1, 5));
            assertArrayEquals(java.util.Arrays.copyOfRange(c, 1, 6), flat(y), "pow(x, " + c[0] + ")");
            assertArrayEquals(java.util.Arrays.copyOfRange(c, 6, 11), flat(x.grad()), "gradient of pow(x, " + c[0] + ")");
        }
    }

    /** Not one of the five of issue 10: a signed zero the differential test found. */
    @Test
    void clampKeepsNegativeZeroAtABoundOfZero() {
        assertArrayEquals(new double[] {-0.0, 0.0, 0.0, Double.NaN},
                flat(Tensor.row(-0.0, 0.0, -1, Double.NaN).clamp(0.0, 0.0)));
        assertArrayEquals(new double[] {-0.0, 0.0, -0.0, 1}, flat(Tensor.row(-0.0, 0.0, -2, 3).clamp(-0.0, 1)));
    }

    /**
     * Issue 13's differential test: with a correction larger than N, libtorch divides by max(0, N - correction)
     * (inf, or NaN for a zero sum of squares), while its gradient keeps 2/(N - correction).
     */
    @Test
    void varDividesByZeroWhenTheCorrectionExceedsN() {
        double inf = Double.POSITIVE_INFINITY;
        double nan = Double.NaN;
        Tensor x = Tensor.of(new double[][] {{1, 3}, {2, 2}}).requiresGrad(true);
        Tensor v = x.var(1, 3);
        v.backward(Tensor.ones(2, 1));
        assertArrayEquals(new double[] {inf, nan}, flat(v));
        assertArrayEquals(new double[] {2, -2, -0.0, -0.0}, flat(x.grad()));
        Tensor y = Tensor.of(new double[][] {{1, 3}, {2, 2}}).requiresGrad(true);
        Tensor s = y.std(1, 3);
        s.backward(Tensor.ones(2, 1));
        assertArrayEquals(new double[] {inf, nan}, flat(s));
        assertArrayEquals(new double[] {0.0, -0.0, nan, nan}, flat(y.grad()));
        assertArrayEquals(new double[] {nan}, flat(Tensor.scalar(5).var(0, 2)));
    }

    /** libtorch's std_backward masks the gradient to 0 where std = 0 (constant lines), rather than 0 · inf = NaN. */
    @Test
    void stdGradientIsZeroWhereTheStdIsZero() {
        Tensor x = Tensor.of(new double[][] {{1, 1}, {0, 0}}).requiresGrad(true);
        Tensor s = x.std(1, 0);
        s.backward(Tensor.ones(2, 1));
        assertArrayEquals(new double[] {0, 0}, flat(s));
        assertArrayEquals(new double[] {0, 0, 0, 0}, flat(x.grad()));
        Tensor y = Tensor.of(new double[][] {{2}}).requiresGrad(true);
        Tensor u = y.std(1, 1);
        u.backward(Tensor.ones(1, 1));
        assertArrayEquals(new double[] {Double.NaN}, flat(u));
        assertArrayEquals(new double[] {Double.NaN}, flat(y.grad()));
    }

    /** leaky_relu_backward multiplies by the slope, so a slope of 0 turns an infinite or NaN gradient into NaN. */
    @Test
    void leakyReluWithSlopeZeroMultipliesTheGradient() {
        double nan = Double.NaN;
        Tensor x = Tensor.row(-1, -0.0, 2).requiresGrad(true);
        x.leakyRelu(0).backward(Tensor.row(nan, Double.POSITIVE_INFINITY, nan));
        assertArrayEquals(new double[] {nan, nan, nan}, flat(x.grad()));
        Tensor y = Tensor.row(-1, 2).requiresGrad(true);
        y.relu().backward(Tensor.row(nan, 1));   // threshold_backward selects: 0
        assertArrayEquals(new double[] {0, 1}, flat(y.grad()));
    }

    /** C's pow at a base of ±1 (1, where Math.pow gives NaN), and the exponent gradient g · 0 at a base of 0. */
    @Test
    void powOfTensorsFollowsCAtBaseOneAndMultipliesTheExponentGradient() {
        double inf = Double.POSITIVE_INFINITY;
        double nan = Double.NaN;
        Tensor a = Tensor.row(1, 1, 1, -1, -1, nan, 2).requiresGrad(true);
        Tensor b = Tensor.row(nan, inf, -inf, inf, -inf, 0, nan).requiresGrad(true);
        Tensor y = a.pow(b);
        y.backward(Tensor.ones(1, 7));
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1, nan}, flat(y));
        assertArrayEquals(new double[] {nan, inf, -inf, inf, -inf, 0, nan}, flat(a.grad()));
        assertArrayEquals(new double[] {0, 0, 0, nan, nan, nan, nan}, flat(b.grad()));
        assertArrayEquals(new double[] {1, nan, 1}, flat(Tensor.row(1, -1, 1).pow(nan)));
        assertArrayEquals(new double[] {1, 1}, flat(Tensor.row(1, -1).pow(inf)));
        Tensor z = Tensor.row(0, 0).requiresGrad(true);
        Tensor e = Tensor.row(0.5, 2).requiresGrad(true);
        z.pow(e).backward(Tensor.row(inf, nan));
        assertArrayEquals(new double[] {inf, nan}, flat(z.grad()));
        assertArrayEquals(new double[] {nan, nan}, flat(e.grad()));
    }

    /** Row-major values. */
    static double[] flat(Tensor t) {
        double[] out = new double[t.numel()];
        for (int i = 0; i < t.rows(); i++) {
            for (int j = 0; j < t.cols(); j++) {
                out[i * t.cols() + j] = t.get(i, j);
            }
        }
        return out;
    }

    @Test
    void aSumOverASideOfOneStartsFromPositiveZero() {
        // torch: tensor([[-0.0, 1.0]]).sum(0) is [0.0, 1.0], and so is mean(0)
        Tensor x = Tensor.row(-0.0, 1.0);
        assertEquals(0L, Double.doubleToRawLongBits(x.sum(0).get(0, 0)));
        assertEquals(0L, Double.doubleToRawLongBits(x.mean(0).get(0, 0)));
        assertEquals(0L, Double.doubleToRawLongBits(x.t().sum(1).get(0, 0)));
    }
}
