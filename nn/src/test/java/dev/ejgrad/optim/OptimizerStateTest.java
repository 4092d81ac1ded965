package dev.ejgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.testing.Golden;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Optimizer state dicts: N steps straight equal k steps, a state dict, a new optimizer over fresh copies of the
 * parameters, loadStateDict and N - k steps, bit for bit; rejected states change nothing; RMSprop's and Adagrad's
 * argument checks; Adam's amsgrad switched on after some steps (against torch).
 */
class OptimizerStateTest {

    private static final int STEPS = 9;

    static Stream<Arguments> optimizers() {
        List<Arguments> out = new ArrayList<>();
        out.add(Arguments.of("SGD momentum nesterov", (Function<List<Tensor>, Optimizer>) ps ->
                new SGD(ps, 0.1).momentum(0.9).nesterov(true).weightDecay(0.01)));
        out.add(Arguments.of("SGD plain", (Function<List<Tensor>, Optimizer>) ps -> new SGD(ps, 0.05)));
        out.add(Arguments.of("Adam amsgrad", (Function<List<Tensor>, Optimizer>) ps ->
                new Adam(ps, 0.01).amsgrad(true).weightDecay(0.1)));
        out.add(Arguments.of("AdamW", (Function<List<Tensor>, Optimizer>) ps -> new AdamW(ps, 0.01)));
        out.add(Arguments.of("RMSprop centered momentum", (Function<List<Tensor>, Optimizer>) ps ->
                new RMSprop(ps, 0.01).centered(true).momentum(0.5).weightDecay(0.02)));
        out.add(Arguments.of("Adagrad", (Function<List<Tensor>, Optimizer>) ps ->
                new Adagrad(ps, 0.1).lrDecay(0.1).initialAccumulatorValue(0.3)));
        return out.stream();
    }

    private static List<Tensor> params(long seed) {
        Random rng = new Random(seed);
        return List.of(Tensor.randn(3, 4, rng).requiresGrad(true), Tensor.randn(1, 4, rng).requiresGrad(true),
                Tensor.randn(2, 2, rng).requiresGrad(true));
    }

