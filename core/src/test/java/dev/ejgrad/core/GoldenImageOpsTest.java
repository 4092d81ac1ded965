package dev.ejgrad.core;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.testing.Golden;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * unfold, fold, conv2d, max and average pooling against PyTorch (the images golden file): value, first-order
 * gradients (1e-12) and Hessian-vector products (1e-11), ties, NaN and infinities included.
 */
class GoldenImageOpsTest {

    private static final String[] OPS = {"unfold", "fold", "conv2d", "max_pool2d", "avg_pool2d",
        "conv2d_tanh_avg_pool2d_sumsq"};

    static Stream<Arguments> cases() {
        return Golden.convCases(OPS);
    }

    @Test
    void theFileHasEveryOpCase() {
        assertEquals(15 + 15 + 16 + 12 + 8 + 2, cases().count());
    }

    static ImageShape shape(JsonNode s) {
        return new ImageShape(s.get("channels").asInt(), s.get("height").asInt(), s.get("width").asInt());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void firstAndSecondOrderMatchLibtorch(String name, JsonNode c) {
        JsonNode in = c.get("inputs");
        Map<String, Tensor> xs = new LinkedHashMap<>();
        c.get("v").fieldNames().forEachRemaining(k -> xs.put(k, tensor(in.get(k)).requiresGrad(true)));
        Function<String, Tensor> arg = k -> xs.containsKey(k) ? xs.get(k) : in.has(k) ? tensor(in.get(k)) : null;
        Tensor out = apply(c, arg);
        if (c.get("args").has("then")) {
            assertEquals("tanh", c.get("args").get("then").asText());
            out = out.tanh();
        }
        assertClose(name + " output", c.get("output"), out);
        Golden.assertFirstAndSecondOrder(name, c, xs, out);
    }

    private static Tensor apply(JsonNode c, Function<String, Tensor> arg) {
        JsonNode a = c.get("args");
        ImageShape shape = shape(c.get("image_shape"));
        Tensor x = arg.apply("input");
        switch (c.get("op").asText()) {
            case "unfold":
                return x.unfold(shape, a.get("kernel_size").asInt(), a.get("dilation").asInt(),
                        a.get("padding").asInt(), a.get("stride").asInt());
            case "fold":
                return x.fold(shape, a.get("kernel_size").asInt(), a.get("dilation").asInt(),
                        a.get("padding").asInt(), a.get("stride").asInt());
            case "conv2d":
                Tensor y = x.conv2d(shape, arg.apply("weight"), a.get("bias").asBoolean() ? arg.apply("bias") : null,
                        a.get("stride").asInt(), a.get("padding").asInt(), a.get("dilation").asInt());
                assertEquals(shape(c.get("output_shape")).size(), y.cols(), "conv2d output width");
                return y;
            case "max_pool2d":
                return x.maxPool2d(shape, a.get("kernel_size").asInt(), a.get("stride").asInt(),
                        a.get("padding").asInt());
            case "avg_pool2d":
                return x.avgPool2d(shape, a.get("kernel_size").asInt(), a.get("stride").asInt(),
                        a.get("padding").asInt());
            case "conv2d_tanh_avg_pool2d_sumsq":
                JsonNode conv = a.get("conv");
                JsonNode pool = a.get("pool");
                Tensor h = x.conv2d(shape, arg.apply("weight"), arg.apply("bias"), conv.get("stride").asInt(),
                        conv.get("padding").asInt(), conv.get("dilation").asInt()).tanh();
                return h.avgPool2d(shape(c.get("conv_output_shape")), pool.get("kernel_size").asInt(),
                        pool.get("stride").asInt(), pool.get("padding").asInt()).square().sum();
            default:
                throw new AssertionError("no op " + c.get("op"));
        }
    }
}
