package dev.ejgrad.nn;

import dev.ejgrad.core.ImageShape;
import dev.ejgrad.core.Tensor;

/**
 * Max pooling over a batch of images as rows, as {@code torch.nn.MaxPool2d} (padding is −∞, {@code dilation=1},
 * {@code ceil_mode=False}): the largest value of each window of each channel, the gradient going to the element
 * PyTorch picks (the first of tied maxima, the last NaN); see {@link Tensor#maxPool2d}.
 *
 * <p>Shape: input {@code N x (C·H·W)}, output {@code N x (C·outH·outW)}, each side
 * {@code floor((H + 2·padding − kernel) / stride) + 1}.
 */
public final class MaxPool2d extends Pool2d {

    /**
     * Pooling with stride = kernel and no padding, as PyTorch's default.
     *
     * @param input the geometry of an input image
     * @param kernel the window's side, at least 1
     * @throws IllegalArgumentException if the kernel is below 1 or larger than the image
     */
    public MaxPool2d(ImageShape input, int kernel) {
        this(input, kernel, kernel, 0);
    }

    /**
     * Pooling.
     *
     * @param input the geometry of an input image
     * @param kernel the window's side, at least 1
     * @param stride the step between windows, at least 1
     * @param padding −∞ added on every side, at least 0 and at most {@code kernel / 2}
     * @throws IllegalArgumentException if a size is out of range or the window does not fit the padded image
     */
    public MaxPool2d(ImageShape input, int kernel, int stride, int padding) {
        super("MaxPool2d", input, kernel, stride, padding);
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
        return checkImages(input).maxPool2d(inputShape(), kernel(), stride(), padding());
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernel() + ", stride=" + stride() + ", padding=" + padding()
                + ", dilation=1, ceil_mode=False";
    }
}