    private static List<Tensor> copies(List<Tensor> ps) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : ps) {
            out.add(Tensor.from(p.toMatrix()).requiresGrad(true));
        }
        return out;
    }

    /** Step {@code k}'s gradients: seeded, with the last parameter's missing at step 2 (so its state lags). */
    private static void step(Optimizer opt, List<Tensor> ps, int k) {
        Random rng = new Random(100 + k);
        opt.zeroGrad();
        for (int i = 0; i < ps.size(); i++) {
            Tensor g = Tensor.randn(ps.get(i).rows(), ps.get(i).cols(), rng);
            if (!(i == 2 && k <= 2)) {
                ps.get(i).setGrad(g);
            }
        }
        opt.step();
    }

    private static void assertBitIdentical(String what, List<Tensor> expected, List<Tensor> actual) {
        for (int i = 0; i < expected.size(); i++) {
            double[][] e = expected.get(i).toArray();
            double[][] a = actual.get(i).toArray();
            for (int r = 0; r < e.length; r++) {
                for (int c = 0; c < e[r].length; c++) {
                    assertEquals(Double.doubleToLongBits(e[r][c]), Double.doubleToLongBits(a[r][c]),
                            what + " param " + i + " [" + r + "," + c + "]");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void resumingFromAStateDictIsBitIdentical(String name, Function<List<Tensor>, Optimizer> make) {
        List<Tensor> straight = params(7);
        Optimizer a = make.apply(straight);
        for (int k = 0; k < STEPS; k++) {
            step(a, straight, k);
        }
        for (int split : new int[] {0, 2, 5}) {
            List<Tensor> first = params(7);
            Optimizer b = make.apply(first);
            for (int k = 0; k < split; k++) {
                step(b, first, k);
            }
            b.lr(b.lr() * 0.5);   // a changed lr is part of the state
            Map<String, Tensor> state = b.stateDict();
            List<Tensor> second = copies(first);
            Optimizer c = make.apply(second);
            c.loadStateDict(state);
            assertEquals(b.lr(), c.lr(), name);
            c.lr(c.lr() * 2);
            for (int k = split; k < STEPS; k++) {
                step(c, second, k);
            }
            assertBitIdentical(name + " split " + split, straight, second);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void theStateDictIsACopyAndNamesItsEntries(String name, Function<List<Tensor>, Optimizer> make) {
        List<Tensor> ps = params(3);
        Optimizer opt = make.apply(ps);
        Map<String, Tensor> empty = opt.stateDict();
        assertEquals(Map.of("param_groups.lr", opt.lr(), "param_groups.num_params", 3.0),
                Map.of("param_groups.lr", empty.get("param_groups.lr").item(),
                        "param_groups.num_params", empty.get("param_groups.num_params").item()));
        assertEquals(2, empty.size(), name + ": no state before the first step");
        step(opt, ps, 0);
        Map<String, Tensor> state = opt.stateDict();
        assertTrue(state.keySet().stream().noneMatch(k -> k.startsWith("state.2.")), name + ": no grad, no state");
        if (!(opt instanceof SGD)) {
            assertEquals(1.0, state.get("state.0.step").item(), name);
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            if (e.getKey().startsWith("state.") && !e.getKey().endsWith(".step")) {
                int i = Integer.parseInt(e.getKey().split("\\.")[1]);
                assertEquals(ps.get(i).rows(), e.getValue().rows(), e.getKey());
                assertEquals(ps.get(i).cols(), e.getValue().cols(), e.getKey());
            }
        }
        Map<String, Tensor> again = opt.stateDict();
        assertEquals(state.keySet(), again.keySet());
        for (String k : state.keySet()) {
            assertTrue(state.get(k) != again.get(k), k + " is a new tensor each time");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void aStateForOtherParametersIsRejectedAndNothingChanges(String name, Function<List<Tensor>, Optimizer> make) {
        List<Tensor> ps = params(5);
        Optimizer opt = make.apply(ps);
        step(opt, ps, 0);
        step(opt, ps, 1);
        Map<String, Tensor> good = opt.stateDict();
        String buffer = good.keySet().stream().filter(k -> k.startsWith("state.0.") && !k.endsWith(".step"))
                .findFirst().orElse(null);

        List<Map<String, Tensor>> bad = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        Map<String, Tensor> count = new HashMap<>(good);
        count.put("param_groups.num_params", Tensor.scalar(2));
        bad.add(count);
        expected.add("the state is for 2 parameters, this optimizer has 3");
        Map<String, Tensor> unknown = new HashMap<>(good);
        unknown.put("state.0.velocity", Tensor.zeros(3, 4));
        bad.add(unknown);
        expected.add("unexpected key in the state: state.0.velocity");
        Map<String, Tensor> outOfRange = new HashMap<>(good);
        outOfRange.put("state.3." + (buffer == null ? "step" : buffer.split("\\.")[2]), Tensor.zeros(1, 1));
        bad.add(outOfRange);
        expected.add("(this optimizer has 3 parameters)");
        Map<String, Tensor> noLr = new HashMap<>(good);
        noLr.remove("param_groups.lr");
        bad.add(noLr);
        expected.add("the state has no param_groups.lr");
        if (buffer != null) {
            Map<String, Tensor> shape = new HashMap<>(good);
            shape.put(buffer, Tensor.zeros(4, 3));
            bad.add(shape);
            expected.add(buffer + " is 4x3 but parameter 0 is 3x4");
        }
        Map<String, Tensor> before = opt.stateDict();
        double[][] p0 = ps.get(0).toArray();
        for (int i = 0; i < bad.size(); i++) {
            Map<String, Tensor> s = bad.get(i);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(s));
            assertTrue(e.getMessage().contains(expected.get(i)), name + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith(name.split(" ")[0] + ": "), e.getMessage());
        }
        Map<String, Tensor> after = opt.stateDict();
        assertEquals(before.keySet(), after.keySet());
        for (String k : before.keySet()) {
            Golden.assertClose(name + " " + k + " unchanged", before.get(k), after.get(k), 0);
        }
        // the same steps from here on as an optimizer that never saw the bad states
        List<Tensor> twin = params(5);
        Optimizer other = make.apply(twin);
        step(other, twin, 0);
        step(other, twin, 1);
        step(opt, ps, 2);
        step(other, twin, 2);
        assertBitIdentical(name, twin, ps);
        assertEquals(p0.length, ps.get(0).rows());
    }

    @Test
    void aStateOfOtherShapesIsRejectedBeforeAnyBufferIsReplaced() {
        List<Tensor> small = List.of(Tensor.zeros(2, 2).requiresGrad(true));
        Adam adam = new Adam(small, 0.1);
        small.get(0).setGrad(Tensor.ones(2, 2));
        adam.step();
        Adam other = new Adam(List.of(Tensor.zeros(2, 3).requiresGrad(true)), 0.1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> other.loadStateDict(adam.stateDict()));
        assertTrue(e.getMessage().matches("Adam: state\\.0\\.exp_avg(_sq)? is 2x2 but parameter 0 is 2x3"),
                e.getMessage());
        assertEquals(2, other.stateDict().size());
    }

    @Test
    void amsgradSwitchedOnAfterTheFirstStepsStartsItsMaximumThen() {
        // torch: Adam(lr 0.05, betas (0.8, 0.95)) for 2 steps, then param_groups[0]['amsgrad'] = True with
        // state['max_exp_avg_sq'] = zeros for each parameter that has state (PyTorch 1.13 itself raises KeyError)
        Tensor p0 = Tensor.of(new double[][] {{0.5, -1.25, 2.0}, {0.75, -0.3, 0.1}}).requiresGrad(true);
        Tensor p1 = Tensor.row(1.5, -0.5).requiresGrad(true);
        double[][][] g0 = {{{0.3, -0.2, 0.9}, {0.05, 0.4, -0.7}}, {{-0.5, 0.1, 0.2}, {0.3, -0.8, 0.6}},
            {{0.01, 0.02, -0.03}, {0.04, -0.05, 0.06}}, {{0.7, -0.9, 0.1}, {-0.2, 0.3, 0.2}},
            {{0.002, 0.001, -0.004}, {0.003, 0.0, 0.005}}};
        double[][] g1 = {{0.2, -0.6}, null, {0.3, 0.1}, {-0.4, 0.5}, {0.01, -0.02}};
        Adam adam = new Adam(List.of(p0, p1), 0.05).betas(0.8, 0.95);
        for (int k = 0; k < 5; k++) {
            if (k == 2) {
                adam.amsgrad(true);
            }
            adam.zeroGrad();
            p0.setGrad(Tensor.of(g0[k]));
            if (g1[k] != null) {
                p1.setGrad(Tensor.row(g1[k]));
            }
            adam.step();
        }
        Golden.assertClose("p0", Tensor.of(new double[][] {
            {0.44423929043760246, -1.1270569757812716, 1.838740403664518},
            {0.6120844890442634, -0.30874708180415494, 0.1266757260085618}}), p0);
        Golden.assertClose("p1", Tensor.row(1.4031728273571014, -0.43986716616641086), p1);
        assertTrue(adam.stateDict().containsKey("state.1.max_exp_avg_sq"));
    }

    @Test
    void rmspropAndAdagradRejectPyTorchsInvalidValues() {
        List<Tensor> ps = List.of(Tensor.zeros(1, 1).requiresGrad(true));
        assertEquals("RMSprop: Invalid learning rate: -0.01",
                assertThrows(IllegalArgumentException.class, () -> new RMSprop(ps, -0.01)).getMessage());
        assertEquals("RMSprop: Invalid alpha value: -0.5",
                assertThrows(IllegalArgumentException.class, () -> new RMSprop(ps, 0.01).alpha(-0.5)).getMessage());
        assertEquals("RMSprop: Invalid epsilon value: NaN",
                assertThrows(IllegalArgumentException.class, () -> new RMSprop(ps, 0.01).eps(Double.NaN))
                        .getMessage());
        assertEquals("RMSprop: Invalid momentum value: -1.0",
                assertThrows(IllegalArgumentException.class, () -> new RMSprop(ps, 0.01).momentum(-1)).getMessage());
        assertEquals("RMSprop: Invalid weight_decay value: -1.0",
                assertThrows(IllegalArgumentException.class, () -> new RMSprop(ps, 0.01).weightDecay(-1))
                        .getMessage());
        assertEquals("Adagrad: Invalid lr_decay value: -0.1",
                assertThrows(IllegalArgumentException.class, () -> new Adagrad(ps, 0.01).lrDecay(-0.1)).getMessage());
        assertEquals("Adagrad: Invalid initial_accumulator_value value: -1.0",
                assertThrows(IllegalArgumentException.class, () -> new Adagrad(ps, 0.01).initialAccumulatorValue(-1))
                        .getMessage());
        assertEquals("Adagrad: Invalid epsilon value: -1.0",
                assertThrows(IllegalArgumentException.class, () -> new Adagrad(ps, 0.01).eps(-1)).getMessage());
        assertEquals("Adagrad: Invalid weight_decay value: -2.0",
                assertThrows(IllegalArgumentException.class, () -> new Adagrad(ps, 0.01).weightDecay(-2))
                        .getMessage());
        assertEquals("Adagrad: got an empty parameter list",
                assertThrows(IllegalArgumentException.class, () -> new Adagrad(List.of(), 0.01)).getMessage());
    }

    @Test
    void rmspropAndAdagradLearnALeastSquaresFit() {
        Random rng = new Random(11);
        Tensor x = Tensor.randn(64, 3, rng);
        Tensor y = x.matmul(Tensor.column(1.5, -2, 0.5)).add(0.3);
        for (int which = 0; which < 2; which++) {
            Tensor w = Tensor.zeros(3, 1).requiresGrad(true);
            Tensor b = Tensor.zeros(1, 1).requiresGrad(true);
            Optimizer opt = which == 0 ? new RMSprop(List.of(w, b), 0.01)
                    : new Adagrad(List.of(w, b), 0.5);
            double first = 0;
            double last = 0;
            for (int k = 0; k < 300; k++) {
                opt.zeroGrad();
                Tensor loss = x.matmul(w).add(b).sub(y).square().mean();
                loss.backward();
                opt.step();
                if (k == 0) {
                    first = loss.item();
                }
                last = loss.item();
            }
            assertTrue(last < first * 1e-3, (which == 0 ? "RMSprop" : "Adagrad") + ": " + first + " -> " + last);
            assertNotEquals(0, w.get(0, 0));
        }
    }
}
