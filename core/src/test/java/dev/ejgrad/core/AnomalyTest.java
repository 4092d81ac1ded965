package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AnomalyTest {

    @Test
    void withoutDetectionNonFiniteValuesPassSilently() {
        Tensor y = Tensor.row(0, 1).log();
        assertEquals(Double.NEGATIVE_INFINITY, y.get(0, 0));
    }

    @Test
    void aNonFiniteForwardNamesTheOpItsInputsTheElementAndTheCallersLine() {
        Tensor x = Tensor.of(new double[][] {{1, 2}, {0, 3}}).requiresGrad(true);
        try (Anomaly scope = Anomaly.detect()) {
            Tensor h = x.mul(2);
            AnomalyException e = assertThrows(AnomalyException.class, () -> h.log());
            assertEquals("log", e.op());
            assertTrue(e.getMessage().startsWith("log: the forward output has -Infinity at (1, 0); inputs 2x2;"),
                    e.getMessage());
            assertTrue(e.site().startsWith("dev.ejgrad.core.AnomalyTest.lambda$"), e.site());
            assertTrue(e.site().contains("AnomalyTest.java:"), e.site());
        }
    }

    @Test
    void aNonFiniteGradientIsCaughtInTheBackwardOfTheOpThatMadeIt() {
        Tensor x = Tensor.row(4, 0).requiresGrad(true);
        try (Anomaly scope = Anomaly.detect()) {
            Tensor loss = x.sqrt().sum();     // sqrt(0) = 0 is finite; its gradient 1/(2·0) is not
            AnomalyException e = assertThrows(AnomalyException.class, loss::backward);
            assertEquals("sqrt", e.op());
            assertTrue(e.getMessage().contains("the backward's gradient for input 0 has Infinity at (0, 1)"),
                    e.getMessage());
            assertTrue(e.site().startsWith("dev.ejgrad.core.AnomalyTest.aNonFiniteGradientIsCaught"), e.site());
        }
    }

    @Test
    void scopesNestAndArePerThread() throws InterruptedException {
        try (Anomaly outer = Anomaly.detect()) {
            try (Anomaly inner = Anomaly.detect()) {
                assertTrue(Anomaly.isEnabled());
            }
            assertTrue(Anomaly.isEnabled());
            boolean[] other = new boolean[1];
            Thread t = new Thread(() -> other[0] = Anomaly.isEnabled());
            t.start();
            t.join();
            assertFalse(other[0]);
        }
        assertFalse(Anomaly.isEnabled());
        assertTrue(NoGrad.isGradEnabled(), "anomaly scopes leave grad mode alone");
    }
}
