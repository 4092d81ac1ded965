package dev.ejgrad.nn;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.dtype;
import static dev.ejgrad.testing.Golden.ints;
import static dev.ejgrad.testing.Golden.number;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.core.DType;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.Adam;
import dev.ejgrad.optim.Optimizer;
import dev.ejgrad.optim.SGD;
import dev.ejgrad.testing.Golden;
import dev.ejgrad.testing.Golden.Float32Part;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The nn cases of the float32 golden file: {@code Functional.linear} and attention on float32 tensors; every layer
 * made in float64 by its constructor, cast with {@code to(DType.FLOAT32)} and loaded with PyTorch's float32
 * {@code state_dict} (output, input and parameter gradients; BatchNorm1d's three training steps and an eval step
 * with its buffers); and the two 20-step MLP training runs (SGD with momentum, Adam): every loss and the final
 * weights. Values within 1e-5·max(1, |torch|), each result and gradient float32 of float32 values. Also the count of
 * the whole file: every one of its 358 cases belongs to one part, run by one test class.
 */
class GoldenFloat32ModuleTest {

    static Stream<Arguments> functional() {
        return Golden.f32Cases(Float32Part.FUNCTIONAL);
    }

    static Stream<Arguments> layers() {
        return Golden.f32Cases(Float32Part.LAYER);
    }

    static Stream<Arguments> training() {
        return Golden.f32Cases(Float32Part.TRAIN);
    }

    @Test
    void everyCaseOfTheFileIsRunOnce() {
        long total = Arrays.stream(Float32Part.values()).mapToLong(Golden::f32Count).sum();
        assertEquals(358, total, "cases of torch-golden-f32.json, over all parts");
        Set<String> names = Arrays.stream(Float32Part.values()).flatMap(Golden::f32Cases)
                .map(a -> (String) a.get()[0]).collect(Collectors.toSet());
        assertEquals(358, names.size(), "each case by its own name");
        // the part run by each test class: GoldenFloat32OpsTest, this one (three), GoldenFloat32LossTest and
        // GoldenFloat32OptimTest, each of which checks its own count
        assertEquals(2, Golden.f32Count(Float32Part.FUNCTIONAL));
        assertEquals(13, Golden.f32Count(Float32Part.LAYER));
        assertEquals(2, Golden.f32Count(Float32Part.TRAIN));
    }

    /** The case's tensor inputs in their dtypes, requiring grad where the case has their gradient. */
    private static Map<String, Tensor> inputs(JsonNode c) {
        JsonNode in = c.get("inputs");
        JsonNode dtypes = c.get("input_dtypes");
        JsonNode grads = c.get("grad_inputs");
        Map<String, Tensor> xs = new LinkedHashMap<>();
        dtypes.fieldNames().forEachRemaining(k -> xs.put(k,
                tensor(in.get(k), dtype(dtypes.get(k))).requiresGrad(grads != null && grads.has(k))));
        return xs;
    }

