package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.testing.OpCatalogue;
import dev.ejgrad.testing.OpCatalogue.Domain;
import dev.ejgrad.testing.OpCatalogue.Op;
import dev.ejgrad.testing.OpCatalogue.Order;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of every op of the catalogue ({@link OpCatalogue}) over random shapes (1 to 8 rows and columns) and
 * values in each op's domain, large magnitudes included for the saturating ones.
 */
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

    /** The catalogue's ops of one tensor of any shape, differentiable, whose first input lies in one of the domains. */
    private static List<Op> ops(Predicate<Op> which) {
        return OpCatalogue.OPS.stream().filter(op -> op.anyShape() && op.order() != Order.NONE).filter(which)
                .toList();
    }

    private static void gradCheckAll(Tensor values, List<Op> ops) {
        for (Op op : ops) {
            Tensor x = inDomain(op.domain(), values).detach().requiresGrad(true);
            GradCheck.Result r = GradCheck.check(op.fn(), x);
            assertTrue(r.passed(), op + " on " + x + ": " + r);
        }
    }

    /**
     * Moderate values moved into an op's domain: distinct values 10 apart (max, min), or values off the bounds of
     * clamp and hardtanh (-0.9, 1.1) and softplus(2, 3)'s threshold (1.5): jqwik draws two decimals, +0.005 keeps
     * every value at least 0.005 from a bound.
     */
    private static Tensor inDomain(Domain d, Tensor moderate) {
        switch (d) {
            case DISTINCT:
                return moderate.add(Tensor.of(moderate.rows(), moderate.cols(), ramp(moderate.numel())));
            case OFF_BOUNDS:
                return moderate.clamp(-4, 4).add(Tensor.full(moderate.rows(), moderate.cols(), 0.005));
            default:
                return moderate;
        }
    }

    @Property(tries = 40)
    void everyOpPassesAGradientCheck(@ForAll("moderate") Tensor x) {
        gradCheckAll(x, ops(op -> op.domain() != Domain.POSITIVE));
    }

    @Property(tries = 40)
    void opsOfPositiveValuesPassAGradientCheck(@ForAll("positive") Tensor x) {
        gradCheckAll(x, ops(op -> op.domain() == Domain.POSITIVE));
    }

    @Property(tries = 40)
    void saturatingOpsPassAGradientCheckAtLargeMagnitudes(@ForAll("large") Tensor x) {
        gradCheckAll(x, ops(Op::saturates));
    }

    /** The products of the catalogue on random shapes: x·xᵀ (matmulT) and xᵀ·x (matmul). */
    @Property(tries = 40)
    void productsPassAGradientCheck(@ForAll("moderate") Tensor x) {
        for (Op op : OpCatalogue.OPS) {
            Function<Tensor[], Tensor> f;
            if (op.signature().equals("matmulT(Tensor)")) {
                f = in -> op.apply(in[0], in[0]);
            } else if (op.signature().equals("matmul(Tensor)")) {
                f = in -> op.apply(in[0].t(), in[0]);
            } else {
                continue;
            }
            GradCheck.Result r = GradCheck.check(f, x.detach().requiresGrad(true));
            assertTrue(r.passed(), op + " on " + x + ": " + r);
        }
    }

    /** The broadcasting ops against a broadcast second operand (a row, a column or a scalar) and a same-shape one. */
    @Property(tries = 40)
    void broadcastingOpsPassAGradientCheck(@ForAll("moderate") Tensor a, @ForAll("moderate") Tensor b0) {
        Tensor[] seconds = {Tensor.full(1, a.cols(), b0.get(0, 0)), Tensor.full(a.rows(), 1, b0.get(0, 0)),
            Tensor.scalar(b0.get(0, 0)), a.abs().add(0.5).detach()};   // the last: same shape, at least 0.5
        for (Op op : OpCatalogue.OPS) {
            if (!op.broadcasts() || op.order() == Order.NONE
                    || op.samples().get(0).stream().anyMatch(in -> in.domain() != Domain.OFF_ZERO)) {
                continue;
            }
            for (Tensor b : seconds) {
                GradCheck.Result r = GradCheck.check(op.fn(), a.detach().requiresGrad(true),
                        b.detach().requiresGrad(true));
                assertTrue(r.passed(), op + " " + a + " with " + b + ": " + r);
            }
        }
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
