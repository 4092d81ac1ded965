package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Tensor.setGrad: a copied, read-only gradient of the tensor's shape, which backward then accumulates into. */
class SetGradTest {

    @Test
    void theGradientIsACopyThatBackwardAccumulatesInto() {
        Tensor p = Tensor.row(1, 2).requiresGrad(true);
        Tensor g = Tensor.row(0.5, -0.25);
        p.setGrad(g);
        g.updateInPlace((v, none) -> v[0] = 99);
        assertEquals(0.5, p.grad().get(0, 0));
        p.mul(Tensor.row(2, 3)).sum().backward();
        assertEquals(2.5, p.grad().get(0, 0));
        assertEquals(2.75, p.grad().get(0, 1));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> p.grad().updateInPlace((v, none) -> v[0] = 0));
        assertEquals(true, e.getMessage().contains("gradient"));
    }

    @Test
    void anotherShapeIsRejectedAndTheGradientKept() {
        Tensor p = Tensor.row(1, 2).requiresGrad(true);
        p.setGrad(Tensor.row(1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.setGrad(Tensor.zeros(2, 1)));
        assertEquals("setGrad: the gradient of a 1x2 tensor can't be 2x1", e.getMessage());
        assertEquals(1.0, p.grad().get(0, 1));
    }
}
