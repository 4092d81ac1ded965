package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of every op over random shapes (1 to 8 rows and columns) and values, large magnitudes included. */
class OpPropertiesTest {

    private static Arbitrary<Tensor> matrices(double min, double max) {
        return matrices(Arbitraries.doubles().between(min, max));
    }

    private static Arbitrary<Tensor> matrices(Arbitrary<Double> values) {
        return Combinators.combine(Arbitraries.integers().between(1, 8), Arbitraries.integers().between(1, 8))
                .flatAs((r, c) -> values.array(double[].class).ofSize(r * c).map(v -> Tensor.of(r, c, v)));
    }

    /** Values in [-5, 5] at least 0.01 from 0, where relu and abs have their kink. */
    @Provide
    Arbitrary<Tensor> moderate() {
        return matrices(-5, 5).map(t -> t.abs().add(0.01).mul(t.add(1e-300).div(t.abs().add(1e-300))).detach());
    }

    /**
     * Values in [-1000, 1000], kept 1e-3 away from 20: softplus (as PyTorch's) switches to x there and jumps by
     * 2e-9, which a central difference straddling it reads as a wrong slope. jqwik likes round numbers, so it finds
     * 20 exactly.
     */
    @Provide
    Arbitrary<Tensor> large() {
        return matrices(Arbitraries.doubles().between(-1e3, 1e3).filter(v -> Math.abs(v - 20) > 1e-3));
    }

    @Provide
    Arbitrary<Tensor> positive() {
        return matrices(0.05, 50);
    }

    private static final Object[][] OPS = {
        {"neg", (UnaryOperator<Tensor>) Tensor::neg}, {"exp", (UnaryOperator<Tensor>) Tensor::exp},
        {"abs", (UnaryOperator<Tensor>) Tensor::abs}, {"pow 3", (UnaryOperator<Tensor>) x -> x.pow(3)},
        {"sigmoid", (UnaryOperator<Tensor>) Tensor::sigmoid}, {"tanh", (UnaryOperator<Tensor>) Tensor::tanh},
        {"relu", (UnaryOperator<Tensor>) Tensor::relu}, {"logSigmoid", (UnaryOperator<Tensor>) Tensor::logSigmoid},
        {"softplus", (UnaryOperator<Tensor>) Tensor::softplus}, {"t", (UnaryOperator<Tensor>) Tensor::t},
        {"sum", (UnaryOperator<Tensor>) Tensor::sum}, {"mean", (UnaryOperator<Tensor>) Tensor::mean},
        {"sum 0", (UnaryOperator<Tensor>) x -> x.sum(0)}, {"mean 1", (UnaryOperator<Tensor>) x -> x.mean(1)},
        {"logSumExp 1", (UnaryOperator<Tensor>) x -> x.logSumExp(1)},
        {"logSumExp 0", (UnaryOperator<Tensor>) x -> x.logSumExp(0)},
        {"softmax 1", (UnaryOperator<Tensor>) x -> x.softmax(1)},
        {"logSoftmax 0", (UnaryOperator<Tensor>) x -> x.logSoftmax(0)},
        {"x·xᵀ", (UnaryOperator<Tensor>) x -> x.matmulT(x)}, {"x·x", (UnaryOperator<Tensor>) x -> x.t().matmul(x)}};

    private static void gradCheckAll(Tensor values, Object[][] ops) {
        for (Object[] op : ops) {
            @SuppressWarnings("unchecked")
            UnaryOperator<Tensor> f = (UnaryOperator<Tensor>) op[1];
            GradCheck.Result r = GradCheck.check(in -> f.apply(in[0]), values.detach().requiresGrad(true));
            assertTrue(r.passed(), op[0] + " on " + values + ": " + r);
        }
    }

    @Property(tries = 40)
    void everyOpPassesAGradientCheck(@ForAll("moderate") Tensor x) {
        gradCheckAll(x, OPS);
    }

    @Property(tries = 40)
    void logAndSqrtPassAGradientCheckOnPositiveValues(@ForAll("positive") Tensor x) {
        gradCheckAll(x, new Object[][] {{"log", (UnaryOperator<Tensor>) Tensor::log},
            {"sqrt", (UnaryOperator<Tensor>) Tensor::sqrt}, {"pow -1.5", (UnaryOperator<Tensor>) v -> v.pow(-1.5)}});
    }

