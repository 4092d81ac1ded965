package dev.ejgrad.nn;

import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.core.TorchShape;
import java.util.Objects;
import java.util.Random;

/**
 * A fully connected layer, {@code y = x · weightᵀ + bias}, as {@code torch.nn.Linear}.
 *
 * <p>Shape: input {@code N x in}, output {@code N x out}; weight {@code out x in}, bias {@code 1 x out} (saved as
 * PyTorch's 1-D {@code [out]}).
 *
 * <p>Init, as PyTorch's: weight and bias both uniform in {@code [-1/sqrt(in), 1/sqrt(in))} (Kaiming-uniform with
 * {@code a = sqrt(5)} for the weight), drawn from the given {@link Random}, weight row by row, then bias.
 */
public final class Linear extends Module {

    private final Tensor weight;
    private final Tensor bias;

    /**
     * A layer with bias, initialised from an unseeded {@link Random}; use
     * {@link #Linear(int, int, boolean, Random)} for reproducible weights.
     *
     * @param in input features
     * @param out output features
     * @throws IllegalArgumentException if a size is not positive
     */
    public Linear(int in, int out) {
        this(in, out, true, new Random());
    }

    /**
     * A layer initialised from {@code rng}.
     *
     * @param in input features
     * @param out output features
     * @param bias whether the layer has a bias
     * @param rng the source of the initial values; advanced
     * @throws IllegalArgumentException if a size is not positive
     */
    public Linear(int in, int out, boolean bias, Random rng) {
        Objects.requireNonNull(rng, "rng");
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear: in and out must be positive, got in=" + in + ", out=" + out);
        }
        double bound = 1 / Math.sqrt(in);
        this.weight = registerParameter("weight", Init.uniform(out, in, bound, rng));
        this.bias = bias ? registerParameter("bias", Init.uniform(1, out, bound, rng), TorchShape.of(out)) : null;
    }

    /**
     * A layer whose parameters are copies of the given values, each in its own dtype.
     *
     * @param weight {@code out x in}; copied
     * @param bias {@code 1 x out}, or {@code null} for no bias; copied
     * @throws IllegalArgumentException if the bias is not {@code 1 x out}
     */
    public Linear(Tensor weight, Tensor bias) {
        Objects.requireNonNull(weight, "weight");
        if (bias != null && (bias.rows() != 1 || bias.cols() != weight.rows())) {
            throw new IllegalArgumentException("Linear: bias must be " + Shapes.of(1, weight.rows())
                    + " for a weight of shape " + Shapes.of(weight) + ", got " + Shapes.of(bias));
        }
        this.weight = registerParameter("weight", copy(weight));
        this.bias = bias == null ? null : registerParameter("bias", copy(bias),
                TorchShape.of(weight.rows()));
    }

    /** A new leaf parameter holding {@code t}'s values in {@code t}'s dtype. */
    private static Tensor copy(Tensor t) {
        return Tensor.from(t.toMatrix()).to(t.dtype()).requiresGrad(true);
    }

    /** {@return the weight parameter itself, {@code out x in}} */
    public Tensor weight() {
        return weight;
    }

    /** {@return the bias parameter itself, {@code 1 x out}, or {@code null}} */
    public Tensor bias() {
        return bias;
    }

    /** {@return the number of input features} */
    public int inFeatures() {
        return weight.cols();
    }

    /** {@return the number of output features} */
    public int outFeatures() {
        return weight.rows();
    }

    /**
     * {@code x · weightᵀ + bias}.
     *
     * @param input {@code N x in}
     * @return {@code N x out}
     * @throws IllegalArgumentException if the input does not have {@code in} columns
     */
    @Override
    public Tensor forward(Tensor input) {
        return Functional.linear(Objects.requireNonNull(input, "input"), weight, bias);
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures() + ", out_features=" + outFeatures() + ", bias=" + (bias != null);
    }
}
