package dev.ejgrad.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ejgrad.core.Autograd;
import dev.ejgrad.core.DType;
import dev.ejgrad.core.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Reads the libtorch golden files ({@code golden/torch-golden.json}, the second part's
 * {@code golden/torch-golden-core2.json}, the modules' {@code golden/torch-golden-nn2.json}, the images'
 * {@code golden/torch-golden-conv.json} and the float32 cases' {@code golden/torch-golden-f32.json}, copies of
 * {@code shared/golden}) and compares results with them to 1e-12·max(1, |expected|) (Hessian-vector products 1e-11,
 * float32 values 1e-5), non-finite values exactly.
 */
public final class Golden {

    /** The tolerance of the golden file's README. */
    public static final double TOLERANCE = 1e-12;
    /** The tolerance of second-order values (the core2 README). */
    public static final double SECOND_ORDER_TOLERANCE = 1e-11;

    private static final List<JsonNode> CASES = load("/golden/torch-golden.json");
    private static List<JsonNode> core2;
    private static List<JsonNode> nn2;
    private static List<JsonNode> conv;
    private static List<JsonNode> f32;

    /** The tolerance of float32 values and gradients (README-float32.md). */
    public static final double FLOAT32_TOLERANCE = 1e-5;

    /** Which tests run a case of the float32 file: every case belongs to exactly one part. */
    public enum Float32Part {
        /** Kinds {@code op} (but {@code linear} and attention), {@code promotion} and {@code cast}: core's ops. */
        CORE,
        /** Kind {@code op}, {@code linear} and {@code scaled_dot_product_attention}: nn's {@code Functional}. */
        FUNCTIONAL,
        /** Kind {@code loss}. */
        LOSS,
        /** Kind {@code layer}. */
        LAYER,
        /** Kind {@code optim}. */
        OPTIM,
        /** Kind {@code train}. */
        TRAIN;

        /** {@return the part of a case of the float32 file} */
        public static Float32Part of(JsonNode c) {
            String op = c.get("op").asText();
            switch (c.get("kind").asText()) {
                case "op":
                    return op.equals("linear") || op.equals("scaled_dot_product_attention") ? FUNCTIONAL : CORE;
                case "promotion":
                case "cast":
                    return CORE;
                case "loss":
                    return LOSS;
                case "layer":
                    return LAYER;
                case "optim":
                    return OPTIM;
                case "train":
                    return TRAIN;
                default:
                    throw new IllegalStateException(c.get("name") + ": unknown kind " + c.get("kind"));
            }
        }
    }

    private Golden() {
    }

