package dev.ejgrad.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every validation path of the losses: thrown before computing, with a message naming what was expected and given. */
class LossValidationTest {

    private static final Tensor LOGITS = Tensor.zeros(3, 5);

    private static String rejects(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    @Test
    void targetIndexOutOfRangeNamesIndexRowAndClassCount() {
        assertEquals("CrossEntropyLoss: Target 7 is out of bounds (row 2, 5 classes)",
                rejects(() -> new CrossEntropyLoss().forward(LOGITS, new int[] {0, 1, 7})));
        assertEquals("NLLLoss: Target 5 is out of bounds (row 0, 5 classes)",
                rejects(() -> new NLLLoss().forward(LOGITS, new int[] {5, 1, 2})));
    }

    @Test
    void negativeTargetsOtherThanTheIgnoreIndexAreRejected() {
        String m = rejects(() -> new CrossEntropyLoss().forward(LOGITS, new int[] {0, -1, 2}));
        assertTrue(m.contains("Target -1") && m.contains("row 1") && m.contains("ignore index is -100"), m);
        Tensor ok = new CrossEntropyLoss().reduction(Reduction.NONE).forward(LOGITS, new int[] {0, -100, 2});
        assertEquals(0, ok.get(1, 0), "the ignored row contributes nothing");
    }

    @Test
    void targetCountMustEqualRows() {
        assertEquals("CrossEntropyLoss: expected 3 targets (one per row of the 3x5 input), got 2",
                rejects(() -> new CrossEntropyLoss().forward(LOGITS, new int[] {0, 1})));
        assertEquals("NLLLoss: expected 3 targets (one per row of the 3x5 input), got 4",
                rejects(() -> new NLLLoss().forward(LOGITS, new int[] {0, 1, 2, 3})));
    }

    @Test
    void classWeightLengthMustBeTheClassCount() {
        assertEquals("CrossEntropyLoss: weight must be 1x5 (one per class) for an input of shape 3x5, got 1x4",
                rejects(() -> new CrossEntropyLoss().weight(Tensor.ones(1, 4)).forward(LOGITS, new int[] {0, 1, 2})));
        assertEquals("NLLLoss: weight must be 1x5 (one per class) for an input of shape 3x5, got 1x6",
                rejects(() -> new NLLLoss().weight(Tensor.ones(1, 6)).forward(LOGITS, new int[] {0, 1, 2})));
        assertTrue(rejects(() -> new CrossEntropyLoss().weight(Tensor.ones(5, 1))).contains("1xC row"));
    }

    @Test
    void bceProbabilitiesOutsideTheUnitIntervalSayToUseLogits() {
        Tensor p = Tensor.of(new double[][] {{0.2, 0.5}, {1.7, 0.1}});
        String m = rejects(() -> new BCELoss().forward(p, Tensor.zeros(2, 2)));
        assertEquals("BCELoss: input must be probabilities in [0, 1]; for logits use BCEWithLogitsLoss; found 1.7 at "
                + "(1, 0)", m);
        assertTrue(rejects(() -> new BCELoss().forward(Tensor.full(1, 1, Double.NaN), Tensor.zeros(1, 1)))
                .contains("NaN"));
    }

    @Test
    void bceTargetsOutsideTheUnitIntervalAreRejected() {
        assertEquals("BCELoss: target must be values in [0, 1]; found -0.5 at (0, 1)",
                rejects(() -> new BCELoss().forward(Tensor.full(1, 2, 0.5), Tensor.row(1, -0.5))));
        assertEquals("BCEWithLogitsLoss: target must be in [0, 1]; found 2.0 at (0, 0)",
                rejects(() -> new BCEWithLogitsLoss().forward(Tensor.zeros(1, 2), Tensor.row(2, 0))));
    }

    @Test
    void targetShapeMustEqualInputShape() {
        String expected = "target shape 2x3 must equal input shape 3x5";
        Tensor t = Tensor.zeros(2, 3);
        assertEquals("BCELoss: " + expected, rejects(() -> new BCELoss().forward(Tensor.full(3, 5, 0.5), t)));
        assertEquals("BCEWithLogitsLoss: " + expected, rejects(() -> new BCEWithLogitsLoss().forward(LOGITS, t)));
        assertEquals("MSELoss: " + expected, rejects(() -> new MSELoss().forward(LOGITS, t)));
        assertEquals("KLDivLoss: " + expected, rejects(() -> new KLDivLoss().forward(LOGITS, t)));
        assertEquals("CrossEntropyLoss: " + expected, rejects(() -> new CrossEntropyLoss().forward(LOGITS, t)));
    }

    @Test
    void labelSmoothingOutsideTheUnitIntervalIsRejected() {
        assertEquals("CrossEntropyLoss: labelSmoothing must be in [0, 1], got -0.1",
                rejects(() -> new CrossEntropyLoss().labelSmoothing(-0.1)));
        assertEquals("CrossEntropyLoss: labelSmoothing must be in [0, 1], got 1.5",
                rejects(() -> new CrossEntropyLoss().labelSmoothing(1.5)));
        assertTrue(rejects(() -> new CrossEntropyLoss().labelSmoothing(Double.NaN)).contains("NaN"));
    }

    @Test
    void batchMeanIsOnlyForKlDivergence() {
        String tail = ": reduction BATCHMEAN is only defined for KLDivLoss; use MEAN";
        assertEquals("CrossEntropyLoss" + tail, rejects(() -> new CrossEntropyLoss().reduction(Reduction.BATCHMEAN)));
        assertEquals("NLLLoss" + tail, rejects(() -> new NLLLoss().reduction(Reduction.BATCHMEAN)));
        assertEquals("BCELoss" + tail, rejects(() -> new BCELoss().reduction(Reduction.BATCHMEAN)));
        assertEquals("BCEWithLogitsLoss" + tail, rejects(() -> new BCEWithLogitsLoss().reduction(Reduction.BATCHMEAN)));
        assertEquals("MSELoss" + tail, rejects(() -> new MSELoss().reduction(Reduction.BATCHMEAN)));
        assertEquals(0.0, new KLDivLoss().reduction(Reduction.BATCHMEAN)
                .forward(Tensor.zeros(2, 2).logSoftmax(1), Tensor.full(2, 2, 0.5)).item(), 1e-15);
    }

    @Test
    void ignoreIndexWithProbabilityTargetsIsRejected() {
        assertEquals("CrossEntropyLoss: ignoreIndex (1) only applies to class-index targets, not to probability "
                + "targets", rejects(() -> new CrossEntropyLoss().ignoreIndex(1).forward(LOGITS, Tensor.zeros(3, 5))));
    }

    @Test
    void aRowWeightOnASquareInputIsAmbiguous() {
        Tensor x = Tensor.zeros(3, 3);
        String m = rejects(() -> new BCEWithLogitsLoss().weight(Tensor.ones(1, 3)).forward(x, Tensor.zeros(3, 3)));
        assertTrue(m.contains("ambiguous") && m.contains("3x1"), m);
        assertTrue(rejects(() -> new BCELoss().weight(Tensor.ones(1, 3)).forward(Tensor.full(3, 3, 0.5),
                Tensor.zeros(3, 3))).contains("ambiguous"));
        // per-example (3x1) and full (3x3) weights are unambiguous
        new BCEWithLogitsLoss().weight(Tensor.ones(3, 1)).forward(x, Tensor.zeros(3, 3));
        assertEquals(Math.log(2), new BCEWithLogitsLoss().weight(Tensor.ones(3, 3)).forward(x, Tensor.zeros(3, 3))
                .item(), 1e-15);
    }

    @Test
    void weightsThatDoNotBroadcastAreRejected() {
        String m = rejects(() -> new BCEWithLogitsLoss().weight(Tensor.ones(2, 5)).forward(LOGITS, Tensor.zeros(3, 5)));
        assertTrue(m.contains("2x5") && m.contains("3x5"), m);
        assertEquals("BCEWithLogitsLoss: posWeight must be 1xC (one per label) or 1x1, got 3x1",
                rejects(() -> new BCEWithLogitsLoss().posWeight(Tensor.ones(3, 1))));
        assertEquals("BCEWithLogitsLoss: posWeight must be 1x5 or 1x1 for an input of shape 3x5, got 1x4",
                rejects(() -> new BCEWithLogitsLoss().posWeight(Tensor.ones(1, 4)).forward(LOGITS, Tensor.zeros(3, 5))));
    }

    @Test
    void weightsAndTargetsThatRequireGradAreRejectedRatherThanSilentlyIgnored() {
        Tensor w = Tensor.ones(1, 5).requiresGrad(true);
        assertTrue(rejects(() -> new CrossEntropyLoss().weight(w)).contains("weight.detach()"));
        Tensor y = Tensor.zeros(3, 5).requiresGrad(true);
        assertTrue(rejects(() -> new BCEWithLogitsLoss().forward(LOGITS, y)).contains("target.detach()"));
        assertTrue(rejects(() -> new KLDivLoss().forward(LOGITS, y)).contains("target.detach()"));
    }

    @Test
    void aRejectedForwardLeavesNoGradientBehind() {
        Tensor z = Tensor.zeros(3, 5).requiresGrad(true);
        rejects(() -> new CrossEntropyLoss().forward(z, new int[] {9, 0, 0}));
        assertNull(z.grad());
    }

    @Test
    void configurationReturnsANewLossAndLeavesTheOriginalUnchanged() {
        CrossEntropyLoss mean = new CrossEntropyLoss();
        CrossEntropyLoss sum = mean.reduction(Reduction.SUM);
        int[] t = {0, 1, 2};
        assertEquals(Math.log(5), mean.forward(LOGITS, t).item(), 1e-15);
        assertEquals(3 * Math.log(5), sum.forward(LOGITS, t).item(), 1e-14);
    }
}
