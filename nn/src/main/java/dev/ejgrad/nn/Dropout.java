package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.Objects;
import java.util.Random;

/**
 * Inverted dropout, as {@code torch.nn.Dropout}: in training each element is zeroed with probability {@code p} and
 * the rest are scaled by {@code 1/(1 - p)}, so the expected output is the input; in eval it is the identity.
 * {@code p = 1} gives zeros in training, as PyTorch.
 *
 * <p>Shape: any; the output has the input's shape. No parameters. The masks come from the given {@link Random}, one
 * {@code nextDouble()} per element, row by row, one forward after another (see {@link Functional#dropout}); eval
 * forwards draw nothing.
 *
 * <pre>{@code
 * Module mlp = new Sequential(new Linear(30, 64, true, rng), new ReLU(), new Dropout(0.5, rng),
 *         new Linear(64, 1, true, rng));
 * mlp.eval();   // dropout off for evaluation
 * }</pre>
 */
public final class Dropout extends Module {

    private final double p;
    private final Random rng;

    /**
     * A dropout layer.
     *
     * @param p the probability of zeroing an element, in {@code [0, 1]} (PyTorch's default is 0.5)
     * @param rng the source of the masks; advanced by each training forward
     * @throws IllegalArgumentException if {@code p} is not in {@code [0, 1]}
     */
    public Dropout(double p, Random rng) {
        Objects.requireNonNull(rng, "rng");
        checkP(p);
        this.p = p;
        this.rng = rng;
    }

    static void checkP(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1], got " + p);
        }
    }

    /** {@return the probability of zeroing an element} */
    public double p() {
        return p;
    }

    /**
     * In training, the input with a fresh mask applied and scaled by {@code 1/(1 - p)}; in eval, the input itself.
     *
     * @param input any shape; not modified
     * @return a tensor of the input's shape
     */
    @Override
    public Tensor forward(Tensor input) {
        Objects.requireNonNull(input, "input");
        return isTraining() ? Functional.dropout(input, p, rng) : input;
    }

    @Override
    protected String extraRepr() {
        return "p=" + Repr.pyFloat(p);
    }
}