    private static List<JsonNode> load(String resource) {
        try (InputStream in = Golden.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path");
            }
            List<JsonNode> out = new ArrayList<>();
            new ObjectMapper().readTree(in).forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every case whose op is one of {@code ops}, as (name, case) arguments for a parameterised test. */
    public static Stream<Arguments> cases(String... ops) {
        Set<String> wanted = Set.of(ops);
        return CASES.stream()
                .filter(c -> wanted.contains(c.get("op").asText()))
                .map(c -> Arguments.of(c.get("name").asText(), c));
    }

    /** Every case of the second part's file whose op is one of {@code ops}, as (name, case) arguments. */
    public static synchronized Stream<Arguments> core2Cases(String... ops) {
        if (core2 == null) {
            core2 = load("/golden/torch-golden-core2.json");
        }
        Set<String> wanted = Set.of(ops);
        return core2.stream()
                .filter(c -> wanted.contains(c.get("op").asText()))
                .map(c -> Arguments.of(c.get("name").asText(), c));
    }

    /** Every case of the modules' file ({@code golden/torch-golden-nn2.json}) whose op is one of {@code ops}. */
    public static synchronized Stream<Arguments> nn2Cases(String... ops) {
        if (nn2 == null) {
            nn2 = load("/golden/torch-golden-nn2.json");
        }
        Set<String> wanted = Set.of(ops);
        return nn2.stream()
                .filter(c -> wanted.contains(c.get("op").asText()))
                .map(c -> Arguments.of(c.get("name").asText(), c));
    }

    /** Every case of the images file ({@code golden/torch-golden-conv.json}) whose op is one of {@code ops}. */
    public static synchronized Stream<Arguments> convCases(String... ops) {
        if (conv == null) {
            conv = load("/golden/torch-golden-conv.json");
        }
        Set<String> wanted = Set.of(ops);
        return conv.stream()
                .filter(c -> wanted.contains(c.get("op").asText()))
                .map(c -> Arguments.of(c.get("name").asText(), c));
    }

    /** Every case of the float32 file ({@code golden/torch-golden-f32.json}) of one part, as (name, case). */
    public static synchronized Stream<Arguments> f32Cases(Float32Part part) {
        if (f32 == null) {
            f32 = load("/golden/torch-golden-f32.json");
        }
        return f32.stream().filter(c -> Float32Part.of(c) == part).map(c -> Arguments.of(c.get("name").asText(), c));
    }

    /** How many cases of the float32 file belong to {@code part}. */
    public static long f32Count(Float32Part part) {
        return f32Cases(part).count();
    }

    /** {@return the dtype a golden file names: {@code "float32"} or {@code "float64"}} */
    public static DType dtype(JsonNode name) {
        switch (name.asText()) {
            case "float32": return DType.FLOAT32;
            case "float64": return DType.FLOAT64;
            default: throw new IllegalArgumentException("not a dtype: " + name);
        }
    }

    /**
     * A matrix (or a scalar) as a leaf tensor of the given dtype. A float32 slot of the file holds float32 values
     * stored exactly, so a float32 tensor is made from {@code (float) v} without rounding; a value that is not a
     * float32 value is refused.
     */
    public static Tensor tensor(JsonNode n, DType dtype) {
        Tensor wide = tensor(n);
        if (dtype == DType.FLOAT64) {
            return wide;
        }
        double[][] v = wide.toArray();
        float[][] f = new float[v.length][];
        for (int i = 0; i < v.length; i++) {
            f[i] = new float[v[i].length];
            for (int j = 0; j < f[i].length; j++) {
                f[i][j] = (float) v[i][j];
                if (Double.compare(f[i][j], v[i][j]) != 0 && !Double.isNaN(v[i][j])) {
                    throw new IllegalArgumentException("golden value " + v[i][j] + " at (" + i + ", " + j
                            + ") is not a float32 value");
                }
            }
        }
        return Tensor.of(f);
    }

    /**
     * Asserts a value of the float32 file: {@code actual} has the given dtype, is within 1e-5·max(1, |expected|) of
     * the golden {@code expected} (the file's tolerance for every value and gradient, float64 ones included: a
     * float64 gradient that flowed through float32 computation carries float32's rounding), non-finite values
     * exactly, and, in float32, every element is a float32 value and {@code toFloatArray()} gives the same values.
     */
    public static void assertClose(String what, JsonNode expected, Tensor actual, DType dtype) {
        if (actual == null) {
            throw new AssertionError(what + ": expected a " + dtype + " tensor, got null");
        }
        if (actual.dtype() != dtype) {
            throw new AssertionError(what + ": expected dtype " + dtype + ", got " + actual.dtype());
        }
        assertClose(what, tensor(expected), actual, FLOAT32_TOLERANCE);
        if (dtype == DType.FLOAT32) {
            assertFloat32Values(what, actual);
        }
    }

    /** Asserts every element of a float32 tensor is a float32 value and that {@code toFloatArray()} holds them. */
    public static void assertFloat32Values(String what, Tensor t) {
        float[][] f = t.toFloatArray();
        if (f.length != t.rows()) {
            throw new AssertionError(what + ": toFloatArray() has " + f.length + " rows, not " + t.rows());
        }
        for (int i = 0; i < t.rows(); i++) {
            if (f[i].length != t.cols()) {
                throw new AssertionError(what + ": toFloatArray() row " + i + " has " + f[i].length
                        + " entries, not " + t.cols());
            }
            for (int j = 0; j < t.cols(); j++) {
                double v = t.get(i, j);
                if (Double.compare((double) (float) v, v) != 0 && !Double.isNaN(v)) {
                    throw new AssertionError(what + " at (" + i + ", " + j + "): " + v + " is not a float32 value");
                }
                if (Double.compare(f[i][j], v) != 0) {
                    throw new AssertionError(what + " at (" + i + ", " + j + "): toFloatArray() gives " + f[i][j]
                            + ", get() " + v);
                }
            }
        }
    }

    /** Asserts {@code actual} equals the golden {@code expected} bit for bit (-0.0 is not 0.0), and its shape. */
    public static void assertBitwise(String what, JsonNode expected, Tensor actual) {
        Tensor e = tensor(expected);
        assertClose(what, e, actual, 0.0);
        for (int i = 0; i < e.rows(); i++) {
            for (int j = 0; j < e.cols(); j++) {
                if (Double.doubleToLongBits(e.get(i, j)) != Double.doubleToLongBits(actual.get(i, j))) {
                    throw new AssertionError(what + " at (" + i + ", " + j + "): expected exactly " + e.get(i, j)
                            + ", got " + actual.get(i, j));
                }
            }
        }
    }

    /** How many cases of the images file have one of {@code ops}. */
    public static long convCount(String... ops) {
        return convCases(ops).count();
    }

    /** How many cases of the modules' file have one of {@code ops}. */
    public static long nn2Count(String... ops) {
        return nn2Cases(ops).count();
    }

    /** How many second-part cases have one of {@code ops}. */
    public static long core2Count(String... ops) {
        return core2Cases(ops).count();
    }

    /**
     * Checks the first- and second-order data of a case: the gradients of {@code out} (seeded with the case's
     * {@code grad_output}, or 1) with respect to each named input, taken with {@code createGraph}, against the case's
     * first-order fields (1e-12), then the gradient of {@code s = Σ <g_i, v_i>} against its {@code hvp} (1e-11).
     *
     * @param inputs the differentiable inputs by the case's names, exactly the keys of its {@code v}
     */
    public static void assertFirstAndSecondOrder(String name, JsonNode c, Map<String, Tensor> inputs, Tensor out) {
        JsonNode v = c.get("v");
        List<String> names = new ArrayList<>();
        v.fieldNames().forEachRemaining(names::add);
        if (!Set.copyOf(names).equals(inputs.keySet())) {
            throw new AssertionError(name + ": the case differentiates " + names + " but the test gave "
                    + inputs.keySet());
        }
        List<Tensor> xs = new ArrayList<>();
        for (String k : names) {
            xs.add(inputs.get(k));
        }
        Tensor seed = c.has("grad_output") ? tensor(c.get("grad_output")) : null;
        List<Tensor> grads = Autograd.grad(out, xs, seed, true);
        Tensor s = null;
        for (int i = 0; i < names.size(); i++) {
            String k = names.get(i);
            assertClose(name + " grad " + k, firstOrder(c, k), grads.get(i));
            Tensor term = grads.get(i).mul(tensor(v.get(k))).sum();
            s = s == null ? term : s.add(term);
        }
        List<Tensor> hvp = s.requiresGrad() ? Autograd.grad(s, xs) : null;
        for (int i = 0; i < names.size(); i++) {
            String k = names.get(i);
            Tensor x = xs.get(i);
            Tensor h = hvp == null ? Tensor.zeros(x.rows(), x.cols()) : hvp.get(i);
            assertClose(name + " hvp " + k, tensor(c.get("hvp").get(k)), h, SECOND_ORDER_TOLERANCE);
        }
    }

    /** The first-order gradient of input {@code k}: grad_inputs.k, grad_input (for "input"), or grad_k. */
    private static JsonNode firstOrder(JsonNode c, String k) {
        if (c.has("grad_inputs")) {
            return c.get("grad_inputs").get(k);
        }
        return c.get(k.equals("input") ? "grad_input" : "grad_" + k);
    }

    /** How many cases have one of {@code ops}. */
    public static long count(String... ops) {
        return cases(ops).count();
    }

    /** A number, or one of the strings "NaN", "Infinity", "-Infinity". */
    public static double number(JsonNode n) {
        if (n.isTextual()) {
            return Double.parseDouble(n.asText());
        }
        return n.asDouble();
    }

    /** A matrix (nested arrays) or a scalar (1x1), as a leaf tensor. */
    public static Tensor tensor(JsonNode n) {
        if (!n.isArray()) {
            return Tensor.scalar(number(n));
        }
        double[][] rows = new double[n.size()][];
        for (int i = 0; i < rows.length; i++) {
            JsonNode row = n.get(i);
            rows[i] = new double[row.size()];
            for (int j = 0; j < rows[i].length; j++) {
                rows[i][j] = number(row.get(j));
            }
        }
        return Tensor.of(rows);
    }

    /** A flat integer array (class-index targets). */
    public static int[] ints(JsonNode n) {
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asInt();
        }
        return out;
    }

