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
     * @param channels C, at least 1
     * @param height H, at least 1
     * @param width W, at least 1
     * @throws IllegalArgumentException if a size is below 1, or C·H·W exceeds {@link Integer#MAX_VALUE}
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

    /**
     * The geometry of the blocks of a square window sliding over this image, as PyTorch's convolution: each side
     * {@code floor((side + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1}.
     *
     * @param outChannels the channels of the result, at least 1
     * @param kernel the window's side, at least 1
     * @param stride the step between windows, at least 1
     * @param padding added on every side, at least 0
     * @param dilation the spacing of the window's pixels, at least 1
     * @return {@code outChannels x outH x outW}
     * @throws IllegalArgumentException if a size is out of range or the window does not fit the padded image
     */
    public ImageShape convolved(int outChannels, int kernel, int stride, int padding, int dilation) {
        String problem = windowProblem(kernel, stride, padding, dilation);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (outChannels < 1) {
            throw new IllegalArgumentException("out channels must be at least 1, got " + outChannels);
        }
        return new ImageShape(outChannels, side(height, kernel, stride, padding, dilation),
                side(width, kernel, stride, padding, dilation));
    }

    /**
     * The geometry after pooling, as PyTorch's {@code max_pool2d} and {@code avg_pool2d} ({@code ceil_mode=False}):
     * the channels kept, each side as {@link #convolved} with dilation 1.
     *
     * @param kernel the window's side, at least 1
     * @param stride the step between windows, at least 1
     * @param padding added on every side, at least 0 and at most {@code kernel / 2} (PyTorch's rule)
     * @return {@code C x outH x outW}
     * @throws IllegalArgumentException if a size is out of range or the window does not fit the padded image
     */
    public ImageShape pooled(int kernel, int stride, int padding) {
        String problem = poolingProblem(kernel, stride, padding);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return convolved(channels, kernel, stride, padding, 1);
    }

    /** What is wrong with a window over this image, or null. */
    String windowProblem(int kernel, int stride, int padding, int dilation) {
        if (kernel < 1 || stride < 1 || dilation < 1) {
            String what = kernel < 1 ? "kernel" : stride < 1 ? "stride" : "dilation";
            return what + " must be at least 1, got " + (kernel < 1 ? kernel : stride < 1 ? stride : dilation);
        }
        if (padding < 0) {
            return "padding must be at least 0, got " + padding;
        }
        int outH = side(height, kernel, stride, padding, dilation);
        int outW = side(width, kernel, stride, padding, dilation);
        if (outH < 1 || outW < 1) {
            return "kernel " + kernel + " (dilation " + dilation + ", span " + (dilation * (kernel - 1) + 1)
                    + ") does not fit the image " + this + " padded by " + padding + " to " + (height + 2 * padding)
                    + "x" + (width + 2 * padding) + ": the output would be " + outH + "x" + outW;
        }
        return null;
    }

    /** What is wrong with a pooling window over this image, or null. */
    String poolingProblem(int kernel, int stride, int padding) {
        if (kernel >= 1 && padding > kernel / 2) {
            return "padding " + padding + " must be at most half the kernel " + kernel + " (at most " + kernel / 2
                    + ")";
        }
        return windowProblem(kernel, stride, padding, 1);
    }

    private static int side(int size, int kernel, int stride, int padding, int dilation) {
        return Math.floorDiv(size + 2 * padding - dilation * (kernel - 1) - 1, stride) + 1;
    }

    /** {@return {@code CxHxW}, e.g. {@code 1x28x28}} */
    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
