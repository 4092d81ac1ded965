package dev.ejgrad.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The relationships between PyTorch's four cross-entropy variants, value and gradient. */
class LossIdentityTest {

    private static void assertSame(Tensor expected, Tensor actual, double tol, String what) {
        assertEquals(expected.rows(), actual.rows(), what + " rows");
        assertEquals(expected.cols(), actual.cols(), what + " cols");
        for (int i = 0; i < expected.rows(); i++) {
            for (int j = 0; j < expected.cols(); j++) {
                assertEquals(expected.get(i, j), actual.get(i, j), tol * Math.max(1, Math.abs(expected.get(i, j))),
                        what + " at (" + i + ", " + j + ")");
            }
        }
    }

    @Test
    void crossEntropyIsNllOfLogSoftmax() {
        int[] t = {2, 0, 1, 1, 3, 0};
        for (Reduction r : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
            Tensor z1 = Tensor.randn(6, 4, new Random(3)).mul(3).detach().requiresGrad(true);
            Tensor z2 = z1.detach().requiresGrad(true);
            Tensor w = Tensor.row(1, 2, 0.5, 1.5);
            Tensor fused = new CrossEntropyLoss().reduction(r).weight(w).forward(z1, t);
            Tensor composed = new NLLLoss().reduction(r).weight(w).forward(z2.logSoftmax(1), t);
            assertSame(composed, fused, 1e-14, r + " value");
            Tensor seed = Tensor.ones(fused.rows(), fused.cols());
            fused.backward(seed);
            composed.backward(seed);
            assertSame(z2.grad(), z1.grad(), 1e-14, r + " gradient");
        }
    }

    @Test
    void bceWithLogitsIsBceOfSigmoidForModerateLogits() {
        Tensor z1 = Tensor.rand(5, 3, new Random(4)).mul(19.8).sub(9.9).detach().requiresGrad(true);  // |z| < 10
        Tensor z2 = z1.detach().requiresGrad(true);
        Tensor y = Tensor.rand(5, 3, new Random(8)).detach();
        Tensor fused = new BCEWithLogitsLoss().forward(z1, y);
        Tensor composed = new BCELoss().forward(z2.sigmoid(), y);
        assertEquals(composed.item(), fused.item(), 1e-12);
        fused.backward();
        composed.backward();
        assertSame(z2.grad(), z1.grad(), 1e-9, "gradient");
    }

    @Test
    void atExtremeLogitsTheFusedFormIsExactWhereTheComposedOneSaturates() {
        Tensor z1 = Tensor.row(1000, -1000).requiresGrad(true);
        Tensor z2 = z1.detach().requiresGrad(true);
        Tensor y = Tensor.row(0, 1);   // both confidently wrong by 1000
        Tensor fused = new BCEWithLogitsLoss().reduction(Reduction.SUM).forward(z1, y);
        Tensor composed = new BCELoss().reduction(Reduction.SUM).forward(z2.sigmoid(), y);
        assertEquals(2000, fused.item(), 0, "exact: each term costs |z| = 1000");
        assertEquals(200, composed.item(), 0, "each log clamps at -100");
        fused.backward();
        composed.backward();
        assertEquals(1, z1.grad().get(0, 0), 0, "σ(1000) - 0");
        assertEquals(-1, z1.grad().get(0, 1), 0, "σ(-1000) - 1");
        assertEquals(0, z2.grad().get(0, 0), 0, "the saturated sigmoid passes no gradient");
        assertEquals(0, z2.grad().get(0, 1), 0);
        assertTrue(Double.isFinite(composed.item()));
    }

    @Test
    void crossEntropyOfProbabilityTargetsIsEntropyPlusKl() {
        Tensor z = Tensor.randn(4, 5, new Random(9)).mul(2).detach();
        Tensor p = Tensor.rand(4, 5, new Random(10)).add(0.05).softmax(1).detach();
        double ce = new CrossEntropyLoss().reduction(Reduction.SUM).forward(z, p).item();
        double kl = new KLDivLoss().reduction(Reduction.SUM).forward(z.logSoftmax(1), p).item();
        double entropy = p.mul(p.log()).sum().neg().item();
        assertEquals(ce, entropy + kl, 1e-12);
    }
}