    private static void assertInputGrads(String name, JsonNode c, Map<String, Tensor> xs) {
        JsonNode grads = c.get("grad_inputs");
        assertEquals(xs.entrySet().stream().filter(e -> e.getValue().requiresGrad()).map(Map.Entry::getKey)
                .collect(Collectors.toSet()), keys(grads), name + ": every input's gradient is compared");
        grads.fieldNames().forEachRemaining(k ->
                assertClose(name + " grad " + k, grads.get(k), xs.get(k).grad(), xs.get(k).dtype()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functional")
    void functionalMatchesTorchInFloat32(String name, JsonNode c) {
        Map<String, Tensor> xs = inputs(c);
        Tensor out = c.get("op").asText().equals("linear")
                ? Functional.linear(xs.get("input"), xs.get("weight"), xs.get("bias"))
                : Functional.scaledDotProductAttention(xs.get("query"), xs.get("key"), xs.get("value"),
                        xs.get("attn_mask"));
        assertClose(name + " output", c.get("output"), out, dtype(c.get("output_dtype")));
        out.backward(tensor(c.get("grad_output"), out.dtype()));
        assertInputGrads(name, c, xs);
    }

    /** The case's module, made in float64 by its constructor and cast to float32, before its state is loaded. */
    private static Module module(JsonNode c) {
        JsonNode args = c.get("args");
        Random rng = new Random(0);
        Module m;
        switch (c.get("op").asText()) {
            case "linear_module":
                m = new Linear(args.get("in_features").asInt(), args.get("out_features").asInt(),
                        args.get("bias").asBoolean(), rng);
                break;
            case "layer_norm":
                m = new LayerNorm(args.get("normalized_shape").asInt(), number(args.get("eps")));
                break;
            case "embedding": {
                Embedding e = new Embedding(args.get("num_embeddings").asInt(), args.get("embedding_dim").asInt(),
                        rng);
                if (args.has("padding_idx")) {
                    e.paddingIdx(args.get("padding_idx").asInt());
                }
                m = e;
                break;
            }
            case "rnn_cell":
                assertEquals("tanh", args.get("nonlinearity").asText());
                m = new RNNCell(args.get("input_size").asInt(), args.get("hidden_size").asInt(), rng);
                break;
            case "gru_cell":
                m = new GRUCell(args.get("input_size").asInt(), args.get("hidden_size").asInt(), rng);
                break;
            case "lstm_cell":
                m = new LSTMCell(args.get("input_size").asInt(), args.get("hidden_size").asInt(), rng);
                break;
            case "multihead_attention":
                m = new MultiheadAttention(args.get("embed_dim").asInt(), args.get("num_heads").asInt(), rng);
                break;
            case "batch_norm1d":
                m = new BatchNorm1d(args.get("num_features").asInt(), number(args.get("eps")),
                        number(args.get("momentum")));
                break;
            default:
                throw new AssertionError("no mapping for layer " + c.get("op"));
        }
        return toFloat32(c.get("name").asText(), m);
    }

    /** {@code m.to(FLOAT32)}: the module itself back, every parameter the same tensor, now float32. */
    private static <M extends Module> M toFloat32(String name, M m) {
        List<Tensor> before = m.parameters();
        assertSame(m, m.to(DType.FLOAT32), name + ": to returns the module");
        List<Tensor> after = m.parameters();
        assertEquals(before.size(), after.size());
        for (int i = 0; i < after.size(); i++) {
            assertSame(before.get(i), after.get(i), name + ": parameter " + i + " stays the same tensor");
            assertEquals(DType.FLOAT32, after.get(i).dtype(), name + ": parameter " + i + " is float32");
        }
        return m;
    }

    /** The case's state dict as float32 tensors (num_batches_tracked, a count, as a number). */
    private static Map<String, Tensor> state(JsonNode sd) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        sd.fields().forEachRemaining(e -> out.put(e.getKey(), e.getKey().endsWith("num_batches_tracked")
                ? tensor(e.getValue()) : tensor(e.getValue(), DType.FLOAT32)));
        return out;
    }

    private static void assertParamGrads(String what, JsonNode expected, Module m) {
        Map<String, Tensor> params = m.namedParameters();
        assertEquals(params.keySet(), keys(expected), what + ": every parameter's gradient is compared");
        expected.fieldNames().forEachRemaining(k ->
                assertClose(what + " grad " + k, expected.get(k), params.get(k).grad(), DType.FLOAT32));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void layerMatchesTorchInFloat32(String name, JsonNode c) {
        Module m = module(c);
        m.loadStateDict(state(c.get("state_dict")));
        m.namedParameters().forEach((k, p) -> assertEquals(DType.FLOAT32, p.dtype(), name + ": " + k + " loaded"));
        if (c.get("op").asText().equals("batch_norm1d")) {
            batchNormSteps(name, c, (BatchNorm1d) m);
            return;
        }
        Map<String, Tensor> xs = inputs(c);
        JsonNode in = c.get("inputs");
        Tensor objective;
        switch (c.get("op").asText()) {
            case "embedding": {
                Tensor out = ((Embedding) m).forward(ints(in.get("indices")));
                assertClose(name + " output", c.get("output"), out, DType.FLOAT32);
                objective = out.mul(tensor(c.get("grad_output"), DType.FLOAT32)).sum();
                break;
            }
            case "rnn_cell":
            case "gru_cell": {
                Tensor h = m instanceof RNNCell ? ((RNNCell) m).forward(xs.get("x"), xs.get("h0"))
                        : ((GRUCell) m).forward(xs.get("x"), xs.get("h0"));
                assertClose(name + " h", c.get("outputs").get("h"), h, DType.FLOAT32);
                objective = h.mul(tensor(c.get("grad_outputs").get("h"), DType.FLOAT32)).sum();
                break;
            }
            case "lstm_cell": {
                LSTMCell.State s = ((LSTMCell) m).forward(xs.get("x"), new LSTMCell.State(xs.get("h0"), xs.get("c0")));
                assertClose(name + " h", c.get("outputs").get("h"), s.h(), DType.FLOAT32);
                assertClose(name + " c", c.get("outputs").get("c"), s.c(), DType.FLOAT32);
                JsonNode g = c.get("grad_outputs");
                objective = s.h().mul(tensor(g.get("h"), DType.FLOAT32)).sum()
                        .add(s.c().mul(tensor(g.get("c"), DType.FLOAT32)).sum());
                break;
            }
            case "multihead_attention": {
                MultiheadAttention a = (MultiheadAttention) m;
                Tensor out = xs.containsKey("attn_mask")
                        ? a.forward(xs.get("query"), xs.get("key"), xs.get("value"), xs.get("attn_mask"))
                        : a.forward(xs.get("query"), xs.get("key"), xs.get("value"));
                assertClose(name + " output", c.get("output"), out, DType.FLOAT32);
                objective = out.mul(tensor(c.get("grad_output"), DType.FLOAT32)).sum();
                break;
            }
            default: {
                Tensor out = m.forward(xs.get("input"));
                assertClose(name + " output", c.get("output"), out, DType.FLOAT32);
                objective = out.mul(tensor(c.get("grad_output"), DType.FLOAT32)).sum();
            }
        }
        assertEquals(DType.FLOAT32, objective.dtype(), name + ": the objective");
        objective.backward();
        if (c.has("grad_inputs")) {
            assertInputGrads(name, c, xs);
        }
        assertParamGrads(name, c.get("grad_params"), m);
    }

    private static void batchNormSteps(String name, JsonNode c, BatchNorm1d bn) {
        List<String> keys = new ArrayList<>();
        c.get("state_dict_keys").forEach(k -> keys.add(k.asText()));
        assertEquals(keys, List.copyOf(bn.stateDict().keySet()), name + ": stateDict keys");
        int k = 0;
        for (JsonNode step : c.get("steps")) {
            String what = name + " step " + k++ + " (" + step.get("mode").asText() + ")";
            bn.zeroGrad();
            if (step.get("mode").asText().equals("train")) {
                bn.train();
            } else {
                bn.eval();
            }
            Tensor x = tensor(step.get("input"), DType.FLOAT32).requiresGrad(true);
            Tensor out = bn.forward(x);
            assertClose(what + " output", step.get("output"), out, DType.FLOAT32);
            out.backward(tensor(step.get("grad_output"), DType.FLOAT32));
            assertClose(what + " grad input", step.get("grad_input"), x.grad(), DType.FLOAT32);
            assertParamGrads(what, step.get("grad_params"), bn);
            Map<String, Tensor> buffers = bn.namedBuffers();
            JsonNode expected = step.get("buffers");
            assertEquals(keys(expected), buffers.keySet(), what + ": buffer names");
            for (String b : keys(expected)) {
                if (b.equals("num_batches_tracked")) {
                    assertEquals(number(expected.get(b)), buffers.get(b).item(), what + ": " + b);
                } else {
                    assertClose(what + " buffer " + b, expected.get(b), buffers.get(b), DType.FLOAT32);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("training")
    void mlpTrainingMatchesTorchInFloat32(String name, JsonNode c) {
        JsonNode args = c.get("args");
        JsonNode layers = args.get("layers");
        assertEquals("relu", args.get("activation").asText());
        assertEquals("cross_entropy", args.get("loss").asText());
        Random rng = new Random(0);
        Sequential mlp = toFloat32(name, new Sequential(new Linear(layers.get(0).asInt(), layers.get(1).asInt(), true,
                rng), new ReLU(), new Linear(layers.get(1).asInt(), layers.get(2).asInt(), true, rng)));
        mlp.loadStateDict(state(c.get("state_dict")));
        Tensor x = tensor(c.get("inputs").get("x"), DType.FLOAT32);
        int[] target = ints(c.get("inputs").get("target"));
        double lr = number(args.get("lr"));
        Optimizer opt = args.get("optimizer").asText().equals("SGD")
                ? new SGD(mlp.parameters(), lr).momentum(number(args.get("momentum")))
                : new Adam(mlp.parameters(), lr);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        int steps = args.get("steps").asInt();
        assertEquals(steps, c.get("losses").size());
        for (int k = 0; k < steps; k++) {
            opt.zeroGrad();
            Tensor l = loss.forward(mlp.forward(x), target);
            assertClose(name + " loss of step " + (k + 1), c.get("losses").get(k), l, DType.FLOAT32);
            l.backward();
            opt.step();
        }
        JsonNode last = c.get("final_state_dict");
        Map<String, Tensor> params = mlp.namedParameters();
        assertEquals(keys(last), params.keySet(), name + ": final_state_dict keys");
        for (String k : keys(last)) {
            assertClose(name + " final " + k, last.get(k), params.get(k), DType.FLOAT32);
        }
    }

    private static Set<String> keys(JsonNode object) {
        Set<String> keys = new LinkedHashSet<>();
        object.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
