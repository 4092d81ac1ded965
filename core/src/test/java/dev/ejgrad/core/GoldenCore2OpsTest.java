package dev.ejgrad.core;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.ints;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.testing.Golden;
import dev.ejgrad.testing.GoldenOps;
import java.util.LinkedHashMap;
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
 * argmin and the comparisons; each op called through {@link GoldenOps}, the table every golden test shares.
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
        Tensor out = GoldenOps.apply(c, arg);
        if (c.get("args").has("then")) {
            out = out.tanh();
        }
        assertClose(name + " output", c.get("output"), out);
        Golden.assertFirstAndSecondOrder(name, c, xs, out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("comparisons")
    void comparisonsMatchLibtorch(String name, JsonNode c) {
        Tensor a = tensor(c.get("inputs").get("a")).requiresGrad(true);
        Tensor out = GoldenOps.apply(c, k -> k.equals("a") ? a : tensor(c.get("inputs").get(k)));
        assertClose(name, c.get("output"), out);
        assertFalse(out.requiresGrad(), "a comparison never requires grad");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("argExtremes")
    void argmaxAndArgminMatchLibtorch(String name, JsonNode c) {
        Tensor a = tensor(c.get("inputs").get("a"));
        int[] out = GoldenOps.indices(c, a);
        assertArrayEquals(ints(c.get("output")), out, name);
    }
}
