package dev.ejgrad.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each loss's explanation against numbers computed by hand from the definitions. */
class LossExplanationTest {

    private static final double[][] Z = {{1.0, 2.0, 0.5}, {0.1, -0.3, 0.8}, {-1.0, 0.0, 3.0}};

    private static double logSoftmax(double[] row, int c) {
        double s = 0;
        for (double v : row) {
            s += Math.exp(v);
        }
        return row[c] - Math.log(s);
    }

    private static void assertConsistent(LossExplanation e) {
        double sum = 0;
        for (LossExplanation.Row r : e.rows()) {
            sum += r.contribution();
        }
        assertEquals(e.value(), sum / e.denominator(), 1e-14 * Math.max(1, Math.abs(e.value())), e.toString());
    }

    @Test
    void crossEntropyWithWeightsAnIgnoredRowAndLabelSmoothing() {
        double[] w = {0.5, 2.0, 1.5};
        int[] t = {1, -100, 2};
        double eps = 0.1;
        LossExplanation e = new CrossEntropyLoss().weight(Tensor.row(w)).labelSmoothing(eps)
                .explain(Tensor.of(Z), t);
        // row 0 by hand: (1-ε)·w[1]·(-log p[1]) + ε/3·Σ_c w[c]·(-log p[c])
        double smooth0 = 0;
        for (int c = 0; c < 3; c++) {
            smooth0 -= w[c] * logSoftmax(Z[0], c);
        }
        double row0 = (1 - eps) * w[1] * -logSoftmax(Z[0], 1) + eps / 3 * smooth0;
        assertEquals(row0, e.rows().get(0).contribution(), 1e-15);
        assertEquals(0, e.rows().get(1).contribution());
        assertEquals(List.of(1), e.ignoredRows());
        assertEquals(w[1] + w[2], e.denominator(), 0, "Σ weight[target] over the rows not ignored");
        assertEquals("Σ weight[target] over the 2 rows not ignored", e.denominatorRule());
        assertEquals(new CrossEntropyLoss().weight(Tensor.row(w)).labelSmoothing(eps).forward(Tensor.of(Z), t).item(),
                e.value(), 0);
        assertConsistent(e);
        assertTrue(e.notes().get(0).startsWith("label smoothing 0.1: (1 - 0.1) x NLL part"), e.notes().toString());
        String text = e.toString();
        assertTrue(text.contains("(ignored)") && text.contains("target 1, weight 2.00000"), text);
    }

    @Test
    void everyRowIgnoredIsExplainedAsZeroOverZero() {
        LossExplanation e = new CrossEntropyLoss().explain(Tensor.of(Z), new int[] {-100, -100, -100});
        assertTrue(Double.isNaN(e.value()));
        assertEquals(List.of(0, 1, 2), e.ignoredRows());
        assertTrue(e.notes().contains("every row is ignored: the mean is 0/0 = NaN, and the gradient is 0"));
    }

    @Test
    void probabilityTargetsDivideByTheRowCount() {
        Tensor q = Tensor.of(new double[][] {{0.2, 0.3, 0.5}, {1, 0, 0}, {0.1, 0.1, 0.8}});
        LossExplanation e = new CrossEntropyLoss().explain(Tensor.of(Z), q);
        double row2 = -(0.1 * logSoftmax(Z[2], 0) + 0.1 * logSoftmax(Z[2], 1) + 0.8 * logSoftmax(Z[2], 2));
        assertEquals(row2, e.rows().get(2).contribution(), 1e-15);
        assertEquals(3, e.denominator());
        assertConsistent(e);
    }

    @Test
    void nllExplainsWeightsAndTheDenominator() {
        Tensor logp = Tensor.of(Z).logSoftmax(1);
        LossExplanation e = new NLLLoss().weight(Tensor.row(1, 2, 3)).reduction(Reduction.SUM)
                .explain(logp, new int[] {0, 2, 1});
        assertEquals(-3 * logSoftmax(Z[1], 2), e.rows().get(1).contribution(), 1e-15);
        assertEquals(1, e.denominator());
        assertConsistent(e);
    }

