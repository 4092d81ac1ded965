package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.GradCheck;
import dev.ejgrad.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Buffers and modes of Module, and the behaviour of Dropout, LayerNorm and BatchNorm1d beyond the golden cases. */
class NormalisationTest {

    private static Tensor randn(int r, int c, long seed) {
        return Tensor.randn(r, c, new Random(seed));
    }

    private static Sequential net() {
        Random rng = new Random(5);
        return new Sequential(new Linear(3, 4, true, rng), new BatchNorm1d(4), new ReLU(), new Dropout(0.5, rng),
                new Sequential(new LayerNorm(4), new BatchNorm1d(4, 1e-3, 0.3)));
    }

    // ---------------------------------------------------------------- buffers and modes

    @Test
    void buffersHaveDottedNamesAndStateDictFollowsPyTorchsOrder() {
        Sequential m = net();
        assertEquals(List.of("1.running_mean", "1.running_var", "1.num_batches_tracked", "4.1.running_mean",
                "4.1.running_var", "4.1.num_batches_tracked"), List.copyOf(m.namedBuffers().keySet()));
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "1.num_batches_tracked", "4.0.weight", "4.0.bias", "4.1.weight", "4.1.bias", "4.1.running_mean",
                "4.1.running_var", "4.1.num_batches_tracked"), List.copyOf(m.stateDict().keySet()));
        // buffers are not parameters: the optimizer never sees them
        assertEquals(8, m.parameters().size());
        assertFalse(m.namedBuffers().get("1.running_var").requiresGrad());
        assertArrayEquals(new double[][] {{1, 1, 1, 1}}, m.namedBuffers().get("1.running_var").toArray());
        assertArrayEquals(new double[][] {{0}}, m.namedBuffers().get("1.num_batches_tracked").toArray());
    }

    @Test
    void stateDictIsASnapshotAndLoadsBuffersIntoAnotherModel() {
        Sequential a = net();
        Map<String, Tensor> before = a.stateDict();
        a.train().forward(randn(6, 3, 1));
        BatchNorm1d bn = (BatchNorm1d) a.get(1);
        assertEquals(1, bn.numBatchesTracked());
        assertArrayEquals(new double[][] {{0, 0, 0, 0}}, before.get("1.running_mean").toArray(),
                "an earlier snapshot does not change");
        Map<String, Tensor> after = a.stateDict();
        assertEquals(1, after.get("1.num_batches_tracked").item());
        Sequential b = net();
        b.loadStateDict(after);
        b.namedBuffers().forEach((k, v) -> assertArrayEquals(after.get(k).toArray(), v.toArray(), k));
        b.namedParameters().forEach((k, v) -> assertArrayEquals(after.get(k).toArray(), v.toArray(), k));
        Tensor x = randn(5, 3, 2);
        assertArrayEquals(a.eval().forward(x).toArray(), b.eval().forward(x).toArray());
    }

    @Test
    void buffersGoThroughSafeTensors(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        Sequential a = net();
        a.train().forward(randn(6, 3, 4));
        a.forward(randn(6, 3, 5));
        java.nio.file.Path file = dir.resolve("bn.safetensors");
        SafeTensors.save(a.stateDict(), file);
        Sequential b = net();
        b.loadStateDict(SafeTensors.load(file));
        assertEquals(2, ((BatchNorm1d) b.get(1)).numBatchesTracked());
        assertArrayEquals(a.namedBuffers().get("4.1.running_var").toArray(),
                b.namedBuffers().get("4.1.running_var").toArray());
    }

    @Test
    void aLoadWithABadBufferIsRefusedAndChangesNothing() {
        Sequential m = net();
        m.train().forward(randn(6, 3, 3));
        Map<String, Tensor> good = m.stateDict();
        Map<String, Tensor> bad = new LinkedHashMap<>(net().stateDict());
        bad.put("1.running_var", Tensor.ones(1, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(bad));
        assertTrue(e.getMessage().contains("'1.running_var' has shape 1x5 but the buffer is 1x4"), e.getMessage());
        Map<String, Tensor> missing = new LinkedHashMap<>(net().stateDict());
        missing.remove("4.1.num_batches_tracked");
        missing.put("1.running_std", Tensor.ones(1, 4));
        e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(missing));
        assertTrue(e.getMessage().contains("missing key '4.1.num_batches_tracked'"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected key '1.running_std'"), e.getMessage());
        m.stateDict().forEach((k, v) -> assertArrayEquals(good.get(k).toArray(), v.toArray(), k + " unchanged"));
    }

    @Test
    void registeringABufferChecksItsNameAndCopiesItsValue() {
        Tensor value = Tensor.row(1, 2).requiresGrad(true);
        Module m = new Module() {
            {
                registerParameter("weight", Tensor.ones(1, 1).requiresGrad(true));
                registerBuffer("count", value);
                assertThrows(IllegalArgumentException.class, () -> registerBuffer("weight", Tensor.ones(1, 1)));
                assertThrows(IllegalArgumentException.class, () -> registerBuffer("a.b", Tensor.ones(1, 1)));
                assertThrows(IllegalArgumentException.class, () -> setBuffer("count", Tensor.ones(2, 2)));
                assertThrows(IllegalArgumentException.class, () -> buffer("nothing"));
            }

            @Override
            public Tensor forward(Tensor input) {
                return input;
            }
        };
        Tensor stored = m.namedBuffers().get("count");
        assertNotSame(value, stored);
        assertFalse(stored.requiresGrad());
        assertArrayEquals(value.toArray(), stored.toArray());
    }

    @Test
    void trainAndEvalReachEveryChild() {
        Sequential m = net();
        m.eval();
        Sequential inner = (Sequential) m.get(4);
        for (Module c : List.of(m.get(0), m.get(1), m.get(3), inner, inner.get(0), inner.get(1))) {
            assertFalse(c.isTraining(), c.toString());
        }
        m.train();
        for (Module c : List.of(m.get(1), m.get(3), inner.get(1))) {
            assertTrue(c.isTraining(), c.toString());
        }
    }

    @Test
    void printsTheNewModulesAsPyTorch() {
        Random rng = new Random(0);
        assertEquals("BatchNorm1d(4, eps=1e-05, momentum=0.1)  weight 1x4, bias 1x4: 8 parameters",
                new BatchNorm1d(4).toString());
        assertEquals("BatchNorm1d(3, eps=0.001, momentum=0.3)  weight 1x3, bias 1x3: 6 parameters",
                new BatchNorm1d(3, 1e-3, 0.3).toString());
        assertEquals("LayerNorm((4,), eps=1e-05)  weight 1x4, bias 1x4: 8 parameters", new LayerNorm(4).toString());
        assertEquals("Dropout(p=0.5)", new Dropout(0.5, rng).toString());
        assertEquals("GELU(approximate='none')", new GELU().toString());
        assertEquals("GELU(approximate='tanh')", new GELU(GELU.Approximation.TANH).toString());
        assertEquals("LeakyReLU(negative_slope=0.01)", new LeakyReLU().toString());
        assertEquals("ELU(alpha=1.0)", new ELU().toString());
        assertEquals("SiLU()", new SiLU().toString());
        assertEquals("Softplus(beta=1.0, threshold=20.0)", new Softplus().toString());
        assertEquals("Hardtanh(min_val=-1.0, max_val=1.0)", new Hardtanh().toString());
        assertEquals("Hardtanh(min_val=-0.0001, max_val=1e+16)", new Hardtanh(-1e-4, 1e16).toString());
        String seq = new Sequential(new Linear(3, 4, true, rng), new BatchNorm1d(4), new Dropout(0.1, rng))
                .toString();
        assertEquals("Sequential(\n"
                + "  (0): Linear(in_features=3, out_features=4, bias=true)  weight 4x3, bias 1x4: 16 parameters\n"
                + "  (1): BatchNorm1d(4, eps=1e-05, momentum=0.1)  weight 1x4, bias 1x4: 8 parameters\n"
                + "  (2): Dropout(p=0.1)\n"
                + ")  24 parameters", seq);
    }

    // ---------------------------------------------------------------- Dropout

    @Test
    void dropoutInTrainingZeroesAboutPAndScalesTheRestSoTheMeanIsKept() {
        Dropout d = new Dropout(0.3, new Random(7));
        Tensor x = Tensor.full(200, 100, 2.0).requiresGrad(true);
        Tensor y = d.forward(x);
        int zeros = 0;
        double sum = 0;
        for (double[] row : y.toArray()) {
            for (double v : row) {
                if (v == 0) {
                    zeros++;
                } else {
                    assertEquals(2.0 / 0.7, v, 1e-15, "kept values are scaled by 1/(1-p)");
                }
                sum += v;
            }
        }
        // 20000 Bernoulli(0.3) draws: sd of the fraction is 0.0032, so ±0.015 is over 4 sd
        assertEquals(0.3, zeros / 20000.0, 0.015);
        assertEquals(2.0, sum / 20000, 0.05);
        // the gradient is the same mask and scale
        y.backward(Tensor.ones(200, 100));
        for (int i = 0; i < 200; i++) {
            for (int j = 0; j < 100; j++) {
                assertEquals(y.get(i, j) / 2.0, x.grad().get(i, j), 1e-15);
            }
        }
        // a new mask each forward, and the same masks from the same seed
        assertFalse(java.util.Arrays.deepEquals(y.toArray(), d.forward(x).toArray()));
        assertArrayEquals(y.toArray(), new Dropout(0.3, new Random(7)).forward(x).toArray());
    }

    @Test
    void dropoutEdgesAndEval() {
        Tensor x = randn(4, 5, 9).requiresGrad(true);
        Dropout all = new Dropout(1, new Random(1));
        Tensor zeros = all.forward(x);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 5; j++) {
                // x·0, as PyTorch: a negative x gives -0.0
                assertEquals(0 * x.get(i, j), zeros.get(i, j), 0, "p = 1 gives zeros");
            }
        }
        assertArrayEquals(x.toArray(), new Dropout(0, new Random(1)).forward(x).toArray(), "p = 0 keeps everything");
        all.eval();
        assertSame(x, all.forward(x), "eval is the identity");
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5, new Random(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Dropout(-0.1, new Random(1)));
        assertEquals("Dropout: p must be in [0, 1], got -0.1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Dropout(Double.NaN, new Random(1)));
    }

    @Test
    void dropoutGradientsCheck() {
        Tensor x = randn(3, 4, 2).requiresGrad(true);
        // each call draws the same mask from a fresh seeded Random
        GradCheck.assertPasses(xs -> Functional.dropout(xs[0], 0.4, new Random(3)).tanh(), x);
        GradCheck.assertGradGradPasses(xs -> Functional.dropout(xs[0], 0.4, new Random(3)).tanh(), x);
    }

    // ---------------------------------------------------------------- LayerNorm

    @Test
    void layerNormStartsAtOnesAndZerosAndNormalisesEachRow() {
        LayerNorm ln = new LayerNorm(5);
        assertEquals(List.of("weight", "bias"), List.copyOf(ln.namedParameters().keySet()));
        assertArrayEquals(new double[][] {{1, 1, 1, 1, 1}}, ln.weight().toArray());
        assertArrayEquals(new double[][] {{0, 0, 0, 0, 0}}, ln.bias().toArray());
        Tensor y = ln.forward(randn(4, 5, 3).mul(3).add(7));
        Tensor mean = y.mean(1);
        Tensor var = y.var(1, 0);
        for (int i = 0; i < 4; i++) {
            assertEquals(0, mean.get(i, 0), 1e-12);
            assertEquals(1, var.get(i, 0), 1e-5);
        }
        ln.eval();
        Tensor x = randn(2, 5, 4);
        assertArrayEquals(new LayerNorm(5).forward(x).toArray(), ln.forward(x).toArray(), "eval is the same");
    }

    @Test
    void layerNormIsStrict() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LayerNorm(4).forward(Tensor.ones(3, 5)));
        assertEquals("LayerNorm: input of shape 3x5 has 5 features, but the layer normalises 4", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm(0));
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm(3, -1e-5));
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm(3, Double.NaN));
    }

    @Test
    void layerNormGradientsCheck() {
        Tensor x = randn(3, 4, 11).requiresGrad(true);
        Tensor w = randn(1, 4, 12).add(1).requiresGrad(true);
        Tensor b = randn(1, 4, 13).requiresGrad(true);
        GradCheck.assertPasses(xs -> LayerNorm.normalise(xs[0], xs[1], xs[2], 1e-5), x, w, b);
        GradCheck.assertGradGradPasses(xs -> LayerNorm.normalise(xs[0], xs[1], xs[2], 1e-5), x, w, b);
        LayerNorm ln = new LayerNorm(4, 1e-3);
        GradCheck.assertPasses(xs -> ln.forward(xs[0]), x);
    }

    // ---------------------------------------------------------------- BatchNorm1d

    @Test
    void batchNormTrainingNormalisesByTheBatchAndUpdatesTheRunningStatistics() {
        BatchNorm1d bn = new BatchNorm1d(3, 0, 0.25);
        assertEquals(List.of("weight", "bias"), List.copyOf(bn.namedParameters().keySet()));
        assertEquals(List.of("running_mean", "running_var", "num_batches_tracked"),
                List.copyOf(bn.namedBuffers().keySet()));
        Tensor x = Tensor.of(new double[][] {{1, 10, -1}, {3, 20, -1.5}, {5, 60, 0.5}, {7, 30, 2}});
        Tensor y = bn.forward(x);
        Tensor mean = y.mean(0);
        Tensor var = y.var(0, 0);
        for (int j = 0; j < 3; j++) {
            assertEquals(0, mean.get(0, j), 1e-12);
            assertEquals(1, var.get(0, j), 1e-12, "normalised by the biased variance");
        }
        // column 0: mean 4, unbiased variance 20/3; running = 0.75·old + 0.25·new
        assertEquals(0.25 * 4, bn.runningMean().get(0, 0), 1e-15);
        assertEquals(0.75 + 0.25 * 20 / 3.0, bn.runningVar().get(0, 0), 1e-15);
        assertEquals(1, bn.numBatchesTracked());
        bn.forward(x);
        assertEquals(0.75 * 1 + 0.25 * 4, bn.runningMean().get(0, 0), 1e-15);
        assertEquals(2, bn.numBatchesTracked());
        // eval uses the running statistics and changes nothing
        Tensor rm = bn.runningMean();
        bn.eval();
        Tensor z = bn.forward(Tensor.of(new double[][] {{2, 0, 0}}));
        assertEquals((2 - rm.get(0, 0)) / Math.sqrt(bn.runningVar().get(0, 0)), z.get(0, 0), 1e-14);
        assertSame(rm, bn.runningMean());
        assertEquals(2, bn.numBatchesTracked());
    }

    @Test
    void batchNormRefusesOneRowInTrainingAndWrongWidthsChangingNothing() {
        BatchNorm1d bn = new BatchNorm1d(4);
        Map<String, Tensor> before = bn.stateDict();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bn.forward(Tensor.ones(1, 4)));
        assertEquals("BatchNorm1d: expected more than 1 value per channel when training, got input of shape 1x4",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.ones(3, 5)));
        assertEquals("BatchNorm1d: input of shape 3x5 has 5 features, but the layer has 4", e.getMessage());
        bn.stateDict().forEach((k, v) -> assertArrayEquals(before.get(k).toArray(), v.toArray(), k));
        // one row is fine in eval
        bn.eval();
        assertEquals(4, bn.forward(Tensor.ones(1, 4)).cols());
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(0));
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3, -1, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3, 1e-5, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3, 1e-5, Double.NaN));
    }

    @Test
    void batchNormGradientsCheckInTrainingAndEval() {
        Tensor x = randn(5, 3, 21).requiresGrad(true);
        Tensor w = randn(1, 3, 22).add(1).requiresGrad(true);
        Tensor b = randn(1, 3, 23).requiresGrad(true);
        GradCheck.assertPasses(xs -> BatchNorm1d.normalise(xs[0], xs[0].mean(0), xs[0].var(0, 0), xs[1], xs[2],
                1e-5), x, w, b);
        GradCheck.assertGradGradPasses(xs -> BatchNorm1d.normalise(xs[0], xs[0].mean(0), xs[0].var(0, 0), xs[1],
                xs[2], 1e-5), x, w, b);
        Tensor rm = randn(1, 3, 24);
        Tensor rv = Tensor.row(0.5, 1.5, 2.0);
        GradCheck.assertPasses(xs -> BatchNorm1d.normalise(xs[0], rm, rv, xs[1], xs[2], 1e-5).tanh(), x, w, b);
        GradCheck.assertGradGradPasses(xs -> BatchNorm1d.normalise(xs[0], rm, rv, xs[1], xs[2], 1e-5).tanh(),
                x, w, b);
        // the module itself, in training, with respect to its input
        BatchNorm1d bn = new BatchNorm1d(3);
        GradCheck.assertPasses(xs -> bn.forward(xs[0]), x);
        GradCheck.assertGradGradPasses(xs -> bn.forward(xs[0]), x);
    }
}