    @Property(tries = 40)
    void saturatingOpsPassAGradientCheckAtLargeMagnitudes(@ForAll("large") Tensor x) {
        gradCheckAll(x, new Object[][] {{"sigmoid", (UnaryOperator<Tensor>) Tensor::sigmoid},
            {"tanh", (UnaryOperator<Tensor>) Tensor::tanh}, {"logSigmoid", (UnaryOperator<Tensor>) Tensor::logSigmoid},
            {"softplus", (UnaryOperator<Tensor>) Tensor::softplus},
            {"logSoftmax 1", (UnaryOperator<Tensor>) v -> v.logSoftmax(1)},
            {"softmax 0", (UnaryOperator<Tensor>) v -> v.softmax(0)},
            {"logSumExp 1", (UnaryOperator<Tensor>) v -> v.logSumExp(1)}});
    }

    /** Binary ops against a broadcast second operand (a row, a column or a scalar), and max and clamp off their kinks. */
    @Property(tries = 40)
    void binaryOpsMaxAndClampPassAGradientCheck(@ForAll("moderate") Tensor a, @ForAll("moderate") Tensor b0) {
        Tensor[] seconds = {Tensor.full(1, a.cols(), b0.get(0, 0)), Tensor.full(a.rows(), 1, b0.get(0, 0)),
            Tensor.scalar(b0.get(0, 0)), a.abs().add(0.5).detach()};   // the last: same shape, at least 0.5
        for (Tensor b : seconds) {
            for (String op : new String[] {"add", "sub", "mul", "div"}) {
                GradCheck.Result r = GradCheck.check(in -> {
                    switch (op) {
                        case "add": return in[0].add(in[1]);
                        case "sub": return in[0].sub(in[1]);
                        case "mul": return in[0].mul(in[1]);
                        default: return in[0].div(in[1]);
                    }
                }, a.detach().requiresGrad(true), b.detach().requiresGrad(true));
                assertTrue(r.passed(), op + " " + a + " with " + b + ": " + r);
            }
        }
        // distinct values far from each other and from the clamp bounds, so central differences stay on one side
        Tensor spread = a.add(Tensor.of(a.rows(), a.cols(), ramp(a.numel()))).detach();
        gradCheckAll(spread, new Object[][] {{"max 1", (UnaryOperator<Tensor>) v -> v.max(1)},
            {"max 0", (UnaryOperator<Tensor>) v -> v.max(0)}});
        Tensor offBounds = a.clamp(-4, 4).add(Tensor.full(a.rows(), a.cols(), 0.005)).detach();
        gradCheckAll(offBounds, new Object[][] {{"clamp", (UnaryOperator<Tensor>) v -> v.clamp(-2.0021, 1.9979)}});
    }

    /** 0, 20, 40, ...: added to values in [-5, 5], makes every pair differ by at least 10. */
    private static double[] ramp(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 20.0 * i;
        }
        return v;
    }

    @Property(tries = 100)
    void logSoftmaxRowsExponentiateToOne(@ForAll("large") Tensor x) {
        Tensor p = x.logSoftmax(1).exp().sum(1);
        for (int i = 0; i < p.rows(); i++) {
            assertEquals(1.0, p.get(i, 0), 1e-12, x.toString());
        }
    }

    /** The gradient of a broadcast operand is the output gradient summed over the stretched side, exactly. */
    @Property(tries = 100)
    void theBroadcastingAdjointSumsOverTheStretchedSides(@ForAll("moderate") Tensor a, @ForAll("moderate") Tensor g0) {
        int r = a.rows();
        int c = a.cols();
        Tensor g = Tensor.of(r, c, new double[r * c]).add(g0.get(0, 0));   // any upstream gradient of a's shape
        for (int[] shape : new int[][] {{1, c}, {r, 1}, {1, 1}}) {
            Tensor b = Tensor.ones(shape[0], shape[1]).requiresGrad(true);
            a.add(b).backward(g);
            for (int i = 0; i < shape[0]; i++) {
                for (int j = 0; j < shape[1]; j++) {
                    double expected = 0;
                    for (int ii = 0; ii < r; ii++) {
                        for (int jj = 0; jj < c; jj++) {
                            if ((shape[0] == 1 || ii == i) && (shape[1] == 1 || jj == j)) {
                                expected += g.get(ii, jj);
                            }
                        }
                    }
                    assertEquals(expected, b.grad().get(i, j), 1e-12 * Math.max(1, Math.abs(expected)));
                }
            }
        }
    }
}
