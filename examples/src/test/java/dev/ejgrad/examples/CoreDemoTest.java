package dev.ejgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CoreDemoTest {

    @Test
    void gradientOfCrossEntropyIsSoftmaxMinusOneHot() {
        CoreDemo.Result r = CoreDemo.run();
        double z0 = Math.exp(1.0);
        double z1 = Math.exp(2.0);
        double z2 = Math.exp(0.5);
        assertEquals(-Math.log(z2 / (z0 + z1 + z2)), r.loss, 1e-15);
        for (int j = 0; j < 3; j++) {
            assertEquals(r.closedForm.get(0, j), r.autograd.get(0, j), 1e-15, "column " + j);
        }
        assertEquals(z2 / (z0 + z1 + z2) - 1, r.autograd.get(0, 2), 1e-15);
    }
}
