package dev.ejgrad.nn;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.testing.Golden;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The nn2 golden cases of the regularisation, normalisation and activation modules (LayerNorm, BatchNorm1d alone
 * and in a Sequential, Dropout in eval, GELU, LeakyReLU, ELU, SiLU, Softplus, Hardtanh), run through the modules
 * with the parameters and buffers loaded by {@code loadStateDict}.
 */
class GoldenNormalisationTest {

    static Stream<Arguments> layerNorm() {
        return Golden.nn2Cases("layer_norm");
    }

    static Stream<Arguments> batchNorm() {
        return Golden.nn2Cases("batch_norm1d", "sequential_linear_batch_norm1d");
    }

    static Stream<Arguments> activations() {
        return Golden.nn2Cases("gelu", "leaky_relu", "elu", "silu", "softplus", "hardtanh", "dropout");
    }

    @Test
    void theGoldenFileHasTheCases() {
        assertEquals(3, Golden.nn2Count("layer_norm"));
        assertEquals(3, Golden.nn2Count("batch_norm1d", "sequential_linear_batch_norm1d"));
        assertEquals(13, Golden.nn2Count("gelu", "leaky_relu", "elu", "silu", "softplus", "hardtanh", "dropout"));
    }

    private static Map<String, Tensor> state(JsonNode node) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), tensor(e.getValue())));
        return out;
    }

    private static void assertParamGrads(String what, JsonNode expected, Module m) {
        Map<String, Tensor> params = m.namedParameters();
        List<String> names = new ArrayList<>();
        expected.fieldNames().forEachRemaining(names::add);
        assertEquals(List.copyOf(params.keySet()), names, what + ": parameter names");
        for (String k : names) {
            assertClose(what + " grad " + k, expected.get(k), params.get(k).grad());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layerNorm")
    void layerNormMatchesPyTorch(String name, JsonNode c) {
        JsonNode args = c.get("args");
        LayerNorm ln = new LayerNorm(args.get("normalized_shape").asInt(), args.get("eps").asDouble());
        ln.loadStateDict(state(c.get("state_dict")));
        Tensor x = tensor(c.get("inputs").get("input")).requiresGrad(true);
        Tensor out = ln.forward(x);
        assertClose(name + " output", c.get("output"), out);
        out.backward(tensor(c.get("grad_output")));
        assertClose(name + " grad input", c.get("grad_inputs").get("input"), x.grad());
        assertParamGrads(name, c.get("grad_params"), ln);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("batchNorm")
    void batchNormStepsMatchPyTorch(String name, JsonNode c) {
        JsonNode args = c.get("args");
        BatchNorm1d bn = new BatchNorm1d(args.get("num_features").asInt(), args.get("eps").asDouble(),
                args.get("momentum").asDouble());
        Module m = c.get("op").asText().equals("batch_norm1d") ? bn
                : new Sequential(new Linear(args.get("in_features").asInt(), args.get("num_features").asInt(), true,
                        new Random(0)), bn);
        m.loadStateDict(state(c.get("state_dict")));
        List<String> keys = new ArrayList<>();
        c.get("state_dict_keys").forEach(k -> keys.add(k.asText()));
        assertEquals(keys, List.copyOf(m.stateDict().keySet()), name + ": stateDict keys");
        int k = 0;
        for (JsonNode step : c.get("steps")) {
            String what = name + " step " + k++ + " (" + step.get("mode").asText() + ")";
            m.zeroGrad();
            if (step.get("mode").asText().equals("train")) {
                m.train();
            } else {
                m.eval();
            }
            assertEquals(m.isTraining(), bn.isTraining(), what + ": the mode reaches the BatchNorm1d");
            Tensor x = tensor(step.get("input")).requiresGrad(true);
            Tensor out = m.forward(x);
            assertClose(what + " output", step.get("output"), out);
            out.backward(tensor(step.get("grad_output")));
            assertClose(what + " grad input", step.get("grad_input"), x.grad());
            assertParamGrads(what, step.get("grad_params"), m);
            Map<String, Tensor> buffers = m.namedBuffers();
            List<String> bufferNames = new ArrayList<>();
            step.get("buffers").fieldNames().forEachRemaining(bufferNames::add);
            assertEquals(bufferNames, List.copyOf(buffers.keySet()), what + ": buffer names");
            for (String b : bufferNames) {
                assertClose(what + " buffer " + b, step.get("buffers").get(b), buffers.get(b));
            }
        }
        JsonNode last = c.get("steps").get(c.get("steps").size() - 1).get("buffers");
        String counter = bn == m ? "num_batches_tracked" : "1.num_batches_tracked";
        assertEquals((long) Golden.number(last.get(counter)), bn.numBatchesTracked(), name + ": numBatchesTracked()");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void activationMatchesPyTorch(String name, JsonNode c) {
        JsonNode args = c.get("args");
        Module m;
        switch (c.get("op").asText()) {
            case "gelu":
                m = new GELU(args.get("approximate").asText().equals("tanh") ? GELU.Approximation.TANH
                        : GELU.Approximation.NONE);
                break;
            case "leaky_relu":
                m = new LeakyReLU(args.get("negative_slope").asDouble());
                break;
            case "elu":
                m = new ELU(args.get("alpha").asDouble());
                break;
            case "silu":
                m = new SiLU();
                break;
            case "softplus":
                m = new Softplus(args.get("beta").asDouble(), args.get("threshold").asDouble());
                break;
            case "hardtanh":
                m = new Hardtanh(args.get("min_val").asDouble(), args.get("max_val").asDouble());
                break;
            default:
                if (args.get("container").asText().equals("module")) {
                    m = new Dropout(args.get("p").asDouble(), new Random(1));
                } else {
                    List<Module> drops = new ArrayList<>();
                    args.get("p").forEach(p -> drops.add(new Dropout(p.asDouble(), new Random(1))));
                    m = new Sequential(drops.toArray(new Module[0]));
                }
                m.eval();
        }
        Tensor x = tensor(c.get("inputs").get("input")).requiresGrad(true);
        Tensor out = m.forward(x);
        assertClose(name + " output", c.get("output"), out);
        if (c.get("op").asText().equals("dropout")) {
            assertSame(x, out, "eval dropout returns its input");
        } else {
            assertNotSame(x, out);
        }
        out.backward(tensor(c.get("grad_output")));
        assertClose(name + " grad input", c.get("grad_inputs").get("input"), x.grad());
    }
}
