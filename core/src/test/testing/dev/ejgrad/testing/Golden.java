package dev.ejgrad.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ejgrad.core.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Reads the libtorch golden file ({@code golden/torch-golden.json}, a copy of {@code shared/golden}) and compares
 * results with it to 1e-12·max(1, |expected|), non-finite values exactly.
 */
public final class Golden {

    /** The tolerance of the golden file's README. */
    public static final double TOLERANCE = 1e-12;

    private static final List<JsonNode> CASES = load();

    private Golden() {
    }

    private static List<JsonNode> load() {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/torch-golden.json")) {
            if (in == null) {
                throw new IllegalStateException("golden/torch-golden.json is not on the test class path");
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
                        ? Math.abs(a - e) <= TOLERANCE * Math.max(1, Math.abs(e))
                        : Double.compare(a, e) == 0;
                if (!ok) {
                    throw new AssertionError(what + " at (" + i + ", " + j + "): expected " + e + ", got " + a
                            + " (|diff| " + Math.abs(a - e) + ")");
                }
            }
        }
    }
}
