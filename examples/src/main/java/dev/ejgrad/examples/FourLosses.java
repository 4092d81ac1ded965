package dev.ejgrad.examples;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.loss.BCELoss;
import dev.ejgrad.nn.loss.BCEWithLogitsLoss;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.nn.loss.NLLLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Lesson 2: PyTorch's four cross-entropy variants on one set of logits. CrossEntropyLoss(z) = NLLLoss(LogSoftmax(z))
 * and BCEWithLogitsLoss(z) = BCELoss(Sigmoid(z)) for moderate z; at extreme logits the fused forms stay exact while
 * the composed BCE clamps at 100 and its gradient vanishes.
 */
@Command(name = "four-losses", mixinStandardHelpOptions = true,
        description = "CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss and BCELoss side by side.")
final class FourLosses implements Callable<Integer> {

    static final double[][] LOGITS = {{2.0, -1.0, 0.5}, {0.3, 0.8, -2.2}, {-0.4, 0.1, 1.7}};
    static final int[] CLASSES = {0, 1, 2};
    static final double[][] BINARY_TARGETS = {{1, 0, 1}, {0, 1, 0}, {0, 0, 1}};
    static final double[] EXTREME = {5, 20, 36, 40, 100, 1000};

    /** The lesson's numbers. */
    static final class Result {
        double crossEntropy;
        double nllOfLogSoftmax;
        double softmaxGradDiff;
        double bceWithLogits;
        double bceOfSigmoid;
        double sigmoidGradDiff;
        List<Extreme> extreme;
    }

    /**
     * One extreme logit with label 0: the losses and their gradients, fused and composed.
     *
     * @param z the logit
     * @param fusedLoss BCEWithLogitsLoss(z)
     * @param composedLoss BCELoss(Sigmoid(z))
     * @param fusedGrad d/dz of the fused loss
     * @param composedGrad d/dz of the composed loss
     */
    record Extreme(double z, double fusedLoss, double composedLoss, double fusedGrad, double composedGrad) {
    }

    static Result compute() {
        Result r = new Result();
        Tensor z1 = Tensor.of(LOGITS).requiresGrad(true);
        Tensor z2 = Tensor.of(LOGITS).requiresGrad(true);
        Tensor ce = new CrossEntropyLoss().forward(z1, CLASSES);
        Tensor nll = new NLLLoss().forward(z2.logSoftmax(1), CLASSES);
        ce.backward();
        nll.backward();
        r.crossEntropy = ce.item();
        r.nllOfLogSoftmax = nll.item();
        r.softmaxGradDiff = z1.grad().sub(z2.grad()).abs().max(1).max(0).item();

        Tensor y = Tensor.of(BINARY_TARGETS);
        Tensor z3 = Tensor.of(LOGITS).requiresGrad(true);
        Tensor z4 = Tensor.of(LOGITS).requiresGrad(true);
        Tensor fused = new BCEWithLogitsLoss().forward(z3, y);
        Tensor composed = new BCELoss().forward(z4.sigmoid(), y);
        fused.backward();
        composed.backward();
        r.bceWithLogits = fused.item();
        r.bceOfSigmoid = composed.item();
        r.sigmoidGradDiff = z3.grad().sub(z4.grad()).abs().max(1).max(0).item();

        r.extreme = new ArrayList<>();
        for (int i = 0; i < EXTREME.length; i++) {
            // a confidently wrong prediction: logit z for a label of 0
            Tensor a = Tensor.scalar(EXTREME[i]).requiresGrad(true);
            Tensor b = Tensor.scalar(EXTREME[i]).requiresGrad(true);
            Tensor f = new BCEWithLogitsLoss().forward(a, Tensor.scalar(0));
            Tensor c = new BCELoss().forward(b.sigmoid(), Tensor.scalar(0));
            f.backward();
            c.backward();
            r.extreme.add(new Extreme(EXTREME[i], f.item(), c.item(), a.grad().item(), b.grad().item()));
        }
        return r;
    }

    static String report(Result r) {
        StringBuilder sb = new StringBuilder("one set of logits (3 examples x 3 classes)\n\n");
        sb.append(new TextTable("multiclass: one class per example", "loss", "max |grad difference|")
                .row("CrossEntropyLoss(z)                (fused)", r.crossEntropy, "")
                .row("NLLLoss(LogSoftmax(z))             (composed)", r.nllOfLogSoftmax, r.softmaxGradDiff));
        sb.append('\n');
        sb.append(new TextTable("multilabel: independent 0/1 labels", "loss", "max |grad difference|")
                .row("BCEWithLogitsLoss(z)               (fused)", r.bceWithLogits, "")
                .row("BCELoss(Sigmoid(z))                (composed)", r.bceOfSigmoid, r.sigmoidGradDiff));
        sb.append("\nextreme logits, label 0 (confidently wrong): the fused form stays exact, the composed one\n"
                + "clamps log(0) at -100 and, once sigmoid(z) rounds to 1, passes no gradient back\n");
        TextTable t = new TextTable("z", "BCEWithLogits", "BCE(Sigmoid)", "d/dz fused", "d/dz composed");
        for (Extreme row : r.extreme) {
            t.row((int) row.z(), row.fusedLoss(), row.composedLoss(), row.fusedGrad(), row.composedGrad());
        }
        return sb.append(t).toString();
    }

    @Override
    public Integer call() {
        System.out.print(report(compute()));
        return 0;
    }
}
