package dev.ejgrad.core;

import static dev.ejgrad.testing.Golden.assertBitwise;
import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.assertFloat32Values;
import static dev.ejgrad.testing.Golden.dtype;
import static dev.ejgrad.testing.Golden.ints;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.testing.Golden;
import dev.ejgrad.testing.Golden.Float32Part;
import dev.ejgrad.testing.GoldenOps;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The core cases of the float32 golden file ({@code torch-golden-f32.json}, README-float32.md): every op on float32
 * tensors, promotion between float32 and float64, and the casts. Each input is made in its {@code input_dtypes}
 * dtype, the op called through {@link GoldenOps} (the table of the float64 golden tests), and checked: the result's
 * dtype ({@code output_dtype}), its values within 1e-5·max(1, |torch|) (the file's tolerance, float64 results
 * included), non-finite values exactly, every element of a float32 result a float32 value ({@code toFloatArray()} agreeing); the gradient
 * of every differentiable input, through {@code backward} with the case's {@code grad_output}, in that input's dtype
 * and to the same tolerance. The casts ({@code args.exact}) are checked bit for bit, comparisons' 0/1 values and
 * argmax/argmin's indices exactly.
 */
class GoldenFloat32OpsTest {

    static Stream<Arguments> cases() {
        return Golden.f32Cases(Float32Part.CORE);
    }

    @Test
    void theFileHasEveryCoreCase() {
        // kind op (243) without linear and attention (nn's Functional), promotion (18), cast (5)
        assertEquals(243 - 2 + 18 + 5, Golden.f32Count(Float32Part.CORE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorchInItsDtypes(String name, JsonNode c) {
        JsonNode in = c.get("inputs");
        JsonNode dtypes = c.get("input_dtypes");
        JsonNode grads = c.get("grad_inputs");
        Map<String, Tensor> xs = new LinkedHashMap<>();
        dtypes.fieldNames().forEachRemaining(k -> {
            Tensor x = tensor(in.get(k), dtype(dtypes.get(k)));
            assertEquals(dtype(dtypes.get(k)), x.dtype(), name + ": input " + k + " is made in its dtype");
            xs.put(k, x.requiresGrad(grads != null && grads.has(k)));
        });
        String op = c.get("op").asText();
        if (GoldenOps.INDICES.contains(op)) {
            assertArrayEquals(ints(c.get("output")), GoldenOps.indices(c, xs.get("a")), name);
            return;
        }
        Tensor out = op.equals("to") ? cast(c, xs.get("a")) : GoldenOps.apply(c, k -> {
            if (!xs.containsKey(k)) {
                throw new AssertionError(name + ": the op asks for input " + k + ", which has no dtype");
            }
            return xs.get(k);
        });
        DType outType = dtype(c.get("output_dtype"));
        boolean exact = c.get("args").path("exact").asBoolean(false);
        if (exact || GoldenOps.COMPARISONS.contains(op)) {
            assertExactly(name + " output", c.get("output"), out, outType);
        } else {
            assertClose(name + " output", c.get("output"), out, outType);
        }
        Set<String> differentiable = new LinkedHashSet<>();
        if (grads != null) {
            grads.fieldNames().forEachRemaining(differentiable::add);
        }
        if (differentiable.isEmpty()) {
            assertFalse(out.requiresGrad(), name + ": a value-only op");
            return;
        }
        if (c.has("grad_output")) {
            out.backward(tensor(c.get("grad_output"), outType));
        } else {
            out.backward();
        }
        for (String k : differentiable) {
            Tensor x = xs.get(k);
            if (exact) {
                assertExactly(name + " grad " + k, grads.get(k), x.grad(), x.dtype());
            } else {
                assertClose(name + " grad " + k, grads.get(k), x.grad(), x.dtype());
            }
        }
    }

    /** The cast {@code a.to(args.dtype)}, then {@code args.then} if given: tanh, exp or a cast back to float32. */
    private static Tensor cast(JsonNode c, Tensor a) {
        JsonNode args = c.get("args");
        Tensor out = a.to(dtype(args.get("dtype")));
        switch (args.path("then").asText("")) {
            case "": return out;
            case "tanh": return out.tanh();
            case "exp": return out.exp();
            case "to_float32": return out.to(DType.FLOAT32);
            default: throw new AssertionError("no mapping for then " + args.get("then"));
        }
    }

    private static void assertExactly(String what, JsonNode expected, Tensor actual, DType dtype) {
        assertEquals(dtype, actual == null ? null : actual.dtype(), what + ": dtype");
        assertBitwise(what, expected, actual);
        if (dtype == DType.FLOAT32) {
            assertFloat32Values(what, actual);
        }
    }
}
