package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** createGraph, Autograd.grad and GradCheck's second-order check (the ops' zero second derivatives: OpGradientTest). */
class HigherOrderTest {

    @Test
    void aRecordedBackwardGivesGradientsThatDifferentiateAgain() {
        Tensor x = Tensor.row(1, 2, 3).requiresGrad(true);
        x.pow(3).sum().backward(Tensor.scalar(1), true, true);
        Tensor first = x.grad();
        assertArrayEquals(new double[] {3, 12, 27}, first.toArray()[0]);
        assertTrue(first.requiresGrad() && !first.isLeaf(), "the gradient has a history");
        x.zeroGrad();
        first.sum().backward();
        assertArrayEquals(new double[] {6, 12, 18}, x.grad().toArray()[0]);
    }

    @Test
    void aPlainBackwardRecordsNothing() {
        Tensor x = Tensor.row(1, 2, 3).requiresGrad(true);
        x.exp().mul(x).sum().backward();
        assertFalse(x.grad().requiresGrad());
        assertTrue(x.grad().isLeaf());
    }

    @Test
    void gradReturnsGradientsInOrderAndTouchesNoGrad() {
        Tensor a = Tensor.row(1, 2).requiresGrad(true);
        Tensor b = Tensor.row(3, 4).requiresGrad(true);
        Tensor unused = Tensor.of(2, 2, 1, 1, 1, 1).requiresGrad(true);
        Tensor y = a.mul(b).sum();
        List<Tensor> g = Autograd.grad(y, List.of(b, a, unused));
        assertArrayEquals(new double[] {1, 2}, g.get(0).toArray()[0]);
        assertArrayEquals(new double[] {3, 4}, g.get(1).toArray()[0]);
        assertArrayEquals(new double[][] {{0, 0}, {0, 0}}, g.get(2).toArray(), "zeros for an unused input");
        assertNull(a.grad());
        assertNull(b.grad());
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> Autograd.grad(y, List.of(a)));
        assertTrue(again.getMessage().contains("second time"), again.getMessage());
    }

    @Test
    void gradOfANonLeafAndWithASeed() {
        Tensor x = Tensor.row(1, 2).requiresGrad(true);
        Tensor h = x.mul(3);
        Tensor y = h.exp();
        Tensor seed = Tensor.row(2, 5);
        Tensor gh = Autograd.grad(y, List.of(h), seed, false).get(0);
        assertEquals(2 * Math.exp(3), gh.get(0, 0), 1e-12);
        assertEquals(5 * Math.exp(6), gh.get(0, 1), 1e-9);
    }

    @Test
    void gradRejectsBadCallsByName() {
        Tensor x = Tensor.row(1, 2).requiresGrad(true);
        Tensor constant = Tensor.row(1, 2);
        Tensor y = x.mul(x);
        IllegalArgumentException noGrad = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(y.sum(), List.of(x, constant)));
        assertTrue(noGrad.getMessage().contains("input 1 (1x2) does not require grad"), noGrad.getMessage());
        IllegalArgumentException noHistory = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(constant.sum(), List.of(x)));
        assertTrue(noHistory.getMessage().contains("does not require grad"), noHistory.getMessage());
        IllegalArgumentException notScalar = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(y, List.of(x)));
        assertTrue(notScalar.getMessage().contains("scalar outputs; the output is 1x2"), notScalar.getMessage());
        IllegalArgumentException badSeed = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(y, List.of(x), Tensor.scalar(1), false));
        assertTrue(badSeed.getMessage().contains("gradOutput has shape 1x1 but the output has shape 1x2"),
                badSeed.getMessage());
    }

    /** x² computed by hand, whose rule uses a detached x: right to first order, silent to second. */
    private static Tensor squareWithAConstantRule(Tensor x) {
        DMatrixRMaj v = Autograd.valuesOf(x);
        DMatrixRMaj out = new DMatrixRMaj(v.numRows, v.numCols);
        for (int i = 0; i < v.data.length; i++) {
            out.data[i] = v.data[i] * v.data[i];
        }
        return Autograd.op("square", out, x, g -> g.mul(x.detach().mul(2)));
    }

    @Test
    void gradGradCheckCatchesARuleThatIsNotDifferentiable() {
        Tensor x = Tensor.of(2, 2, 0.5, -1, 1.5, 2).requiresGrad(true);
        assertTrue(GradCheck.check(in -> squareWithAConstantRule(in[0]), x).passed(), "first order is right");
        GradCheck.Result r = GradCheck.checkGradGrad(in -> squareWithAConstantRule(in[0]), x);
        assertFalse(r.passed(), r.toString());
        assertTrue(r.toString().contains("input 0 (2x2)"), r.toString());
        assertThrows(AssertionError.class,
                () -> GradCheck.assertGradGradPasses(in -> squareWithAConstantRule(in[0]), x));
        GradCheck.assertGradGradPasses(in -> in[0].mul(in[0]), x);
    }

    @Test
    void aBroadcastInputsSecondDerivativeSumsBack() {
        // d²/db² of Σ (a + b)³ with b 1x2 broadcast over 3 rows: 6·Σ_rows (a + b) · v
        Tensor a = Tensor.of(3, 2, 1, 2, 3, 4, 5, 6);
        Tensor b = Tensor.row(0.5, -0.5);
        Tensor h = Derivatives.hvp(t -> a.add(t).pow(3).sum(), b, Tensor.row(1, 2));
        assertArrayEquals(new double[] {6 * (1.5 + 3.5 + 5.5), 6 * (1.5 + 3.5 + 5.5) * 2}, h.toArray()[0], 1e-12);
    }
}
