package dev.ejgrad.nn;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.ints;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.loss.BCEWithLogitsLoss;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.testing.Golden;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The linear, MLP and activation cases of the golden file, run through ejgrad's modules. */
class GoldenModuleTest {

    static Stream<Arguments> activations() {
        return Golden.cases("softmax", "log_softmax", "sigmoid");
    }

    static Stream<Arguments> linear() {
        return Golden.cases("linear");
    }

    static Stream<Arguments> mlp() {
        return Golden.cases("mlp_backward");
    }

    @Test
    void theGoldenFileHasTheModuleCases() {
        assertEquals(1, Golden.count("linear"));
        assertEquals(2, Golden.count("mlp_backward"));
        assertEquals(13, Golden.count("softmax", "log_softmax", "sigmoid"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void activationModuleMatchesLibtorch(String name, JsonNode c) {
        Tensor x = tensor(c.get("inputs").get("input")).requiresGrad(true);
        Module m;
        switch (c.get("op").asText()) {
            case "softmax":
                m = new Softmax(c.get("args").get("dim").asInt());
                break;
            case "log_softmax":
                m = new LogSoftmax(c.get("args").get("dim").asInt());
                break;
            default:
                m = new Sigmoid();
        }
        Tensor out = m.forward(x);
        assertClose(name + " output", c.get("output"), out);
        out.backward(tensor(c.get("grad_output")));
        assertClose(name + " grad", c.get("grad_input"), x.grad());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("linear")
    void linearMatchesLibtorch(String name, JsonNode c) {
        JsonNode in = c.get("inputs");
        Tensor x = tensor(in.get("input")).requiresGrad(true);
        Linear layer = new Linear(tensor(in.get("weight")), tensor(in.get("bias")));
        Tensor out = layer.forward(x);
        assertClose("output", c.get("output"), out);
        out.backward(tensor(c.get("grad_output")));
        assertClose("grad input", c.get("grad_input"), x.grad());
        assertClose("grad weight", c.get("grad_weight"), layer.weight().grad());
        assertClose("grad bias", c.get("grad_bias"), layer.bias().grad());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mlp")
    void mlpBackwardMatchesLibtorch(String name, JsonNode c) {
        JsonNode in = c.get("inputs");
        JsonNode args = c.get("args");
        Linear first = new Linear(tensor(in.get("W1")), tensor(in.get("b1")));
        Linear second = new Linear(tensor(in.get("W2")), tensor(in.get("b2")));
        Module activation = "relu".equals(args.get("hidden_activation").asText()) ? new ReLU() : new Tanh();
        Sequential mlp = new Sequential(first, activation, second);
        Tensor x = tensor(in.get("x")).requiresGrad(true);
        Tensor logits = mlp.forward(x);
        Tensor loss = "cross_entropy".equals(args.get("loss").asText())
                ? new CrossEntropyLoss().forward(logits, ints(in.get("target")))
                : new BCEWithLogitsLoss().forward(logits, tensor(in.get("target")));
        assertClose("loss", c.get("output"), loss);
        loss.backward();
        JsonNode g = c.get("grad_inputs");
        assertClose("grad x", g.get("x"), x.grad());
        assertClose("grad W1", g.get("W1"), mlp.namedParameters().get("0.weight").grad());
        assertClose("grad b1", g.get("b1"), mlp.namedParameters().get("0.bias").grad());
        assertClose("grad W2", g.get("W2"), mlp.namedParameters().get("2.weight").grad());
        assertClose("grad b2", g.get("b2"), mlp.namedParameters().get("2.bias").grad());
    }

    static Stream<Arguments> secondOrder() {
        return Golden.core2Cases("linear", "mlp_backward");
    }

    @Test
    void theSecondPartsFileHasTheLinearAndMlpCases() {
        assertEquals(3, secondOrder().count());
    }

    /** Linear and the two MLPs, through Functional.linear: first order and Hessian-vector products for every input. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("secondOrder")
    void firstAndSecondOrderMatchLibtorch(String name, JsonNode c) {
        JsonNode in = c.get("inputs");
        Map<String, Tensor> xs = new LinkedHashMap<>();
        c.get("v").fieldNames().forEachRemaining(k -> xs.put(k, tensor(in.get(k)).requiresGrad(true)));
        Tensor out;
        if ("linear".equals(c.get("op").asText())) {
            out = Functional.linear(xs.get("input"), xs.get("weight"), xs.get("bias"));
        } else {
            JsonNode args = c.get("args");
            Tensor h = Functional.linear(xs.get("x"), xs.get("W1"), xs.get("b1"));
            h = "relu".equals(args.get("hidden_activation").asText()) ? h.relu() : h.tanh();
            Tensor logits = Functional.linear(h, xs.get("W2"), xs.get("b2"));
            out = "cross_entropy".equals(args.get("loss").asText())
                    ? new CrossEntropyLoss().forward(logits, ints(in.get("target")))
                    : new BCEWithLogitsLoss().forward(logits, tensor(in.get("target")));
        }
        assertClose(name + " output", c.get("output"), out);
        Golden.assertFirstAndSecondOrder(name, c, xs, out);
    }
}
