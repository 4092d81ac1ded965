package dev.ejgrad.core;

/**
 * The geometry of the images in a batch stored as rows: a batch of N images of {@code channels} channels,
 * {@code height x width} pixels, is an {@code N x (C·H·W)} tensor whose row holds one image in PyTorch's NCHW order,
 * {@code row[c·H·W + y·W + x]} (PyTorch's {@code x.reshape(N, -1)}).
 *
 * @param channels C, at least 1
 * @param height H, at least 1
 * @param width W, at least 1
 */
public record ImageShape(int channels, int height, int width) {

    /**
     * Checks the sizes.
     *
     * @throws IllegalArgumentException if a size is below 1
     */
    public ImageShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("ImageShape: channels, height and width must be at least 1, got "
                    + channels + "x" + height + "x" + width);
        }
        if ((long) channels * height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ImageShape: " + channels + "x" + height + "x" + width + " has more "
                    + "than " + Integer.MAX_VALUE + " values");
        }
    }

    /** {@return C·H·W, the length of one image's row} */
    public int size() {
        return channels * height * width;
    }

    /** {@return H·W, the pixels of one channel} */
    public int pixels() {
        return height * width;
    }

    /** {@return {@code CxHxW}, e.g. {@code 1x28x28}} */
    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
