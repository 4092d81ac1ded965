package dev.ejgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A new optimizer written as a user would, by subclassing {@link Optimizer}: the example of its class javadoc, word
 * for word, which must take the built-in SGD's steps (momentum, no dampening) bit for bit and share its state dict.
 */
class OptimizerSubclassTest {

    // the example of Optimizer's javadoc, copied exactly (checked by theJavadocShowsThisExample)
    final class MomentumSGD extends Optimizer {
        private final double momentum;

        MomentumSGD(List<Tensor> params, double lr, double momentum) {
            super(params, lr, List.of(), List.of("momentum_buffer"));   // state.i.momentum_buffer, as PyTorch
            this.momentum = nonNegative("momentum", momentum);
        }

        @Override
        protected void update(double[] p, double[] g, int step, Map<String, double[]> state) {
            double[] b = state.computeIfAbsent("momentum_buffer", name -> new double[p.length]);
            for (int i = 0; i < p.length; i++) {
                b[i] = b[i] * momentum + g[i];
                p[i] = p[i] - lr() * b[i];
            }
        }
    }

    private static List<Tensor> params(long seed) {
        Random rng = new Random(seed);
        return List.of(Tensor.randn(3, 2, rng).requiresGrad(true), Tensor.randn(1, 4, rng).requiresGrad(true));
    }

    /** Sets seeded gradients (the second parameter's missing at step 1) and steps. */
    private static void step(Optimizer opt, List<Tensor> ps, int k) {
        Random rng = new Random(50 + k);
        opt.zeroGrad();
        for (int i = 0; i < ps.size(); i++) {
            Tensor g = Tensor.randn(ps.get(i).rows(), ps.get(i).cols(), rng);
            if (!(i == 1 && k == 1)) {
                ps.get(i).setGrad(g);
            }
        }
        opt.step();
    }

    private static void assertSameBits(List<Tensor> expected, List<Tensor> actual) {
        for (int i = 0; i < expected.size(); i++) {
            double[][] e = expected.get(i).toArray();
            double[][] a = actual.get(i).toArray();
            for (int r = 0; r < e.length; r++) {
                for (int c = 0; c < e[r].length; c++) {
                    assertEquals(Double.doubleToLongBits(e[r][c]), Double.doubleToLongBits(a[r][c]),
                            "param " + i + " [" + r + "," + c + "]");
                }
            }
        }
    }

    private static void assertSameState(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()));
        expected.forEach((key, t) -> assertSameBits(List.of(t), List.of(actual.get(key))));
    }

    @Test
    void theSubclassTakesTheBuiltInSgdStepsBitForBit() {
        List<Tensor> ours = params(7);
        List<Tensor> builtIn = params(7);
        Optimizer mine = new MomentumSGD(ours, 0.05, 0.9);
        Optimizer sgd = new SGD(builtIn, 0.05).momentum(0.9);
        for (int k = 0; k < 6; k++) {
            step(mine, ours, k);
            step(sgd, builtIn, k);
            assertSameBits(builtIn, ours);
        }
        assertTrue(sgd.stateDict().containsKey("state.1.momentum_buffer"));
        assertSameState(sgd.stateDict(), mine.stateDict());
    }

    @Test
    void theBaseGivesTheSubclassItsChecksAndStateDict() {
        assertEquals("MomentumSGD: Invalid momentum value: -1.0",
                assertThrowsIae(() -> new MomentumSGD(params(1), 0.1, -1)));
        assertEquals("MomentumSGD: Invalid learning rate: -0.1",
                assertThrowsIae(() -> new MomentumSGD(params(1), -0.1, 0.9)));
        // SGD's state resumes in the subclass: 3 steps, state, 3 more equal 6 straight steps of SGD
        List<Tensor> straight = params(3);
        Optimizer sgd = new SGD(straight, 0.1).momentum(0.5);
        List<Tensor> resumed = params(3);
        Optimizer first = new SGD(resumed, 0.1).momentum(0.5);
        for (int k = 0; k < 3; k++) {
            step(sgd, straight, k);
            step(first, resumed, k);
        }
        Optimizer mine = new MomentumSGD(resumed, 0.7, 0.5);
        mine.loadStateDict(first.stateDict());
        assertEquals(0.1, mine.lr());
        for (int k = 3; k < 6; k++) {
            step(sgd, straight, k);
            step(mine, resumed, k);
        }
        assertSameBits(straight, resumed);
        Map<String, Tensor> stepped = Map.of("param_groups.lr", Tensor.scalar(0.1), "param_groups.num_params",
                Tensor.scalar(2), "state.0.step", Tensor.scalar(1));
        assertEquals("MomentumSGD: unexpected key in the state: state.0.step",
                assertThrowsIae(() -> mine.loadStateDict(stepped)));
    }

    private static String assertThrowsIae(org.junit.jupiter.api.function.Executable call) {
        return org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    @Test
    void theJavadocShowsThisExample() throws IOException {
        String javadoc = Files.readString(Path.of("src/main/java/dev/ejgrad/optim/Optimizer.java"));
        String example = javadoc.substring(javadoc.indexOf("<pre>{@code") + "<pre>{@code".length(),
                javadoc.indexOf("}</pre>"));
        String test = Files.readString(Path.of("src/test/java/dev/ejgrad/optim/OptimizerSubclassTest.java"));
        assertEquals(lines(example.replaceAll("(?m)^ \\* ?", "")),
                lines(test.substring(test.indexOf("final class MomentumSGD"), test.indexOf("    private static List"))));
    }

    /** The non-blank lines, stripped of their indentation. */
    private static String lines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }
}
