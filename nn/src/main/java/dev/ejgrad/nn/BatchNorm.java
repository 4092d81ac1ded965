package dev.ejgrad.nn;

import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.core.TorchShape;

/**
 * What the batch norms share, as PyTorch's {@code _BatchNorm}: the per-channel parameters and buffers with their
 * PyTorch shapes, the {@code eps} and {@code momentum} options, the training step that updates the running
 * statistics, the eval path and the option text. A member says only how it views its input: which values form a
 * channel, and how to normalise them by {@code 1 x C} statistics.
 *
 * <p>Per channel {@code y = (x - mean) / sqrt(var + eps) · weight + bias}. In training {@code mean} and {@code var}
 * are the batch's (the variance biased), and each forward sets {@code running_mean = (1 - m)·running_mean + m·mean},
 * {@code running_var = (1 - m)·running_var + m·var_unbiased} and adds 1 to {@code num_batches_tracked}; in eval they
 * are the running statistics, and nothing changes.
 */
abstract class BatchNorm extends Module {

    /** The batch's statistics, each {@code 1 x C}: {@code mean}, biased {@code var}, and constant {@code unbiased}. */
    record Moments(Tensor mean, Tensor var, Tensor unbiased) {
    }

    private final int channels;
    private final double eps;
    private final double momentum;
    private final Tensor weight;
    private final Tensor bias;

    BatchNorm(int channels, double eps, double momentum) {
        String layer = getClass().getSimpleName();
        if (channels <= 0) {
            throw new IllegalArgumentException(layer + ": features must be positive, got " + channels);
        }
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(layer + ": eps must be finite and at least 0, got " + eps);
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(layer + ": momentum must be in [0, 1], got " + momentum);
        }
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        TorchShape vector = TorchShape.of(channels);
        this.weight = registerParameter("weight", Tensor.ones(1, channels).requiresGrad(true), vector);
        this.bias = registerParameter("bias", Tensor.zeros(1, channels).requiresGrad(true), vector);
        registerBuffer("running_mean", Tensor.zeros(1, channels), vector);
        registerBuffer("running_var", Tensor.ones(1, channels), vector);
        registerBuffer("num_batches_tracked", Tensor.zeros(1, 1), TorchShape.int64Scalar());
    }

    /** {@return the weight parameter itself, {@code 1 x C}, one value per channel (feature)} */
    public Tensor weight() {
        return weight;
    }

    /** {@return the bias parameter itself, {@code 1 x C}, one value per channel (feature)} */
    public Tensor bias() {
        return bias;
    }

    /** {@return the running mean, {@code 1 x C} (a value: later forwards replace it)} */
    public Tensor runningMean() {
        return buffer("running_mean");
    }

    /** {@return the running unbiased variance, {@code 1 x C} (a value: later forwards replace it)} */
    public Tensor runningVar() {
        return buffer("running_var");
    }

    /** {@return how many training forwards have updated the running statistics} */
    public long numBatchesTracked() {
        return (long) buffer("num_batches_tracked").item();
    }

    /** {@return the value added to the variance} */
    public double eps() {
        return eps;
    }

    /** {@return the weight of a new batch in the running statistics} */
    public double momentum() {
        return momentum;
    }

    /** The number of channels (features), C. */
    final int channels() {
        return channels;
    }

    /**
     * Normalises each channel by the batch's statistics (training, updating the running ones) or by the running
     * statistics (eval), then scales and shifts it.
     *
     * @param input a batch as the layer takes it (see the class); not modified
     * @return the normalised batch, of the input's shape
     * @throws IllegalArgumentException if the input's rows do not fit the layer, or a channel has one value in
     *     training; nothing is changed then
     */
    @Override
    public final Tensor forward(Tensor input) {
        checkInput(input);
        Tensor z = view(input);
        if (!isTraining()) {
            return unview(normalise(z, runningMean(), runningVar()), input);
        }
        if (valuesPerChannel(input) < 2) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": expected more than 1 value per channel "
                    + "when training, got input " + describe(input));
        }
        Moments batch = moments(z);
        Tensor out = unview(normalise(z, batch.mean(), batch.var()), input);
        try (NoGrad scope = NoGrad.enter()) {
            // PyTorch's order: momentum · batch + (1 - momentum) · running
            setBuffer("running_mean", batch.mean().detach().mul(momentum).add(runningMean().mul(1 - momentum)));
            setBuffer("running_var", batch.unbiased().mul(momentum).add(runningVar().mul(1 - momentum)));
            setBuffer("num_batches_tracked", buffer("num_batches_tracked").add(1));
        }
        return out;
    }

    /** Throws, naming the layer and the numbers, unless {@code input} is a batch the layer takes. */
    abstract void checkInput(Tensor input);

    /** The input as the member computes on it (a checked batch). */
    abstract Tensor view(Tensor input);

    /** {@code normalised}, a result in the view's shape, back in the input's shape. */
    abstract Tensor unview(Tensor normalised, Tensor input);

    /** How many values of a checked batch each channel's statistics are over. */
    abstract long valuesPerChannel(Tensor input);

    /** The input for the error message after "got input ". */
    abstract String describe(Tensor input);

    /** The batch's per-channel statistics over the view {@code z}. */
    abstract Moments moments(Tensor z);

    /** The normalisation formula (below) on the view {@code z}, by {@code 1 x C} statistics. */
    abstract Tensor normalise(Tensor z, Tensor mean, Tensor var);

    /**
     * {@code (x - mean) · rsqrt(var + eps) · weight + bias}, composed of differentiable ops; in training {@code mean}
     * and {@code var} are the batch's (functions of {@code x}), in eval the running statistics (constants).
     */
    static Tensor normalise(Tensor x, Tensor mean, Tensor var, Tensor weight, Tensor bias, double eps) {
        return x.sub(mean).mul(var.add(eps).rsqrt()).mul(weight).add(bias);
    }

    @Override
    protected String extraRepr() {
        return channels + ", eps=" + Repr.pyFloat(eps) + ", momentum=" + Repr.pyFloat(momentum);
    }
}
