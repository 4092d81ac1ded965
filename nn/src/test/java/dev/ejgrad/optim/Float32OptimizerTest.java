package dev.ejgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.DType;
import dev.ejgrad.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Optimizers on float32 parameters: state in float32, and each step the rule of the float64 optimizer computed on the
 * widened values and rounded once to float32 (the parameter and every buffer), across the 1024-element slices the
 * base class hands the rule. One entry per optimizer configuration.
 */
class Float32OptimizerTest {

    /** An optimizer configuration made over a parameter list. */
    record Config(String name, Function<List<Tensor>, Optimizer> make) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Config> optimizers() {
        return Stream.of(
                new Config("SGD", ps -> new SGD(ps, 0.1)),
                new Config("SGD momentum dampening weight decay", ps -> new SGD(ps, 0.1).momentum(0.9)
                        .dampening(0.1).weightDecay(0.01)),
                new Config("SGD Nesterov", ps -> new SGD(ps, 0.1).momentum(0.9).nesterov(true)),
                new Config("Adam", ps -> new Adam(ps, 1e-2)),
                new Config("Adam amsgrad weight decay", ps -> new Adam(ps, 1e-2).amsgrad(true).weightDecay(0.1)
                        .betas(0.8, 0.99)),
                new Config("AdamW", ps -> new AdamW(ps, 1e-2)),
                new Config("RMSprop centered momentum", ps -> new RMSprop(ps, 1e-2).centered(true).momentum(0.9)
                        .weightDecay(0.01)),
                new Config("RMSprop", ps -> new RMSprop(ps, 1e-2)),
                new Config("Adagrad", ps -> new Adagrad(ps, 0.1).lrDecay(0.01).initialAccumulatorValue(0.1)
                        .weightDecay(0.01)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void eachFloat32StepIsTheDoubleRuleRoundedOnceIntoFloat32State(Config c) {
        Random rng = new Random(3);
        // 2·1000 + 700 elements: the rule sees slices of 1024, 1024 and 652
        Tensor w32 = Tensor.randn(2, 1000, rng, DType.FLOAT32).requiresGrad(true);
        Tensor b32 = Tensor.randn(1, 700, rng, DType.FLOAT32).requiresGrad(true);
        Tensor w64 = w32.detach().to(DType.FLOAT64).requiresGrad(true);
        Tensor b64 = b32.detach().to(DType.FLOAT64).requiresGrad(true);
        Optimizer o32 = c.make().apply(List.of(w32, b32));
        Optimizer o64 = c.make().apply(List.of(w64, b64));
        for (int step = 0; step < 4; step++) {
            for (Tensor[] pair : new Tensor[][] {{w32, w64}, {b32, b64}}) {
                Tensor g = Tensor.randn(pair[0].rows(), pair[0].cols(), rng, DType.FLOAT32);
                pair[0].setGrad(g);
                pair[1].setGrad(g.to(DType.FLOAT64));
            }
            o32.step();
            o64.step();
            assertEquals(DType.FLOAT32, w32.dtype());
            assertRounded(w64, w32, c.name() + " step " + step + " weight");
            assertRounded(b64, b32, c.name() + " step " + step + " bias");
            Map<String, Tensor> s32 = o32.stateDict();
            Map<String, Tensor> s64 = o64.stateDict();
            assertEquals(s64.keySet(), s32.keySet());
            Map<String, Tensor> widened = new LinkedHashMap<>();
            String at = c.name() + " step " + step + " ";
            s32.forEach((key, t) -> {
                boolean buffer = key.startsWith("state.") && !key.endsWith(".step");
                assertEquals(buffer ? DType.FLOAT32 : DType.FLOAT64, t.dtype(), c.name() + " " + key);
                if (buffer) {
                    assertRounded(s64.get(key), t, at + key);
                }
                widened.put(key, t.to(DType.FLOAT64));
            });
            // the float64 run continues from the float32 run's values, so that the next step is compared alone
            copy(w32, w64);
            copy(b32, b64);
            o64.loadStateDict(widened);
        }
    }

    @Test
    void stateFollowsItsParameterThroughACastAndALoad() {
        Tensor p = Tensor.of(1, 3, 0.1, -0.2, 0.3).requiresGrad(true);
        Adam adam = new Adam(List.of(p), 0.01);
        p.setGrad(Tensor.of(1, 3, 1.0 / 3, 2, -1));
        adam.step();
        assertEquals(DType.FLOAT64, adam.stateDict().get("state.0.exp_avg").dtype());
        Map<String, Tensor> float64State = adam.stateDict();

        p.toInPlace(DType.FLOAT32);   // as Module.to: the optimizer keeps the same parameter
        p.setGrad(Tensor.ofFloats(1, 3, 1, 1, 1));
        adam.step();
        assertEquals(DType.FLOAT32, p.dtype());
        assertEquals(DType.FLOAT32, adam.stateDict().get("state.0.exp_avg").dtype());
        assertEquals(DType.FLOAT32, adam.stateDict().get("state.0.exp_avg_sq").dtype());

        adam.loadStateDict(float64State);   // float64 state into a float32 parameter: rounded to nearest
        Tensor m = adam.stateDict().get("state.0.exp_avg");
        assertEquals(DType.FLOAT32, m.dtype());
        assertEquals((float) float64State.get("state.0.exp_avg").get(0, 0), m.get(0, 0), 0);
        assertTrue(m.get(0, 0) != float64State.get("state.0.exp_avg").get(0, 0), "0.1/3 is not a float32 value");
    }

    @Test
    void clippingKeepsEachGradientsDtype() {
        Tensor a = Tensor.zeros(1, 2, DType.FLOAT32).requiresGrad(true);
        Tensor b = Tensor.zeros(1, 2).requiresGrad(true);
        a.setGrad(Tensor.ofFloats(1, 2, 3, 4));
        b.setGrad(Tensor.of(1, 2, 0, 0));
        assertEquals(5, ClipGrad.clipGradNorm(List.of(a, b), 1), 1e-12);
        assertEquals(DType.FLOAT32, a.grad().dtype());
        assertEquals(DType.FLOAT64, b.grad().dtype());
        assertEquals((float) (3 * (1 / (5 + 1e-6))), a.grad().get(0, 0), 0);
        ClipGrad.clipGradValue(List.of(a), 0.5);
        assertEquals(DType.FLOAT32, a.grad().dtype());
        assertEquals(0.5, a.grad().get(0, 1), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.setGrad(Tensor.ones(1, 2)));
        assertTrue(e.getMessage().contains("FLOAT32") && e.getMessage().contains("FLOAT64"), e.getMessage());
    }

    /** Every entry of the float32 tensor is the float64 one rounded to nearest, bit for bit. */
    private static void assertRounded(Tensor expected64, Tensor actual32, String what) {
        assertEquals(DType.FLOAT32, actual32.dtype(), what);
        double[][] e = expected64.toArray();
        double[][] a = actual32.toArray();
        for (int i = 0; i < e.length; i++) {
            for (int j = 0; j < e[i].length; j++) {
                assertEquals((float) e[i][j], a[i][j], 0, what + " at (" + i + ", " + j + ")");
            }
        }
    }

    private static void copy(Tensor from32, Tensor to64) {
        double[] v = from32.toMatrix().data;
        to64.updateInPlace((p, g) -> System.arraycopy(v, 0, p, 0, p.length));
    }
}
