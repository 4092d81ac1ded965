package dev.ejgrad.nn;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.ints;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.testing.Golden;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The embedding and recurrent-cell cases of the nn2 golden file: values and every gradient, against PyTorch. */
class GoldenEmbeddingCellTest {

    static Stream<Arguments> embedding() {
        return Golden.nn2Cases("embedding");
    }

    static Stream<Arguments> cells() {
        return Golden.nn2Cases("rnn_cell", "gru_cell", "lstm_cell");
    }

    @Test
    void theGoldenFileHasTheCases() {
        assertEquals(3, Golden.nn2Count("embedding"));
        assertEquals(4, Golden.nn2Count("rnn_cell"));
        assertEquals(4, Golden.nn2Count("gru_cell"));
        assertEquals(3, Golden.nn2Count("lstm_cell"));
    }

    private static Map<String, Tensor> stateDict(JsonNode c) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        JsonNode sd = c.get("state_dict");
        sd.fieldNames().forEachRemaining(k -> state.put(k, tensor(sd.get(k))));
        return state;
    }

    private static Embedding embedding(JsonNode c) {
        JsonNode args = c.get("args");
        Embedding emb = new Embedding(args.get("num_embeddings").asInt(), args.get("embedding_dim").asInt(),
                new Random(0));
        if (args.has("padding_idx")) {
            emb.paddingIdx(args.get("padding_idx").asInt());
        }
        emb.loadStateDict(stateDict(c));
        return emb;
    }

    @ParameterizedTest(name = "{0} forward(int...)")
    @MethodSource("embedding")
    void embeddingOfIndicesMatchesPyTorch(String name, JsonNode c) {
        Embedding emb = embedding(c);
        Tensor out = emb.forward(ints(c.get("inputs").get("indices")));
        assertClose(name + " output", c.get("output"), out);
        out.backward(tensor(c.get("grad_output")));
        assertClose(name + " grad weight", c.get("grad_params").get("weight"), emb.weight().grad());
    }

    @ParameterizedTest(name = "{0} forward(Tensor)")
    @MethodSource("embedding")
    void embeddingOfAColumnMatchesPyTorch(String name, JsonNode c) {
        Embedding emb = embedding(c);
        int[] idx = ints(c.get("inputs").get("indices"));
        double[] column = new double[idx.length];
        for (int k = 0; k < idx.length; k++) {
            column[k] = idx[k];
        }
        Tensor out = new Sequential(emb).forward(Tensor.column(column));
        assertClose(name + " output", c.get("output"), out);
        out.backward(tensor(c.get("grad_output")));
        assertClose(name + " grad weight", c.get("grad_params").get("weight"), emb.weight().grad());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void cellMatchesPyTorch(String name, JsonNode c) {
        JsonNode args = c.get("args");
        int in = args.get("input_size").asInt();
        int hidden = args.get("hidden_size").asInt();
        String op = c.get("op").asText();
        Module cell = op.equals("rnn_cell") ? new RNNCell(in, hidden, new Random(0))
                : op.equals("gru_cell") ? new GRUCell(in, hidden, new Random(0)) : new LSTMCell(in, hidden, new Random(0));
        cell.loadStateDict(stateDict(c));
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        JsonNode given = c.get("inputs");
        given.fieldNames().forEachRemaining(k -> inputs.put(k, tensor(given.get(k)).requiresGrad(true)));
        List<Tensor> xs = new ArrayList<>();
        if (inputs.containsKey("x")) {
            xs.add(inputs.get("x"));
        } else {
            for (int t = 0; t < args.get("steps").asInt(); t++) {
                xs.add(inputs.get("x" + t));
            }
        }
        Tensor h = inputs.get("h0");
        Tensor cs = inputs.get("c0");
        for (Tensor x : xs) {
            if (cell instanceof LSTMCell) {
                LSTMCell lstm = (LSTMCell) cell;
                LSTMCell.State s = lstm.forward(x, h == null ? lstm.zeroState(x.rows()) : new LSTMCell.State(h, cs));
                h = s.h();
                cs = s.c();
            } else if (h == null) {
                h = cell.forward(x);
            } else {
                h = cell instanceof RNNCell ? ((RNNCell) cell).forward(x, h) : ((GRUCell) cell).forward(x, h);
            }
        }
        JsonNode outs = c.get("outputs");
        assertClose(name + " h", outs.get("h"), h);
        if (outs.has("c")) {
            assertClose(name + " c", outs.get("c"), cs);
        }
        JsonNode g = c.get("grad_outputs");
        Tensor objective = h.mul(tensor(g.get("h"))).sum();
        if (g.has("c")) {
            objective = objective.add(cs.mul(tensor(g.get("c"))).sum());
        }
        objective.backward();
        JsonNode gi = c.get("grad_inputs");
        assertEquals(inputs.keySet(), toSet(gi), "every input's gradient is compared");
        gi.fieldNames().forEachRemaining(k -> assertClose(name + " grad " + k, gi.get(k), inputs.get(k).grad()));
        JsonNode gp = c.get("grad_params");
        assertEquals(cell.namedParameters().keySet(), toSet(gp), "every parameter's gradient is compared");
        gp.fieldNames().forEachRemaining(k ->
                assertClose(name + " grad " + k, gp.get(k), cell.namedParameters().get(k).grad()));
    }

    private static Set<String> toSet(JsonNode object) {
        Set<String> keys = new LinkedHashSet<>();
        object.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
