package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.nn.loss.MSELoss;
import dev.ejgrad.nn.loss.Reduction;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tensors with no rows: PyTorch's defined behaviour where it has one, a clear error where it has none. */
class EmptyTensorsTest {

    private final Tensor empty = Tensor.zeros(0, 3);   // a fresh one per test: tests set its flag

    @Test
    void elementwiseOpsAndProductsGiveEmptyResults() {
        Tensor x = empty.requiresGrad(true);
        Tensor y = x.add(Tensor.ones(1, 3)).tanh().matmul(Tensor.ones(3, 2));
        assertEquals(0, y.rows());
        assertEquals(2, y.cols());
        assertEquals(0, x.softmax(1).numel());
        y.sum().backward();
        assertEquals(0, x.grad().numel(), "the gradient of an empty tensor is empty");
    }

    @Test
    void reductionsFollowPyTorch() {
        assertEquals(0.0, empty.sum().item(), "the sum of nothing is 0");
        assertTrue(Double.isNaN(empty.mean().item()), "the mean of nothing is NaN");
        assertEquals(Double.NEGATIVE_INFINITY, Tensor.zeros(2, 0).logSumExp(1).get(0, 0), "log of an empty sum");
        assertEquals(1, empty.sum(0).rows());
        assertEquals(0.0, empty.sum(0).get(0, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> empty.max(0));
        assertTrue(e.getMessage().startsWith("max: cannot reduce over"), e.getMessage());
    }

    @Test
    void anEmptyBatchThroughALayerAndALoss() {
        Linear layer = new Linear(3, 4, true, new Random(0));
        Tensor out = layer.forward(empty);
        assertEquals(0, out.rows());
        assertEquals(4, out.cols());
        assertTrue(Double.isNaN(new CrossEntropyLoss().forward(out, new int[0]).item()), "a mean over no rows");
        assertEquals(0.0, new CrossEntropyLoss().reduction(Reduction.SUM).forward(out, new int[0]).item());
        assertTrue(Double.isNaN(new MSELoss().forward(out, Tensor.zeros(0, 4)).item()));
        assertTrue(empty.toString().startsWith("tensor(0x3)"), empty.toString());
    }
}
