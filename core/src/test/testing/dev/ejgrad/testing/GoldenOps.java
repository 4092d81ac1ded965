package dev.ejgrad.testing;

import static dev.ejgrad.testing.Golden.ints;
import static dev.ejgrad.testing.Golden.number;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The one table from a golden case's {@code op} and {@code args} to the Tensor call, shared by the golden tests of
 * every file and every dtype ({@code torch-golden.json}, {@code torch-golden-core2.json},
 * {@code torch-golden-f32.json}). The test decides how each tensor input is made (its dtype, whether it requires
 * grad) and hands it over by name; the table only calls the op.
 *
 * <p>Conventions of the files: the first input is {@code a} ({@code input} in the first file's activations); an
 * input that is a number, not a matrix, is a {@code double} argument ({@code x.add(1.5)}, {@code x.gt(0.5)}); the
 * parts of {@code cat} are {@code a, b, c} or {@code x0, x1, ...} in order; {@code index} is an integer input.
 */
public final class GoldenOps {

    /** Every op of the table whose result is a tensor. */
    public static final Set<String> OPS = Set.of("neg", "exp", "log", "sqrt", "abs", "pow", "tanh", "relu",
            "softplus", "logsigmoid", "clamp", "sigmoid", "square", "log1p", "expm1", "reciprocal", "rsqrt", "sin",
            "cos", "erf", "gelu", "silu", "leaky_relu", "elu", "hardtanh", "add", "sub", "mul", "div", "maximum",
            "minimum", "matmul", "t", "sum", "mean", "max", "min", "logsumexp", "softmax", "log_softmax", "var", "std",
            "norm", "gt", "ge", "lt", "le", "eq", "where", "masked_fill", "reshape", "narrow", "index_select",
            "gather", "cat");
    /** The value-only ops whose result is 0/1 values. */
    public static final Set<String> COMPARISONS = Set.of("gt", "ge", "lt", "le", "eq");
    /** The value-only ops whose result is indices ({@link #indices}). */
    public static final Set<String> INDICES = Set.of("argmax", "argmin");

    private GoldenOps() {
    }

    /** {@return the name of the case's first input: {@code a}, or {@code input} in the first file's activations} */
    public static String first(JsonNode c) {
        return c.get("inputs").has("a") ? "a" : "input";
    }

    /** {@return whether input {@code k} of the case is a {@code double} argument (a number, not a matrix)} */
    public static boolean isDouble(JsonNode c, String k) {
        JsonNode n = c.get("inputs").get(k);
        return n != null && !n.isArray();
    }

    /**
     * Applies the case's op.
     *
     * @param c the case
     * @param arg each tensor input by its name in the case ({@code a}, {@code b}, {@code condition}, {@code mask},
     *     {@code x0}, ...), made by the test
     * @return the op's result
     */
    public static Tensor apply(JsonNode c, Function<String, Tensor> arg) {
        JsonNode args = c.get("args");
        JsonNode in = c.get("inputs");
        int dim = args.has("dim") ? args.get("dim").asInt() : -1;
        String op = c.get("op").asText();
        if (op.equals("cat")) {
            return Tensor.cat(dim, parts(c, arg));
        }
        Tensor a = arg.apply(first(c));
        if (COMPARISONS.contains(op)) {
            return compare(op, a, c, arg);
        }
        switch (op) {
            case "neg": return a.neg();
            case "exp": return a.exp();
            case "log": return a.log();
            case "sqrt": return a.sqrt();
            case "abs": return a.abs();
            case "pow": return in.has("b") ? a.pow(arg.apply("b")) : a.pow(number(args.get("exponent")));
            case "tanh": return a.tanh();
            case "relu": return a.relu();
            case "softplus": return args.has("beta")
                    ? a.softplus(number(args.get("beta")), number(args.get("threshold"))) : a.softplus();
            case "logsigmoid": return a.logSigmoid();
            case "clamp": return a.clamp(number(args.get("min")), number(args.get("max")));
            case "sigmoid": return a.sigmoid();
            case "square": return a.square();
            case "log1p": return a.log1p();
            case "expm1": return a.expm1();
            case "reciprocal": return a.reciprocal();
            case "rsqrt": return a.rsqrt();
            case "sin": return a.sin();
            case "cos": return a.cos();
            case "erf": return a.erf();
            case "gelu": return "tanh".equals(args.get("approximate").asText()) ? a.geluTanh() : a.gelu();
            case "silu": return a.silu();
            case "leaky_relu": return a.leakyRelu(number(args.get("negative_slope")));
            case "elu": return a.elu(number(args.get("alpha")));
            case "hardtanh": return a.hardtanh(number(args.get("min_val")), number(args.get("max_val")));
            case "add": return isDouble(c, "b") ? a.add(number(in.get("b"))) : a.add(arg.apply("b"));
            case "sub": return isDouble(c, "b") ? a.sub(number(in.get("b"))) : a.sub(arg.apply("b"));
            case "mul": return isDouble(c, "b") ? a.mul(number(in.get("b"))) : a.mul(arg.apply("b"));
            case "div": return isDouble(c, "b") ? a.div(number(in.get("b"))) : a.div(arg.apply("b"));
            case "maximum": return a.maximum(arg.apply("b"));
            case "minimum": return a.minimum(arg.apply("b"));
            case "matmul": return a.matmul(arg.apply("b"));
            case "t": return a.t();
            case "sum": return dim >= 0 ? a.sum(dim) : a.sum();
            case "mean": return dim >= 0 ? a.mean(dim) : a.mean();
            case "max": return a.max(dim);
            case "min": return a.min(dim);
            case "logsumexp": return a.logSumExp(dim);
            case "softmax": return a.softmax(dim);
            case "log_softmax": return a.logSoftmax(dim);
            case "var": return a.var(dim, args.get("correction").asInt());
            case "std": return a.std(dim, args.get("correction").asInt());
            case "norm": return a.norm();
            case "where": return Tensor.where(arg.apply("condition"), a, arg.apply("b"));
            case "masked_fill": return a.maskedFill(arg.apply("mask"), number(args.get("value")));
            case "reshape": return a.reshape(args.get("shape").get(0).asInt(), args.get("shape").get(1).asInt());
            case "narrow": return a.narrow(dim, args.get("start").asInt(), args.get("length").asInt());
            case "index_select": return a.indexSelect(dim, ints(in.get("index")));
            case "gather": {
                JsonNode index = in.get("index");
                int[][] idx = new int[index.size()][];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = ints(index.get(i));
                }
                return a.gather(dim, idx);
            }
            default: throw new AssertionError("no mapping for op " + op);
        }
    }

    /** argmax or argmin of the case's first input along its {@code dim}. */
    public static int[] indices(JsonNode c, Tensor a) {
        int dim = c.get("args").get("dim").asInt();
        switch (c.get("op").asText()) {
            case "argmax": return a.argmax(dim);
            case "argmin": return a.argmin(dim);
            default: throw new AssertionError("not an index op: " + c.get("op"));
        }
    }

    /** The parts of a {@code cat}, in order: {@code a, b, c} or {@code x0, x1, ...}. */
    private static List<Tensor> parts(JsonNode c, Function<String, Tensor> arg) {
        JsonNode in = c.get("inputs");
        List<Tensor> parts = new ArrayList<>();
        for (String k : new String[] {"a", "b", "c"}) {
            if (in.has(k)) {
                parts.add(arg.apply(k));
            }
        }
        for (int i = 0; in.has("x" + i); i++) {
            parts.add(arg.apply("x" + i));
        }
        return parts;
    }

    private static Tensor compare(String op, Tensor a, JsonNode c, Function<String, Tensor> arg) {
        boolean scalar = isDouble(c, "b");
        double s = scalar ? number(c.get("inputs").get("b")) : 0;
        Tensor b = scalar ? null : arg.apply("b");
        switch (op) {
            case "gt": return scalar ? a.gt(s) : a.gt(b);
            case "ge": return scalar ? a.ge(s) : a.ge(b);
            case "lt": return scalar ? a.lt(s) : a.lt(b);
            case "le": return scalar ? a.le(s) : a.le(b);
            default: return scalar ? a.eq(s) : a.eq(b);
        }
    }
}
