package dev.ejgrad.nn.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ejgrad.core.Tensor;
import org.junit.jupiter.api.Test;

/** The CrossEntropyLoss reproducers of issue 10; expected values are libtorch's (PyTorch 1.13, float64). */
class CrossEntropyTorchDisagreementsTest {

    @Test
    void largeLogitsKeepLogTwo() {
        Tensor x = Tensor.row(1e17, 1e17).requiresGrad(true);
        Tensor loss = new CrossEntropyLoss().forward(x, new int[] {0});
        loss.backward();
        assertEquals(0.6931471805599453, loss.item());
        assertArrayEquals(new double[] {-0.5, 0.5}, flat(x.grad()));
    }

    /** Row-major values. */
    static double[] flat(Tensor t) {
        double[] out = new double[t.numel()];
        for (int i = 0; i < t.rows(); i++) {
            for (int j = 0; j < t.cols(); j++) {
                out[i * t.cols() + j] = t.get(i, j);
            }
        }
        return out;
    }
}
