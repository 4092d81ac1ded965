package dev.ejgrad.nn;

import dev.ejgrad.core.ImageShape;

/**
 * What the pooling layers share: a square window, its stride and padding (kept by {@link ImageLayer}), checked against
 * the input geometry when the layer is made. A member adds its pooling function and its option text.
 */
abstract class Pool2d extends ImageLayer {

    Pool2d(String layer, ImageShape input, int kernel, int stride, int padding) {
        super(input, named(layer, () -> java.util.Objects.requireNonNull(input, "input").pooled(kernel, stride,
                padding)), kernel, stride, padding);
    }
}
