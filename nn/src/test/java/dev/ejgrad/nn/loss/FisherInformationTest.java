package dev.ejgrad.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ejgrad.core.Derivatives;
import dev.ejgrad.core.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The README's Hessian: the Hessian of a logistic regression's mean negative log-likelihood is its Fisher
 * information {@code Xᵀ diag(p(1-p)) X / N}, and for softmax cross-entropy it is {@code (diag(p) - ppᵀ)/N} with
 * respect to the logits.
 */
class FisherInformationTest {

    @Test
    void theHessianOfTheLogisticNllIsTheFisherInformation() {
        Tensor x = Tensor.of(new double[][] {{1, 0.5}, {1, -1.0}, {1, 2.0}, {1, 0.0}});   // a bias column, a feature
        Tensor y = Tensor.column(1, 0, 1, 0);
        Tensor w = Tensor.column(0.1, -0.2);
        Tensor h = Derivatives.hessian(v -> new BCEWithLogitsLoss().forward(x.matmul(v), y), w);

        Tensor p = x.matmul(w).sigmoid();
        Tensor fisher = x.t().matmul(x.mul(p.mul(p.neg().add(1)))).div(x.rows());   // Xᵀ diag(p(1-p)) X / N
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                assertEquals(fisher.get(i, j), h.get(i, j), 1e-15, "(" + i + ", " + j + ")");
            }
        }
        // torch.autograd.functional.hessian on the same numbers (PyTorch 1.13, float64)
        assertEquals(0.2470731658935959, h.get(0, 0), 1e-15);
        assertEquals(0.09236457792268646, h.get(0, 1), 1e-15);
        assertEquals(0.3211978896134323, h.get(1, 1), 1e-15);
    }

    @Test
    void theHessianOfSoftmaxCrossEntropyInTheLogitsIsDiagPMinusPpTransposedOverN() {
        Tensor z = Tensor.row(0.5, -1.0, 2.0);
        int[] target = {2};
        Tensor h = Derivatives.hessian(v -> new CrossEntropyLoss().forward(v, target), z);
        Tensor p = z.softmax(1);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double expected = (i == j ? p.get(0, i) : 0) - p.get(0, i) * p.get(0, j);
                assertEquals(expected, h.get(i, j), 1e-15, "(" + i + ", " + j + ")");
            }
        }
    }
}
