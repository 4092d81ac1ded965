package dev.ejgrad.core;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.ints;
import static dev.ejgrad.testing.Golden.number;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.testing.Golden;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ops of the core2 golden file (activations, statistics, indexing, comparisons) against PyTorch: value,
 * first-order gradients (1e-12) and Hessian-vector products (1e-11) of the differentiable ones, values of argmax,
 * argmin and the comparisons.
 */
class GoldenCore2OpsTest {

    private static final String[] DIFFERENTIABLE = {"square", "log1p", "expm1", "reciprocal", "rsqrt", "sin", "cos",
        "erf", "gelu", "silu", "leaky_relu", "elu", "hardtanh", "maximum", "minimum", "min", "var", "std", "norm",
        "where", "masked_fill", "reshape", "narrow", "index_select", "gather", "cat"};
    private static final String[] COMPARISONS = {"gt", "ge", "lt", "le", "eq"};

    static Stream<Arguments> differentiable() {
        Stream<Arguments> powTensor = Golden.core2Cases("pow")
                .filter(a -> ((JsonNode) a.get()[1]).get("inputs").has("b"));
        return Stream.concat(Golden.core2Cases(DIFFERENTIABLE), powTensor);
    }

    static Stream<Arguments> comparisons() {
        return Golden.core2Cases(COMPARISONS);
    }

    static Stream<Arguments> argExtremes() {
        return Golden.core2Cases("argmax", "argmin");
    }

    @Test
    void theFileHasEveryNewOpCase() {
        // square..erf 8 x 3, gelu 6, silu 3, leaky_relu 3, elu 4, hardtanh 3, maximum and minimum 6 each,
        // pow(Tensor) 5, min 7, var and std 6 each, norm 4, where 5, masked_fill 4, reshape 7, narrow,
        // index_select, gather and cat 5 each
        assertEquals(8 * 3 + 6 + 3 + 3 + 4 + 3 + 12 + 5 + 7 + 12 + 4 + 5 + 4 + 7 + 4 * 5, differentiable().count());
        assertEquals(25, comparisons().count());
        assertEquals(8, argExtremes().count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("differentiable")
    void firstAndSecondOrderMatchLibtorch(String name, JsonNode c) {
        JsonNode in = c.get("inputs");
        Map<String, Tensor> xs = new LinkedHashMap<>();
        c.get("v").fieldNames().forEachRemaining(k -> xs.put(k, tensor(in.get(k)).requiresGrad(true)));
        Function<String, Tensor> arg = k -> xs.containsKey(k) ? xs.get(k) : tensor(in.get(k));
        Tensor out = apply(c, arg);
        if (c.get("args").has("then")) {
            out = out.tanh();
        }
        assertClose(name + " output", c.get("output"), out);
        Golden.assertFirstAndSecondOrder(name, c, xs, out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("comparisons")
    void comparisonsMatchLibtorch(String name, JsonNode c) {
        JsonNode in = c.get("inputs");
        Tensor a = tensor(in.get("a")).requiresGrad(true);
        JsonNode b = in.get("b");
        Tensor out;
        boolean scalar = !b.isArray();
        switch (c.get("op").asText()) {
            case "gt": out = scalar ? a.gt(number(b)) : a.gt(tensor(b)); break;
            case "ge": out = scalar ? a.ge(number(b)) : a.ge(tensor(b)); break;
            case "lt": out = scalar ? a.lt(number(b)) : a.lt(tensor(b)); break;
            case "le": out = scalar ? a.le(number(b)) : a.le(tensor(b)); break;
            default: out = scalar ? a.eq(number(b)) : a.eq(tensor(b));
        }
        assertClose(name, c.get("output"), out);
        assertFalse(out.requiresGrad(), "a comparison never requires grad");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("argExtremes")
    void argmaxAndArgminMatchLibtorch(String name, JsonNode c) {
        Tensor a = tensor(c.get("inputs").get("a"));
        int dim = c.get("args").get("dim").asInt();
        int[] out = "argmax".equals(c.get("op").asText()) ? a.argmax(dim) : a.argmin(dim);
        assertArrayEquals(ints(c.get("output")), out, name);
    }

    private static Tensor apply(JsonNode c, Function<String, Tensor> arg) {
        JsonNode args = c.get("args");
        JsonNode in = c.get("inputs");
        Tensor a = arg.apply("a");
        switch (c.get("op").asText()) {
            case "square": return a.square();
            case "log1p": return a.log1p();
            case "expm1": return a.expm1();
            case "reciprocal": return a.reciprocal();
            case "rsqrt": return a.rsqrt();
            case "sin": return a.sin();
            case "cos": return a.cos();
            case "erf": return a.erf();
            case "gelu": return "tanh".equals(args.get("approximate").asText()) ? a.geluTanh() : a.gelu();
            case "silu": return a.silu();
            case "leaky_relu": return a.leakyRelu(number(args.get("negative_slope")));
            case "elu": return a.elu(number(args.get("alpha")));
            case "hardtanh": return a.hardtanh(number(args.get("min_val")), number(args.get("max_val")));
            case "maximum": return a.maximum(arg.apply("b"));
            case "minimum": return a.minimum(arg.apply("b"));
            case "pow": return a.pow(arg.apply("b"));
            case "min": return a.min(args.get("dim").asInt());
            case "var": return a.var(args.get("dim").asInt(), args.get("correction").asInt());
            case "std": return a.std(args.get("dim").asInt(), args.get("correction").asInt());
            case "norm": return a.norm();
            case "where": return Tensor.where(tensor(in.get("condition")), a, arg.apply("b"));
            case "masked_fill": return a.maskedFill(tensor(in.get("mask")), number(args.get("value")));
            case "reshape": return a.reshape(args.get("shape").get(0).asInt(), args.get("shape").get(1).asInt());
            case "narrow":
                return a.narrow(args.get("dim").asInt(), args.get("start").asInt(), args.get("length").asInt());
            case "index_select": return a.indexSelect(args.get("dim").asInt(), ints(in.get("index")));
            case "gather": {
                JsonNode index = in.get("index");
                int[][] idx = new int[index.size()][];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = ints(index.get(i));
                }
                return a.gather(args.get("dim").asInt(), idx);
            }
            case "cat": {
                List<Tensor> parts = new ArrayList<>();
                for (String k : new String[] {"a", "b", "c"}) {
                    if (in.has(k)) {
                        parts.add(arg.apply(k));
                    }
                }
                return Tensor.cat(args.get("dim").asInt(), parts);
            }
            default: throw new AssertionError("no mapping for op " + c.get("op"));
        }
    }
}
