package dev.ejgrad.nn.loss;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.dtype;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.core.DType;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.testing.Golden;
import dev.ejgrad.testing.Golden.Float32Part;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The loss cases of the float32 golden file: every loss with its options on float32 input, target and weights, made
 * by {@link GoldenLossTest#loss(JsonNode, Tensor, java.util.function.Function)} (the float64 golden tests' mapping):
 * the value (float32, 1e-5·max(1, |torch|), float32 values) and the gradient of each differentiable input (input,
 * and var for the Gaussian NLL) in float32.
 */
class GoldenFloat32LossTest {

    static Stream<Arguments> losses() {
        return Golden.f32Cases(Float32Part.LOSS);
    }

    @Test
    void theFileHasEveryLossCase() {
        // cross_entropy 16, nll_loss 5, binary_cross_entropy 7, with_logits 8, mse 3, kl_div 9, gaussian 5, poisson 5
        assertEquals(16 + 5 + 7 + 8 + 3 + 9 + 5 + 5, Golden.f32Count(Float32Part.LOSS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void lossMatchesTorchInFloat32(String name, JsonNode c) {
        JsonNode in = c.get("inputs");
        JsonNode dtypes = c.get("input_dtypes");
        JsonNode grads = c.get("grad_inputs");
        Map<String, Tensor> xs = new LinkedHashMap<>();
        dtypes.fieldNames().forEachRemaining(k ->
                xs.put(k, tensor(in.get(k), dtype(dtypes.get(k))).requiresGrad(grads.has(k))));
        Tensor out = GoldenLossTest.loss(c, xs.get("input"), k -> {
            if (!xs.containsKey(k)) {
                throw new AssertionError(name + ": the loss asks for input " + k + ", which has no dtype");
            }
            return xs.get(k);
        });
        DType outType = dtype(c.get("output_dtype"));
        assertClose(name + " output", c.get("output"), out, outType);
        if (c.has("grad_output")) {
            out.backward(tensor(c.get("grad_output"), outType));
        } else {
            out.backward();
        }
        grads.fieldNames().forEachRemaining(k ->
                assertClose(name + " grad " + k, grads.get(k), xs.get(k).grad(), xs.get(k).dtype()));
    }
}
