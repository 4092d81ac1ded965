package dev.ejgrad.optim;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.number;
import static dev.ejgrad.testing.Golden.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.testing.Golden;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The nn2 optimizer cases: RMSprop and Adagrad five-step trajectories against torch.optim (a parameter whose grad is
 * None skipped), and the resume cases of every optimizer: after {@code resume_after} steps the state is loaded into
 * a new optimizer over fresh copies of the parameters, which continues PyTorch's trajectory.
 */
class GoldenRmspropAdagradAndResumeTest {

    private static final String[] OPS = {"optim_rmsprop", "optim_adagrad", "optim_sgd", "optim_adam", "optim_adamw"};

    static Stream<Arguments> optimizers() {
        return Golden.nn2Cases(OPS);
    }

    @Test
    void theGoldenFileHasEveryOptimizerCase() {
        assertEquals(7 + 7 + 3, Golden.nn2Count(OPS));
        assertEquals(5, Golden.nn2Cases(OPS).filter(a -> ((JsonNode) a.get()[1]).has("resume_after")).count());
    }

    /** A new optimizer with the case's options. */
    static Optimizer make(JsonNode c, List<Tensor> params) {
        JsonNode a = c.get("args");
        double lr = number(a.get("lr"));
        switch (c.get("op").asText()) {
            case "optim_rmsprop":
                return new RMSprop(params, lr).alpha(number(a.get("alpha"))).eps(number(a.get("eps")))
                        .weightDecay(number(a.get("weight_decay"))).momentum(number(a.get("momentum")))
                        .centered(a.get("centered").asBoolean());
            case "optim_adagrad":
                return new Adagrad(params, lr).lrDecay(number(a.get("lr_decay")))
                        .weightDecay(number(a.get("weight_decay")))
                        .initialAccumulatorValue(number(a.get("initial_accumulator_value")))
                        .eps(number(a.get("eps")));
            case "optim_sgd":
                return new SGD(params, lr).momentum(number(a.get("momentum"))).dampening(number(a.get("dampening")))
                        .weightDecay(number(a.get("weight_decay"))).nesterov(a.get("nesterov").asBoolean());
            case "optim_adam":
                return new Adam(params, lr).betas(number(a.get("betas").get(0)), number(a.get("betas").get(1)))
                        .eps(number(a.get("eps"))).weightDecay(number(a.get("weight_decay")))
                        .amsgrad(a.get("amsgrad").asBoolean());
            default:
                return new AdamW(params, lr).betas(number(a.get("betas").get(0)), number(a.get("betas").get(1)))
                        .eps(number(a.get("eps"))).weightDecay(number(a.get("weight_decay")))
                        .amsgrad(a.get("amsgrad").asBoolean());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void trajectoryMatchesTorchOptim(String name, JsonNode c) {
        Tensor p0 = tensor(c.get("inputs").get("p0")).requiresGrad(true);
        Tensor p1 = tensor(c.get("inputs").get("p1")).requiresGrad(true);
        Optimizer opt = make(c, List.of(p0, p1));
        int resumeAfter = c.has("resume_after") ? c.get("resume_after").asInt() : -1;
        for (int step = 0; step < c.get("steps").asInt(); step++) {
            if (step == resumeAfter) {
                Map<String, Tensor> state = opt.stateDict();
                Tensor q0 = Tensor.from(p0.toMatrix()).requiresGrad(true);
                Tensor q1 = Tensor.from(p1.toMatrix()).requiresGrad(true);
                Optimizer resumed = make(c, List.of(q0, q1));
                resumed.loadStateDict(state);
                assertNotSame(p0, q0);
                opt = resumed;
                p0 = q0;
                p1 = q1;
            }
            JsonNode grads = c.get("grads").get(step);
            setGrad(p0, grads.get("p0"));
            setGrad(p1, grads.get("p1"));
            opt.step();
            JsonNode expected = c.get("trajectory").get(step);
            assertClose(name + " p0 after step " + (step + 1), expected.get("p0"), p0);
            assertClose(name + " p1 after step " + (step + 1), expected.get("p1"), p1);
        }
    }

    /** Sets a leaf's gradient to the given values (null: grad None). */
    static void setGrad(Tensor p, JsonNode g) {
        p.zeroGrad();
        if (g != null && !g.isNull()) {
            p.setGrad(tensor(g));
        }
    }
}
