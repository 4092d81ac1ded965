package dev.ejgrad.nn;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.ints;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ejgrad.core.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sequence golden file ({@code golden/torch-golden-seq.json}, PyTorch 1.13 float64): the recurrent layers over
 * padded batches and unbatched, values and the gradients of the inputs, the initial states and every parameter.
 */
class GoldenSequenceTest {

    private static List<JsonNode> cases;

    static synchronized Stream<Arguments> cases(String... ops) {
        if (cases == null) {
            try (InputStream in = GoldenSequenceTest.class.getResourceAsStream("/golden/torch-golden-seq.json")) {
                List<JsonNode> all = new ArrayList<>();
                new ObjectMapper().readTree(in).forEach(all::add);
                cases = all;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Set<String> wanted = Set.of(ops);
        return cases.stream().filter(c -> wanted.contains(c.get("op").asText()))
                .map(c -> Arguments.of(c.get("name").asText(), c));
    }

    static Stream<Arguments> recurrentBatch() {
        return cases("rnn", "gru", "lstm").filter(a -> ((JsonNode) a.get()[1]).get("form").asText().equals("batch"));
    }

    static Stream<Arguments> recurrentUnbatched() {
        return cases("rnn", "gru", "lstm")
                .filter(a -> ((JsonNode) a.get()[1]).get("form").asText().equals("unbatched"));
    }

    @Test
    void theGoldenFileHasEveryCase() {
        assertEquals(9, cases("rnn").filter(a -> a.get()[0].toString().startsWith("rnn_tanh")).count());
        assertEquals(9, cases("rnn").filter(a -> a.get()[0].toString().startsWith("rnn_relu")).count());
        assertEquals(10, cases("gru").count());
        assertEquals(10, cases("lstm").count());
        assertEquals(12, cases("transformer_encoder_layer").count());
        assertEquals(2, cases("transformer_encoder").count());
    }

    static Map<String, Tensor> stateDict(JsonNode c) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        JsonNode sd = c.get("state_dict");
        sd.fieldNames().forEachRemaining(k -> state.put(k, tensor(sd.get(k))));
        return state;
    }

    static RNNBase layer(JsonNode c) {
        JsonNode a = c.get("args");
        int in = a.get("input_size").asInt();
        int hidden = a.get("hidden_size").asInt();
        int layers = a.get("num_layers").asInt();
        boolean bi = a.get("bidirectional").asBoolean();
        Random rng = new Random(0);
        RNNBase layer = switch (c.get("op").asText()) {
            case "rnn" -> new RNN(in, hidden, layers, bi, 0.0, rng).nonlinearity(
                    a.get("nonlinearity").asText().equals("relu") ? RNN.Nonlinearity.RELU : RNN.Nonlinearity.TANH);
            case "gru" -> new GRU(in, hidden, layers, bi, 0.0, rng);
            default -> new LSTM(in, hidden, layers, bi, 0.0, rng);
        };
        Map<String, Tensor> state = stateDict(c);
        assertEquals(List.copyOf(state.keySet()), List.copyOf(layer.namedParameters().keySet()),
                "PyTorch's parameter names in PyTorch's order");
        layer.loadStateDict(state);
        return layer;
    }

    static List<Tensor> list(JsonNode n, boolean requiresGrad) {
        List<Tensor> out = new ArrayList<>();
        n.forEach(m -> out.add(tensor(m).requiresGrad(requiresGrad)));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recurrentBatch")
    void aPaddedBatchMatchesPyTorch(String name, JsonNode c) {
        RNNBase layer = layer(c);
        JsonNode in = c.get("inputs");
        List<Tensor> steps = list(in.get("steps"), true);
        int[] lengths = in.has("lengths") ? ints(in.get("lengths")) : null;
        List<Tensor> h0 = in.has("h0") ? list(in.get("h0"), true) : null;
        List<Tensor> c0 = in.has("c0") ? list(in.get("c0"), true) : null;
        SequenceOutput out = call(layer, steps, lengths, h0, c0);
        JsonNode expected = c.get("outputs");
        assertList(name + " outputs", expected.get("outputs"), out.outputs());
        assertList(name + " h_n", expected.get("h_n"), out.hidden());
        if (layer instanceof LSTM) {
            assertList(name + " c_n", expected.get("c_n"), out.cells());
        } else {
            assertNull(out.cells());
        }

        JsonNode g = c.get("grad_outputs");
        Tensor objective = dot(out.outputs(), g.get("outputs")).add(dot(out.hidden(), g.get("h_n")));
        if (layer instanceof LSTM) {
            objective = objective.add(dot(out.cells(), g.get("c_n")));
        }
        objective.backward();
        JsonNode grads = c.get("grad_inputs");
        assertGrads(name + " grad steps", grads.get("steps"), steps);
        if (h0 != null) {
            assertGrads(name + " grad h0", grads.get("h0"), h0);
        }
        if (c0 != null) {
            assertGrads(name + " grad c0", grads.get("c0"), c0);
        }
        assertParamGrads(name, c, layer);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recurrentUnbatched")
    void oneSequenceMatchesPyTorch(String name, JsonNode c) {
        RNNBase layer = layer(c);
        Tensor x = tensor(c.get("inputs").get("input")).requiresGrad(true);
        Tensor out = new Sequential(layer).forward(x);
        assertClose(name + " output", c.get("output"), out);
        out.backward(tensor(c.get("grad_output")));
        assertClose(name + " grad input", c.get("grad_inputs").get("input"), x.grad());
        assertParamGrads(name, c, layer);
    }

    /** The call the golden file's README names for the case's inputs. */
    static SequenceOutput call(RNNBase layer, List<Tensor> steps, int[] lengths, List<Tensor> h0, List<Tensor> c0) {
        if (layer instanceof LSTM l) {
            return h0 == null && lengths == null ? l.forward(steps)
                    : h0 == null ? l.forward(steps, lengths) : l.forward(steps, lengths, h0, c0);
        }
        if (layer instanceof GRU g) {
            return h0 == null && lengths == null ? g.forward(steps)
                    : h0 == null ? g.forward(steps, lengths) : g.forward(steps, lengths, h0);
        }
        RNN r = (RNN) layer;
        return h0 == null && lengths == null ? r.forward(steps)
                : h0 == null ? r.forward(steps, lengths) : r.forward(steps, lengths, h0);
    }

    static Stream<Arguments> encoderLayers() {
        return cases("transformer_encoder_layer");
    }

    static Stream<Arguments> encoders() {
        return cases("transformer_encoder");
    }

    static TransformerEncoderLayer encoderLayer(JsonNode a, Random rng) {
        return new TransformerEncoderLayer(a.get("d_model").asInt(), a.get("nhead").asInt(),
                a.get("dim_feedforward").asInt(), a.get("dropout").asDouble(), rng)
                .activation(a.get("activation").asText().equals("gelu")
                        ? TransformerEncoderLayer.Activation.GELU : TransformerEncoderLayer.Activation.RELU)
                .normFirst(a.get("norm_first").asBoolean())
                .layerNormEps(a.get("layer_norm_eps").asDouble());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encoderLayers")
    void anEncoderLayerMatchesPyTorch(String name, JsonNode c) {
        TransformerEncoderLayer layer = encoderLayer(c.get("args"), new Random(0));
        assertEncoder(name, c, layer, "src_mask", layer::forward);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encoders")
    void anEncoderMatchesPyTorch(String name, JsonNode c) {
        JsonNode a = c.get("args");
        Random rng = new Random(0);
        TransformerEncoder encoder = new TransformerEncoder(() -> encoderLayer(a.get("encoder_layer"), rng),
                a.get("num_layers").asInt())
                .norm(new LayerNorm(a.get("norm").get("normalized_shape").asInt(), a.get("norm").get("eps").asDouble()));
        assertEncoder(name, c, encoder, "mask", encoder::forward);
    }

    private static void assertEncoder(String name, JsonNode c, Module m, String maskName,
            java.util.function.BinaryOperator<Tensor> forward) {
        Map<String, Tensor> state = stateDict(c);
        assertEquals(List.copyOf(state.keySet()), List.copyOf(m.namedParameters().keySet()),
                "PyTorch's parameter names in PyTorch's order");
        m.loadStateDict(state);
        JsonNode in = c.get("inputs");
        Tensor src = tensor(in.get("src")).requiresGrad(true);
        Tensor out = forward.apply(src, in.has(maskName) ? tensor(in.get(maskName)) : null);
        assertClose(name + " output", c.get("output"), out);
        out.backward(tensor(c.get("grad_output")));
        assertClose(name + " grad src", c.get("grad_inputs").get("src"), src.grad());
        assertParamGrads(name, c, m);
    }

    static void assertParamGrads(String name, JsonNode c, Module m) {
        JsonNode gp = c.get("grad_params");
        Map<String, Tensor> params = m.namedParameters();
        assertEquals(params.size(), gp.size(), name + ": a gradient for every parameter");
        params.forEach((k, p) -> assertClose(name + " grad " + k, gp.get(k), p.grad()));
    }

    private static Tensor dot(List<Tensor> ts, JsonNode gs) {
        assertEquals(gs.size(), ts.size());
        Tensor sum = Tensor.scalar(0);
        for (int i = 0; i < ts.size(); i++) {
            sum = sum.add(ts.get(i).mul(tensor(gs.get(i))).sum());
        }
        return sum;
    }

    private static void assertList(String what, JsonNode expected, List<Tensor> actual) {
        assertEquals(expected.size(), actual.size(), what + ": count");
        for (int i = 0; i < actual.size(); i++) {
            assertClose(what + "[" + i + "]", expected.get(i), actual.get(i));
        }
    }

    private static void assertGrads(String what, JsonNode expected, List<Tensor> inputs) {
        assertEquals(expected.size(), inputs.size(), what + ": count");
        for (int i = 0; i < inputs.size(); i++) {
            Tensor x = inputs.get(i);
            Tensor grad = x.grad() != null ? x.grad() : Tensor.zeros(x.rows(), x.cols());
            assertClose(what + "[" + i + "]", expected.get(i), grad);
        }
    }
}
