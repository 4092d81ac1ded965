package dev.ejgrad.nn;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.core.ImageShape;
import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.testing.Golden;
import java.nio.file.Path;
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
 * The images golden file through the modules: Conv2d (loaded with {@code loadStateDict}), MaxPool2d and AvgPool2d on
 * the op cases, BatchNorm2d alone and after a Conv2d in a Sequential over training and eval steps, and a small CNN's
 * cross-entropy with its gradients and Hessian-vector product; each module reports PyTorch's output shape.
 */
class GoldenImageModulesTest {

    static Stream<Arguments> layers() {
        return Golden.convCases("conv2d", "max_pool2d", "avg_pool2d");
    }

    static Stream<Arguments> batchNorm() {
        return Golden.convCases("batch_norm2d", "sequential_conv2d_batch_norm2d");
    }

    static Stream<Arguments> cnn() {
        return Golden.convCases("cnn_cross_entropy");
    }

    @Test
    void theGoldenFileHasTheCases() {
        assertEquals(16 + 12 + 8, layers().count());
        assertEquals(3, batchNorm().count());
        assertEquals(2, cnn().count());
        assertEquals(2, pytorchFiles().count());
    }

    static ImageShape shape(JsonNode s) {
        return new ImageShape(s.get("channels").asInt(), s.get("height").asInt(), s.get("width").asInt());
    }

