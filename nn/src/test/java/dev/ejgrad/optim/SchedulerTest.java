package dev.ejgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Scheduler arguments PyTorch rejects, ReduceLROnPlateau's plain step, OneCycleLR's end, bad state dicts. */
class SchedulerTest {

    private static SGD sgd() {
        return new SGD(List.of(Tensor.zeros(1, 1).requiresGrad(true)), 0.1);
    }

    private static String rejects(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    @Test
    void argumentsPyTorchRejectsAreRejectedAtConstructionAndTheLrIsUntouched() {
        SGD opt = sgd();
        assertEquals("StepLR: stepSize must be at least 1, got 0", rejects(() -> new StepLR(opt, 0, 0.1)));
        assertEquals("StepLR: gamma must be finite and at least 0, got -0.5", rejects(() -> new StepLR(opt, 3, -0.5)));
        assertEquals("MultiStepLR: milestones must be at least 1 and non-decreasing, got [5, 3]",
                rejects(() -> new MultiStepLR(opt, new int[] {5, 3}, 0.1)));
        assertEquals("ExponentialLR: gamma must be finite and at least 0, got NaN",
                rejects(() -> new ExponentialLR(opt, Double.NaN)));
        assertEquals("CosineAnnealingLR: tMax must be at least 1, got 0", rejects(() -> new CosineAnnealingLR(opt, 0)));
        assertEquals("CosineAnnealingLR: etaMin must be finite and at least 0, got -0.1",
                rejects(() -> new CosineAnnealingLR(opt, 5, -0.1)));
        assertEquals("LinearLR: startFactor must be in (0, 1], got 0.0", rejects(() -> new LinearLR(opt, 0, 1, 5)));
        assertEquals("LinearLR: endFactor must be in [0, 1], got 1.5", rejects(() -> new LinearLR(opt, 0.5, 1.5, 5)));
        assertEquals("LinearLR: totalIters must be at least 0, got -1", rejects(() -> new LinearLR(opt, 0.5, 1, -1)));
        assertEquals("OneCycleLR: totalSteps must be at least 1, got 0", rejects(() -> new OneCycleLR(opt, 0.1, 0)));
        assertEquals("OneCycleLR: pctStart must be in [0, 1], got 1.2",
                rejects(() -> new OneCycleLR(opt, 0.1, 10, 1.2, OneCycleLR.AnnealStrategy.COS)));
        assertEquals("OneCycleLR: pctStart 0.1 with 10 steps gives a phase of length 0",
                rejects(() -> new OneCycleLR(opt, 0.1, 10, 0.1, OneCycleLR.AnnealStrategy.LINEAR)));
        assertEquals("OneCycleLR: maxLr must be finite and at least 0, got -1.0",
                rejects(() -> new OneCycleLR(opt, -1, 10)));
        assertEquals("ReduceLROnPlateau: factor must be in [0, 1), got 1.0", rejects(() -> new ReduceLROnPlateau(opt,
                ReduceLROnPlateau.Mode.MIN, 1.0, 10, 1e-4, ReduceLROnPlateau.ThresholdMode.REL, 0, 0, 1e-8)));
        assertEquals("ReduceLROnPlateau: patience must be at least 0, got -1", rejects(() -> new ReduceLROnPlateau(opt,
                ReduceLROnPlateau.Mode.MIN, 0.1, -1, 1e-4, ReduceLROnPlateau.ThresholdMode.REL, 0, 0, 1e-8)));
        assertEquals("ReduceLROnPlateau: cooldown must be at least 0, got -2", rejects(() -> new ReduceLROnPlateau(opt,
                ReduceLROnPlateau.Mode.MAX, 0.1, 1, 1e-4, ReduceLROnPlateau.ThresholdMode.ABS, -2, 0, 1e-8)));
        assertEquals("ReduceLROnPlateau: minLr must be finite and at least 0, got -1.0",
                rejects(() -> new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MAX, 0.1, 1, 1e-4,
                        ReduceLROnPlateau.ThresholdMode.ABS, 0, -1, 1e-8)));
        assertEquals(0.1, opt.lr());
    }

