package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** The messages of the error paths of the engine's extension points and settings. */
class EngineErrorsTest {

    @Test
    void aThreadCountThatIsNotANumberIsNamed() {
        String before = System.getProperty("ejgrad.threads");
        try {
            System.setProperty("ejgrad.threads", "two");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Workers::configured);
            assertEquals("ejgrad.threads must be a whole number, got 'two'", e.getMessage());
            System.setProperty("ejgrad.threads", "64");
            assertEquals(Runtime.getRuntime().availableProcessors(), Workers.configured(), "capped by the processors");
            System.setProperty("ejgrad.threads", "0");
            assertEquals(1, Workers.configured(), "at least one");
        } finally {
            if (before == null) {
                System.clearProperty("ejgrad.threads");
            } else {
                System.setProperty("ejgrad.threads", before);
            }
        }
    }

    @Test
    void anOpWithMoreInputsThanRulesIsRejected() {
        Tensor x = Tensor.row(1).requiresGrad(true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Autograd.op("twice", new DMatrixRMaj(1, 1), new Tensor[] {x, x}, new GradFn[] {g -> g}));
        assertEquals("twice: 2 inputs but 1 derivative rules", e.getMessage());
    }

    @Test
    void negativeGradCheckTolerancesAreRejected() {
        Tensor x = Tensor.row(1).requiresGrad(true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(in -> in[0].exp(), 1e-6, -1, 1e-3, x));
        assertEquals("GradCheck: need eps > 0, atol >= 0, rtol >= 0; got eps 1.0E-6, atol -1.0, rtol 0.001",
                e.getMessage());
    }
}
