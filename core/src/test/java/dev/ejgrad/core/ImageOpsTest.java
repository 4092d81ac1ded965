package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The image ops' algebra (fold is unfold's adjoint, a convolution is a product with the unfolded patches, a batch is
 * its images one by one) and their refusals of bad geometry, each naming the op, the shapes and the numbers.
 */
class ImageOpsTest {

    private static final Random RNG = new Random(3);
    private static final ImageShape SHAPE = new ImageShape(2, 5, 6);

    private static void rejects(String message, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
    }

    @Test
    void foldIsTheAdjointOfUnfold() {
        int[][] geometries = {{3, 1, 1, 1}, {2, 2, 0, 1}, {3, 1, 2, 2}, {1, 1, 0, 3}, {4, 1, 1, 3}};
        for (int[] g : geometries) {
            Tensor x = Tensor.randn(3, SHAPE.size(), RNG);
            Tensor cols = x.unfold(SHAPE, g[0], g[1], g[2], g[3]);
            Tensor y = Tensor.randn(cols.rows(), cols.cols(), RNG);
            double left = cols.mul(y).sum().item();
            double right = x.mul(y.fold(SHAPE, g[0], g[1], g[2], g[3])).sum().item();
            assertEquals(left, right, 1e-12 * Math.abs(left), "k, d, p, s = " + java.util.Arrays.toString(g));
        }
    }

    @Test
    void aBatchConvolvesAndPoolsAsItsImagesOneByOne() {
        Tensor x = Tensor.randn(4, SHAPE.size(), RNG);
        Tensor w = Tensor.randn(3, 2 * 3 * 3, RNG);
        Tensor b = Tensor.randn(1, 3, RNG);
        Tensor batch = x.conv2d(SHAPE, w, b, 2, 1, 1);
        Tensor pooled = x.maxPool2d(SHAPE, 2, 2, 1);
        Tensor averaged = x.avgPool2d(SHAPE, 3, 1, 1);
        for (int n = 0; n < 4; n++) {
            Tensor one = x.narrow(0, n, 1);
            assertArrayEquals(batch.narrow(0, n, 1).toArray()[0], one.conv2d(SHAPE, w, b, 2, 1, 1).toArray()[0]);
            assertArrayEquals(pooled.narrow(0, n, 1).toArray()[0], one.maxPool2d(SHAPE, 2, 2, 1).toArray()[0]);
            assertArrayEquals(averaged.narrow(0, n, 1).toArray()[0], one.avgPool2d(SHAPE, 3, 1, 1).toArray()[0]);
        }
    }

    @Test
    void aConvolutionIsTheWeightTimesEachPatch() {
        Tensor x = Tensor.randn(2, SHAPE.size(), RNG);
        Tensor w = Tensor.randn(4, 2 * 2 * 2, RNG);
        Tensor y = x.conv2d(SHAPE, w, null, 1, 0, 2);
        // 5x6 with a 2x2 kernel dilated by 2: 3x4 blocks
        Tensor patches = x.unfold(SHAPE, 2, 2, 0, 1);
        for (int n = 0; n < 2; n++) {
            Tensor p = patches.narrow(0, n, 1).reshape(8, 12);
            assertArrayEquals(w.matmul(p).reshape(1, 48).toArray()[0], y.narrow(0, n, 1).toArray()[0], 1e-15);
        }
    }

    @Test
    void badGeometryIsNamedWithItsNumbers() {
        Tensor x = Tensor.zeros(2, SHAPE.size());
        rejects("conv2d: input 2x59 has rows of 59 values, but an image 2x5x6 has 60 (C·H·W)",
                () -> Tensor.zeros(2, 59).conv2d(SHAPE, Tensor.zeros(1, 18), null, 1, 0, 1));
        rejects("conv2d: weight 3x17 must be outC x (C·k·k) with C = 2 (image 2x5x6), but its width 17 is not "
                + "2·k·k for any whole k", () -> x.conv2d(SHAPE, Tensor.zeros(3, 17), null, 1, 0, 1));
        rejects("conv2d: kernel 7 (dilation 1, span 7) does not fit the image 2x5x6 padded by 0 to 5x6: the output "
                + "would be -1x0", () -> x.conv2d(SHAPE, Tensor.zeros(3, 2 * 49), null, 1, 0, 1));
        rejects("conv2d: bias 1x2 must be 1x3 (one value per output channel of weight 3x8)",
                () -> x.conv2d(SHAPE, Tensor.zeros(3, 8), Tensor.zeros(1, 2), 1, 0, 1));
        rejects("conv2d: stride must be at least 1, got 0", () -> x.conv2d(SHAPE, Tensor.zeros(3, 8), null, 0, 0, 1));
        rejects("unfold: padding must be at least 0, got -1", () -> x.unfold(SHAPE, 2, 1, -1, 1));
        rejects("unfold: dilation must be at least 1, got 0", () -> x.unfold(SHAPE, 2, 0, 0, 1));
        rejects("fold: input 2x10 has rows of 10 values, but C·k·k·L = 2·2·2·20 = 160 for the image 2x5x6 (4x5 "
                + "blocks)", () -> Tensor.zeros(2, 10).fold(SHAPE, 2, 1, 0, 1));
        rejects("maxPool2d: padding 2 must be at most half the kernel 3 (at most 1)", () -> x.maxPool2d(SHAPE, 3, 1, 2));
        rejects("avgPool2d: kernel must be at least 1, got 0", () -> x.avgPool2d(SHAPE, 0, 1, 0));
        rejects("ImageShape: channels, height and width must be at least 1, got 1x0x3", () -> new ImageShape(1, 0, 3));
    }

    @Test
    void maxPoolingFollowsPyTorchOnTiesNanAndInfinity() {
        ImageShape one = new ImageShape(1, 2, 2);
        double nan = Double.NaN;
        double inf = Double.POSITIVE_INFINITY;
        // ties: the first maximal pixel; NaN: the last NaN; all −∞: the first pixel
        double[][] rows = {{1, 1, 0, 1}, {nan, 2, nan, 1}, {-inf, -inf, -inf, -inf}, {-0.0, 0.0, -1, inf}};
        double[][] grads = {{1, 0, 0, 0}, {0, 0, 1, 0}, {1, 0, 0, 0}, {0, 0, 0, 1}};
        for (int i = 0; i < rows.length; i++) {
            Tensor x = Tensor.of(1, 4, rows[i]).requiresGrad(true);
            Tensor y = x.maxPool2d(one, 2, 2, 0);
            y.backward(Tensor.scalar(1));
            assertArrayEquals(grads[i], x.grad().toArray()[0], "row " + i);
        }
    }
}