    @Test
    void reduceLrOnPlateauNeedsItsMetric() {
        ReduceLROnPlateau plateau = new ReduceLROnPlateau(sgd());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, plateau::step);
        assertTrue(e.getMessage().contains("step(double metric)"), e.getMessage());
        assertEquals(0.1, plateau.lastLr());
    }

    @Test
    void oneCycleAllowsTotalStepsStepsThenThrowsAndChangesNothing() {
        SGD opt = sgd();
        OneCycleLR cycle = new OneCycleLR(opt, 1.0, 4);
        assertEquals(1.0 / 25, opt.lr(), 1e-16);   // the cosine at 0, as PyTorch: not exactly maxLr/25
        for (int k = 0; k < 4; k++) {
            cycle.step();
        }
        double last = cycle.lastLr();
        IllegalStateException e = assertThrows(IllegalStateException.class, cycle::step);
        assertEquals("OneCycleLR: Tried to step 6 times. The specified number of total steps is 4", e.getMessage());
        assertEquals(last, cycle.lastLr());
        assertEquals(last, opt.lr());
    }

    @Test
    void badStateDictsAreRejectedAndChangeNothing() {
        StepLR step = new StepLR(sgd(), 2, 0.5);
        step.step();
        step.step();
        Map<String, Tensor> good = step.stateDict();
        assertEquals(2.0, good.get("last_epoch").item());
        Map<String, Tensor> missing = new HashMap<>(good);
        missing.remove("base_lr");
        assertTrue(rejects(() -> step.loadStateDict(missing)).startsWith("StepLR: the state has no base_lr"));
        Map<String, Tensor> extra = new HashMap<>(good);
        extra.put("gamma", Tensor.scalar(0.5));
        assertEquals("StepLR: unexpected keys in the state: [gamma]", rejects(() -> step.loadStateDict(extra)));
        Map<String, Tensor> fraction = new HashMap<>(good);
        fraction.put("last_epoch", Tensor.scalar(2.5));
        assertEquals("StepLR: last_epoch must be a whole number at least 0, got 2.5",
                rejects(() -> step.loadStateDict(fraction)));
        Map<String, Tensor> shape = new HashMap<>(good);
        shape.put("last_lr", Tensor.zeros(1, 2));
        assertEquals("StepLR: last_lr must be 1x1, got 1x2", rejects(() -> step.loadStateDict(shape)));
        OneCycleLR cycle = new OneCycleLR(sgd(), 0.1, 5);
        Map<String, Tensor> past = cycle.stateDict();
        past.put("last_epoch", Tensor.scalar(6));
        assertEquals("OneCycleLR: last_epoch 6 is past the total steps 5", rejects(() -> cycle.loadStateDict(past)));
        assertEquals(0.0, cycle.stateDict().get("last_epoch").item());
        ReduceLROnPlateau plateau = new ReduceLROnPlateau(sgd());
        Map<String, Tensor> bad = plateau.stateDict();
        bad.put("num_bad_epochs", Tensor.scalar(-1));
        assertEquals("ReduceLROnPlateau: num_bad_epochs must be a whole number at least 0, got -1.0",
                rejects(() -> plateau.loadStateDict(bad)));
        assertEquals(Double.POSITIVE_INFINITY, plateau.stateDict().get("best").item());
        Map<String, Tensor> after = step.stateDict();
        for (String k : good.keySet()) {
            assertEquals(good.get(k).item(), after.get(k).item(), k);
        }
    }

    @Test
    void aChainableScheduleReadsTheOptimizersCurrentLr() {
        SGD opt = sgd();
        ExponentialLR exp = new ExponentialLR(opt, 0.5);
        exp.step();
        opt.lr(1.0);   // as changing param_groups[0]["lr"] between steps in PyTorch
        exp.step();
        assertEquals(0.5, exp.lastLr());
    }
}
