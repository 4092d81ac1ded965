package dev.ejgrad.nn;

import dev.ejgrad.core.ImageShape;
import dev.ejgrad.core.Tensor;
import java.util.Objects;

/**
 * What every layer on images as rows shares: the geometry of its input, told once when it is made, the geometry of
 * its output, the check of a batch's row length, and the {@code input -> output} shapes that {@link #toString()}
 * shows.
 */
abstract class ImageLayer extends Module {

    private final ImageShape input;
    private final ImageShape output;

    ImageLayer(ImageShape input, ImageShape output) {
        this.input = Objects.requireNonNull(input, "input");
        this.output = output;
    }

    /** {@return the geometry of an input image} */
    public ImageShape inputShape() {
        return input;
    }

    /** {@return the geometry of an output image, as PyTorch's output shape without the batch} */
    public ImageShape outputShape() {
        return output;
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
