package dev.ejgrad.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ejgrad.core.Autograd;
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
 * {@code golden/torch-golden-core2.json}, the modules' {@code golden/torch-golden-nn2.json} and the images'
 * {@code golden/torch-golden-conv.json}, copies of
 * {@code shared/golden}) and compares results with them to
 * 1e-12·max(1, |expected|) (Hessian-vector products 1e-11), non-finite values exactly.
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
