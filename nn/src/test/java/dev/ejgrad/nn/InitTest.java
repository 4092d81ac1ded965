package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.Init.FanMode;
import dev.ejgrad.nn.Init.Nonlinearity;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Init as torch.nn.init: gains and bounds exactly, the distributions statistically (moments of a few thousand draws,
 * with margins of about 4 standard errors), the draws seeded and in row-major order.
 */
class InitTest {

    private static Tensor param(int rows, int cols) {
        return Tensor.zeros(rows, cols).requiresGrad(true);
    }

    private static double[] values(Tensor t) {
        return t.toMatrix().data;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double std(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /** Uniform on [-bound, bound]: every value inside, the extremes near the bound, the sd bound/√3. */
    private static void assertUniform(Tensor t, double bound) {
        double[] v = values(t);
        assertTrue(maxAbs(v) <= bound, "within ±" + bound);
        assertTrue(maxAbs(v) > 0.99 * bound, "reaches near ±" + bound);
        assertEquals(0, mean(v), 4 * bound / Math.sqrt(3 * v.length));
        assertEquals(bound / Math.sqrt(3), std(v), 0.05 * bound / Math.sqrt(3));
    }

    private static void assertNormal(Tensor t, double sd) {
        double[] v = values(t);
        assertEquals(0, mean(v), 4 * sd / Math.sqrt(v.length));
        assertEquals(sd, std(v), 0.05 * sd);
    }

    @Test
    void gainsAreTorchs() {
        assertEquals(1, Init.calculateGain(Nonlinearity.LINEAR));
        assertEquals(1, Init.calculateGain(Nonlinearity.CONV2D));
        assertEquals(1, Init.calculateGain(Nonlinearity.CONV_TRANSPOSE3D));
        assertEquals(1, Init.calculateGain(Nonlinearity.SIGMOID));
        assertEquals(5.0 / 3, Init.calculateGain(Nonlinearity.TANH));
        assertEquals(Math.sqrt(2), Init.calculateGain(Nonlinearity.RELU));
        assertEquals(0.75, Init.calculateGain(Nonlinearity.SELU));
        assertEquals(Math.sqrt(2 / (1 + 0.01 * 0.01)), Init.calculateGain(Nonlinearity.LEAKY_RELU));
        assertEquals(Math.sqrt(2 / 1.04), Init.calculateGain(Nonlinearity.LEAKY_RELU, 0.2));
        // torch.nn.init.calculate_gain('leaky_relu', 0.2) = 1.3867504905630728
        assertEquals(1.3867504905630728, Init.calculateGain(Nonlinearity.LEAKY_RELU, 0.2), 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Init.calculateGain(Nonlinearity.TANH, 0.2));
        assertEquals("calculateGain: only LEAKY_RELU takes a parameter, got TANH with param 0.2", e.getMessage());
    }

    @Test
    void constantsAndZerosAndOnes() {
        Tensor p = param(3, 2);
        assertSame(p, Init.constant(p, 0.25));
        assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25, 0.25, 0.25}, values(p));
        Init.ones(p);
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, values(p));
        Init.zeros(p);
        assertArrayEquals(new double[6], values(p));
        assertTrue(p.requiresGrad() && p.isLeaf());
    }

    @Test
    void uniformAndNormalAreSeededRowMajorAndHaveTheirMoments() {
        Tensor u = Init.uniform(param(60, 50), -2, 3, new Random(4));
        Random r = new Random(4);
        assertEquals(-2 + 5 * r.nextDouble(), u.get(0, 0), 0);
        assertEquals(-2 + 5 * r.nextDouble(), u.get(0, 1), 0);
        double[] v = values(u);
        assertEquals(0.5, mean(v), 4 * 5 / Math.sqrt(12 * v.length));
        assertEquals(5 / Math.sqrt(12), std(v), 0.05);
        for (double x : v) {
            assertTrue(x >= -2 && x < 3);
        }
        Tensor n = Init.normal(param(60, 50), 1.5, 0.5, new Random(5));
        r = new Random(5);
        assertEquals(1.5 + 0.5 * r.nextGaussian(), n.get(0, 0), 0);
        assertEquals(1.5, mean(values(n)), 4 * 0.5 / Math.sqrt(3000));
        assertEquals(0.5, std(values(n)), 0.025);
        double[] d = values(Init.uniform(param(40, 40), new Random(1)));
        assertEquals(0.5, mean(d), 0.03, "default U(0, 1)");
        assertEquals(1, std(values(Init.normal(param(40, 40), new Random(1)))), 0.05, "default N(0, 1)");
        assertThrows(IllegalArgumentException.class, () -> Init.uniform(param(2, 2), 1, 0, new Random(1)));
        assertThrows(IllegalArgumentException.class, () -> Init.normal(param(2, 2), 0, -1, new Random(1)));
    }

    @Test
    void xavierUsesBothFans() {
        // weight out x in = 30 x 70: fan_in 70, fan_out 30
        Tensor w = Init.xavierUniform(param(30, 70), new Random(2));
        assertUniform(w, Math.sqrt(6.0 / 100));
        assertUniform(Init.xavierUniform(param(30, 70), 2.0, new Random(3)), 2 * Math.sqrt(6.0 / 100));
        assertNormal(Init.xavierNormal(param(30, 70), new Random(4)), Math.sqrt(2.0 / 100));
        assertNormal(Init.xavierNormal(param(30, 70), 5.0 / 3, new Random(5)), 5.0 / 3 * Math.sqrt(2.0 / 100));
    }

    @Test
    void kaimingUsesTheChosenFanAndGain() {
        // torch defaults: a = 0, fan_in, leaky_relu → gain √2, bound √(6 / fan_in)
        assertUniform(Init.kaimingUniform(param(40, 90), new Random(6)), Math.sqrt(6.0 / 90));
        assertUniform(Init.kaimingUniform(param(40, 90), 0, FanMode.FAN_OUT, Nonlinearity.RELU, new Random(7)),
                Math.sqrt(6.0 / 40));
        assertNormal(Init.kaimingNormal(param(40, 90), new Random(8)), Math.sqrt(2.0 / 90));
        assertNormal(Init.kaimingNormal(param(40, 90), 0, FanMode.FAN_OUT, Nonlinearity.TANH, new Random(9)),
                5.0 / 3 / Math.sqrt(40));
        // Linear's init is kaiming_uniform with a = √5: bound 1/√in
        Tensor w = Init.kaimingUniform(param(40, 90), Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU,
                new Random(10));
        Random r = new Random(10);
        double bound = 1 / Math.sqrt(90);
        assertEquals(-bound + 2 * bound * r.nextDouble(), w.get(0, 0), 1e-16);
        assertUniform(w, bound);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Init.kaimingNormal(param(2, 2), 0.1, FanMode.FAN_IN, Nonlinearity.RELU, new Random(1)));
        assertEquals("Init.kaimingNormal: a is the negative slope of LEAKY_RELU and must be 0 for RELU, got 0.1",
                e.getMessage());
    }

    @Test
    void initWorksInPlaceOnAParameterAndKeepsItsGradient() {
        Linear layer = new Linear(3, 2, true, new Random(0));
        layer.forward(Tensor.ones(1, 3)).sum().backward();
        double[] grad = values(layer.weight().grad());
        Tensor w = layer.weight();
        Init.xavierNormal(w, new Random(1));
        assertSame(w, layer.weight());
        assertArrayEquals(grad, values(layer.weight().grad()));
        Init.zeros(layer.bias());
        assertArrayEquals(new double[2], values(layer.bias()));
        assertArrayEquals(new double[] {0, 0}, values(layer.forward(Tensor.zeros(1, 3))));
        // an op's result is not a parameter
        assertThrows(IllegalStateException.class, () -> Init.ones(w.mul(2)));
        assertNull(new Linear(2, 2, false, new Random(0)).bias());
    }
}
