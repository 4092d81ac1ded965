package dev.ejgrad.optim;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.number;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.testing.Golden;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Five-step trajectories of SGD, Adam and AdamW against torch.optim, including a parameter whose grad is None. */
class GoldenSgdAdamTrajectoryTest {

    static Stream<Arguments> optimizers() {
        return Golden.cases("optim_sgd", "optim_adam", "optim_adamw");
    }

    @Test
    void theGoldenFileHasEveryOptimizerCase() {
        assertEquals(6 + 4 + 3, Golden.count("optim_sgd", "optim_adam", "optim_adamw"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void trajectoryMatchesTorchOptim(String name, JsonNode c) {
        JsonNode a = c.get("args");
        Tensor p0 = tensor(c.get("inputs").get("p0")).requiresGrad(true);
        Tensor p1 = tensor(c.get("inputs").get("p1")).requiresGrad(true);
        List<Tensor> params = List.of(p0, p1);
        double lr = number(a.get("lr"));
        Optimizer opt;
        switch (c.get("op").asText()) {
            case "optim_sgd":
                opt = new SGD(params, lr).momentum(number(a.get("momentum"))).dampening(number(a.get("dampening")))
                        .weightDecay(number(a.get("weight_decay"))).nesterov(a.get("nesterov").asBoolean());
                break;
            case "optim_adam":
                opt = new Adam(params, lr).betas(number(a.get("betas").get(0)), number(a.get("betas").get(1)))
                        .eps(number(a.get("eps"))).weightDecay(number(a.get("weight_decay")))
                        .amsgrad(a.get("amsgrad").asBoolean());
                break;
            default:
                opt = new AdamW(params, lr).betas(number(a.get("betas").get(0)), number(a.get("betas").get(1)))
                        .eps(number(a.get("eps"))).weightDecay(number(a.get("weight_decay")))
                        .amsgrad(a.get("amsgrad").asBoolean());
        }
        for (int step = 0; step < c.get("steps").asInt(); step++) {
            JsonNode grads = c.get("grads").get(step);
            setGrad(p0, grads.get("p0"));
            setGrad(p1, grads.get("p1"));
            opt.step();
            JsonNode expected = c.get("trajectory").get(step);
            assertClose(name + " p0 after step " + (step + 1), expected.get("p0"), p0);
            assertClose(name + " p1 after step " + (step + 1), expected.get("p1"), p1);
        }
    }

    /** Sets a leaf's gradient to the given values (null: grad None) through a backward of sum(p ⊙ G). */
    private static void setGrad(Tensor p, JsonNode g) {
        p.zeroGrad();
        if (g != null && !g.isNull()) {
            p.mul(tensor(g)).sum().backward();
        }
    }
}
