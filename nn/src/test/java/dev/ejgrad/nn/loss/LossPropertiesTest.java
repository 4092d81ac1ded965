package dev.ejgrad.nn.loss;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.GradCheck;
import dev.ejgrad.core.Tensor;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the losses over random shapes (1 to 8 rows and columns), values and targets. */
class LossPropertiesTest {

    /** Logits, class indices, probability targets (rows summing to 1) and 0/1-ish targets of one random shape. */
    record Batch(Tensor logits, int[] classes, Tensor distribution, Tensor labels) {
    }

    private static Arbitrary<Batch> batches(double magnitude) {
        return Combinators.combine(Arbitraries.integers().between(1, 8), Arbitraries.integers().between(1, 8))
                .flatAs((n, c) -> Combinators.combine(
                        Arbitraries.doubles().between(-magnitude, magnitude).array(double[].class).ofSize(n * c),
                        Arbitraries.integers().between(0, c - 1).array(int[].class).ofSize(n),
                        Arbitraries.doubles().between(0.01, 1).array(double[].class).ofSize(n * c),
                        Arbitraries.doubles().between(0, 1).array(double[].class).ofSize(n * c))
                        .as((z, t, q, y) -> {
                            Tensor qt = Tensor.of(n, c, q);
                            return new Batch(Tensor.of(n, c, z), t, qt.div(qt.sum(1)).detach(), Tensor.of(n, c, y));
                        }));
    }

    @Provide
    Arbitrary<Batch> moderate() {
        return batches(5);
    }

    @Provide
    Arbitrary<Batch> large() {
        return batches(1e3);
    }

    private static void check(Function<Tensor, Tensor> loss, Tensor input, String what) {
        GradCheck.Result r = GradCheck.check(in -> loss.apply(in[0]), input.detach().requiresGrad(true));
        assertTrue(r.passed(), what + ": " + r);
    }

    @Property(tries = 50)
    void everyLossPassesAGradientCheck(@ForAll("moderate") Batch b) {
        check(z -> new CrossEntropyLoss().forward(z, b.classes()), b.logits(), "CE indices");
        check(z -> new CrossEntropyLoss().labelSmoothing(0.2).forward(z, b.distribution()), b.logits(), "CE probs");
        check(z -> new NLLLoss().reduction(Reduction.SUM).forward(z.logSoftmax(1), b.classes()), b.logits(), "NLL");
        check(z -> new BCEWithLogitsLoss().forward(z, b.labels()), b.logits(), "BCE with logits");
        check(z -> new BCELoss().forward(z.sigmoid(), b.labels()), b.logits(), "BCE");
        check(z -> new KLDivLoss().reduction(Reduction.BATCHMEAN).forward(z.logSoftmax(1), b.distribution()),
                b.logits(), "KL");
        check(z -> new MSELoss().forward(z, b.labels()), b.logits(), "MSE");
    }

    @Property(tries = 200)
    void crossEntropyIsNeverNegative(@ForAll("large") Batch b) {
        Tensor ce = new CrossEntropyLoss().reduction(Reduction.NONE).forward(b.logits(), b.classes());
        Tensor soft = new CrossEntropyLoss().reduction(Reduction.NONE).forward(b.logits(), b.distribution());
        for (int i = 0; i < ce.rows(); i++) {
            assertTrue(ce.get(i, 0) >= 0, "CE " + ce.get(i, 0) + " for " + b.logits());
            assertTrue(soft.get(i, 0) >= 0, "CE with probabilities " + soft.get(i, 0));
        }
    }

    @Property(tries = 200)
    void bceWithLogitsStaysFiniteUpToLogitsOfAThousand(@ForAll("large") Batch b) {
        Tensor z = b.logits().requiresGrad(true);
        Tensor loss = new BCEWithLogitsLoss().posWeight(Tensor.full(1, z.cols(), 3)).forward(z, b.labels());
        loss.backward();
        assertTrue(Double.isFinite(loss.item()), "loss " + loss.item());
        for (double[] row : z.grad().toArray()) {
            for (double g : row) {
                assertTrue(Double.isFinite(g), "gradient " + g);
            }
        }
    }
}
