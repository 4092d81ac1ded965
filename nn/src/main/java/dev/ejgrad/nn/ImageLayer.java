package dev.ejgrad.nn;

import dev.ejgrad.core.ImageShape;
import dev.ejgrad.core.Tensor;
import java.util.Objects;

/**
 * What the layers that slide a square window over images as rows (the convolution and the pooling layers) share:
 * the geometry of their input, told once when the layer is made, the geometry of their output, the window's side,
 * stride and padding, the check of a batch's row length, and the {@code input -> output} shapes that
 * {@link #toString()} shows. The check and the shape text serve {@link BatchNorm2d} as well, which has no window.
 */
abstract class ImageLayer extends Module {

    private final ImageShape input;
    private final ImageShape output;
    private final int kernel;
    private final int stride;
    private final int padding;

    /** A layer whose window ({@code kernel}, {@code stride}, {@code padding}) maps {@code input} to {@code output}. */
    ImageLayer(ImageShape input, ImageShape output, int kernel, int stride, int padding) {
        this.input = Objects.requireNonNull(input, "input");
        this.output = output;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** {@return the geometry of an input image} */
    public ImageShape inputShape() {
        return input;
    }

    /** {@return the geometry of an output image, as PyTorch's output shape without the batch} */
    public ImageShape outputShape() {
        return output;
    }

    /** {@return the window's (the kernel's) side} */
    public int kernel() {
        return kernel;
    }

    /** {@return the step between windows} */
    public int stride() {
        return stride;
    }

    /** {@return the padding on every side} */
    public int padding() {
        return padding;
    }

    /** Throws unless {@code x} is a batch of input images, {@code N x (C·H·W)}, naming the layer and the numbers. */
    final Tensor checkImages(Tensor x) {
        return checkImages(getClass().getSimpleName(), input, x);
    }

    /** Throws unless {@code x} is a batch of images {@code input}, naming {@code layer} and the numbers. */
    static Tensor checkImages(String layer, ImageShape input, Tensor x) {
        Objects.requireNonNull(x, "input");
        if (x.cols() != input.size()) {
            throw new IllegalArgumentException(layer + ": input " + x.rows() + "x" + x.cols()
                    + " has rows of " + x.cols() + " values, but the layer takes images " + input + " ("
                    + input.size() + " = C·H·W values a row)");
        }
        return x;
    }

    /** The {@code input -> output} shapes that {@link #toString()} shows. */
    static String shapeRepr(ImageShape input, ImageShape output) {
        return input + " -> " + output;
    }

    /** Rethrows a geometry the core ops refuse with the layer's name in front of the op's. */
    static <T> T named(String layer, java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(layer + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected String shapeRepr() {
        return shapeRepr(input, output);
    }
}
