package dev.ejgrad.optim;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.number;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * The nn2 learning-rate schedules against torch.optim.lr_scheduler: 25 iterations of zeroGrad, backward of p.sum(),
 * an SGD step and a scheduler step; the lr right after construction, after each scheduler step, and the parameter
 * (which shows the optimizer really used each lr). Also: each schedule's state dict, taken mid-schedule and loaded
 * with the optimizer's into new objects, continues bit for bit.
 */
class GoldenSchedulerTest {

    private static final String[] OPS = {"lr_step", "lr_multistep", "lr_exponential", "lr_cosine_annealing",
        "lr_linear", "lr_one_cycle", "lr_reduce_on_plateau"};

    static Stream<Arguments> schedules() {
        return Golden.nn2Cases(OPS);
    }

    @Test
    void theGoldenFileHasEveryScheduleCase() {
        assertEquals(2 + 2 + 2 + 2 + 2 + 3 + 5, Golden.nn2Count(OPS));
    }

    static LRScheduler make(JsonNode c, Optimizer opt) {
        JsonNode a = c.get("args");
        switch (c.get("op").asText()) {
            case "lr_step":
                return new StepLR(opt, a.get("step_size").asInt(), number(a.get("gamma")));
            case "lr_multistep":
                return new MultiStepLR(opt, Golden.ints(a.get("milestones")), number(a.get("gamma")));
            case "lr_exponential":
                return new ExponentialLR(opt, number(a.get("gamma")));
            case "lr_cosine_annealing":
                return number(a.get("eta_min")) == 0 ? new CosineAnnealingLR(opt, a.get("T_max").asInt())
                        : new CosineAnnealingLR(opt, a.get("T_max").asInt(), number(a.get("eta_min")));
            case "lr_linear":
                return new LinearLR(opt, number(a.get("start_factor")), number(a.get("end_factor")),
                        a.get("total_iters").asInt());
            case "lr_one_cycle":
                assertEquals(25.0, number(a.get("div_factor")));
                assertEquals(1e4, number(a.get("final_div_factor")));
                assertEquals(false, a.get("three_phase").asBoolean());
                return new OneCycleLR(opt, number(a.get("max_lr")), a.get("total_steps").asInt(),
                        number(a.get("pct_start")), a.get("anneal_strategy").asText().equals("cos")
                                ? OneCycleLR.AnnealStrategy.COS : OneCycleLR.AnnealStrategy.LINEAR);
            default:
                return new ReduceLROnPlateau(opt,
                        a.get("mode").asText().equals("min") ? ReduceLROnPlateau.Mode.MIN : ReduceLROnPlateau.Mode.MAX,
                        number(a.get("factor")), a.get("patience").asInt(), number(a.get("threshold")),
                        a.get("threshold_mode").asText().equals("rel") ? ReduceLROnPlateau.ThresholdMode.REL
                                : ReduceLROnPlateau.ThresholdMode.ABS,
                        a.get("cooldown").asInt(), number(a.get("min_lr")), number(a.get("eps")));
        }
    }

    private static void schedulerStep(JsonNode c, LRScheduler sched, int k) {
        if (sched instanceof ReduceLROnPlateau) {
            ((ReduceLROnPlateau) sched).step(number(c.get("metrics").get(k)));
        } else {
            sched.step();
        }
    }

    private static void optimizerStep(Tensor p, Optimizer opt) {
        opt.zeroGrad();
        p.sum().backward();
        opt.step();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedules")
    void learningRatesMatchTorch(String name, JsonNode c) {
        Tensor p = Golden.tensor(c.get("optimizer").get("params")).requiresGrad(true);
        Optimizer opt = new SGD(List.of(p), number(c.get("optimizer").get("lr")));
        LRScheduler sched = make(c, opt);
        assertClose(name + " initial lr", c.get("initial_lr"), Tensor.scalar(sched.lastLr()));
        assertEquals(sched.lastLr(), opt.lr());
        for (int k = 0; k < c.get("steps").asInt(); k++) {
            optimizerStep(p, opt);
            schedulerStep(c, sched, k);
            assertClose(name + " lr after step " + (k + 1), c.get("lrs").get(k), Tensor.scalar(sched.lastLr()));
            assertEquals(sched.lastLr(), opt.lr(), name + ": the optimizer's lr is the scheduler's");
            if (c.has("trajectory")) {
                assertClose(name + " parameter after step " + (k + 1), c.get("trajectory").get(k), p);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedules")
    void aStateDictTakenMidScheduleContinuesBitForBit(String name, JsonNode c) {
        int steps = c.get("steps").asInt();
        double lr = number(c.get("optimizer").get("lr"));
        Tensor p = Tensor.zeros(1, 1).requiresGrad(true);
        Optimizer opt = new SGD(List.of(p), lr);
        LRScheduler sched = make(c, opt);
        double[] straight = new double[steps];
        for (int k = 0; k < steps; k++) {
            optimizerStep(p, opt);
            schedulerStep(c, sched, k);
            straight[k] = sched.lastLr();
        }
        for (int split : new int[] {1, 9, 17}) {
            Tensor q = Tensor.zeros(1, 1).requiresGrad(true);
            Optimizer first = new SGD(List.of(q), lr);
            LRScheduler firstSched = make(c, first);
            for (int k = 0; k < split; k++) {
                optimizerStep(q, first);
                schedulerStep(c, firstSched, k);
            }
            Map<String, Tensor> optState = first.stateDict();
            Map<String, Tensor> schedState = firstSched.stateDict();
            Tensor r = Tensor.from(q.toMatrix()).requiresGrad(true);
            Optimizer second = new SGD(List.of(r), lr);
            LRScheduler secondSched = make(c, second);
            second.loadStateDict(optState);
            secondSched.loadStateDict(schedState);
            assertEquals(firstSched.lastLr(), secondSched.lastLr());
            for (int k = split; k < steps; k++) {
                optimizerStep(r, second);
                schedulerStep(c, secondSched, k);
                assertEquals(Double.doubleToLongBits(straight[k]), Double.doubleToLongBits(secondSched.lastLr()),
                        name + " split at " + split + ", step " + (k + 1));
            }
            assertEquals(Double.doubleToLongBits(p.item()), Double.doubleToLongBits(r.item()), name);
        }
    }
}
