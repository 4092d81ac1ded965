package dev.ejgrad.nn;

import dev.ejgrad.core.ImageShape;
import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.core.TorchShape;
import java.util.Objects;

/**
 * Batch normalisation of images as rows, as {@code torch.nn.BatchNorm2d(C)}: each channel normalised by statistics
 * over its N·H·W values, {@code y = (x - mean_c) / sqrt(var_c + eps) · weight_c + bias_c}.
 *
 * <ul>
 *   <li>In training, {@code mean_c} and {@code var_c} are the batch's (the variance biased, divided by n = N·H·W),
 *       and each forward updates {@code running_mean = (1 - m)·running_mean + m·mean_c},
 *       {@code running_var = (1 - m)·running_var + m·var_unbiased} (divided by n - 1) and adds 1 to
 *       {@code num_batches_tracked}, as PyTorch. One image is a batch when H·W > 1; n = 1 is refused, as PyTorch.</li>
 *   <li>In eval, {@code mean_c} and {@code var_c} are the running statistics; nothing changes.</li>
 * </ul>
 *
 * <p>Shape: input and output {@code N x (C·H·W)}; parameters {@code weight}, {@code bias} and buffers
 * {@code running_mean}, {@code running_var}, all {@code 1 x C} (saved as PyTorch's 1-D {@code [C]}); buffer
 * {@code num_batches_tracked} 1x1 (saved as PyTorch's int64 scalar). Init and
 * defaults as {@link BatchNorm1d}'s: weight ones, bias zeros, running mean zeros, running variance ones,
 * {@code eps} 1e-5, {@code momentum} 0.1.
 */
public final class BatchNorm2d extends ImageLayer {

    private final double eps;
    private final double momentum;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * A batch norm with PyTorch's defaults, {@code eps = 1e-5} and {@code momentum = 0.1}.
     *
     * @param input the geometry of an input image
     */
    public BatchNorm2d(ImageShape input) {
        this(input, 1e-5, 0.1);
    }

    /**
     * A batch norm.
     *
     * @param input the geometry of an input image
     * @param eps added to the variance for stability, at least 0
     * @param momentum the weight of the new batch in the running statistics, in {@code [0, 1]}
     * @throws IllegalArgumentException if {@code eps} is negative or not finite, or {@code momentum} is not in
     *     {@code [0, 1]}
     */
    public BatchNorm2d(ImageShape input, double eps, double momentum) {
        super(input, input);
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("BatchNorm2d: eps must be finite and at least 0, got " + eps);
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm2d: momentum must be in [0, 1], got " + momentum);
        }
        this.eps = eps;
        this.momentum = momentum;
        int c = input.channels();
        TorchShape vector = TorchShape.of(c);
        this.weight = registerParameter("weight", Tensor.ones(1, c).requiresGrad(true), vector);
        this.bias = registerParameter("bias", Tensor.zeros(1, c).requiresGrad(true), vector);
        registerBuffer("running_mean", Tensor.zeros(1, c), vector);
        registerBuffer("running_var", Tensor.ones(1, c), vector);
        registerBuffer("num_batches_tracked", Tensor.zeros(1, 1), TorchShape.int64Scalar());
    }

    /** {@return the weight parameter itself, {@code 1 x C}} */
    public Tensor weight() {
        return weight;
    }

    /** {@return the bias parameter itself, {@code 1 x C}} */
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

    /**
     * Normalises each channel by the batch's statistics (training, updating the running ones) or by the running
     * statistics (eval), then scales and shifts it.
     *
     * @param input {@code N x (C·H·W)}; not modified
     * @return {@code N x (C·H·W)}
     * @throws IllegalArgumentException if a row is not {@code C·H·W} long, or a channel has one value in training;
     *     nothing is changed then
     */
    @Override
    public Tensor forward(Tensor input) {
        checkImages(input);
        int n = input.rows();
        int c = inputShape().channels();
        int pixels = inputShape().pixels();
        // a row per (image, channel): the statistics of a channel are over its rows' values
        Tensor z = input.reshape(n * c, pixels);
        if (!isTraining()) {
            return normalise(z, n, runningMean(), runningVar()).reshape(n, c * pixels);
        }
        if ((long) n * pixels < 2) {
            throw new IllegalArgumentException("BatchNorm2d: expected more than 1 value per channel when training, "
                    + "got input " + n + "x" + input.cols() + " of images " + inputShape());
        }
        Tensor mean = perChannel(z.mean(1), n).mean(0);
        Tensor squares = z.sub(column(mean, n)).square();
        Tensor var = perChannel(squares.mean(1), n).mean(0);
        Tensor out = normalise(z, n, mean, var).reshape(n, c * pixels);
        try (NoGrad scope = NoGrad.enter()) {
            Tensor unbiased = perChannel(squares.detach().sum(1), n).sum(0).div((double) n * pixels - 1);
            // PyTorch's order: momentum · batch + (1 - momentum) · running
            setBuffer("running_mean", mean.detach().mul(momentum).add(runningMean().mul(1 - momentum)));
            setBuffer("running_var", unbiased.mul(momentum).add(runningVar().mul(1 - momentum)));
            setBuffer("num_batches_tracked", buffer("num_batches_tracked").add(1));
        }
        return out;
    }

    /** BatchNorm1d's formula on the rows of {@code z}, each channel's {@code 1 x C} values spread to its rows. */
    private Tensor normalise(Tensor z, int n, Tensor mean, Tensor var) {
        return BatchNorm1d.normalise(z, column(mean, n), column(var, n), column(weight, n), column(bias, n), eps);
    }

    /** {@code (N·C) x 1} values, a row per (image, channel), as {@code N x C}. */
    private Tensor perChannel(Tensor rows, int n) {
        return rows.reshape(n, inputShape().channels());
    }

    /** A {@code 1 x C} row as the {@code (N·C) x 1} column of the rows of {@code z}. */
    private Tensor column(Tensor row, int n) {
        return row.add(Tensor.zeros(n, inputShape().channels())).reshape(-1, 1);
    }

    @Override
    protected String extraRepr() {
        return inputShape().channels() + ", eps=" + Repr.pyFloat(eps) + ", momentum=" + Repr.pyFloat(momentum);
    }
}
