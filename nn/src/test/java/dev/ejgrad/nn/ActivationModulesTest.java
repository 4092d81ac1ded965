package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.GradCheck;
import dev.ejgrad.core.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The activation modules: PyTorch's defaults, their Functional counterparts, gradchecks and argument checks. */
class ActivationModulesTest {

    /** Values at least 0.05 from 0, ±1, -0.5, 1.5 and from softplus's switch, so central differences are smooth. */
    private static Tensor input() {
        return Tensor.of(new double[][] {{-2.3, -0.7, 0.3}, {0.8, 1.2, -1.3}, {2.1, -0.2, 0.6}, {3.4, -3.1, 0.1}})
                .requiresGrad(true);
    }

    private static List<Module> modules() {
        return List.of(new GELU(), new GELU(GELU.Approximation.TANH), new LeakyReLU(), new LeakyReLU(0.2),
                new ELU(), new ELU(0.7), new SiLU(), new Softplus(), new Softplus(2, 5), new Softplus(0.5, 1),
                new Hardtanh(), new Hardtanh(-0.5, 1.5));
    }

    @Test
    void defaultsArePyTorchs() {
        assertEquals(0.01, new LeakyReLU().negativeSlope());
        assertEquals(1.0, new ELU().alpha());
        assertEquals(1.0, new Softplus().beta());
        assertEquals(20.0, new Softplus().threshold());
        assertEquals(-1.0, new Hardtanh().minVal());
        assertEquals(1.0, new Hardtanh().maxVal());
        assertEquals(GELU.Approximation.NONE, new GELU().approximation());
        Tensor x = input();
        assertArrayEquals(x.gelu().toArray(), new GELU().forward(x).toArray());
        assertArrayEquals(x.geluTanh().toArray(), new GELU(GELU.Approximation.TANH).forward(x).toArray());
        assertArrayEquals(x.leakyRelu(0.01).toArray(), new LeakyReLU().forward(x).toArray());
        assertArrayEquals(x.elu(1).toArray(), new ELU().forward(x).toArray());
        assertArrayEquals(x.softplus().toArray(), new Softplus().forward(x).toArray());
        assertArrayEquals(x.hardtanh(-1, 1).toArray(), new Hardtanh().forward(x).toArray());
        assertArrayEquals(x.silu().toArray(), Functional.silu(x).toArray());
        assertArrayEquals(x.gelu().toArray(), Functional.gelu(x).toArray());
        // the two GELU forms differ, so the option is really passed on
        double exact = new GELU().forward(Tensor.scalar(1.5)).item();
        double tanh = new GELU(GELU.Approximation.TANH).forward(Tensor.scalar(1.5)).item();
        assertTrue(exact != tanh && Math.abs(exact - tanh) < 1e-3, exact + " vs " + tanh);
    }

    @Test
    void everyActivationModuleIsGradcheckedTwice() {
        for (Module m : modules()) {
            Tensor x = input();
            // a non-trivial upstream: the output goes through a square and weights before it is summed
            Tensor w = Tensor.randn(4, 3, new Random(8));
            try {
                GradCheck.assertPasses(xs -> m.forward(xs[0]).add(0.5).square().mul(w).sum(), x);
                GradCheck.assertGradGradPasses(xs -> m.forward(xs[0]), x);
            } catch (AssertionError e) {
                throw new AssertionError(m + ": " + e.getMessage(), e);
            }
            assertEquals(0, m.parameters().size(), m + " has no parameters");
        }
    }

    @Test
    void badOptionsAreRefusedWithTheModulesName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Hardtanh(1, 1));
        assertEquals("Hardtanh: maxVal must be greater than minVal, got minVal=1.0, maxVal=1.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Hardtanh(Double.NaN, 1));
        e = assertThrows(IllegalArgumentException.class, () -> new Softplus(0, 20));
        assertTrue(e.getMessage().startsWith("Softplus: beta must be positive"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Softplus(1, Double.NaN));
        e = assertThrows(IllegalArgumentException.class, () -> new LeakyReLU(Double.NaN));
        assertEquals("LeakyReLU: negativeSlope must be finite, got NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ELU(Double.POSITIVE_INFINITY));
        assertEquals("ELU: alpha must be finite, got Infinity", e.getMessage());
    }
}
