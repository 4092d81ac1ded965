package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ModuleTest {

    private static Sequential mlp(long seed) {
        Random rng = new Random(seed);
        return new Sequential(new Linear(4, 3, true, rng), new ReLU(), new Linear(3, 2, true, rng));
    }

    @Test
    void namedParametersUsePyTorchNamesInOrder() {
        Sequential m = mlp(1);
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(m.namedParameters().keySet()));
        assertSame(((Linear) m.get(0)).weight(), m.namedParameters().get("0.weight"));
        assertEquals(4, m.parameters().size());
        assertEquals(3, m.size());
    }

    @Test
    void linearInitIsUniformWithinOneOverSqrtInAndSeeded() {
        Linear a = new Linear(16, 8, true, new Random(3));
        Linear b = new Linear(16, 8, true, new Random(3));
        assertArrayEquals(a.weight().toArray(), b.weight().toArray());
        double bound = 1 / Math.sqrt(16);
        double max = 0;
        for (double[] row : a.weight().toArray()) {
            for (double v : row) {
                assertTrue(Math.abs(v) <= bound, "weight " + v + " within ±" + bound);
                max = Math.max(max, Math.abs(v));
            }
        }
        assertTrue(max > 0.8 * bound, "values spread over the interval");
        assertEquals(8, a.weight().rows());
        assertEquals(16, a.weight().cols());
        assertEquals(1, a.bias().rows());
        assertEquals(8, a.bias().cols());
        assertTrue(a.weight().requiresGrad() && a.weight().isLeaf());
        // weight drawn first, row by row, then bias: the first weight is the first draw
        Random r = new Random(3);
        assertEquals(-bound + 2 * bound * r.nextDouble(), a.weight().get(0, 0), 0);
        assertNull(new Linear(2, 2, false, new Random(0)).bias());
    }

    @Test
    void linearChecksItsInputWidth() {
        Linear l = new Linear(4, 3, true, new Random(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.zeros(2, 5)));
        assertEquals("Linear: input of shape 2x5 has 5 features, but the layer takes 4 (weight 3x4)", e.getMessage());
    }

    @Test
    void badSizesAndNamesAreRejectedWithTheirValues() {
        assertEquals("Linear: in and out must be positive, got in=0, out=3",
                assertThrows(IllegalArgumentException.class, () -> new Linear(0, 3, true, new Random(0))).getMessage());
        assertEquals("Linear: bias must be 1x2 for a weight of shape 2x2, got 1x3",
                assertThrows(IllegalArgumentException.class,
                        () -> new Linear(Tensor.zeros(2, 2), Tensor.row(1, 1, 1))).getMessage());
        Module twoNames = new Module() {
            {
                registerParameter("w", Tensor.row(1).requiresGrad(true));
            }

            @Override
            public Tensor forward(Tensor input) {
                return input;
            }
        };
        assertEquals("module: the name 'w' is already registered", assertThrows(IllegalArgumentException.class,
                () -> twoNames.registerParameter("w", Tensor.row(2))).getMessage());
        assertEquals("module: a name must be non-empty and have no dot, got 'a.b'",
                assertThrows(IllegalArgumentException.class, () -> twoNames.registerModule("a.b", new ReLU()))
                        .getMessage());
    }

    @Test
    void linearFromValuesCopiesThem() {
        Tensor w = Tensor.of(new double[][] {{1, 2}, {3, 4}});
        Linear l = new Linear(w, Tensor.row(1, 1));
        l.weight().updateInPlace((v, g) -> v[0] = 9);
        assertEquals(1, w.get(0, 0));
        assertEquals(9, l.weight().get(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Linear(w, Tensor.row(1, 1, 1)));
    }

    @Test
    void stateDictIsASnapshotAndLoadsBackIntoAnotherModel() {
        Sequential a = mlp(1);
        Sequential b = mlp(2);
        Map<String, Tensor> state = a.stateDict();
        b.loadStateDict(state);
        Tensor x = Tensor.randn(5, 4, new Random(9));
        assertArrayEquals(a.forward(x).toArray(), b.forward(x).toArray());
        a.parameters().get(0).updateInPlace((v, g) -> v[0] += 1);
        assertEquals(b.parameters().get(0).get(0, 0), state.get("0.weight").get(0, 0), 0,
                "the snapshot did not follow the later change");
    }

    @Test
    void loadStateDictAlsoFillsAFrozenParameter() {
        Sequential m = mlp(1);
        m.parameters().get(0).requiresGrad(false);   // frozen, as for fine-tuning
        m.loadStateDict(mlp(2).stateDict());
        assertArrayEquals(mlp(2).parameters().get(0).toArray(), m.parameters().get(0).toArray());
    }

    @Test
    void loadStateDictIsStrictAndAtomic() {
        Sequential m = mlp(1);
        double before = m.parameters().get(0).get(0, 0);
        Map<String, Tensor> state = new LinkedHashMap<>(mlp(2).stateDict());
        state.put("2.bias", Tensor.zeros(1, 5));
        state.remove("0.bias");
        state.put("3.weight", Tensor.zeros(1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(state));
        assertTrue(e.getMessage().contains("missing key '0.bias'"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected key '3.weight'"), e.getMessage());
        assertTrue(e.getMessage().contains("'2.bias' has shape 1x5 but the parameter is 1x2"), e.getMessage());
        assertEquals(before, m.parameters().get(0).get(0, 0), 0, "nothing was loaded");
    }

    @Test
    void zeroGradTrainAndEvalReachEverySubModule() {
        Sequential m = mlp(1);
        m.forward(Tensor.ones(2, 4)).sum().backward();
        assertTrue(m.parameters().stream().allMatch(p -> p.grad() != null));
        m.zeroGrad();
        assertTrue(m.parameters().stream().allMatch(p -> p.grad() == null));
        m.eval();
        assertFalse(m.isTraining());
        assertFalse(m.get(0).isTraining());
        m.train();
        assertTrue(m.get(2).isTraining());
    }

    @Test
    void activationsAndTheirDims() {
        Tensor x = Tensor.of(new double[][] {{1, 2}, {3, 5}});
        assertEquals(1, new Softmax(1).forward(x).sum(1).get(1, 0), 1e-15);
        assertEquals(1, new Softmax(0).forward(x).sum(0).get(0, 1), 1e-15);
        assertEquals(Math.log(1 / (1 + Math.exp(1))), new LogSoftmax(1).forward(x).get(0, 0), 1e-15);
        assertEquals(Math.tanh(3), new Tanh().forward(x).get(1, 0), 0);
        assertEquals(0, new ReLU().forward(x.neg()).get(0, 0), 0);
        assertEquals("Softmax: dim must be 0 or 1, got 2",
                assertThrows(IllegalArgumentException.class, () -> new Softmax(2)).getMessage());
    }

    @Test
    void toStringListsLayersAsPyTorch() {
        String s = mlp(1).toString();
        assertEquals("Sequential(\n"
                + "  (0): Linear(in_features=4, out_features=3, bias=true)  weight 3x4, bias 1x3: 15 parameters\n"
                + "  (1): ReLU()\n"
                + "  (2): Linear(in_features=3, out_features=2, bias=true)  weight 2x3, bias 1x2: 8 parameters\n"
                + ")  23 parameters", s);
        Sequential mnist = new Sequential(new Linear(784, 256, true, new Random(0)), new ReLU(),
                new Linear(256, 10, true, new Random(0)));
        assertTrue(mnist.toString().endsWith(")  203,530 parameters"), mnist.toString());
    }

    @Test
    void aModuleWithParametersAndChildrenCountsBoth() {
        String s = new MultiheadAttention(4, 2, new Random(0)).toString();
        // in_proj 3E x E + 3E = 60 of its own, out_proj E x E + E = 20: 80 in all
        assertTrue(s.endsWith("in_proj_weight 12x4, in_proj_bias 1x12: 60 parameters, 80 with its children"), s);
        assertTrue(s.contains("(out_proj): Linear(in_features=4, out_features=4, bias=true)"), s);
        String bn = new Sequential(new Linear(3, 2, true, new Random(0)), new BatchNorm1d(2)).toString();
        assertTrue(bn.contains("BatchNorm1d("), bn);
    }
}
