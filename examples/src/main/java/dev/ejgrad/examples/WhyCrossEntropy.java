package dev.ejgrad.examples;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.loss.BCELoss;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Lesson 1: cross-entropy is the negative log-likelihood of a categorical model, its gradient with respect to the
 * logits is softmax minus one-hot, and the binary case is the Bernoulli likelihood.
 */
@Command(name = "why-cross-entropy", mixinStandardHelpOptions = true,
        description = "Cross-entropy as a negative log-likelihood, and its gradient softmax - one-hot.")
final class WhyCrossEntropy implements Callable<Integer> {

    static final double[] PREDICTION = {0.2, 0.3, 0.5};
    static final int TARGET = 2;

    /** The lesson's numbers. */
    static final class Result {
        double crossEntropy;        // -Σ y log p
        double likelihood;          // Π p^y
        double lossFromLogits;      // CrossEntropyLoss on logits log p
        double[] softmax;
        double[] autograd;          // d loss / d logits by backward
        double lossAfterStep;
        List<Bernoulli> bernoulli;
    }

    /**
     * One binary case: the Bernoulli likelihood of a label under a probability, its negative log, and BCELoss.
     *
     * @param p the predicted probability of 1
     * @param y the label, 0 or 1
     * @param likelihood {@code p^y (1-p)^(1-y)}
     * @param negativeLogLikelihood {@code -log} of it
     * @param bce BCELoss of {@code p} and {@code y}
     */
    record Bernoulli(double p, int y, double likelihood, double negativeLogLikelihood, double bce) {
    }

    static Result compute() {
        Result r = new Result();
        double[] y = new double[3];
        y[TARGET] = 1;
        r.crossEntropy = 0;
        r.likelihood = 1;
        for (int k = 0; k < 3; k++) {
            r.crossEntropy -= y[k] * Math.log(PREDICTION[k]);
            r.likelihood *= Math.pow(PREDICTION[k], y[k]);
        }
        // logits whose softmax is the prediction: z = log p (any constant shift gives the same softmax)
        Tensor z = Tensor.row(Math.log(PREDICTION[0]), Math.log(PREDICTION[1]), Math.log(PREDICTION[2]))
                .requiresGrad(true);
        Tensor loss = new CrossEntropyLoss().forward(z, new int[] {TARGET});
        loss.backward();
        r.lossFromLogits = loss.item();
        r.softmax = z.detach().softmax(1).toArray()[0];
        r.autograd = z.grad().toArray()[0];
        Tensor stepped = z.detach().sub(z.grad().mul(1.0));    // one gradient step, learning rate 1
        r.lossAfterStep = new CrossEntropyLoss().forward(stepped, new int[] {TARGET}).item();

        double[][] cases = {{0.8, 1}, {0.8, 0}, {0.3, 1}};
        r.bernoulli = new ArrayList<>();
        for (int i = 0; i < cases.length; i++) {
            double p = cases[i][0];
            double t = cases[i][1];
            double likelihood = Math.pow(p, t) * Math.pow(1 - p, 1 - t);
            double bce = new BCELoss().forward(Tensor.scalar(p), Tensor.scalar(t)).item();
            r.bernoulli.add(new Bernoulli(p, (int) t, likelihood, -Math.log(likelihood), bce));
        }
        return r;
    }

    static String report(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("target one-hot [0, 0, 1], prediction p = [0.2, 0.3, 0.5]\n\n");
        sb.append(new TextTable("quantity", "value")
                .row("cross-entropy  -Σ y·log p", r.crossEntropy)
                .row("likelihood of a categorical model  Π p^y", r.likelihood)
                .row("negative log-likelihood  -log Π p^y", -Math.log(r.likelihood))
                .row("CrossEntropyLoss(logits = log p, target 2)", r.lossFromLogits)
                .row("the same loss after one gradient step (lr 1)", r.lossAfterStep));
        sb.append("\ngradient with respect to the logits\n");
        TextTable g = new TextTable("class", "softmax", "one-hot", "softmax - one-hot", "autograd");
        for (int k = 0; k < 3; k++) {
            int onehot = k == TARGET ? 1 : 0;
            g.row(k, r.softmax[k], onehot, r.softmax[k] - onehot, r.autograd[k]);
        }
        sb.append(g);
        sb.append("\nbinary case: a Bernoulli likelihood p^y (1-p)^(1-y)\n");
        TextTable b = new TextTable("p", "y", "likelihood", "-log likelihood", "BCELoss");
        for (Bernoulli row : r.bernoulli) {
            b.row(row.p(), row.y(), row.likelihood(), row.negativeLogLikelihood(), row.bce());
        }
        return sb.append(b).toString();
    }

    @Override
    public Integer call() {
        System.out.print(report(compute()));
        return 0;
    }
}
