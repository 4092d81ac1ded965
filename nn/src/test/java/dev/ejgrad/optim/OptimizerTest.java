package dev.ejgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class OptimizerTest {

    private static String rejects(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    private static List<Tensor> params() {
        return List.of(Tensor.row(1, 2).requiresGrad(true));
    }

    @Test
    void invalidHyperParametersAreRejectedWithPyTorchsWords() {
        assertEquals("SGD: Invalid learning rate: -0.1", rejects(() -> new SGD(params(), -0.1)));
        assertEquals("Adam: Invalid learning rate: NaN", rejects(() -> new Adam(params(), Double.NaN)));
        assertEquals("SGD: Invalid momentum value: -0.9", rejects(() -> new SGD(params(), 0.1).momentum(-0.9)));
        assertEquals("SGD: Invalid weight_decay value: -1.0", rejects(() -> new SGD(params(), 0.1).weightDecay(-1)));
        assertEquals("Adam: Invalid beta parameter at index 0: 1.0", rejects(() -> new Adam(params(), 0.1).betas(1, 0.9)));
        assertEquals("AdamW: Invalid beta parameter at index 1: -0.1",
                rejects(() -> new AdamW(params(), 0.1).betas(0.9, -0.1)));
        assertEquals("Adam: Invalid epsilon value: -1.0E-8", rejects(() -> new Adam(params(), 0.1).eps(-1e-8)));
    }

    @Test
    void theLearningRateCanBeScheduledAndKeepsTheState() {
        Tensor p = Tensor.row(1).requiresGrad(true);
        SGD sgd = new SGD(List.of(p), 0.1).momentum(0.5);
        p.mul(2).sum().backward();
        sgd.step();                                   // buffer 2, p = 1 - 0.1·2
        assertEquals(0.8, p.item(), 1e-15);
        Optimizer same = sgd.lr(0.01);
        assertEquals(sgd, same);
        assertEquals(0.01, sgd.lr());
        sgd.step();                                   // buffer 0.5·2 + 2 = 3, p = 0.8 - 0.01·3
        assertEquals(0.77, p.item(), 1e-15);
        assertEquals("Adam: Invalid learning rate: -1.0", rejects(() -> new Adam(params(), 0.1).lr(-1)));
        AdamW w = new AdamW(params(), 0.1).lr(0.2);
        assertEquals(0.2, w.lr());
    }

    @Test
    void nesterovNeedsMomentumAndNoDampeningAndChangesNothingWhenRejected() {
        Tensor p = Tensor.row(1, 2).requiresGrad(true);
        p.sum().backward();
        SGD noMomentum = new SGD(List.of(p), 0.1).nesterov(true);
        assertTrue(rejects(noMomentum::step).startsWith("SGD: Nesterov momentum requires a momentum and zero dampening"));
        SGD damped = new SGD(List.of(p), 0.1).momentum(0.9).dampening(0.1).nesterov(true);
        assertTrue(rejects(damped::step).contains("dampening 0.1"));
        assertArrayEquals(new double[] {1, 2}, p.toArray()[0]);
    }

    @Test
    void parameterListsAreCheckedOnConstruction() {
        Tensor p = Tensor.row(1).requiresGrad(true);
        assertEquals("SGD: params[0] and params[1] are the same tensor", rejects(() -> new SGD(List.of(p, p), 0.1)));
        assertTrue(rejects(() -> new Adam(List.of(p.exp()), 0.1)).contains("non-leaf"));
        assertEquals("AdamW: got an empty parameter list", rejects(() -> new AdamW(List.of(), 0.1)));
    }

    @Test
    void aParameterWithoutGradientIsSkippedAndZeroGradSetsNull() {
        Tensor a = Tensor.row(1).requiresGrad(true);
        Tensor b = Tensor.row(1).requiresGrad(true);
        Adam opt = new Adam(List.of(a, b), 0.1);
        a.mul(3).sum().backward();
        opt.step();
        assertEquals(1 - 0.1 * 3 / (3 + 1e-8), a.item(), 1e-15, "first Adam step: lr·|g|/(|g| + eps)");
        assertEquals(1, b.item(), 0, "no gradient, no step, no decay");
        opt.zeroGrad();
        assertNull(a.grad());
    }

    @Test
    void adamWDecaysEvenAtZeroGradientWhileAdamAddsDecayToTheGradient() {
        Tensor a = Tensor.row(2).requiresGrad(true);
        Tensor b = Tensor.row(2).requiresGrad(true);
        a.mul(0).sum().backward();
        b.mul(0).sum().backward();
        new AdamW(List.of(a), 0.1).weightDecay(0.5).step();
        new Adam(List.of(b), 0.1).weightDecay(0.5).step();
        assertEquals(2 * (1 - 0.1 * 0.5), a.item(), 1e-15, "decoupled: p·(1 - lr·wd), then a zero Adam step");
        assertEquals(2 - 0.1 * 1 / (1 + 1e-8), b.item(), 1e-15, "coupled: the decay 0.5·2 is the gradient");
    }
}
