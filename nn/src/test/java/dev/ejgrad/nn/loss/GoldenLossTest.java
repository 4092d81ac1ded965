package dev.ejgrad.nn.loss;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.ints;
import static dev.ejgrad.testing.Golden.number;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.testing.Golden;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every loss case of the libtorch golden file: the value and the input gradient within 1e-12·max(1, |expected|). */
class GoldenLossTest {

    private static final String[] LOSSES = {"binary_cross_entropy", "binary_cross_entropy_with_logits", "nll_loss",
        "cross_entropy", "mse_loss", "kl_div"};

    static Stream<Arguments> losses() {
        return Golden.cases(LOSSES);
    }

    @Test
    void theGoldenFileHasEveryLossCase() {
        assertEquals(21 + 28 + 29 + 61 + 4 + 16, Golden.count(LOSSES));
    }

    static Stream<Arguments> secondOrder() {
        return Golden.core2Cases(LOSSES);
    }

    @Test
    void theSecondPartsFileHasEveryLossCase() {
        assertEquals(21 + 28 + 29 + 61 + 4 + 16, secondOrder().count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void lossMatchesLibtorch(String name, JsonNode c) {
        Tensor input = tensor(c.get("inputs").get("input")).requiresGrad(true);
        Tensor out = loss(c, input);
        assertClose(name + " output", c.get("output"), out);
        if (c.has("grad_output")) {
            out.backward(tensor(c.get("grad_output")));
        } else {
            out.backward();
        }
        assertClose(name + " grad input", c.get("grad_input"), input.grad());
    }

    /** Every option of every loss: first-order gradient and Hessian-vector product, as libtorch's double backward. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("secondOrder")
    void firstAndSecondOrderMatchLibtorch(String name, JsonNode c) {
        Tensor input = tensor(c.get("inputs").get("input")).requiresGrad(true);
        Tensor out = loss(c, input);
        assertClose(name + " output", c.get("output"), out);
        Golden.assertFirstAndSecondOrder(name, c, Map.of("input", input), out);
    }

    /** The case's loss, configured from its args, applied to {@code input}; its other tensors made as float64. */
    static Tensor loss(JsonNode c, Tensor input) {
        return loss(c, input, k -> tensor(c.get("inputs").get(k)));
    }

    /**
     * The case's loss, configured from its args (PyTorch's defaults where the case leaves one out), applied to
     * {@code input}.
     *
     * @param tensors makes each other tensor input (target, weight, pos_weight, var) by its name in the case
     */
    static Tensor loss(JsonNode c, Tensor input, Function<String, Tensor> tensors) {
        JsonNode in = c.get("inputs");
        JsonNode args = c.get("args");
        Reduction reduction = Reduction.valueOf(args.path("reduction").asText("mean").toUpperCase(Locale.ROOT));
        Tensor weight = in.has("weight") ? tensors.apply("weight") : null;
        int ignoreIndex = args.path("ignore_index").asInt(-100);
        Tensor out;
        switch (c.get("op").asText()) {
            case "binary_cross_entropy": {
                BCELoss loss = new BCELoss().reduction(reduction);
                out = (weight == null ? loss : loss.weight(weight)).forward(input, tensors.apply("target"));
                break;
            }
            case "binary_cross_entropy_with_logits": {
                BCEWithLogitsLoss loss = new BCEWithLogitsLoss().reduction(reduction);
                if (weight != null) {
                    loss = loss.weight(weight);
                }
                if (in.has("pos_weight")) {
                    loss = loss.posWeight(tensors.apply("pos_weight"));
                }
                out = loss.forward(input, tensors.apply("target"));
                break;
            }
            case "nll_loss": {
                NLLLoss loss = new NLLLoss().reduction(reduction).ignoreIndex(ignoreIndex);
                out = (weight == null ? loss : loss.weight(weight)).forward(input, ints(in.get("target")));
                break;
            }
            case "cross_entropy": {
                CrossEntropyLoss loss = new CrossEntropyLoss().reduction(reduction)
                        .labelSmoothing(args.has("label_smoothing") ? number(args.get("label_smoothing")) : 0);
                if (weight != null) {
                    loss = loss.weight(weight);
                }
                if ("probabilities".equals(args.path("target_kind").asText())) {
                    out = loss.forward(input, tensors.apply("target"));
                } else {
                    out = loss.ignoreIndex(ignoreIndex).forward(input, ints(in.get("target")));
                }
                break;
            }
            case "mse_loss":
                out = new MSELoss().reduction(reduction).forward(input, tensors.apply("target"));
                break;
            case "kl_div":
                out = new KLDivLoss().reduction(reduction).logTarget(args.path("log_target").asBoolean(false))
                        .forward(input, tensors.apply("target"));
                break;
            case "gaussian_nll_loss":
                out = GaussianNLLLossTest.configured(args).forward(input, tensors.apply("target"),
                        tensors.apply("var"));
                break;
            case "poisson_nll_loss":
                out = new PoissonNLLLoss().logInput(args.get("log_input").asBoolean())
                        .full(args.get("full").asBoolean()).eps(args.get("eps").asDouble()).reduction(reduction)
                        .forward(input, tensors.apply("target"));
                break;
            default:
                throw new AssertionError("no mapping for " + c.get("op"));
        }
        return out;
    }
}
