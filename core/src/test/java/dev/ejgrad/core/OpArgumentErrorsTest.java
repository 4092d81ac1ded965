package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Ops reject bad arguments before computing, naming the op, the shapes and the offending value. */
class OpArgumentErrorsTest {

    private final Tensor x = Tensor.of(2, 3, 1, 2, 3, 4, 5, 6).requiresGrad(true);

    private static void rejects(String message, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
    }

    @Test
    void shapeOpsNameTheShapesAndTheBadIndex() {
        rejects("reshape: shape 2x3 (6 elements) cannot be viewed as 4x2", () -> x.reshape(4, 2));
        rejects("narrow: start 2 and length 2 do not fit in dim 0 of size 2 (input 2x3)", () -> x.narrow(0, 2, 2));
        rejects("indexSelect: index 3 at position 1 is out of range for dim 1 of size 3 (input 2x3)",
                () -> x.indexSelect(1, 0, 3));
        rejects("indexSelect: index -1 at position 0 is out of range for dim 0 of size 2 (input 2x3)",
                () -> x.indexSelect(0, -1));
        rejects("gather: index 5 at (0, 1) is out of bounds for dim 1 of size 3 (input 2x3)",
                () -> x.gather(1, new int[][] {{0, 5}}));
        rejects("gather: index rows differ in length (row 0 has 2, row 1 has 1)",
                () -> x.gather(1, new int[][] {{0, 1}, {2}}));
        rejects("gather: index shape 3x1 must not exceed the input shape 2x3 outside dim 1",
                () -> x.gather(1, new int[][] {{0}, {1}, {2}}));
        rejects("cat: along dim 0 every part needs 3 columns (as part 0, 2x3), but part 1 is 2x2",
                () -> Tensor.cat(0, x, Tensor.zeros(2, 2)));
        rejects("cat: expected a non-empty list of tensors", () -> Tensor.cat(1, List.of()));
        rejects("narrow: dim must be 0 (over rows) or 1 (over columns), got 2", () -> x.narrow(2, 0, 1));
    }

    @Test
    void selectionAndComparisonsNameTheShapes() {
        rejects("maskedFill: mask of shape 3x1 does not broadcast to the input shape 2x3",
                () -> x.maskedFill(Tensor.zeros(3, 1), 0));
        rejects("maskedFill: mask of shape 2x3 does not broadcast to the input shape 1x3",
                () -> Tensor.row(1, 2, 3).maskedFill(Tensor.zeros(2, 3), 0));
        rejects("where: shapes 3x1 (condition), 2x3 and 1x3 do not broadcast",
                () -> Tensor.where(Tensor.zeros(3, 1), x, Tensor.zeros(1, 3)));
        rejects("gt: shapes 2x3 and 2x2 do not broadcast", () -> x.gt(Tensor.zeros(2, 2)));
        rejects("maximum: shapes 2x3 and 3x3 do not broadcast", () -> x.maximum(Tensor.zeros(3, 3)));
        rejects("pow: shapes 2x3 and 1x2 do not broadcast", () -> x.pow(Tensor.zeros(1, 2)));
    }

    @Test
    void reductionsAndActivationsNameTheBadValue() {
        rejects("var: correction must be >= 0, got -1", () -> x.var(0, -1));
        rejects("std: correction must be >= 0, got -2", () -> x.std(1, -2));
        rejects("argmax: cannot reduce over dim 1 of size 0 (shape 2x0)", () -> Tensor.zeros(2, 0).argmax(1));
        rejects("min: dim must be 0 (over rows) or 1 (over columns), got -1", () -> x.min(-1));
        rejects("hardtanh: need min <= max, got min 1.0 and max -1.0", () -> x.hardtanh(1, -1));
        rejects("softplus: need a nonzero beta and a threshold, got beta 0.0 and threshold 20.0",
                () -> x.softplus(0, 20));
        rejects("elu: alpha is NaN", () -> x.elu(Double.NaN));
    }

    @Test
    void aRejectedCallRecordsNothingAndLeavesGradientsAlone() {
        assertThrows(IllegalArgumentException.class, () -> x.indexSelect(0, 7));
        x.sum().backward();
        assertEquals(6, x.grad().sum().item());
        assertNull(Tensor.row(1).grad());
    }

    @Test
    void reshapeInfersOneSideAndComparisonsNeverRequireGrad() {
        assertEquals(3, x.reshape(-1, 2).rows());
        assertEquals(6, x.reshape(1, -1).cols());
        assertEquals(false, x.gt(2).requiresGrad());
        assertEquals(4, x.gt(2).sum().item());
    }
}