    /** Asserts {@code actual} matches the golden {@code expected} within the tolerance, naming what differs. */
    public static void assertClose(String what, JsonNode expected, Tensor actual) {
        assertClose(what, tensor(expected), actual);
    }

    /** Asserts two tensors have one shape and agree within 1e-12·max(1, |expected|); non-finite values exactly. */
    public static void assertClose(String what, Tensor expected, Tensor actual) {
        assertClose(what, expected, actual, TOLERANCE);
    }

    /** Asserts two tensors have one shape and agree within tol·max(1, |expected|); non-finite values exactly. */
    public static void assertClose(String what, Tensor expected, Tensor actual, double tol) {
        if (actual == null) {
            throw new AssertionError(what + ": expected a " + expected.rows() + "x" + expected.cols()
                    + " tensor, got null");
        }
        if (expected.rows() != actual.rows() || expected.cols() != actual.cols()) {
            throw new AssertionError(what + ": expected shape " + expected.rows() + "x" + expected.cols()
                    + ", got " + actual.rows() + "x" + actual.cols());
        }
        for (int i = 0; i < expected.rows(); i++) {
            for (int j = 0; j < expected.cols(); j++) {
                double e = expected.get(i, j);
                double a = actual.get(i, j);
                boolean ok = Double.isFinite(e)
                        ? Math.abs(a - e) <= tol * Math.max(1, Math.abs(e))
                        : Double.compare(a, e) == 0;
                if (!ok) {
                    throw new AssertionError(what + " at (" + i + ", " + j + "): expected " + e + ", got " + a
                            + " (|diff| " + Math.abs(a - e) + ")");
                }
            }
        }
    }
}
