package dev.ejgrad.examples;

import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.nn.loss.KLDivLoss;
import dev.ejgrad.nn.loss.Reduction;
import dev.ejgrad.optim.SGD;

import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Lesson 3: on soft targets, H(p, q) = H(p) + KL(p‖q). H(p) does not depend on the model, so cross-entropy and KL
 * have the same gradients, and training by either gives the same weights.
 */
@Command(name = "kl-vs-cross-entropy", mixinStandardHelpOptions = true,
        description = "Cross-entropy = entropy + KL divergence, so both train to the same weights.")
final class KlVsCrossEntropy implements Callable<Integer> {

    static final int STEPS = 200;

    /** The lesson's numbers. */
    static final class Result {
        double crossEntropy;
        double entropy;
        double kl;
        double maxGradDiff;
        double maxWeightDiff;
        double ceAfter;
        double klAfter;
    }

    static Result compute() {
        Random rng = new Random(7);
        Tensor x = Tensor.randn(16, 4, rng);
        Tensor p = Tensor.randn(16, 3, rng).softmax(1).detach();   // soft targets, one distribution per row
        CrossEntropyLoss ce = new CrossEntropyLoss();                 // MEAN over rows
        KLDivLoss kl = new KLDivLoss().reduction(Reduction.BATCHMEAN); // the true KL per example

        Linear byCe = new Linear(4, 3, true, new Random(3));
        Linear byKl = new Linear(byCe.weight(), byCe.bias());
        Result r = new Result();
        Tensor h = p.mul(p.log()).sum(1).neg().mean();                // H(p), averaged over rows
        r.entropy = h.item();

        Tensor lossCe = ce.forward(byCe.forward(x), p);
        Tensor lossKl = kl.forward(byKl.forward(x).logSoftmax(1), p);
        r.crossEntropy = lossCe.item();
        r.kl = lossKl.item();
        lossCe.backward();
        lossKl.backward();
        r.maxGradDiff = Math.max(maxAbsDiff(byCe.weight().grad(), byKl.weight().grad()),
                maxAbsDiff(byCe.bias().grad(), byKl.bias().grad()));

        SGD optCe = new SGD(byCe.parameters(), 0.5);
        SGD optKl = new SGD(byKl.parameters(), 0.5);
        for (int step = 0; step < STEPS; step++) {
            optCe.step();
            optKl.step();
            optCe.zeroGrad();
            optKl.zeroGrad();
            ce.forward(byCe.forward(x), p).backward();
            kl.forward(byKl.forward(x).logSoftmax(1), p).backward();
        }
        r.maxWeightDiff = Math.max(maxAbsDiff(byCe.weight(), byKl.weight()), maxAbsDiff(byCe.bias(), byKl.bias()));
        try (NoGrad scope = NoGrad.enter()) {
            r.ceAfter = ce.forward(byCe.forward(x), p).item();
            r.klAfter = kl.forward(byKl.forward(x).logSoftmax(1), p).item();
        }
        return r;
    }

    static double maxAbsDiff(Tensor a, Tensor b) {
        return a.sub(b).abs().max(1).max(0).item();
    }

    static String report(Result r) {
        StringBuilder sb = new StringBuilder("16 examples, soft targets p over 3 classes, a linear model q = softmax(xW + b)\n\n");
        sb.append(new TextTable("quantity (mean per example)", "value")
                .row("cross-entropy H(p, q)", r.crossEntropy)
                .row("entropy H(p)", r.entropy)
                .row("KL divergence KL(p‖q)", r.kl)
                .row("H(p) + KL(p‖q) - H(p, q)", r.entropy + r.kl - r.crossEntropy)
                .row("max |dCE/dθ - dKL/dθ|", r.maxGradDiff)
                .row("after " + STEPS + " SGD steps each: max |θ_CE - θ_KL|", r.maxWeightDiff)
                .row("cross-entropy after training", r.ceAfter)
                .row("KL after training (= CE - H(p))", r.klAfter));
        return sb.toString();
    }

    @Override
    public Integer call() {
        System.out.print(report(compute()));
        return 0;
    }

}
