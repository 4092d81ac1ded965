package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.testing.OpCatalogue;
import dev.ejgrad.testing.OpCatalogue.Dtype;
import dev.ejgrad.testing.OpCatalogue.Input;
import dev.ejgrad.testing.OpCatalogue.Op;
import dev.ejgrad.testing.OpCatalogue.Order;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The derivatives of every op of the catalogue ({@link OpCatalogue}), on each of its samples (every broadcast pattern
 * of a broadcasting op): a central-difference gradient check driven through a non-trivial upstream gradient (each
 * output is multiplied by a fixed random G with values in [0.5, 1.5) and squared before summing, so a wrong
 * per-element rule cannot hide behind a sum of ones), and a gradgrad check: the rule differentiated with respect to
 * the inputs and to a random upstream gradient. An op of order zero also has a zero second derivative; an op of
 * order none never requires grad. The checks of derivatives run in the dtypes that allow them ({@link
 * Dtype#gradChecked()}: float64); in the others (float32) GradCheck and Derivatives refuse every sample, which
 * {@link #gradCheckRefusesTheSamplesOfTheOtherDtypes} checks. Float32's own checks are in {@code OpDtypeTest}.
 */
class OpGradientTest {

    private static final Random RNG = new Random(7);

    /** {@code sum((f(x) ⊙ G)²)}: the upstream gradient of f's output is 2·f(x)⊙G², not ones. */
    private static Function<Tensor[], Tensor> driven(Function<Tensor[], Tensor> f) {
        return xs -> {
            Tensor y = f.apply(xs);
            Tensor g = Tensor.rand(y.rows(), y.cols(), new Random(42)).add(0.5);
            return y.mul(g).pow(2).sum();
        };
    }

    /** (name, op, inputs) of every sample of every op of the given orders, in every dtype. */
    private static Stream<Arguments> samples(Order... orders) {
        return samples(OpCatalogue.DTYPES, orders);
    }

    /** (name, op, inputs) of every sample of every op of the given orders, in every dtype that GradCheck accepts. */
    private static Stream<Arguments> gradChecked(Order... orders) {
        return samples(OpCatalogue.DTYPES.stream().filter(Dtype::gradChecked).toList(), orders);
    }

    /** (name, op, inputs) of every sample of every op of the given orders, in the given dtypes. */
    private static Stream<Arguments> samples(List<Dtype> dtypes, Order... orders) {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Dtype dtype : dtypes) {
            for (Op op : OpCatalogue.OPS) {
                if (!List.of(orders).contains(op.order())) {
                    continue;
                }
                for (List<Input> sample : op.samples()) {
                    StringBuilder name = new StringBuilder(op.name());
                    sample.forEach(in -> name.append(' ').append(in.rows()).append('x').append(in.cols()));
                    b.add(Arguments.of(name + " " + dtype, op, OpCatalogue.tensors(sample, dtype, RNG)));
                }
            }
        }
        return b.build();
    }

    static Stream<Arguments> differentiable() {
        return gradChecked(Order.SECOND, Order.ZERO);
    }

    static Stream<Arguments> secondDerivativeZero() {
        return gradChecked(Order.ZERO);
    }

    /** The differentiable samples in the dtypes GradCheck refuses (float32). */
    static Stream<Arguments> notGradChecked() {
        return samples(OpCatalogue.DTYPES.stream().filter(d -> !d.gradChecked()).toList(), Order.SECOND, Order.ZERO);
    }

    @Test
    void theDerivativesAreCheckedInFloat64Only() {
        assertEquals(List.of(Dtype.FLOAT64),
                OpCatalogue.DTYPES.stream().filter(Dtype::gradChecked).toList());
        assertTrue(notGradChecked().findAny().isPresent(), "float32 samples exist to be refused");
    }

    /**
     * GradCheck and Derivatives refuse a float32 input by contract (central differences mean nothing at float32's
     * precision): each refuses every float32 sample with a message that says to use float64, before evaluating.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("notGradChecked")
    void gradCheckRefusesTheSamplesOfTheOtherDtypes(String name, Op op, Tensor[] xs) {
        assertRefused(name, () -> GradCheck.check(driven(op.fn()), xs));
        assertRefused(name, () -> GradCheck.checkGradGrad(op.fn(), xs));
        Tensor v = xs[0].detach();
        assertRefused(name, () -> Derivatives.hvp(t -> {
            Tensor[] in = xs.clone();
            in[0] = t;
            return op.apply(in).sum();
        }, xs[0], v));
    }

    private static void assertRefused(String name, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, name);
        assertTrue(e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("float64"),
                name + ": the message says to use float64: " + e.getMessage());
    }

    static Stream<Arguments> notDifferentiable() {
        return samples(Order.NONE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("differentiable")
    void passesGradCheckAndGradGradCheck(String name, Op op, Tensor[] xs) {
        GradCheck.Result r = GradCheck.check(driven(op.fn()), xs);
        assertTrue(r.passed(), r.toString());
        GradCheck.Result second = GradCheck.checkGradGrad(op.fn(), xs);
        assertTrue(second.passed(), second.toString());
    }

    /**
     * Linear and piecewise-linear ops: the Hessian-vector product of {@code sum(op(x))} is zero with respect to each
     * input (the others held), and that of {@code op(x)·(op(x) + 1)} is not, so the check can fail.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("secondDerivativeZero")
    void hasAZeroSecondDerivative(String name, Op op, Tensor[] xs) {
        // the square's curvature must show through some input: an input the sample leaves without gradient (a
        // broadcast 1x1 that wins every maximum) shows none, whatever the op
        double curvature = 0;
        for (int k = 0; k < xs.length; k++) {
            int at = k;
            Function<Tensor, Tensor> with = t -> {
                Tensor[] in = xs.clone();
                in[at] = t;
                return op.apply(in);
            };
            Tensor v = Tensor.rand(xs[k].rows(), xs[k].cols(), new Random(11)).sub(0.5);
            Tensor linear = Derivatives.hvp(t -> with.apply(t).sum(), xs[k], v);
            for (double[] row : linear.toArray()) {
                for (double e : row) {
                    assertEquals(0.0, e, 0.0, name + ": input " + k);
                }
            }
            Tensor squared = Derivatives.hvp(t -> with.apply(t).mul(with.apply(t).add(1)).sum(), xs[k], v);
            curvature += squared.abs().sum().item();
        }
        assertTrue(curvature != 0, name + ": composed with a square it is not linear");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notDifferentiable")
    void neverRequiresGrad(String name, Op op, Tensor[] xs) {
        assertTrue(xs[0].requiresGrad());
        Tensor out = op.apply(xs);
        assertFalse(out.requiresGrad(), name);
        assertTrue(out.isLeaf(), name);
    }

    static Stream<Arguments> matmuls() {
        return OpCatalogue.OPS.stream().filter(op -> op.signature().equals("matmul(Tensor)"))
                .flatMap(op -> op.samples().stream().map(s -> Arguments.of(s.get(0).rows() + "x" + s.get(0).cols()
                        + " · " + s.get(1).rows() + "x" + s.get(1).cols(), op,
                        OpCatalogue.tensors(s, Dtype.FLOAT64, RNG))));
    }

    @ParameterizedTest(name = "matmul {0}, only the right side requires grad")
    @MethodSource("matmuls")
    void matmulChecksOnlyTheInputsThatRequireGrad(String name, Op op, Tensor[] xs) {
        Tensor data = xs[0].detach();
        GradCheck.Result r = GradCheck.check(driven(op.fn()), data, xs[1]);
        assertTrue(r.passed(), r.toString());
        GradCheck.Result second = GradCheck.checkGradGrad(op.fn(), data, xs[1]);
        assertTrue(second.passed(), second.toString());
    }
}
