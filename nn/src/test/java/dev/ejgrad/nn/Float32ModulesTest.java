package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.DType;
import dev.ejgrad.core.ImageShape;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.optim.SGD;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every layer after {@code Module.to(FLOAT32)}: float32 outputs, gradients and buffers, with values within float32's
 * rounding of the same layer run in float64 (made from the same seed). One entry per layer, so a new layer is a new
 * entry.
 */
class Float32ModulesTest {

    /** A layer made from a seed, its float64 input drawn from a seed, and how it is run. */
    record Case(String name, Function<Random, Module> make, Function<Random, Tensor> input,
            BiFunction<Module, Tensor, Tensor> run) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case plain(String name, Function<Random, Module> make, int rows, int cols) {
        return new Case(name, make, rng -> Tensor.randn(rows, cols, rng), Module::forward);
    }

    /** A sequence layer over 3 steps of 3 rows, lengths {2, 3, 1}: outputs, then final hidden (and cell) states. */
    private static Case sequence(String name, Function<Random, Module> make) {
        return new Case(name, make, rng -> Tensor.randn(9, 3, rng), (m, x) -> {
            List<Tensor> steps = List.of(x.narrow(0, 0, 3), x.narrow(0, 3, 3), x.narrow(0, 6, 3));
            RNNBase layer = (RNNBase) m;
            SequenceOutput out = layer instanceof LSTM lstm ? lstm.forward(steps, new int[] {2, 3, 1}, null, null)
                    : layer.forward(steps, new int[] {2, 3, 1});
            List<Tensor> all = new ArrayList<>(out.outputs());
            all.addAll(out.hidden());
            if (out.cells() != null) {
                all.addAll(out.cells());
            }
            all.replaceAll(t -> t.reshape(1, -1));
            return Tensor.cat(1, all);
        });
    }

