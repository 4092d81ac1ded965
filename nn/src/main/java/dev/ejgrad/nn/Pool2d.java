package dev.ejgrad.nn;

import dev.ejgrad.core.ImageShape;

/**
 * What the pooling layers share: a square window, its stride and padding, checked against the input geometry when
 * the layer is made. A member adds its pooling function and its option text.
 */
abstract class Pool2d extends ImageLayer {

    private final int kernel;
    private final int stride;
    private final int padding;

    Pool2d(String layer, ImageShape input, int kernel, int stride, int padding) {
        super(input, named(layer, () -> java.util.Objects.requireNonNull(input, "input").pooled(kernel, stride,
                padding)));
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** {@return the window's side} */
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
}
