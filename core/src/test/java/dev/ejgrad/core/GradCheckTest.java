package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** GradCheck itself: it catches a wrong rule, names the element, and leaves its inputs alone. */
class GradCheckTest {

    /** x² whose rule is off by a factor of 1.01 on element (1, 2) only. */
    private static Tensor squareWithABug(Tensor x) {
        DMatrixRMaj v = Autograd.valuesOf(x);
        DMatrixRMaj out = v.copy();
        for (int i = 0; i < out.data.length; i++) {
            out.data[i] = v.data[i] * v.data[i];
        }
        DMatrixRMaj factor = new DMatrixRMaj(x.rows(), x.cols());
        factor.fill(2);
        factor.data[1 * 3 + 2] = 2 * 1.01;
        return Autograd.op("buggySquare", out, x, g -> g.mul(x).mul(Tensor.from(factor)));
    }

    @Test
    void aWrongRuleFailsAndTheResultNamesTheElementAndBothValues() {
        Tensor x = Tensor.of(2, 3, 1, 2, 3, 4, 5, 6).requiresGrad(true);
        GradCheck.Result r = GradCheck.check(in -> squareWithABug(in[0]), x);
        assertFalse(r.passed());
        assertEquals(0, r.input());
        assertEquals(5, r.element());
        assertEquals(12.12, r.analytic(), 1e-9);
        assertEquals(12.0, r.numeric(), 1e-6);
        assertTrue(r.toString().contains("FAILED") && r.toString().contains("element (1, 2)"), r.toString());
        AssertionError e = assertThrows(AssertionError.class, () -> GradCheck.assertPasses(in -> squareWithABug(in[0]), x));
        assertEquals(r.toString(), e.getMessage());
    }

    @Test
    void aCorrectRulePassesAndInputsAreLeftUntouched() {
        Tensor x = Tensor.of(2, 2, 1, -2, 3, -4).requiresGrad(true);
        GradCheck.Result r = GradCheck.check(in -> in[0].mul(in[0]).tanh(), x);
        assertTrue(r.passed(), r.toString());
        assertNull(x.grad(), "GradCheck evaluates on copies");
        assertEquals(-2, x.get(0, 1));
    }

    @Test
    void nothingToCheckIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check(in -> in[0].exp(), Tensor.row(1)));
    }
}