    private static Map<String, Tensor> state(JsonNode node) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), tensor(e.getValue())));
        return out;
    }

    /** The layer a case's args describe, on images of {@code input}. */
    static ImageLayer layer(JsonNode a, String type, ImageShape input) {
        switch (type) {
            case "conv2d":
                return new Conv2d(input, a.get("out_channels").asInt(), a.get("kernel_size").asInt(),
                        a.get("stride").asInt(), a.get("padding").asInt(), a.get("dilation").asInt(),
                        a.get("bias").asBoolean(), new Random(0));
            case "max_pool2d":
                return new MaxPool2d(input, a.get("kernel_size").asInt(), a.get("stride").asInt(),
                        a.get("padding").asInt());
            case "avg_pool2d":
                return new AvgPool2d(input, a.get("kernel_size").asInt(), a.get("stride").asInt(),
                        a.get("padding").asInt());
            default:
                throw new AssertionError("no layer " + type);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void layersMatchPyTorchAndReportTheOutputShape(String name, JsonNode c) {
        ImageLayer m = layer(c.get("args"), c.get("op").asText(), shape(c.get("image_shape")));
        assertEquals(shape(c.get("output_shape")), m.outputShape(), name + ": outputShape()");
        JsonNode in = c.get("inputs");
        if (m instanceof Conv2d) {
            Map<String, Tensor> sd = new LinkedHashMap<>();
            sd.put("weight", tensor(in.get("weight")));
            if (in.has("bias")) {
                sd.put("bias", tensor(in.get("bias")));
            }
            m.loadStateDict(sd);
        }
        Tensor x = tensor(in.get("input")).requiresGrad(true);
        Tensor out = m.forward(x);
        if (c.get("args").has("then")) {
            out = out.tanh();
        }
        assertClose(name + " output", c.get("output"), out);
        out.backward(tensor(c.get("grad_output")));
        assertClose(name + " grad input", c.get("grad_inputs").get("input"), x.grad());
        for (Map.Entry<String, Tensor> p : m.namedParameters().entrySet()) {
            assertClose(name + " grad " + p.getKey(), c.get("grad_inputs").get(p.getKey()), p.getValue().grad());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("batchNorm")
    void batchNormStepsMatchPyTorch(String name, JsonNode c) {
        JsonNode args = c.get("args");
        ImageShape input = shape(c.get("image_shape"));
        boolean alone = c.get("op").asText().equals("batch_norm2d");
        JsonNode bnArgs = alone ? args : args.get("batch_norm");
        Conv2d conv = alone ? null : (Conv2d) layer(args.get("conv"), "conv2d", input);
        BatchNorm2d bn = new BatchNorm2d(alone ? input : conv.outputShape(), bnArgs.get("eps").asDouble(),
                bnArgs.get("momentum").asDouble());
        Module m = alone ? bn : new Sequential(conv, bn);
        assertEquals(shape(c.get("output_shape")), bn.outputShape(), name + ": outputShape()");
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
            Tensor x = tensor(step.get("input")).requiresGrad(true);
            Tensor out = m.forward(x);
            assertClose(what + " output", step.get("output"), out);
            out.backward(tensor(step.get("grad_output")));
            assertClose(what + " grad input", step.get("grad_input"), x.grad());
            Map<String, Tensor> params = m.namedParameters();
            List<String> names = new ArrayList<>();
            step.get("grad_params").fieldNames().forEachRemaining(names::add);
            assertEquals(List.copyOf(params.keySet()), names, what + ": parameter names");
            for (String p : names) {
                assertClose(what + " grad " + p, step.get("grad_params").get(p), params.get(p).grad());
            }
            Map<String, Tensor> buffers = m.namedBuffers();
            List<String> bufferNames = new ArrayList<>();
            step.get("buffers").fieldNames().forEachRemaining(bufferNames::add);
            assertEquals(bufferNames, List.copyOf(buffers.keySet()), what + ": buffer names");
            for (String b : bufferNames) {
                assertClose(what + " buffer " + b, step.get("buffers").get(b), buffers.get(b));
            }
        }
    }

    /** The Sequential a CNN case's {@code args.layers} describe, each layer checked against its shapes. */
    static Sequential model(String name, JsonNode layers) {
        List<Module> ms = new ArrayList<>();
        for (JsonNode l : layers) {
            String type = l.get("type").asText();
            switch (type) {
                case "relu": ms.add(new ReLU()); break;
                case "tanh": ms.add(new Tanh()); break;
                case "linear":
                    ms.add(new Linear(l.get("in_features").asInt(), l.get("out_features").asInt(), true,
                            new Random(0)));
                    break;
                default:
                    ImageLayer m = layer(l, type, shape(l.get("input_shape")));
                    assertEquals(shape(l.get("output_shape")), m.outputShape(), name + ": " + type + " output");
                    ms.add(m);
            }
        }
        return new Sequential(ms.toArray(new Module[0]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cnn")
    void aCnnsLossGradientsAndHessianVectorProductMatchPyTorch(String name, JsonNode c) {
        Sequential model = model(name, c.get("args").get("layers"));
        model.loadStateDict(state(c.get("state_dict")));
        Tensor x = tensor(c.get("inputs").get("input")).requiresGrad(true);
        int[] target = Golden.ints(c.get("inputs").get("target"));
        Tensor loss = new CrossEntropyLoss().forward(model.forward(x), target);
        assertClose(name + " loss", c.get("output"), loss);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("input", x);
        inputs.putAll(model.namedParameters());
        Map<String, JsonNode> firstOrder = new LinkedHashMap<>();
        c.get("grad_params").fields().forEachRemaining(e -> firstOrder.put(e.getKey(), e.getValue()));
        assertEquals(List.copyOf(model.namedParameters().keySet()), List.copyOf(firstOrder.keySet()));
        Golden.assertFirstAndSecondOrder(name, withGradInputs(c), inputs, loss);
    }

    static Stream<Arguments> pytorchFiles() {
        return Golden.convCases("safetensors_cnn");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pytorchFiles")
    void aCnnSavedByPyTorchLoadsAndGivesPyTorchsLogits(String name, JsonNode c) throws Exception {
        Path file = Path.of(GoldenImageModulesTest.class.getResource("/golden/safetensors/" + c.get("file").asText())
                .toURI());
        Map<String, Tensor> loaded = SafeTensors.load(file);
        // PyTorch's 4-D conv weights and 1-D biases, read as d0 x (d1·…·dk) and 1 x n
        assertEquals(4, c.get("header").get("0.weight").get("shape").size());
        assertEquals(4, loaded.get("0.weight").rows());
        assertEquals(9, loaded.get("0.weight").cols());
        assertEquals(6, loaded.get("3.weight").rows());
        assertEquals(16, loaded.get("3.weight").cols());
        Sequential model = model(name, c.get("args").get("layers"));
        model.loadStateDict(loaded);
        model.eval();
        try (NoGrad scope = NoGrad.enter()) {
            assertClose(name + " logits", c.get("output"), model.forward(tensor(c.get("inputs").get("input"))));
        }
    }

    /** The case with its parameters' gradients beside the input's under {@code grad_inputs}, as the checker reads. */
    private static JsonNode withGradInputs(JsonNode c) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = c.deepCopy();
        com.fasterxml.jackson.databind.node.ObjectNode grads =
                (com.fasterxml.jackson.databind.node.ObjectNode) copy.get("grad_inputs");
        c.get("grad_params").fields().forEachRemaining(e -> grads.set(e.getKey(), e.getValue()));
        return copy;
    }
}
