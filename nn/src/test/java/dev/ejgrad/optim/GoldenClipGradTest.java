package dev.ejgrad.optim;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.number;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.testing.Golden;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The nn2 clip_grad_norm and clip_grad_value cases against torch.nn.utils, and ClipGrad's argument checks. */
class GoldenClipGradTest {

    static Stream<Arguments> cases() {
        return Golden.nn2Cases("clip_grad_norm", "clip_grad_value");
    }

    @Test
    void theGoldenFileHasEveryClipCase() {
        assertEquals(8, Golden.nn2Count("clip_grad_norm"));
        assertEquals(2, Golden.nn2Count("clip_grad_value"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void clippingMatchesTorch(String name, JsonNode c) {
        List<Tensor> params = new ArrayList<>();
        List<String> names = List.of("p0", "p1", "p2");
        for (String n : names) {
            Tensor p = tensor(c.get("inputs").get(n)).requiresGrad(true);
            GoldenRmspropAdagradAndResumeTest.setGrad(p, c.get("grads").get(n));
            params.add(p);
        }
        JsonNode a = c.get("args");
        if (c.get("op").asText().equals("clip_grad_norm")) {
            double total = ClipGrad.clipGradNorm(params, number(a.get("max_norm")), number(a.get("norm_type")));
            assertClose(name + " total norm", c.get("output"), Tensor.scalar(total));
        } else {
            ClipGrad.clipGradValue(params, number(a.get("clip_value")));
        }
        for (int i = 0; i < 3; i++) {
            JsonNode expected = c.get("clipped_grads").get(names.get(i));
            if (expected == null || expected.isNull()) {
                assertNull(params.get(i).grad(), name + " " + names.get(i) + " keeps no gradient");
            } else {
                assertClose(name + " " + names.get(i), expected, params.get(i).grad());
            }
        }
    }

    @Test
    void theSignOfAZeroedFiniteEntryIsKeptAndTheInfiniteEntryBecomesNaN() {
        Tensor p = Tensor.zeros(1, 3).requiresGrad(true);
        p.setGrad(Tensor.row(-2, Double.POSITIVE_INFINITY, 3));
        assertEquals(Double.POSITIVE_INFINITY, ClipGrad.clipGradNorm(List.of(p), 1.0));
        assertEquals(Double.doubleToLongBits(-0.0), Double.doubleToLongBits(p.grad().get(0, 0)));
        assertTrue(Double.isNaN(p.grad().get(0, 1)));
        assertEquals(Double.doubleToLongBits(0.0), Double.doubleToLongBits(p.grad().get(0, 2)));
    }

    @Test
    void otherNormTypesFollowTorchNorm() {
        Tensor p = Tensor.zeros(1, 3).requiresGrad(true);
        Tensor q = Tensor.zeros(1, 1).requiresGrad(true);
        p.setGrad(Tensor.row(1, -2, 0));
        q.setGrad(Tensor.row(3));
        // p = 3: the 3-norm of the per-tensor 3-norms (9^(1/3) and 3) = 36^(1/3)
        assertEquals(Math.pow(36, 1.0 / 3), ClipGrad.clipGradNorm(List.of(p, q), 100, 3), 1e-15);
        assertEquals(-2, p.grad().get(0, 1));
    }

    @Test
    void badArgumentsAreRejectedAndNothingChanges() {
        Tensor p = Tensor.zeros(1, 2).requiresGrad(true);
        p.setGrad(Tensor.row(5, -5));
        Tensor before = p.grad();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClipGrad.clipGradNorm(List.of(p), -1));
        assertTrue(e.getMessage().contains("maxNorm") && e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClipGrad.clipGradNorm(List.of(p), 1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ClipGrad.clipGradValue(List.of(p), -0.5));
        assertTrue(before == p.grad());
        assertEquals(0, ClipGrad.clipGradNorm(List.of(Tensor.zeros(1, 1).requiresGrad(true)), 1));
    }
}