    @Test
    void bceCountsTheTermsThatHitTheClamp() {
        Tensor p = Tensor.of(new double[][] {{0.0, 0.3}, {1.0, 0.9}});
        Tensor y = Tensor.of(new double[][] {{1, 0}, {1, 0}});
        LossExplanation e = new BCELoss().explain(p, y);
        // row 0: p = 0 with y = 1 costs 100 (clamped); p = 0.3 with y = 0 costs -log 0.7
        assertEquals(100 - Math.log(0.7), e.rows().get(0).contribution(), 1e-13);
        assertEquals(4, e.denominator());
        assertTrue(e.notes().get(0).startsWith("1 of 4 log terms hit the -100 clamp"), e.notes().toString());
        assertTrue(e.rows().get(0).detail().contains("1 clamped"), e.rows().get(0).detail());
        assertConsistent(e);
    }

    @Test
    void bceWithLogitsShowsWhatPosWeightAdded() {
        Tensor x = Tensor.of(new double[][] {{0.5, -1.0}, {2.0, 0.3}});
        Tensor y = Tensor.of(new double[][] {{1, 0}, {1, 1}});
        LossExplanation e = new BCEWithLogitsLoss().posWeight(Tensor.row(3, 2)).reduction(Reduction.SUM)
                .explain(x, y);
        double logSig05 = -Math.log1p(Math.exp(-0.5));
        double logSig2 = -Math.log1p(Math.exp(-2.0));
        double logSig03 = -Math.log1p(Math.exp(-0.3));
        double added = -(2 * logSig05) - 2 * logSig2 - 1 * logSig03;   // (pw - 1)·(-log σ) over the positives
        assertTrue(e.notes().get(0).contains("the 3 elements with a target > 0, adding "
                + LossExplanation.number(added)), e.notes().toString());
        assertEquals(new BCEWithLogitsLoss().posWeight(Tensor.row(3, 2)).reduction(Reduction.SUM).forward(x, y)
                .item(), e.value(), 0);
        assertConsistent(e);
    }

    @Test
    void klShowsCrossEntropyAsEntropyPlusKl() {
        Tensor logq = Tensor.of(Z).logSoftmax(1);
        Tensor p = Tensor.of(new double[][] {{0.2, 0.3, 0.5}, {0.5, 0.5, 0}, {0.1, 0.1, 0.8}});
        LossExplanation e = new KLDivLoss().reduction(Reduction.BATCHMEAN).explain(logq, p);
        double ce = 0;
        double h = 0;
        for (int i = 0; i < 3; i++) {
            for (int c = 0; c < 3; c++) {
                double pv = p.get(i, c);
                ce -= pv * logSoftmax(Z[i], c);
                h -= pv == 0 ? 0 : pv * Math.log(pv);
            }
        }
        assertEquals((ce - h) / 3, e.value(), 1e-15);
        assertEquals(3, e.denominator());
        assertTrue(e.notes().get(0).equals("over all rows: cross-entropy H(p, q) " + LossExplanation.number(ce)
                + " = entropy H(p) " + LossExplanation.number(h) + " + KL(p‖q) " + LossExplanation.number(ce - h)),
                e.notes().toString());
        assertConsistent(e);
        assertTrue(new KLDivLoss().explain(logq, p).notes().get(1).contains("BATCHMEAN"));
    }

    @Test
    void mseRowsAreSumsOfSquaredErrors() {
        LossExplanation e = new MSELoss().explain(Tensor.of(2, 2, 1, 2, 3, 4), Tensor.of(2, 2, 1, 1, 1, 1));
        assertEquals(1, e.rows().get(0).contribution());
        assertEquals(4 + 9, e.rows().get(1).contribution());
        assertEquals(4, e.denominator());
        assertEquals(14.0 / 4, e.value(), 1e-15);
    }
}
