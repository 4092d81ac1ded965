package dev.ejgrad.nn;

import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.core.TorchShape;
import java.util.Objects;

/**
 * Layer normalisation over the features of each row, as {@code torch.nn.LayerNorm(features)}:
 * {@code y = (x - E[x]) / sqrt(Var[x] + eps) · weight + bias}, the mean and the biased variance taken over dim 1
 * (each row on its own), so training and eval compute the same thing.
 *
 * <p>Shape: input {@code N x features}, output {@code N x features}; {@code weight} and {@code bias}
 * {@code 1 x features} (PyTorch's 1-D {@code (features,)}, and saved so).
 *
 * <p>Init, as PyTorch's: {@code weight} ones, {@code bias} zeros. Default {@code eps} 1e-5.
 */
public final class LayerNorm extends Module {

    private final int features;
    private double eps;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * A layer norm with PyTorch's default {@code eps = 1e-5}.
     *
     * @param features the number of features (columns) normalised together
     * @throws IllegalArgumentException if {@code features} is not positive
     */
    public LayerNorm(int features) {
        this(features, 1e-5);
    }

    /**
     * A layer norm.
     *
     * @param features the number of features (columns) normalised together
     * @param eps added to the variance for stability, at least 0
     * @throws IllegalArgumentException if {@code features} is not positive or {@code eps} is negative or not finite
     */
    public LayerNorm(int features, double eps) {
        if (features <= 0) {
            throw new IllegalArgumentException("LayerNorm: features must be positive, got " + features);
        }
        checkEps(eps);
        this.features = features;
        this.eps = eps;
        this.weight = registerParameter("weight", Tensor.ones(1, features).requiresGrad(true),
                TorchShape.of(features));
        this.bias = registerParameter("bias", Tensor.zeros(1, features).requiresGrad(true), TorchShape.of(features));
    }

    /** {@return the weight parameter itself, {@code 1 x features}} */
    public Tensor weight() {
        return weight;
    }

    /** {@return the bias parameter itself, {@code 1 x features}} */
    public Tensor bias() {
        return bias;
    }

    /** {@return the number of features normalised together} */
    public int features() {
        return features;
    }

    /** {@return the value added to the variance} */
    public double eps() {
        return eps;
    }

    /** Sets {@code eps} after construction, for a layer that takes it as an option ({@code layerNormEps}). */
    void eps(double eps) {
        checkEps(eps);
        this.eps = eps;
    }

    private static void checkEps(double eps) {
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("LayerNorm: eps must be finite and at least 0, got " + eps);
        }
    }

    /**
     * Normalises each row, then scales and shifts it.
     *
     * @param input {@code N x features}; not modified
     * @return {@code N x features}
     * @throws IllegalArgumentException if the input does not have {@code features} columns
     */
    @Override
    public Tensor forward(Tensor input) {
        Objects.requireNonNull(input, "input");
        if (input.cols() != features) {
            throw new IllegalArgumentException("LayerNorm: input of shape " + Shapes.of(input)
                    + " has " + input.cols() + " features, but the layer normalises " + features);
        }
        return normalise(input, weight, bias, eps);
    }

    /** {@code (x - mean_1(x)) · rsqrt(var_1(x, biased) + eps) · weight + bias}, composed of differentiable ops. */
    static Tensor normalise(Tensor x, Tensor weight, Tensor bias, double eps) {
        Tensor invStd = x.var(1, 0).add(eps).rsqrt();
        return x.sub(x.mean(1)).mul(invStd).mul(weight).add(bias);
    }

    @Override
    protected String extraRepr() {
        return "(" + features + ",), eps=" + Repr.pyFloat(eps);
    }
}
