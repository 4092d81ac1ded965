package dev.ejgrad.examples;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.loss.BCELoss;
import dev.ejgrad.nn.loss.BCEWithLogitsLoss;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.nn.loss.KLDivLoss;
import dev.ejgrad.nn.loss.LossExplanation;
import dev.ejgrad.nn.loss.Reduction;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Lesson 7: each loss explains one evaluation, row by row: the denominator of a weighted mean, the ignored rows,
 * the label-smoothing split, the BCE clamp, what posWeight adds, and cross-entropy = entropy + KL.
 */
@Command(name = "explain-losses", mixinStandardHelpOptions = true,
        description = "Each loss taken apart: per-row contributions, denominators, ignored rows, clamps.")
final class ExplainLosses implements Callable<Integer> {

    static List<LossExplanation> compute() {
        Tensor logits = Tensor.of(new double[][] {{2.0, 0.5, -1.0}, {0.1, 0.2, 0.3}, {-0.5, 1.5, 0.0},
            {1.0, 1.0, 1.0}});
        int[] classes = {0, -100, 1, 2};
        LossExplanation ce = new CrossEntropyLoss().weight(Tensor.row(1.0, 2.0, 0.5)).labelSmoothing(0.1)
                .explain(logits, classes);

        Tensor probabilities = Tensor.of(new double[][] {{0.0, 0.7}, {1.0, 0.2}});
        Tensor labels = Tensor.of(new double[][] {{1, 0}, {0, 1}});
        LossExplanation bce = new BCELoss().explain(probabilities, labels);
        LossExplanation bceLogits = new BCEWithLogitsLoss().posWeight(Tensor.row(4.0, 1.5))
                .explain(Tensor.of(new double[][] {{-2.0, 0.5}, {1.0, 3.0}}), labels);

        Tensor soft = Tensor.of(new double[][] {{0.7, 0.2, 0.1}, {0.1, 0.1, 0.8}});
        LossExplanation kl = new KLDivLoss().reduction(Reduction.BATCHMEAN)
                .explain(Tensor.of(new double[][] {{1.0, 0.0, -1.0}, {0.0, 0.5, 2.0}}).logSoftmax(1), soft);
        return List.of(ce, bce, bceLogits, kl);
    }

    @Override
    public Integer call() {
        for (LossExplanation e : compute()) {
            System.out.println(e);
        }
        return 0;
    }
}
