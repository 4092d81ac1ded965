package dev.ejgrad.nn;

import dev.ejgrad.core.ImageShape;
import dev.ejgrad.core.Tensor;

/**
 * Average pooling over a batch of images as rows, as {@code torch.nn.AvgPool2d} with {@code count_include_pad=True}
 * and {@code ceil_mode=False}: each window's sum (padding zeros included) divided by {@code kernel²}; see
 * {@link Tensor#avgPool2d}.
 *
 * <p>Shape: input {@code N x (C·H·W)}, output {@code N x (C·outH·outW)}, each side
 * {@code floor((H + 2·padding − kernel) / stride) + 1}.
 */
public final class AvgPool2d extends Pool2d {

    /**
     * Pooling with stride = kernel and no padding, as PyTorch's default.
     *
     * @param input the geometry of an input image
     * @param kernel the window's side, at least 1
     * @throws IllegalArgumentException if the kernel is below 1 or larger than the image
     */
    public AvgPool2d(ImageShape input, int kernel) {
        this(input, kernel, kernel, 0);
    }

    /**
     * Pooling.
     *
     * @param input the geometry of an input image
     * @param kernel the window's side, at least 1
     * @param stride the step between windows, at least 1
     * @param padding zeros added on every side, at least 0 and at most {@code kernel / 2}
     * @throws IllegalArgumentException if a size is out of range or the window does not fit the padded image
     */
    public AvgPool2d(ImageShape input, int kernel, int stride, int padding) {
        super("AvgPool2d", input, kernel, stride, padding);
    }

    /**
     * Pools each image of the batch.
     *
     * @param input {@code N x (C·H·W)}; not modified
     * @return {@code N x (C·outH·outW)}
     * @throws IllegalArgumentException if a row is not {@code C·H·W} long
     */
    @Override
    public Tensor forward(Tensor input) {
        return checkImages(input).avgPool2d(inputShape(), kernel(), stride(), padding());
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernel() + ", stride=" + stride() + ", padding=" + padding();
    }
}
