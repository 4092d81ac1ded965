package dev.ejgrad.core;

import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * Convolution and pooling on rows of flattened images ({@link ImageShape}). Every op here reads the image through one
 * map, the {@linkplain Window#taps() taps} of a window geometry: for each patch row {@code r = (c, ki, kj)} and block
 * {@code l = (oy, ox)}, the pixel of the image it reads, or none (the padding). On that map:
 *
 * <pre>
 * unfold(x)       cols[r, l] = x[tap(r, l)]             rule  fold(g)        (each the other's adjoint)
 * fold(cols)      y[p] = Σ_{tap(r, l) = p} cols[r, l]    rule  unfold(g)
 * conv2d(x, W, b) = swap(W · unfold(x) + bᵀ)             rules through matmul, add and swap
 * maxPool2d(x)    y[c, l] = x[argmax over c's taps]      rule  scatterAdd(g at argmax)   (its rule: gather)
 * avgPool2d(x)    y[c, l] = Σ over c's taps of x / k²    rule  avgPool2dBackward(g)      (each the other's adjoint)
 * </pre>
 *
 * <p>A convolution is one matrix product over the patches of the whole batch, on the blocked, multi-threaded GEMM
 * kernels, so it records five nodes whatever the batch size, and its result does not depend on the thread count.
 */
final class ImageOps {

    private ImageOps() {
    }

    /** Where a patch matrix puts the patch row {@code r} of block {@code l} of image {@code n}. */
    enum Layout {
        /** {@code N x (C·k·k·L)}: PyTorch's {@code F.unfold} result {@code N x (C·k·k) x L}, flattened row-major. */
        PER_IMAGE,
        /** {@code (C·k·k) x (N·L)}: one column per patch of the batch, the right factor of a convolution's GEMM. */
        PATCH_COLUMNS;

        int imageStride(Window w) {
            return this == PER_IMAGE ? w.patchSize() * w.blocks() : w.blocks();
        }

        int rowStride(Window w, int n) {
            return this == PER_IMAGE ? w.blocks() : n * w.blocks();
        }
    }

    /**
     * A window geometry over images of {@code shape}: a square {@code kernel}, its {@code dilation}, zero (or −∞)
     * {@code padding} on every side and a {@code stride}, giving {@code outH x outW} blocks as PyTorch's
     * {@code floor((H + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1}.
     */
    record Window(ImageShape shape, int kernel, int dilation, int padding, int stride, int outH, int outW) {

        /** Checks the sizes and computes the blocks; {@code op} names the caller in the messages. */
        static Window of(String op, ImageShape shape, int kernel, int dilation, int padding, int stride) {
            Objects.requireNonNull(shape, op + ": shape");
            return checked(op, shape.windowProblem(kernel, stride, padding, dilation), shape, kernel, dilation,
                    padding, stride);
        }

        /** A pooling window: no dilation, and padding at most half the kernel (PyTorch's rule). */
        static Window pooling(String op, ImageShape shape, int kernel, int stride, int padding) {
            Objects.requireNonNull(shape, op + ": shape");
            return checked(op, shape.poolingProblem(kernel, stride, padding), shape, kernel, 1, padding, stride);
        }

        private static Window checked(String op, String problem, ImageShape shape, int kernel, int dilation,
                int padding, int stride) {
            if (problem != null) {
                throw new IllegalArgumentException(op + ": " + problem);
            }
            ImageShape out = shape.convolved(1, kernel, stride, padding, dilation);
            return new Window(shape, kernel, dilation, padding, stride, out.height(), out.width());
        }

        /** {@return L = outH·outW, the blocks of one image} */
        int blocks() {
            return outH * outW;
        }

        /** {@return C·k·k, the values of one patch} */
        int patchSize() {
            return shape.channels() * kernel * kernel;
        }

        /** Throws unless {@code x} is {@code N x (C·H·W)}, naming what its row length does not fit. */
        void checkImages(String op, Tensor x) {
            Objects.requireNonNull(x, op + ": input");
            if (x.cols() != shape.size()) {
                throw new IllegalArgumentException(op + ": input " + Shapes.of(x) + " has rows of " + x.cols()
                        + " values, but an image " + shape + " has " + shape.size() + " (C·H·W)");
            }
        }

        /**
         * For each patch row {@code r = (c, ki, kj)} and block {@code l}, at {@code r·L + l}: the offset in an image's
         * row of the pixel it reads, or −1 where it reads the padding.
         */
        int[] taps() {
            int k = kernel;
            int blocks = blocks();
            int[] taps = new int[patchSize() * blocks];
            int at = 0;
            for (int c = 0; c < shape.channels(); c++) {
                for (int ki = 0; ki < k; ki++) {
                    for (int kj = 0; kj < k; kj++) {
                        for (int oy = 0; oy < outH; oy++) {
                            int iy = oy * stride - padding + ki * dilation;
                            for (int ox = 0; ox < outW; ox++) {
                                int ix = ox * stride - padding + kj * dilation;
                                boolean inside = iy >= 0 && iy < shape.height() && ix >= 0 && ix < shape.width();
                                taps[at++] = inside ? (c * shape.height() + iy) * shape.width() + ix : -1;
                            }
                        }
                    }
                }
            }
            return taps;
        }
    }

    static Tensor unfold(Tensor x, ImageShape shape, int kernel, int dilation, int padding, int stride) {
        Window w = Window.of("unfold", shape, kernel, dilation, padding, stride);
        w.checkImages("unfold", x);
        return unfold(x, w, Layout.PER_IMAGE);
    }

    static Tensor fold(Tensor cols, ImageShape shape, int kernel, int dilation, int padding, int stride) {
        Window w = Window.of("fold", Objects.requireNonNull(shape, "fold: output"), kernel, dilation, padding, stride);
        Objects.requireNonNull(cols, "fold: input");
        if (cols.cols() != w.patchSize() * w.blocks()) {
            throw new IllegalArgumentException("fold: input " + Shapes.of(cols) + " has rows of " + cols.cols()
                    + " values, but C·k·k·L = " + shape.channels() + "·" + kernel + "·" + kernel + "·" + w.blocks()
                    + " = " + w.patchSize() * w.blocks() + " for the image " + shape + " (" + w.outH() + "x"
                    + w.outW() + " blocks)");
        }
        return fold(cols, w, Layout.PER_IMAGE, cols.rows());
    }

    /** im2col: every patch of every image, laid out as {@code layout}; its rule is fold. */
    static Tensor unfold(Tensor x, Window w, Layout layout) {
        int n = x.rows();
        int[] taps = w.taps();
        int blocks = w.blocks();
        int size = w.shape().size();
        int imageStride = layout.imageStride(w);
        int rowStride = layout.rowStride(w, n);
        DMatrixRMaj out = layout == Layout.PER_IMAGE ? new DMatrixRMaj(n, w.patchSize() * blocks)
                : new DMatrixRMaj(w.patchSize(), n * blocks);
        double[] src = x.values().data;
        double[] dst = out.data;
        Kernels.get().forEach(n, taps.length, i -> {
            for (int r = 0; r < w.patchSize(); r++) {
                int to = i * imageStride + r * rowStride;
                int from = r * blocks;
                for (int l = 0; l < blocks; l++) {
                    int p = taps[from + l];
                    if (p >= 0) {
                        dst[to + l] = src[i * size + p];
                    }
                }
            }
        });
        return Autograd.op(layout == Layout.PER_IMAGE ? "unfold" : "im2col", out, x, g -> fold(g, w, layout, n));
    }

    /** col2im, the adjoint of unfold: each patch value added to the pixel it was read from; its rule is unfold. */
    static Tensor fold(Tensor cols, Window w, Layout layout, int n) {
        int[] taps = w.taps();
        int blocks = w.blocks();
        int size = w.shape().size();
        int imageStride = layout.imageStride(w);
        int rowStride = layout.rowStride(w, n);
        DMatrixRMaj out = new DMatrixRMaj(n, size);
        double[] src = cols.values().data;
        double[] dst = out.data;
        Kernels.get().forEach(n, taps.length, i -> {
            for (int r = 0; r < w.patchSize(); r++) {
                int from = i * imageStride + r * rowStride;
                int at = r * blocks;
                for (int l = 0; l < blocks; l++) {
                    int p = taps[at + l];
                    if (p >= 0) {
                        dst[i * size + p] += src[from + l];
                    }
                }
            }
        });
        return Autograd.op(layout == Layout.PER_IMAGE ? "fold" : "col2im", out, cols, g -> unfold(g, w, layout));
    }

    static Tensor conv2d(Tensor x, ImageShape shape, Tensor weight, Tensor bias, int stride, int padding,
            int dilation) {
        Objects.requireNonNull(shape, "conv2d: shape");
        Objects.requireNonNull(weight, "conv2d: weight");
        int c = shape.channels();
        int k = (int) Math.round(Math.sqrt((double) weight.cols() / c));
        if (weight.cols() % c != 0 || k * k * c != weight.cols() || k < 1) {
            throw new IllegalArgumentException("conv2d: weight " + Shapes.of(weight) + " must be outC x (C·k·k) "
                    + "with C = " + c + " (image " + shape + "), but its width " + weight.cols() + " is not " + c
                    + "·k·k for any whole k");
        }
        Window w = Window.of("conv2d", shape, k, dilation, padding, stride);
        w.checkImages("conv2d", x);
        int outC = weight.rows();
        if (bias != null && (bias.rows() != 1 || bias.cols() != outC)) {
            throw new IllegalArgumentException("conv2d: bias " + Shapes.of(bias) + " must be 1x" + outC
                    + " (one value per output channel of weight " + Shapes.of(weight) + ")");
        }
        if (weight.dtype() != x.dtype() || (bias != null && bias.dtype() != x.dtype())) {
            // as PyTorch: "Input type (float) and bias type (double) should be the same"
            throw new IllegalArgumentException("conv2d: the input is " + x.dtype() + " but the weight is "
                    + weight.dtype() + (bias == null ? "" : " and the bias " + bias.dtype())
                    + "; all three must have one dtype (convert with to(DType))");
        }
        Tensor y = weight.matmul(unfold(x, w, Layout.PATCH_COLUMNS));
        if (bias != null) {
            y = y.add(bias.t());
        }
        return swapAxes(y, outC, x.rows(), w.blocks());
    }

    /**
     * {@code x}, an {@code a x (b·c)} tensor read as {@code [a, b, c]}, as {@code [b, a, c]}: {@code b x (a·c)}.
     * Its rule swaps back.
     */
    static Tensor swapAxes(Tensor x, int a, int b, int c) {
        DMatrixRMaj out = new DMatrixRMaj(b, a * c);
        double[] xs = x.values().data;
        Kernels.get().forEach(a, (long) b * c, i -> {
            for (int j = 0; j < b; j++) {
                System.arraycopy(xs, (i * b + j) * c, out.data, (j * a + i) * c, c);
            }
        });
        return Autograd.op("swapAxes", out, x, g -> swapAxes(g, b, a, c));
    }

    /**
     * Max pooling as PyTorch's CPU kernel: each window scanned row by row from −∞ with its index at the window's
     * first in-image pixel, a value taken when it is greater or NaN; so ties go to the first, NaN to the last NaN.
     */
    static Tensor maxPool2d(Tensor x, ImageShape shape, int kernel, int stride, int padding) {
        Window w = Window.pooling("maxPool2d", shape, kernel, stride, padding);
        w.checkImages("maxPool2d", x);
        int n = x.rows();
        int[] taps = w.taps();
        int blocks = w.blocks();
        int kk = kernel * kernel;
        int channels = shape.channels();
        int size = shape.size();
        DMatrixRMaj out = new DMatrixRMaj(n, channels * blocks);
        int[][] argmax = new int[n][channels * blocks];
        double[] src = x.values().data;
        Kernels.get().forEach(n, taps.length, i -> {
            for (int c = 0; c < channels; c++) {
                for (int l = 0; l < blocks; l++) {
                    double max = Double.NEGATIVE_INFINITY;
                    int index = -1;
                    for (int t = 0; t < kk; t++) {
                        int p = taps[(c * kk + t) * blocks + l];
                        if (p < 0) {
                            continue;
                        }
                        double v = src[i * size + p];
                        if (index < 0) {
                            index = p;
                        }
                        if (v > max || Double.isNaN(v)) {
                            max = v;
                            index = p;
                        }
                    }
                    out.data[i * channels * blocks + c * blocks + l] = src[i * size + index];
                    argmax[i][c * blocks + l] = index;
                }
            }
        });
        return Autograd.op("maxPool2d", out, x, g -> IndexOps.scatterAdd(g, 1, argmax, n, size));
    }

    /** Average pooling with {@code count_include_pad=True}: every window's sum divided by kernel². */
    static Tensor avgPool2d(Tensor x, ImageShape shape, int kernel, int stride, int padding) {
        Window w = Window.pooling("avgPool2d", shape, kernel, stride, padding);
        w.checkImages("avgPool2d", x);
        return avgPool2d(x, w);
    }

    private static Tensor avgPool2d(Tensor x, Window w) {
        int n = x.rows();
        int[] taps = w.taps();
        int blocks = w.blocks();
        int kk = w.kernel() * w.kernel();
        int channels = w.shape().channels();
        int size = w.shape().size();
        DMatrixRMaj out = new DMatrixRMaj(n, channels * blocks);
        double[] src = x.values().data;
        Kernels.get().forEach(n, taps.length, i -> {
            for (int c = 0; c < channels; c++) {
                for (int l = 0; l < blocks; l++) {
                    double sum = 0;
                    for (int t = 0; t < kk; t++) {
                        int p = taps[(c * kk + t) * blocks + l];
                        if (p >= 0) {
                            sum += src[i * size + p];
                        }
                    }
                    out.data[(i * channels + c) * blocks + l] = sum / kk;
                }
            }
        });
        return Autograd.op("avgPool2d", out, x, g -> avgPool2dBackward(g, w));
    }

    /** The adjoint of avgPool2d: each window's gradient divided by kernel² and added to its pixels. */
    private static Tensor avgPool2dBackward(Tensor g, Window w) {
        int n = g.rows();
        int[] taps = w.taps();
        int blocks = w.blocks();
        int kk = w.kernel() * w.kernel();
        int channels = w.shape().channels();
        int size = w.shape().size();
        DMatrixRMaj out = new DMatrixRMaj(n, size);
        double[] src = g.values().data;
        Kernels.get().forEach(n, taps.length, i -> {
            for (int c = 0; c < channels; c++) {
                for (int l = 0; l < blocks; l++) {
                    double share = src[(i * channels + c) * blocks + l] / kk;
                    for (int t = 0; t < kk; t++) {
                        int p = taps[(c * kk + t) * blocks + l];
                        if (p >= 0) {
                            out.data[i * size + p] += share;
                        }
                    }
                }
            }
        });
        return Autograd.op("avgPool2dBackward", out, g, gg -> avgPool2d(gg, w));
    }
}
