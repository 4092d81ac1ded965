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

    /** MEAN with every target's weight 0: libtorch's loss is NaN and so is the gradient of each row not ignored. */
    @Test
    void labelSmoothingWithZeroTargetWeightsHasANaNGradient() {
        double nan = Double.NaN;
        double[] allNaN = {nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan};
        for (double smoothing : new double[] {0.0, 0.2}) {
            Tensor x = logits();
            Tensor loss = new CrossEntropyLoss().weight(Tensor.row(0, 1.5, 0, 0.5)).labelSmoothing(smoothing)
                    .forward(x, new int[] {0, 2, 0});
            loss.backward();
            assertEquals(nan, loss.item());
            assertArrayEquals(allNaN, flat(x.grad()), "label smoothing " + smoothing);
        }
        Tensor x = logits();
        Tensor loss = new CrossEntropyLoss().weight(Tensor.row(0, 1.5, 0, 0.5)).labelSmoothing(0.2)
                .forward(x, new int[] {0, 2, -100});
        loss.backward();
        assertEquals(nan, loss.item());
        assertArrayEquals(new double[] {nan, nan, nan, nan, nan, nan, nan, nan, 0, 0, 0, 0}, flat(x.grad()),
                "the ignored row");
    }

    private static Tensor logits() {
        return Tensor.of(new double[][] {{0.5, -1, 2, 0}, {1, 0, -1, 0.5}, {0.3, 0.2, 0.1, 0}}).requiresGrad(true);
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