    static Stream<Case> layers() {
        ImageShape image = new ImageShape(2, 5, 5);
        return Stream.of(
                plain("Linear", rng -> new Linear(3, 4, true, rng), 5, 3),
                plain("Sequential MLP", rng -> new Sequential(new Linear(3, 6, true, rng), new ReLU(),
                        new Linear(6, 2, true, rng)), 5, 3),
                plain("activations", rng -> new Sequential(new Sigmoid(), new Tanh(), new GELU(), new SiLU(),
                        new ELU(), new LeakyReLU(), new Softplus(), new Hardtanh(), new Softmax(1),
                        new LogSoftmax(1)), 4, 3),
                plain("LayerNorm", rng -> new LayerNorm(4), 3, 4),
                plain("BatchNorm1d", rng -> new BatchNorm1d(3), 6, 3),
                plain("Dropout", rng -> new Dropout(0.4, new Random(rng.nextLong())), 4, 5),
                new Case("Embedding", rng -> new Embedding(10, 4, rng), rng -> Tensor.of(4, 1, 1, 3, 3, 7),
                        Module::forward),
                plain("RNNCell", rng -> new RNNCell(3, 4, rng), 3, 3),
                plain("GRUCell", rng -> new GRUCell(3, 4, rng), 3, 3),
                plain("LSTMCell", rng -> new LSTMCell(3, 4, rng), 3, 3),
                sequence("RNN", rng -> new RNN(3, 4, 2, true, 0.0, rng)),
                sequence("GRU", rng -> new GRU(3, 4, 2, false, 0.0, rng)),
                sequence("LSTM", rng -> new LSTM(3, 4, 2, true, 0.0, rng)),
                plain("LSTM one sequence", rng -> new LSTM(3, 4, rng), 4, 3),
                new Case("MultiheadAttention", rng -> new MultiheadAttention(4, 2, rng), rng -> Tensor.randn(3, 4, rng),
                        (m, x) -> ((MultiheadAttention) m).forward(x, x, x, Functional.causalMask(3))),
                new Case("TransformerEncoder", rng -> new TransformerEncoder(
                        () -> new TransformerEncoderLayer(4, 2, 8, 0.0, rng), 2), rng -> Tensor.randn(3, 4, rng),
                        (m, x) -> ((TransformerEncoder) m).forward(x, Functional.causalMask(3))),
                plain("Conv2d, pools, BatchNorm2d", rng -> new Sequential(new Conv2d(image, 3, 3, 1, 1, 1, true, rng),
                        new BatchNorm2d(new ImageShape(3, 5, 5)), new MaxPool2d(new ImageShape(3, 5, 5), 2),
                        new AvgPool2d(new ImageShape(3, 2, 2), 2, 1, 1)), 2, image.size()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void aLayerConvertedToFloat32ComputesInFloat32(Case c) {
        Module m64 = c.make().apply(new Random(7));
        Module m32 = c.make().apply(new Random(7)).to(DType.FLOAT32);
        Tensor x64 = c.input().apply(new Random(8)).to(DType.FLOAT32).to(DType.FLOAT64);   // float32-exact inputs
        Tensor x32 = x64.to(DType.FLOAT32);
        boolean differentiable = !c.name().equals("Embedding");   // an embedding's indices take no gradient
        x64.requiresGrad(differentiable);
        x32.requiresGrad(differentiable);

        Tensor y64 = c.run().apply(m64, x64);
        Tensor y32 = c.run().apply(m32, x32);
        assertEquals(DType.FLOAT32, y32.dtype(), c.name() + " output");
        assertFloat32Values(y32, c.name() + " output");
        assertClose(y64, y32, 1e-5, c.name() + " output");

        y64.add(1).square().mean().backward();
        y32.add(1).square().mean().backward();
        if (differentiable) {
            assertEquals(DType.FLOAT32, x32.grad().dtype(), c.name() + " input grad");
            assertClose(x64.grad(), x32.grad(), 1e-4, c.name() + " input grad");
        }
        Map<String, Tensor> p64 = m64.namedParameters();
        m32.namedParameters().forEach((name, p) -> {
            assertEquals(DType.FLOAT32, p.dtype(), c.name() + " " + name);
            assertEquals(DType.FLOAT32, p.grad().dtype(), c.name() + " " + name + ".grad");
            assertFloat32Values(p.grad(), c.name() + " " + name + ".grad");
            assertClose(p64.get(name).grad(), p.grad(), 1e-4, c.name() + " " + name + ".grad");
        });
        Map<String, Tensor> b64 = m64.namedBuffers();
        m32.namedBuffers().forEach((name, b) -> {
            DType expected = name.endsWith("num_batches_tracked") ? DType.FLOAT64 : DType.FLOAT32;
            assertEquals(expected, b.dtype(), c.name() + " buffer " + name);
            assertClose(b64.get(name), b, 1e-5, c.name() + " buffer " + name);
        });
    }

    @Test
    void toKeepsEveryParameterObjectClearsGradientsAndAnOptimizerMadeBeforeKeepsWorking() {
        Sequential m = new Sequential(new Linear(3, 2, true, new Random(1)), new ReLU(), new Linear(2, 1, true,
                new Random(2)));
        List<Tensor> before = m.parameters();
        SGD opt = new SGD(before, 0.5);
        m.forward(Tensor.ones(2, 3)).sum().backward();
        double w = before.get(0).get(0, 0);

        assertSame(m, m.to(DType.FLOAT32));
        List<Tensor> after = m.parameters();
        for (int i = 0; i < before.size(); i++) {
            assertSame(before.get(i), after.get(i));
            assertEquals(DType.FLOAT32, after.get(i).dtype());
            assertNull(after.get(i).grad(), "the float64 gradient is cleared");
        }
        assertEquals((float) w, after.get(0).get(0, 0), 0, "rounded to nearest");

        m.forward(Tensor.ones(2, 3, DType.FLOAT32)).sum().backward();
        Tensor g = after.get(0).grad();
        float old = (float) after.get(0).get(0, 0);
        opt.step();
        assertEquals(DType.FLOAT32, after.get(0).dtype());
        assertEquals((float) (old - 0.5 * g.get(0, 0)), after.get(0).get(0, 0), 0);

        m.to(DType.FLOAT64);
        assertEquals(DType.FLOAT64, after.get(0).dtype());
        assertSame(before.get(0), m.parameters().get(0));
    }

    @Test
    void batchNormCountKeepsItsDtypeWhileRunningStatisticsTurnFloat32() {
        BatchNorm1d bn = new BatchNorm1d(2);
        bn.to(DType.FLOAT32);
        bn.forward(Tensor.ofFloats(3, 2, 1, 2, 3, 5, 6, 9));
        assertEquals(DType.FLOAT32, bn.runningMean().dtype());
        assertEquals(DType.FLOAT32, bn.runningVar().dtype());
        assertEquals(DType.FLOAT64, bn.namedBuffers().get("num_batches_tracked").dtype());
        assertEquals(1, bn.numBatchesTracked());
        assertEquals(0.1 * 10 / 3.0, bn.runningMean().get(0, 0), 1e-7);
    }

    @Test
    void loadStateDictRoundsFloat64ValuesIntoFloat32ParametersAndBuffers() {
        BatchNorm1d bn = new BatchNorm1d(2);
        bn.to(DType.FLOAT32);
        Tensor weight = bn.namedParameters().get("weight");
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("weight", Tensor.of(1, 2, 0.1, 1.0 / 3));
        state.put("bias", Tensor.of(1, 2, 0.2, 0.3));
        state.put("running_mean", Tensor.of(1, 2, 0.7, 0.9));
        state.put("running_var", Tensor.of(1, 2, 1.1, 1.3));
        state.put("num_batches_tracked", Tensor.scalar(4));
        bn.loadStateDict(state);
        assertSame(weight, bn.namedParameters().get("weight"));
        assertEquals(DType.FLOAT32, weight.dtype());
        assertEquals((float) 0.1, weight.get(0, 0), 0);
        assertNotEquals(0.1, weight.get(0, 0));
        assertEquals((float) (1.0 / 3), weight.get(0, 1), 0);
        assertEquals(DType.FLOAT32, bn.runningMean().dtype());
        assertEquals((float) 0.9, bn.runningMean().get(0, 1), 0);
        assertEquals(DType.FLOAT64, bn.namedBuffers().get("num_batches_tracked").dtype());
        assertEquals(4, bn.numBatchesTracked());
        assertEquals(DType.FLOAT32, bn.stateDict().get("weight").dtype(), "stateDict keeps the dtype");
    }

    @Test
    void aFloat32ModelRefusesFloat64InputNamingBothDtypes() {
        Linear lin = new Linear(2, 2, true, new Random(0));
        lin.to(DType.FLOAT32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> lin.forward(Tensor.ones(1, 2)));
        assertTrue(e.getMessage().contains("FLOAT64") && e.getMessage().contains("FLOAT32"), e.getMessage());
    }

    @Test
    void aLinearMadeFromFloat32ValuesHasFloat32Parameters() {
        Tensor w = Tensor.ofFloats(1, 2, 0.1f, 0.2f);
        Linear lin = new Linear(w, Tensor.ofFloats(1, 1, 0.3f));
        assertEquals(DType.FLOAT32, lin.weight().dtype());
        assertEquals(DType.FLOAT32, lin.bias().dtype());
        assertEquals(0.1f, lin.weight().get(0, 0), 0);
        Tensor y = lin.forward(Tensor.ofFloats(1, 2, 1f, 1f));
        assertEquals(DType.FLOAT32, y.dtype());
        assertEquals(0.1f + 0.2f + 0.3f, y.item(), 1e-7);
    }

    @Test
    void toInPlaceRefusesANonLeaf() {
        Tensor x = Tensor.ones(1, 2).requiresGrad(true);
        assertThrows(IllegalStateException.class, () -> x.mul(2).toInPlace(DType.FLOAT32));
    }

    static void assertFloat32Values(Tensor t, String what) {
        for (double[] row : t.toArray()) {
            for (double v : row) {
                assertTrue(Double.isNaN(v) || (double) (float) v == v, what + ": " + v + " is not a float32 value");
            }
        }
    }

    /** {@code |a − b| ≤ tol·max(1, |a|)} entry by entry, a the float64 reference. */
    static void assertClose(Tensor a, Tensor b, double tol, String what) {
        assertEquals(a.rows(), b.rows(), what);
        assertEquals(a.cols(), b.cols(), what);
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                double x = a.get(i, j);
                double y = b.get(i, j);
                assertTrue(Math.abs(x - y) <= tol * Math.max(1, Math.abs(x)) || (Double.isInfinite(x) && x == y),
                        what + " at (" + i + ", " + j + "): float64 " + x + ", float32 " + y);
            }
        }
    }
}
