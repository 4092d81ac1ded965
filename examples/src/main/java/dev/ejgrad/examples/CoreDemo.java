package dev.ejgrad.examples;

import dev.ejgrad.core.Tensor;

/**
 * The smallest useful ejgrad program: one softmax cross-entropy evaluation by hand, its gradient by backward, and
 * the check that the gradient with respect to the logits is softmax minus the one-hot target.
 *
 * <p>Run it with {@code mvn -q -pl examples -am compile exec:java}.
 */
public final class CoreDemo {

    private CoreDemo() {
    }

    /**
     * Prints the loss, the autograd gradient and the closed-form gradient.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        Result r = run();
        System.out.println("logits         " + row(r.logits));
        System.out.println("softmax        " + row(r.probabilities));
        System.out.println("target class   2");
        System.out.printf("loss -log p[2] %.6f%n", r.loss);
        System.out.println("autograd dL/dz " + row(r.autograd));
        System.out.println("softmax-onehot " + row(r.closedForm));
    }

    /** What the demo computes, for its test. */
    static final class Result {
        final Tensor logits;
        final Tensor probabilities;
        final double loss;
        final Tensor autograd;
        final Tensor closedForm;

        Result(Tensor logits, Tensor probabilities, double loss, Tensor autograd, Tensor closedForm) {
            this.logits = logits;
            this.probabilities = probabilities;
            this.loss = loss;
            this.autograd = autograd;
            this.closedForm = closedForm;
        }
    }

    static Result run() {
        Tensor logits = Tensor.row(1.0, 2.0, 0.5).requiresGrad(true);
        Tensor oneHot = Tensor.row(0, 0, 1);
        // cross-entropy against a one-hot target: -Σ y·log softmax(z)
        Tensor loss = logits.logSoftmax(1).mul(oneHot).sum().neg();
        loss.backward();
        Tensor p = logits.detach().softmax(1);
        return new Result(logits.detach(), p, loss.item(), logits.grad(), p.sub(oneHot));
    }

    private static String row(Tensor t) {
        StringBuilder sb = new StringBuilder("[");
        for (int j = 0; j < t.cols(); j++) {
            sb.append(String.format(java.util.Locale.ROOT, "%9.6f", t.get(0, j))).append(j + 1 < t.cols() ? "," : "");
        }
        return sb.append(" ]").toString();
    }
}
