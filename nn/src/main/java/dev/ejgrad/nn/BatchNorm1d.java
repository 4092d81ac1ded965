package dev.ejgrad.nn;

import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.core.TorchShape;
import java.util.Objects;

/**
 * Batch normalisation over the rows of a batch, as {@code torch.nn.BatchNorm1d(features)} on {@code N x C}:
 * {@code y = (x - mean) / sqrt(var + eps) · weight + bias}, per column.
 *
 * <ul>
 *   <li>In training, {@code mean} and {@code var} are the batch's (the variance biased, divided by N), and each
 *       forward updates the running statistics: {@code running_mean = (1 - m)·running_mean + m·mean} and
 *       {@code running_var = (1 - m)·running_var + m·var_unbiased} (divided by N - 1), and adds 1 to
 *       {@code num_batches_tracked}, as PyTorch. A batch of one row is refused, as PyTorch ("Expected more than 1
 *       value per channel when training").</li>
 *   <li>In eval, {@code mean} and {@code var} are {@code running_mean} and {@code running_var}; nothing changes.</li>
 * </ul>
 *
 * <p>Shape: input {@code N x features}, output {@code N x features}; parameters {@code weight}, {@code bias} and
 * buffers {@code running_mean}, {@code running_var}, all {@code 1 x features} (PyTorch's 1-D {@code (features,)},
 * and saved so); buffer {@code num_batches_tracked} a 1x1 tensor holding the count as a double, saved as PyTorch's
 * 0-dim int64 ({@link dev.ejgrad.core.TorchShape#int64Scalar()}).
 *
 * <p>Init, as PyTorch's: {@code weight} ones, {@code bias} zeros, {@code running_mean} zeros, {@code running_var}
 * ones, {@code num_batches_tracked} 0. Defaults {@code eps} 1e-5, {@code momentum} 0.1. (PyTorch's
 * {@code momentum=None}, a cumulative average, is not offered.)
 */
public final class BatchNorm1d extends Module {

    private final int features;
    private final double eps;
    private final double momentum;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * A batch norm with PyTorch's defaults, {@code eps = 1e-5} and {@code momentum = 0.1}.
     *
     * @param features the number of features (columns)
     * @throws IllegalArgumentException if {@code features} is not positive
     */
    public BatchNorm1d(int features) {
        this(features, 1e-5, 0.1);
    }

    /**
     * A batch norm.
     *
     * @param features the number of features (columns)
     * @param eps added to the variance for stability, at least 0
     * @param momentum the weight of the new batch in the running statistics, in {@code [0, 1]}
     * @throws IllegalArgumentException if {@code features} is not positive, {@code eps} is negative or not finite,
     *     or {@code momentum} is not in {@code [0, 1]}
     */
    public BatchNorm1d(int features, double eps, double momentum) {
        if (features <= 0) {
            throw new IllegalArgumentException("BatchNorm1d: features must be positive, got " + features);
        }
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("BatchNorm1d: eps must be finite and at least 0, got " + eps);
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm1d: momentum must be in [0, 1], got " + momentum);
        }
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
        TorchShape vector = TorchShape.of(features);
        this.weight = registerParameter("weight", Tensor.ones(1, features).requiresGrad(true), vector);
        this.bias = registerParameter("bias", Tensor.zeros(1, features).requiresGrad(true), vector);
        registerBuffer("running_mean", Tensor.zeros(1, features), vector);
        registerBuffer("running_var", Tensor.ones(1, features), vector);
        registerBuffer("num_batches_tracked", Tensor.zeros(1, 1), TorchShape.int64Scalar());
    }

    /** {@return the weight parameter itself, {@code 1 x features}} */
    public Tensor weight() {
        return weight;
    }

    /** {@return the bias parameter itself, {@code 1 x features}} */
    public Tensor bias() {
        return bias;
    }

    /** {@return the running mean, {@code 1 x features} (a value: later forwards replace it)} */
    public Tensor runningMean() {
        return buffer("running_mean");
    }

    /** {@return the running unbiased variance, {@code 1 x features} (a value: later forwards replace it)} */
    public Tensor runningVar() {
        return buffer("running_var");
    }

    /** {@return how many training forwards have updated the running statistics} */
    public long numBatchesTracked() {
        return (long) buffer("num_batches_tracked").item();
    }

    /** {@return the number of features} */
    public int features() {
        return features;
    }

    /** {@return the value added to the variance} */
    public double eps() {
        return eps;
    }

    /** {@return the weight of a new batch in the running statistics} */
    public double momentum() {
        return momentum;
    }

    /**
     * Normalises each column by the batch's statistics (training, updating the running ones) or by the running
     * statistics (eval), then scales and shifts it.
     *
     * @param input {@code N x features}, {@code N >= 2} in training; not modified
     * @return {@code N x features}
     * @throws IllegalArgumentException if the input does not have {@code features} columns, or has fewer than two
     *     rows in training; nothing is changed then
     */
    @Override
    public Tensor forward(Tensor input) {
        Objects.requireNonNull(input, "input");
        if (input.cols() != features) {
            throw new IllegalArgumentException("BatchNorm1d: input of shape " + Shapes.of(input)
                    + " has " + input.cols() + " features, but the layer has " + features);
        }
        if (!isTraining()) {
            return normalise(input, runningMean(), runningVar(), weight, bias, eps);
        }
        if (input.rows() < 2) {
            throw new IllegalArgumentException("BatchNorm1d: expected more than 1 value per channel when training, "
                    + "got input of shape " + Shapes.of(input));
        }
        Tensor out = normalise(input, input.mean(0), input.var(0, 0), weight, bias, eps);
        try (NoGrad scope = NoGrad.enter()) {
            Tensor x = input.detach();
            // PyTorch's order: momentum · batch + (1 - momentum) · running
            setBuffer("running_mean", x.mean(0).mul(momentum).add(runningMean().mul(1 - momentum)));
            setBuffer("running_var", x.var(0, 1).mul(momentum).add(runningVar().mul(1 - momentum)));
            setBuffer("num_batches_tracked", buffer("num_batches_tracked").add(1));
        }
        return out;
    }

    /**
     * {@code (x - mean) · rsqrt(var + eps) · weight + bias}, composed of differentiable ops; in training {@code mean}
     * and {@code var} are the batch's (functions of {@code x}), in eval the running statistics (constants).
     */
    static Tensor normalise(Tensor x, Tensor mean, Tensor var, Tensor weight, Tensor bias, double eps) {
        return x.sub(mean).mul(var.add(eps).rsqrt()).mul(weight).add(bias);
    }

    @Override
    protected String extraRepr() {
        return features + ", eps=" + Repr.pyFloat(eps) + ", momentum=" + Repr.pyFloat(momentum);
    }
}
