package dev.ejgrad.optim;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ejgrad.core.DType;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.testing.Golden;
import dev.ejgrad.testing.Golden.Float32Part;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The optimizer cases of the float32 golden file: ten-step trajectories of SGD, Adam, AdamW, RMSprop and Adagrad on
 * float32 parameters, with given float32 gradients or on a quadratic objective computed and differentiated in float32,
 * each optimizer made by {@link GoldenRmspropAdagradAndResumeTest#make} (the float64 golden tests' mapping) from the
 * case's options, PyTorch's defaults for those it leaves out. After each step: the parameters within
 * 1e-5·max(1, |torch|), still float32 tensors of float32 values, and every state buffer of the optimizer float32.
 */
class GoldenFloat32OptimTest {

    static Stream<Arguments> optimizers() {
        return Golden.f32Cases(Float32Part.OPTIM);
    }

    @Test
    void theFileHasEveryOptimizerCase() {
        // SGD 4 + 1, Adam 3 + 1, AdamW 2 + 1, RMSprop 3 + 1, Adagrad 2 + 1 (given gradients + a quadratic)
        assertEquals(5 + 4 + 3 + 4 + 3, Golden.f32Count(Float32Part.OPTIM));
    }

    /** torch.optim's defaults (1.13) of the options a case may leave out. */
    private static final Map<String, Map<String, Object>> DEFAULTS = Map.of(
            "optim_sgd", Map.of("momentum", 0.0, "dampening", 0.0, "weight_decay", 0.0, "nesterov", false),
            "optim_adam", Map.of("betas", List.of(0.9, 0.999), "eps", 1e-8, "weight_decay", 0.0, "amsgrad", false),
            "optim_adamw", Map.of("betas", List.of(0.9, 0.999), "eps", 1e-8, "weight_decay", 0.01, "amsgrad", false),
            "optim_rmsprop", Map.of("alpha", 0.99, "eps", 1e-8, "weight_decay", 0.0, "momentum", 0.0,
                    "centered", false),
            "optim_adagrad", Map.of("lr_decay", 0.0, "weight_decay", 0.0, "initial_accumulator_value", 0.0,
                    "eps", 1e-10));

    /** The case with every option of its optimizer given: the case's own, else PyTorch's default. */
    static JsonNode withDefaults(JsonNode c) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode copy = c.deepCopy();
        ObjectNode args = (ObjectNode) copy.get("args");
        DEFAULTS.get(c.get("op").asText()).forEach((k, v) -> {
            if (!args.has(k)) {
                args.set(k, json.valueToTree(v));
            }
        });
        return copy;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void trajectoryMatchesTorchOptimInFloat32(String name, JsonNode c) {
        Tensor p0 = tensor(c.get("inputs").get("p0"), DType.FLOAT32).requiresGrad(true);
        Tensor p1 = tensor(c.get("inputs").get("p1"), DType.FLOAT32).requiresGrad(true);
        Optimizer opt = GoldenRmspropAdagradAndResumeTest.make(withDefaults(c), List.of(p0, p1));
        JsonNode objective = c.get("objective");
        int[] stateBuffers = {0};
        for (int step = 0; step < c.get("steps").asInt(); step++) {
            String what = name + " step " + (step + 1);
            if (objective == null) {
                JsonNode grads = c.get("grads").get(step);
                p0.zeroGrad();
                p1.zeroGrad();
                p0.setGrad(tensor(grads.get("p0"), DType.FLOAT32));
                p1.setGrad(tensor(grads.get("p1"), DType.FLOAT32));
            } else {
                opt.zeroGrad();
                Tensor f = quadratic(objective, "p0", p0).add(quadratic(objective, "p1", p1));
                assertClose(what + " objective", c.get("objective_values").get(step), f, DType.FLOAT32);
                f.backward();
            }
            opt.step();
            JsonNode expected = c.get("trajectory").get(step);
            assertClose(what + " p0", expected.get("p0"), p0, DType.FLOAT32);
            assertClose(what + " p1", expected.get("p1"), p1, DType.FLOAT32);
            opt.stateDict().forEach((k, v) -> {
                if (k.startsWith("state.") && !k.endsWith(".step")) {
                    assertEquals(DType.FLOAT32, v.dtype(), what + ": state " + k + " is kept in float32");
                    stateBuffers[0]++;
                }
            });
        }
        boolean buffers = !c.get("op").asText().equals("optim_sgd") || withDefaults(c).get("args").get("momentum")
                .asDouble() != 0;
        assertEquals(buffers, stateBuffers[0] > 0, name + ": the state buffers checked");
    }

    /** {@code sum(h ⊙ (p − c)²)} for one parameter, in float32. */
    private static Tensor quadratic(JsonNode objective, String k, Tensor p) {
        Tensor h = tensor(objective.get("h").get(k), DType.FLOAT32);
        Tensor center = tensor(objective.get("c").get(k), DType.FLOAT32);
        return p.sub(center).pow(2.0).mul(h).sum();
    }
}
