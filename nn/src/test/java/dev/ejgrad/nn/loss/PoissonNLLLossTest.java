package dev.ejgrad.nn.loss;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** PoissonNLLLoss: PyTorch's numbers, gradient and second-derivative checks, the explanation and the refusals. */
class PoissonNLLLossTest {

    private static final double[][] COUNTS = {{0, 1, 2}, {3, 5, 7}, {8, 1, 0}, {2, 4, 1.5}};

    static Stream<Arguments> golden() {
        return Golden.nn2Cases("poisson_nll_loss");
    }

    @Test
    void theGoldenFileHasTheCases() {
        assertEquals(6, Golden.nn2Count("poisson_nll_loss"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void matchesPyTorch(String name, JsonNode c) {
        JsonNode args = c.get("args");
        PoissonNLLLoss loss = new PoissonNLLLoss().logInput(args.get("log_input").asBoolean())
                .full(args.get("full").asBoolean()).eps(args.get("eps").asDouble())
                .reduction(Reduction.valueOf(args.get("reduction").asText().toUpperCase(Locale.ROOT)));
        JsonNode in = c.get("inputs");
        Tensor input = tensor(in.get("input")).requiresGrad(true);
        Tensor out = loss.forward(input, tensor(in.get("target")));
        assertClose(name + " output", c.get("output"), out);
        if (c.has("grad_output")) {
            out.backward(tensor(c.get("grad_output")));
        } else {
            out.backward();
        }
        assertClose(name + " grad input", c.get("grad_inputs").get("input"), input.grad());
    }

    static Stream<Arguments> grid() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Reduction r : new Reduction[] {Reduction.NONE, Reduction.MEAN, Reduction.SUM}) {
            for (boolean logInput : new boolean[] {true, false}) {
                for (boolean full : new boolean[] {false, true}) {
                    for (double eps : new double[] {1e-8, 0.5}) {
                        b.add(Arguments.of(r, logInput, full, eps));
                    }
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} logInput={1} full={2} eps={3}")
    @MethodSource("grid")
    void gradChecksAndGradGradChecks(Reduction r, boolean logInput, boolean full, double eps) {
        Random rng = new Random(41);
        Tensor input = logInput ? Tensor.randn(4, 3, rng).requiresGrad(true)
                : Tensor.rand(4, 3, rng).mul(3).add(0.2).detach().requiresGrad(true);
        Tensor target = Tensor.of(COUNTS);
        PoissonNLLLoss loss = new PoissonNLLLoss().logInput(logInput).full(full).eps(eps).reduction(r);
        Function<Tensor[], Tensor> f = xs -> loss.forward(xs[0], target);
        GradCheck.assertPasses(xs -> {
            Tensor y = f.apply(xs);
            Tensor g = Tensor.rand(y.rows(), y.cols(), new Random(5)).add(0.5);
            return y.mul(g).add(1).pow(2).sum();
        }, input);
        GradCheck.assertGradGradPasses(f, input);
    }

    @Test
    void theTermsAreTheDefinitions() {
        Tensor x = Tensor.of(new double[][] {{0.5, -1, 2}});
        Tensor t = Tensor.of(new double[][] {{0, 1, 3}});
        Tensor none = new PoissonNLLLoss().full(true).reduction(Reduction.NONE).forward(x, t);
        assertEquals(Math.exp(0.5), none.get(0, 0), 1e-15, "no Stirling term at t = 0");
        assertEquals(Math.exp(-1) + 1, none.get(0, 1), 1e-15, "no Stirling term at t = 1");
        assertEquals(Math.exp(2) - 6 + 3 * Math.log(3) - 3 + 0.5 * Math.log(2 * Math.PI * 3), none.get(0, 2), 1e-14);
        Tensor rates = new PoissonNLLLoss().logInput(false).eps(0.1).reduction(Reduction.SUM)
                .forward(Tensor.row(0.0, 2), Tensor.row(2, 1));
        assertEquals(0 - 2 * Math.log(0.1) + 2 - Math.log(2.1), rates.item(), 1e-14);
        assertEquals(new PoissonNLLLoss().forward(x, t).item(), none.sum().item() / 3
                - (3 * Math.log(3) - 3 + 0.5 * Math.log(2 * Math.PI * 3)) / 3, 1e-14, "MEAN, not full, is the default");
    }

    @Test
    void explainTakesTheValueApart() {
        Tensor x = Tensor.of(new double[][] {{0.5, -1}, {2, 0.1}});
        Tensor t = Tensor.of(new double[][] {{0, 2}, {3, 1}});
        PoissonNLLLoss loss = new PoissonNLLLoss().full(true);
        LossExplanation e = loss.explain(x, t);
        double s2 = 2 * Math.log(2) - 2 + 0.5 * Math.log(4 * Math.PI);
        double s3 = 3 * Math.log(3) - 3 + 0.5 * Math.log(6 * Math.PI);
        assertEquals(Math.exp(0.5) + Math.exp(-1) + 2 + s2, e.rows().get(0).contribution(), 1e-14);
        assertEquals(Math.exp(2) - 6 + s3 + Math.exp(0.1) - 0.1, e.rows().get(1).contribution(), 1e-13);
        assertEquals(4, e.denominator());
        assertEquals(loss.forward(x, t).item(), e.value(), 0);
        assertEquals("full: the Stirling term of log(target!) is added to the 2 of 4 elements with target > 1, "
                + LossExplanation.number(s2 + s3) + " in all", e.notes().get(0));
        assertTrue(e.rows().get(0).detail().startsWith("Σ exp(input) - target·input"), e.rows().get(0).detail());
        LossExplanation rates = new PoissonNLLLoss().logInput(false).reduction(Reduction.SUM).explain(x.abs(), t);
        assertEquals(1, rates.denominator());
        assertTrue(rates.notes().isEmpty());
        assertTrue(rates.rows().get(1).detail().startsWith("Σ input - target·log(input + eps)"));
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsComputed() {
        Tensor x = Tensor.ones(2, 2).requiresGrad(true);
        PoissonNLLLoss loss = new PoissonNLLLoss();
        assertMessage("PoissonNLLLoss: target must be non-negative counts; found -1.0 at (1, 0)",
                () -> loss.forward(x, Tensor.of(2, 2, 0, 1, -1, 2)));
        assertMessage("PoissonNLLLoss: target must be non-negative counts; found NaN at (0, 1)",
                () -> loss.forward(x, Tensor.of(2, 2, 0, Double.NaN, 1, 2)));
        assertMessage("PoissonNLLLoss: input must be non-negative rates when logInput is false (for log-rates use "
                + "logInput(true)); found -0.5 at (0, 0)",
                () -> loss.logInput(false).forward(Tensor.of(2, 2, -0.5, 1, 1, 1), Tensor.ones(2, 2)));
        assertMessage("PoissonNLLLoss: target shape 2x1 must equal input shape 2x2",
                () -> loss.forward(x, Tensor.ones(2, 1)));
        assertMessage("PoissonNLLLoss: the target requires grad, but this loss computes no gradient for its target; "
                + "pass target.detach()", () -> loss.forward(x, Tensor.ones(2, 2).requiresGrad(true)));
        assertMessage("PoissonNLLLoss: eps must be non-negative and finite, got Infinity",
                () -> loss.eps(Double.POSITIVE_INFINITY));
        assertMessage("PoissonNLLLoss: reduction BATCHMEAN is only defined for KLDivLoss; use MEAN",
                () -> loss.reduction(Reduction.BATCHMEAN));
        // a negative log-rate is an ordinary input
        assertEquals(Math.exp(-2), loss.forward(Tensor.scalar(-2), Tensor.scalar(0)).item(), 1e-15);
        assertNull(x.grad());
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }
}
