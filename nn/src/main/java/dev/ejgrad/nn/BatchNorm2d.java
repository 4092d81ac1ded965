package dev.ejgrad.nn;

import dev.ejgrad.core.ImageShape;
import dev.ejgrad.core.Tensor;
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
public final class BatchNorm2d extends BatchNorm {

    private final ImageShape input;

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
        super(Objects.requireNonNull(input, "input").channels(), eps, momentum);
        this.input = input;
    }

    /** {@return the geometry of an input image} */
    public ImageShape inputShape() {
        return input;
    }

    /** {@return the geometry of an output image, the input's} */
    public ImageShape outputShape() {
        return input;
    }

    @Override
    void checkInput(Tensor x) {
        ImageLayer.checkImages("BatchNorm2d", input, x);
    }

    /** A row per (image, channel): the statistics of a channel are over its rows' values. */
    @Override
    Tensor view(Tensor x) {
        return x.reshape(x.rows() * channels(), input.pixels());
    }

    @Override
    Tensor unview(Tensor normalised, Tensor x) {
        return normalised.reshape(x.rows(), x.cols());
    }

    @Override
    long valuesPerChannel(Tensor x) {
        return (long) x.rows() * input.pixels();
    }

    @Override
    String describe(Tensor x) {
        return x.rows() + "x" + x.cols() + " of images " + input;
    }

    @Override
    Moments moments(Tensor z) {
        int n = z.rows() / channels();
        Tensor mean = perChannel(z.mean(1), n).mean(0);
        Tensor squares = z.sub(column(mean, n)).square();
        Tensor var = perChannel(squares.mean(1), n).mean(0);
        Tensor unbiased = perChannel(squares.detach().sum(1), n).sum(0).div((double) n * input.pixels() - 1);
        return new Moments(mean, var, unbiased);
    }

    /** BatchNorm's formula on the rows of {@code z}, each channel's {@code 1 x C} values spread to its rows. */
    @Override
    Tensor normalise(Tensor z, Tensor mean, Tensor var) {
        int n = z.rows() / channels();
        return normalise(z, column(mean, n), column(var, n), column(weight(), n), column(bias(), n), eps());
    }

    /** {@code (N·C) x 1} values, a row per (image, channel), as {@code N x C}. */
    private Tensor perChannel(Tensor rows, int n) {
        return rows.reshape(n, channels());
    }

    /** A {@code 1 x C} row as the {@code (N·C) x 1} column of the rows of {@code z}. */
    private Tensor column(Tensor row, int n) {
        return row.add(Tensor.zeros(n, channels(), row.dtype())).reshape(-1, 1);
    }

    @Override
    protected String shapeRepr() {
        return ImageLayer.shapeRepr(input, input);
    }
}
