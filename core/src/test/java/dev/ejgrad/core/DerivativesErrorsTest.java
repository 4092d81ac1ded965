package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Derivatives and checkGradGrad refuse bad calls with messages naming the function and the shapes. */
class DerivativesErrorsTest {

    private final Tensor x = Tensor.row(1, 2, 3);

    private static void rejects(String message, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
    }

    @Test
    void shapesOfVAndOfTheResultAreChecked() {
        rejects("hessian: f must return a 1x1 tensor, got 1x3", () -> Derivatives.hessian(t -> t.exp(), x));
        rejects("hvp: f must return a 1x1 tensor, got 1x3", () -> Derivatives.hvp(t -> t.exp(), x, x));
        rejects("vjp: v has shape 1x3 but f(x) has shape 1x1", () -> Derivatives.vjp(t -> t.sum(), x, x));
        rejects("jvp: v has shape 1x1 but x has shape 1x3", () -> Derivatives.jvp(t -> t.exp(), x, Tensor.scalar(1)));
        rejects("vhp: v has shape 3x1 but x has shape 1x3",
                () -> Derivatives.vhp(t -> t.pow(2).sum(), x, Tensor.column(1, 2, 3)));
    }

    @Test
    void aResultThatDoesNotDependOnTheArgumentIsRefused() {
        rejects("jacobian: f's result does not depend on its argument (or was computed under NoGrad or from a "
                + "detached copy)", () -> Derivatives.jacobian(t -> Tensor.ones(2, 2), x));
    }

    @Test
    void checkGradGradNeedsAnInputThatRequiresGrad() {
        rejects("GradCheck: no input requires grad, so there is nothing to check",
                () -> GradCheck.checkGradGrad(in -> in[0].exp(), x));
    }

    @Test
    void theFunctionsLeaveTheirPointAlone() {
        Tensor h = Derivatives.hessian(t -> t.pow(3).sum(), x);
        assertEquals(6 * 2, h.get(1, 1), 1e-12);
        assertEquals(0, h.get(0, 1));
        assertEquals(false, x.requiresGrad());
        assertEquals(null, x.grad());
    }
}
