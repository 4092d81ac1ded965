package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A central-difference gradient check of every differentiable op, including every broadcast pattern, driven through
 * a non-trivial upstream gradient: each op's output is multiplied by a fixed random G (values in [0.5, 1.5)) and
 * squared before summing, so a wrong per-element rule cannot hide behind a sum of ones. Every op is also
 * gradgradchecked: its rule, differentiated with respect to the inputs and to a random upstream gradient.
 */
class GradCheckOpsTest {

    private static final Random RNG = new Random(7);

    /** Values kept away from kinks (0, clamp bounds) so central differences are valid. */
    private static Tensor away(int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            double m = 0.3 + 1.5 * RNG.nextDouble();
            v[i] = RNG.nextBoolean() ? m : -m;
        }
        return Tensor.of(rows, cols, v).requiresGrad(true);
    }

    private static Tensor positive(int rows, int cols) {
        return Tensor.rand(rows, cols, RNG).add(0.5).detach().requiresGrad(true);
    }

    /** {@code sum((f(x) ⊙ G)²)}: the upstream gradient of f's output is 2·f(x)⊙G², not ones. */
    private static Function<Tensor[], Tensor> driven(Function<Tensor[], Tensor> f) {
        return xs -> {
            Tensor y = f.apply(xs);
            Tensor g = Tensor.rand(y.rows(), y.cols(), new Random(42)).add(0.5);
            return y.mul(g).pow(2).sum();
        };
    }

    static Stream<Arguments> unary() {
        return Stream.of(
                Arguments.of("neg", (UnaryOperator<Tensor>) Tensor::neg, away(3, 4)),
                Arguments.of("exp", (UnaryOperator<Tensor>) Tensor::exp, away(3, 4)),
                Arguments.of("log", (UnaryOperator<Tensor>) Tensor::log, positive(3, 4)),
                Arguments.of("sqrt", (UnaryOperator<Tensor>) Tensor::sqrt, positive(3, 4)),
                Arguments.of("abs", (UnaryOperator<Tensor>) Tensor::abs, away(3, 4)),
                Arguments.of("pow 3", (UnaryOperator<Tensor>) x -> x.pow(3), away(3, 4)),
                Arguments.of("pow -1.5", (UnaryOperator<Tensor>) x -> x.pow(-1.5), positive(3, 4)),
                Arguments.of("pow 0", (UnaryOperator<Tensor>) x -> x.pow(0), away(3, 4)),
                Arguments.of("sigmoid", (UnaryOperator<Tensor>) Tensor::sigmoid, away(3, 4)),
                Arguments.of("tanh", (UnaryOperator<Tensor>) Tensor::tanh, away(3, 4)),
                Arguments.of("relu", (UnaryOperator<Tensor>) Tensor::relu, away(3, 4)),
                Arguments.of("logSigmoid", (UnaryOperator<Tensor>) Tensor::logSigmoid, away(3, 4)),
                Arguments.of("softplus", (UnaryOperator<Tensor>) Tensor::softplus, away(3, 4)),
                Arguments.of("clamp", (UnaryOperator<Tensor>) x -> x.clamp(-0.9, 1.1), away(3, 4)),
                Arguments.of("t", (UnaryOperator<Tensor>) Tensor::t, away(3, 4)),
                Arguments.of("sum", (UnaryOperator<Tensor>) Tensor::sum, away(3, 4)),
                Arguments.of("mean", (UnaryOperator<Tensor>) Tensor::mean, away(3, 4)),
                Arguments.of("sum dim 0", (UnaryOperator<Tensor>) x -> x.sum(0), away(3, 4)),
                Arguments.of("sum dim 1", (UnaryOperator<Tensor>) x -> x.sum(1), away(3, 4)),
                Arguments.of("mean dim 0", (UnaryOperator<Tensor>) x -> x.mean(0), away(3, 4)),
                Arguments.of("mean dim 1", (UnaryOperator<Tensor>) x -> x.mean(1), away(3, 4)),
                Arguments.of("max dim 0", (UnaryOperator<Tensor>) x -> x.max(0), away(3, 4)),
                Arguments.of("max dim 1", (UnaryOperator<Tensor>) x -> x.max(1), away(3, 4)),
                Arguments.of("logSumExp dim 0", (UnaryOperator<Tensor>) x -> x.logSumExp(0), away(3, 4)),
                Arguments.of("logSumExp dim 1", (UnaryOperator<Tensor>) x -> x.logSumExp(1), away(3, 4)),
                Arguments.of("softmax dim 0", (UnaryOperator<Tensor>) x -> x.softmax(0), away(3, 4)),
                Arguments.of("softmax dim 1", (UnaryOperator<Tensor>) x -> x.softmax(1), away(3, 4)),
                Arguments.of("logSoftmax dim 0", (UnaryOperator<Tensor>) x -> x.logSoftmax(0), away(3, 4)),
                Arguments.of("logSoftmax dim 1", (UnaryOperator<Tensor>) x -> x.logSoftmax(1), away(3, 4)),
                Arguments.of("add scalar", (UnaryOperator<Tensor>) x -> x.add(2.5), away(3, 4)),
                Arguments.of("sub scalar", (UnaryOperator<Tensor>) x -> x.sub(2.5), away(3, 4)),
                Arguments.of("mul scalar", (UnaryOperator<Tensor>) x -> x.mul(-1.5), away(3, 4)),
                Arguments.of("div scalar", (UnaryOperator<Tensor>) x -> x.div(-1.5), away(3, 4)),
                Arguments.of("square", (UnaryOperator<Tensor>) Tensor::square, away(3, 4)),
                Arguments.of("log1p", (UnaryOperator<Tensor>) Tensor::log1p, positive(3, 4)),
                Arguments.of("expm1", (UnaryOperator<Tensor>) Tensor::expm1, away(3, 4)),
                Arguments.of("reciprocal", (UnaryOperator<Tensor>) Tensor::reciprocal, away(3, 4)),
                Arguments.of("rsqrt", (UnaryOperator<Tensor>) Tensor::rsqrt, positive(3, 4)),
                Arguments.of("sin", (UnaryOperator<Tensor>) Tensor::sin, away(3, 4)),
                Arguments.of("cos", (UnaryOperator<Tensor>) Tensor::cos, away(3, 4)),
                Arguments.of("erf", (UnaryOperator<Tensor>) Tensor::erf, away(3, 4)),
                Arguments.of("gelu", (UnaryOperator<Tensor>) Tensor::gelu, away(3, 4)),
                Arguments.of("geluTanh", (UnaryOperator<Tensor>) Tensor::geluTanh, away(3, 4)),
                Arguments.of("leakyRelu", (UnaryOperator<Tensor>) x -> x.leakyRelu(0.1), away(3, 4)),
                Arguments.of("elu", (UnaryOperator<Tensor>) x -> x.elu(0.7), away(3, 4)),
                Arguments.of("silu", (UnaryOperator<Tensor>) Tensor::silu, away(3, 4)),
                Arguments.of("softplus beta 2 threshold 3", (UnaryOperator<Tensor>) x -> x.softplus(2, 3), away(3, 4)),
                Arguments.of("hardtanh", (UnaryOperator<Tensor>) x -> x.hardtanh(-0.9, 1.1), away(3, 4)),
                Arguments.of("min dim 0", (UnaryOperator<Tensor>) x -> x.min(0), away(3, 4)),
                Arguments.of("min dim 1", (UnaryOperator<Tensor>) x -> x.min(1), away(3, 4)),
                Arguments.of("var dim 0 unbiased", (UnaryOperator<Tensor>) x -> x.var(0, 1), away(3, 4)),
                Arguments.of("var dim 1 biased", (UnaryOperator<Tensor>) x -> x.var(1, 0), away(3, 4)),
                Arguments.of("std dim 0 biased", (UnaryOperator<Tensor>) x -> x.std(0, 0), away(3, 4)),
                Arguments.of("std dim 1 unbiased", (UnaryOperator<Tensor>) x -> x.std(1, 1), away(3, 4)),
                Arguments.of("norm", (UnaryOperator<Tensor>) Tensor::norm, away(3, 4)),
                Arguments.of("maskedFill", (UnaryOperator<Tensor>) x -> x.maskedFill(Tensor.row(1, 0, 0, 1), 2.5),
                        away(3, 4)),
                Arguments.of("reshape", (UnaryOperator<Tensor>) x -> x.reshape(2, 6), away(3, 4)),
                Arguments.of("narrow dim 0", (UnaryOperator<Tensor>) x -> x.narrow(0, 1, 2), away(3, 4)),
                Arguments.of("narrow dim 1", (UnaryOperator<Tensor>) x -> x.narrow(1, -3, 2), away(3, 4)),
                Arguments.of("indexSelect dim 0, repeats", (UnaryOperator<Tensor>) x -> x.indexSelect(0, 2, 0, 2),
                        away(3, 4)),
                Arguments.of("indexSelect dim 1, repeats", (UnaryOperator<Tensor>) x -> x.indexSelect(1, 3, 3, 1),
                        away(3, 4)),
                Arguments.of("gather dim 0", (UnaryOperator<Tensor>) x -> x.gather(0, new int[][] {{2, 0, 0, 1}}),
                        away(3, 4)),
                Arguments.of("gather dim 1, repeats",
                        (UnaryOperator<Tensor>) x -> x.gather(1, new int[][] {{3, 3}, {0, 1}, {2, 2}}), away(3, 4)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unary")
    void unaryOpPassesGradCheck(String name, UnaryOperator<Tensor> op, Tensor x) {
        GradCheck.Result r = GradCheck.check(driven(xs -> op.apply(xs[0])), x);
        assertTrue(r.passed(), r.toString());
        GradCheck.Result second = GradCheck.checkGradGrad(xs -> op.apply(xs[0]), x);
        assertTrue(second.passed(), second.toString());
    }

    /** Every broadcast pattern of the API, in both argument orders. */
    static Stream<Arguments> binary() {
        int[][][] shapes = {
            {{3, 4}, {3, 4}}, {{3, 4}, {1, 4}}, {{3, 4}, {3, 1}}, {{3, 4}, {1, 1}}, {{3, 1}, {1, 4}},
            {{1, 4}, {3, 4}}, {{3, 1}, {3, 4}}, {{1, 1}, {3, 4}}, {{1, 4}, {3, 1}}};
        String[] ops = {"add", "sub", "mul", "div", "maximum", "minimum"};
        Stream.Builder<Arguments> b = Stream.builder();
        for (String op : ops) {
            for (int[][] s : shapes) {
                String name = op + " " + s[0][0] + "x" + s[0][1] + " with " + s[1][0] + "x" + s[1][1];
                b.add(Arguments.of(name, op, away(s[0][0], s[0][1]), away(s[1][0], s[1][1])));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binary")
    void binaryOpPassesGradCheckWithBroadcasting(String name, String op, Tensor a, Tensor b) {
        Function<Tensor[], Tensor> f;
        switch (op) {
            case "add": f = xs -> xs[0].add(xs[1]); break;
            case "sub": f = xs -> xs[0].sub(xs[1]); break;
            case "mul": f = xs -> xs[0].mul(xs[1]); break;
            case "maximum": f = xs -> xs[0].maximum(xs[1]); break;
            case "minimum": f = xs -> xs[0].minimum(xs[1]); break;
            default: f = xs -> xs[0].div(xs[1]);
        }
        GradCheck.Result r = GradCheck.check(driven(f), a, b);
        assertTrue(r.passed(), r.toString());
        GradCheck.Result second = GradCheck.checkGradGrad(f, a, b);
        assertTrue(second.passed(), second.toString());
    }

    static Stream<Arguments> matmuls() {
        return Stream.of(
                Arguments.of("3x4 · 4x2", away(3, 4), away(4, 2)),
                Arguments.of("1x3 · 3x1", away(1, 3), away(3, 1)),
                Arguments.of("4x1 · 1x3", away(4, 1), away(1, 3)));
    }

    @ParameterizedTest(name = "matmul {0}")
    @MethodSource("matmuls")
    void matmulPassesGradCheck(String name, Tensor a, Tensor b) {
        GradCheck.Result r = GradCheck.check(driven(xs -> xs[0].matmul(xs[1])), a, b);
        assertTrue(r.passed(), r.toString());
        GradCheck.Result second = GradCheck.checkGradGrad(xs -> xs[0].matmul(xs[1]), a, b);
        assertTrue(second.passed(), second.toString());
    }

    @ParameterizedTest(name = "matmulT {0}")
    @MethodSource("matmuls")
    void matmulTPassesGradCheck(String name, Tensor a, Tensor b) {
        Tensor bt = b.t().detach().requiresGrad(true);
        GradCheck.Result r = GradCheck.check(driven(xs -> xs[0].matmulT(xs[1])), a, bt);
        assertTrue(r.passed(), r.toString());
        GradCheck.Result second = GradCheck.checkGradGrad(xs -> xs[0].matmulT(xs[1]), a, bt);
        assertTrue(second.passed(), second.toString());
    }

    @ParameterizedTest(name = "matmul {0}, only the right side requires grad")
    @MethodSource("matmuls")
    void matmulChecksOnlyTheInputsThatRequireGrad(String name, Tensor a, Tensor b) {
        Tensor data = a.detach();
        GradCheck.Result r = GradCheck.check(driven(xs -> xs[0].matmul(xs[1])), data, b);
        assertTrue(r.passed(), r.toString());
        GradCheck.Result second = GradCheck.checkGradGrad(xs -> xs[0].matmul(xs[1]), data, b);
        assertTrue(second.passed(), second.toString());
    }

    static Stream<Arguments> joined() {
        return Stream.of(
                Arguments.of("pow(Tensor) 3x4 ^ 3x4", (Function<Tensor[], Tensor>) xs -> xs[0].pow(xs[1]),
                        new Tensor[] {positive(3, 4), away(3, 4)}),
                Arguments.of("pow(Tensor) 3x4 ^ 1x4", (Function<Tensor[], Tensor>) xs -> xs[0].pow(xs[1]),
                        new Tensor[] {positive(3, 4), away(1, 4)}),
                Arguments.of("where, broadcasting", (Function<Tensor[], Tensor>) xs -> Tensor.where(
                        Tensor.column(1, 0, 1), xs[0], xs[1]), new Tensor[] {away(3, 4), away(1, 4)}),
                Arguments.of("cat dim 0", (Function<Tensor[], Tensor>) xs -> Tensor.cat(0, xs[0], xs[1], xs[0]),
                        new Tensor[] {away(2, 3), away(1, 3)}),
                Arguments.of("cat dim 1", (Function<Tensor[], Tensor>) xs -> Tensor.cat(1, xs[0], xs[1]),
                        new Tensor[] {away(2, 3), away(2, 1)}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("joined")
    void opsOfSeveralInputsPassGradCheckAndGradGradCheck(String name, Function<Tensor[], Tensor> f, Tensor[] xs) {
        GradCheck.Result r = GradCheck.check(driven(f), xs);
        assertTrue(r.passed(), r.toString());
        GradCheck.Result second = GradCheck.checkGradGrad(f, xs);
        assertTrue(second.passed(), second.toString());
    }
}
