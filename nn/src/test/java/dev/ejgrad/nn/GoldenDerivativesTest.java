package dev.ejgrad.nn;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.ints;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.core.Derivatives;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.testing.Golden;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code Derivatives} cases of the core2 golden file: Jacobians, Hessians and their products, against
 * {@code torch.autograd.functional}. It lives in nn because one function is a cross-entropy loss.
 */
class GoldenDerivativesTest {

    private static final String[] OPS = {"jacobian", "hessian", "hvp", "vhp", "vjp", "jvp"};

    static Stream<Arguments> cases() {
        return Golden.core2Cases(OPS);
    }

    @Test
    void theFileHasThirtyCases() {
        assertEquals(30, cases().count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorchAutogradFunctional(String name, JsonNode c) {
        JsonNode in = c.get("inputs");
        Function<Tensor, Tensor> f = function(c.get("args").get("function").asText(), in);
        Tensor x = tensor(in.get("x"));
        Tensor v = in.has("v") ? tensor(in.get("v")) : null;
        String op = c.get("op").asText();
        Tensor result;
        double tol = Golden.TOLERANCE;
        switch (op) {
            case "jacobian": result = Derivatives.jacobian(f, x); break;
            case "hessian": result = Derivatives.hessian(f, x); tol = Golden.SECOND_ORDER_TOLERANCE; break;
            case "hvp": result = Derivatives.hvp(f, x, v); tol = Golden.SECOND_ORDER_TOLERANCE; break;
            case "vhp": result = Derivatives.vhp(f, x, v); tol = Golden.SECOND_ORDER_TOLERANCE; break;
            case "vjp": result = Derivatives.vjp(f, x, v); break;
            case "jvp": result = Derivatives.jvp(f, x, v); break;
            default: throw new AssertionError("no mapping for " + op);
        }
        assertClose(name, tensor(c.get("output")), result, tol);
        assertClose(name + " f(x)", tensor(c.get("f_value")), f.apply(x));
        assertEquals(true, x.isLeaf() && !x.requiresGrad() && x.grad() == null, "x is left alone");
    }

    /** The functions of the file's table, spelt as its {@code function.ejgrad} field spells them. */
    private static Function<Tensor, Tensor> function(String name, JsonNode in) {
        switch (name) {
            case "lse_rows_sum":
                return x -> x.logSumExp(1).sum();
            case "tanh_matmul_mean": {
                Tensor w = tensor(in.get("W"));
                return x -> x.matmul(w).tanh().mean();
            }
            case "cross_entropy_matmul": {
                Tensor w = tensor(in.get("W"));
                int[] y = ints(in.get("y"));
                return x -> new CrossEntropyLoss().forward(x.matmul(w), y);
            }
            case "mlp_w1": {
                Tensor x0 = tensor(in.get("x0"));
                Tensor b1 = tensor(in.get("b1"));
                Tensor w2 = tensor(in.get("W2"));
                Tensor b2 = tensor(in.get("b2"));
                return x -> x0.matmul(x.t()).add(b1).tanh().matmul(w2.t()).add(b2);
            }
            case "softmax_matmul": {
                Tensor w = tensor(in.get("W"));
                return x -> x.matmul(w).softmax(1);
            }
            case "softplus_mul_sum0":
                return x -> x.softplus().mul(x).sum(0);
            default:
                throw new AssertionError("no function " + name);
        }
    }
}
