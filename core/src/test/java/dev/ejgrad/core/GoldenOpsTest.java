package dev.ejgrad.core;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.testing.Golden;
import dev.ejgrad.testing.GoldenOps;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every core op of the libtorch golden file: value and input gradients within 1e-12·max(1, |expected|); and of the
 * second part's file, the same plus the Hessian-vector product within 1e-11. The op of each case is called through
 * {@link GoldenOps}, the table every golden test of every dtype shares.
 */
class GoldenOpsTest {

    private static final String[] OPS = {"exp", "log", "sqrt", "abs", "pow", "tanh", "relu", "softplus",
        "logsigmoid", "clamp", "neg", "sum", "mean", "max", "logsumexp", "matmul", "t", "add", "sub", "mul", "div"};
    private static final String[] ACTIVATIONS = {"softmax", "log_softmax", "sigmoid"};

    static Stream<Arguments> ops() {
        return Golden.cases(OPS);
    }

    static Stream<Arguments> activations() {
        return Golden.cases(ACTIVATIONS);
    }

    /** The second part's cases of these ops, without pow with a tensor exponent (a new op, tested with the others). */
    static Stream<Arguments> secondOrder() {
        return Golden.core2Cases(all()).filter(a -> !((JsonNode) a.get()[1]).get("inputs").has("b")
                || !"pow".equals(((JsonNode) a.get()[1]).get("op").asText()));
    }

    private static String[] all() {
        return Stream.concat(Stream.of(OPS), Stream.of(ACTIVATIONS)).toArray(String[]::new);
    }

    @Test
    void theSecondPartsFileHasSecondOrderDataForEveryRoundOneCase() {
        // the round-1 cases, six composed with tanh (args.then) and three softplus cases with beta and threshold
        assertEquals(99 + 13 + 6 + 3, secondOrder().count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secondOrder")
    void firstAndSecondOrderMatchLibtorch(String name, JsonNode c) {
        JsonNode in = c.get("inputs");
        Map<String, Tensor> xs = new LinkedHashMap<>();
        c.get("v").fieldNames().forEachRemaining(k -> xs.put(k, tensor(in.get(k)).requiresGrad(true)));
        Tensor out = GoldenOps.apply(c, k -> xs.containsKey(k) ? xs.get(k) : tensor(in.get(k)));
        if (c.get("args").has("then")) {
            assertEquals("tanh", c.get("args").get("then").asText());
            out = out.tanh();
        }
        assertClose(name + " output", c.get("output"), out);
        Golden.assertFirstAndSecondOrder(name, c, xs, out);
    }

    @Test
    void theGoldenFileHasEveryCoreCase() {
        assertEquals(99, Golden.count(OPS), "op cases");
        assertEquals(13, Golden.count(ACTIVATIONS), "activation cases");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void opMatchesLibtorch(String name, JsonNode c) {
        JsonNode in = c.get("inputs");
        Tensor a = tensor(in.get("a")).requiresGrad(true);
        Tensor b = in.has("b") ? tensor(in.get("b")).requiresGrad(true) : null;
        Tensor out = GoldenOps.apply(c, k -> k.equals("a") ? a : b);

        assertClose(name + " output", c.get("output"), out);
        backward(c, out);
        assertClose(name + " grad a", c.get("grad_inputs").get("a"), a.grad());
        if (b != null) {
            assertClose(name + " grad b", c.get("grad_inputs").get("b"), b.grad());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void activationMatchesLibtorch(String name, JsonNode c) {
        Tensor x = tensor(c.get("inputs").get("input")).requiresGrad(true);
        Tensor out = GoldenOps.apply(c, k -> x);
        assertClose(name + " output", c.get("output"), out);
        backward(c, out);
        assertClose(name + " grad input", c.get("grad_input"), x.grad());
    }

    /** A scalar (0-d) output seeds 1; any other is seeded with the case's grad_output. */
    private static void backward(JsonNode c, Tensor out) {
        if (c.has("grad_output")) {
            out.backward(tensor(c.get("grad_output")));
        } else {
            assertTrue(c.get("output").isNumber() || c.get("output").isTextual(), "scalar output");
            out.backward();
        }
    }
}
