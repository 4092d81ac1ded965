package dev.ejgrad.nn.loss;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.core.GradCheck;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.testing.Golden;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** GaussianNLLLoss: PyTorch's numbers, gradient and second-derivative checks, the explanation and the refusals. */
class GaussianNLLLossTest {

    static Stream<Arguments> golden() {
        return Golden.nn2Cases("gaussian_nll_loss");
    }

    @Test
    void theGoldenFileHasTheCases() {
        assertEquals(10, Golden.nn2Count("gaussian_nll_loss"));
    }

    static GaussianNLLLoss configured(JsonNode args) {
        return new GaussianNLLLoss().full(args.get("full").asBoolean()).eps(args.get("eps").asDouble())
                .reduction(Reduction.valueOf(args.get("reduction").asText().toUpperCase(Locale.ROOT)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void matchesPyTorch(String name, JsonNode c) {
        JsonNode in = c.get("inputs");
        Tensor input = tensor(in.get("input")).requiresGrad(true);
        Tensor target = tensor(in.get("target"));
        Tensor var = tensor(in.get("var")).requiresGrad(true);
        Tensor out = configured(c.get("args")).forward(input, target, var);
        assertClose(name + " output", c.get("output"), out);
        if (c.has("grad_output")) {
            out.backward(tensor(c.get("grad_output")));
        } else {
            out.backward();
        }
        assertClose(name + " grad input", c.get("grad_inputs").get("input"), input.grad());
        assertClose(name + " grad var", c.get("grad_inputs").get("var"), var.grad());
    }

    @Test
    void theClampIsInValueOnly() {
        // var 0 counts as eps; its gradient is the formula's at eps, 0.5·(1/eps - d²/eps²), not zero
        double eps = 1e-2;
        Tensor input = Tensor.row(0.3).requiresGrad(true);
        Tensor var = Tensor.row(0.0).requiresGrad(true);
        Tensor out = new GaussianNLLLoss().eps(eps).forward(input, Tensor.row(0.1), var);
        double d = 0.2;
        assertEquals(0.5 * (Math.log(eps) + d * d / eps), out.item(), 1e-15);
        out.backward();
        assertEquals(0.5 * (1 / eps - d * d / (eps * eps)), var.grad().get(0, 0), 1e-12);
        assertEquals(d / eps, input.grad().get(0, 0), 1e-13);
    }

    static Stream<Arguments> grid() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Reduction r : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
            for (boolean full : new boolean[] {false, true}) {
                for (String shape : new String[] {"NxD", "Nx1", "1xD", "clamped"}) {
                    b.add(Arguments.of(r, full, shape));
                }
            }
        }
        return b.build();
    }

    /**
     * Input, target and var all differentiable, under a non-trivial upstream gradient; then second derivatives. With
     * clamped variances var is held constant: there the value is flat in var by design while the gradient is the
     * formula's (PyTorch's choice, checked by {@link #theClampIsInValueOnly}), which no difference quotient sees.
     */
    @ParameterizedTest(name = "{0} full={1} var={2}")
    @MethodSource("grid")
    void gradChecksAndGradGradChecks(Reduction r, boolean full, String shape) {
        Random rng = new Random(31);
        int n = 4;
        int d = 3;
        Tensor input = Tensor.randn(n, d, rng).requiresGrad(true);
        Tensor target = Tensor.randn(n, d, rng).requiresGrad(true);
        int vr = shape.equals("1xD") ? 1 : n;
        int vc = shape.equals("Nx1") ? 1 : d;
        Tensor var = Tensor.rand(vr, vc, rng).add(0.3).detach();
        GaussianNLLLoss loss = new GaussianNLLLoss().full(full).reduction(r);
        if (shape.equals("clamped")) {
            // a quarter of the variances below eps, none within the difference step of it
            loss = loss.eps(0.05);
            double[][] v = var.toArray();
            v[0][1] = 0.01;
            v[2][0] = 0.0;
            v[3][2] = 0.03;
            var = Tensor.of(v);
        }
        var = var.requiresGrad(!shape.equals("clamped"));
        GaussianNLLLoss l = loss;
        Function<Tensor[], Tensor> f = xs -> l.forward(xs[0], xs[1], xs[2]);
        GradCheck.assertPasses(xs -> driven(f.apply(xs)), input, target, var);
        GradCheck.assertGradGradPasses(f, input, target, var);
    }

    private static Tensor driven(Tensor y) {
        Tensor g = Tensor.rand(y.rows(), y.cols(), new Random(5)).add(0.5);
        return y.mul(g).add(1).pow(2).sum();
    }

    @Test
    void perRowAndPerColumnVarianceAreTheExpandedOnes() {
        Random rng = new Random(32);
        Tensor input = Tensor.randn(4, 3, rng);
        Tensor target = Tensor.randn(4, 3, rng);
        Tensor perRow = Tensor.rand(4, 1, rng).add(0.2);
        Tensor perColumn = Tensor.rand(1, 3, rng).add(0.2);
        GaussianNLLLoss loss = new GaussianNLLLoss().reduction(Reduction.NONE);
        assertClose("per row", loss.forward(input, target, perRow.matmul(Tensor.ones(1, 3))),
                loss.forward(input, target, perRow));
        assertClose("per column", loss.forward(input, target, Tensor.ones(4, 1).matmul(perColumn)),
                loss.forward(input, target, perColumn));
    }

    @Test
    void explainTakesTheValueApart() {
        Tensor input = Tensor.of(new double[][] {{1, 2}, {0, -1}});
        Tensor target = Tensor.of(new double[][] {{0.5, 2}, {1, -1}});
        Tensor var = Tensor.of(new double[][] {{0.5, 2}, {0, 1}});
        GaussianNLLLoss loss = new GaussianNLLLoss().full(true).eps(1e-3);
        LossExplanation e = loss.explain(input, target, var);
        double c = 0.5 * Math.log(2 * Math.PI);
        double row0 = 0.5 * (Math.log(0.5) + 0.25 / 0.5) + c + 0.5 * Math.log(2) + c;
        double row1 = 0.5 * (Math.log(1e-3) + 1 / 1e-3) + c + c;
        assertEquals(row0, e.rows().get(0).contribution(), 1e-14);
        assertEquals(row1, e.rows().get(1).contribution(), 1e-12);
        assertEquals(4, e.denominator());
        assertEquals(loss.forward(input, target, var).item(), e.value(), 0);
        assertEquals((row0 + row1) / 4, e.value(), 1e-12);
        assertEquals("GaussianNLLLoss", e.loss());
        assertTrue(e.notes().get(0).startsWith("1 of 4 variances are below eps 0.00100000"), e.notes().toString());
        assertTrue(e.notes().get(1).startsWith("full: every term includes 0.5·log(2π)"), e.notes().toString());
        LossExplanation perRow = new GaussianNLLLoss().reduction(Reduction.SUM).explain(input, target,
                Tensor.column(1, 2));
        assertEquals(1, perRow.denominator());
        assertTrue(perRow.rows().get(0).detail().endsWith("one variance per row"), perRow.rows().get(0).detail());
        assertTrue(perRow.notes().isEmpty());
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsComputed() {
        Tensor input = Tensor.ones(4, 3).requiresGrad(true);
        Tensor target = Tensor.zeros(4, 3);
        GaussianNLLLoss loss = new GaussianNLLLoss();
        assertMessage("GaussianNLLLoss: var has negative entry/entries; found -0.5 at (1, 2)",
                () -> loss.forward(input, target, Tensor.of(4, 3, 1, 1, 1, 1, 1, -0.5, 1, 1, 1, 1, 1, 1)));
        assertMessage("GaussianNLLLoss: var of shape 3x4 is of incorrect size for an input of shape 4x3 (use 4x3, "
                + "4x1 or 1x3)", () -> loss.forward(input, target, Tensor.ones(3, 4)));
        assertMessage("GaussianNLLLoss: var of shape 1x1 is of incorrect size for an input of shape 4x3 (use 4x3, "
                + "4x1 or 1x3)", () -> loss.forward(input, target, Tensor.ones(1, 1)));
        assertMessage("GaussianNLLLoss: target shape 4x2 must equal input shape 4x3",
                () -> loss.forward(input, Tensor.zeros(4, 2), Tensor.ones(4, 3)));
        assertMessage("GaussianNLLLoss: eps must be non-negative and finite, got -1.0E-6", () -> loss.eps(-1e-6));
        assertMessage("GaussianNLLLoss: eps must be non-negative and finite, got NaN", () -> loss.eps(Double.NaN));
        assertMessage("GaussianNLLLoss: reduction BATCHMEAN is only defined for KLDivLoss; use MEAN",
                () -> loss.reduction(Reduction.BATCHMEAN));
        assertNull(input.grad());
    }

    @Test
    void settersReturnNewLosses() {
        GaussianNLLLoss base = new GaussianNLLLoss();
        GaussianNLLLoss full = base.full(true);
        assertNotSame(base, full);
        Tensor x = Tensor.row(1.0);
        Tensor v = Tensor.row(1.0);
        assertEquals(0.5, base.forward(x, Tensor.row(0.0), v).item(), 1e-15);
        assertEquals(0.5 + 0.5 * Math.log(2 * Math.PI), full.forward(x, Tensor.row(0.0), v).item(), 1e-15);
        assertEquals(0.5 * (Math.log(1e-6) + 1e6), base.forward(x, Tensor.row(0.0), Tensor.row(0.0)).item(), 1e-6,
                "the default eps is 1e-6");
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }
}
