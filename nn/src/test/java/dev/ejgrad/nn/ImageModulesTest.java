package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.GradCheck;
import dev.ejgrad.core.ImageShape;
import dev.ejgrad.core.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The layers on images as rows: PyTorch's option text with the shapes they map, PyTorch's init bounds, their
 * refusals of bad geometry and bad rows (naming the layer and the numbers, changing nothing), and gradient and
 * gradgrad checks through each.
 */
class ImageModulesTest {

    private static final ImageShape MNIST = new ImageShape(1, 28, 28);

    private static void rejects(String message, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
    }

    @Test
    void printShowsPyTorchsOptionsAndEachLayersShapes() {
        Random rng = new Random(1);
        Conv2d c1 = new Conv2d(MNIST, 16, 5, rng);
        MaxPool2d p1 = new MaxPool2d(c1.outputShape(), 2);
        Conv2d c2 = new Conv2d(p1.outputShape(), 32, 3, 2, 1, 2, false, rng);
        BatchNorm2d bn = new BatchNorm2d(c2.outputShape());
        AvgPool2d p2 = new AvgPool2d(bn.outputShape(), 3, 2, 1);
        Sequential model = new Sequential(c1, new ReLU(), p1, c2, bn, p2);
        assertEquals("Sequential(\n"
                + "  (0): Conv2d(1, 16, kernel_size=(5, 5), stride=(1, 1))  1x28x28 -> 16x24x24  weight 16x25, "
                + "bias 1x16: 416 parameters\n"
                + "  (1): ReLU()\n"
                + "  (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)  16x24x24 -> "
                + "16x12x12\n"
                + "  (3): Conv2d(16, 32, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2), "
                + "bias=False)  16x12x12 -> 32x5x5  weight 32x144: 4,608 parameters\n"
                + "  (4): BatchNorm2d(32, eps=1e-05, momentum=0.1)  32x5x5 -> 32x5x5  weight 1x32, bias 1x32: 64 "
                + "parameters\n"
                + "  (5): AvgPool2d(kernel_size=3, stride=2, padding=1)  32x5x5 -> 32x3x3\n"
                + ")  5,088 parameters", model.toString());
    }

    @Test
    void convolutionInitIsPyTorchsUniformBound() {
        Conv2d conv = new Conv2d(new ImageShape(3, 8, 8), 64, 3, new Random(5));
        double bound = 1 / Math.sqrt(27);
        for (Tensor p : new Tensor[] {conv.weight(), conv.bias()}) {
            double max = 0;
            for (double[] row : p.toArray()) {
                for (double v : row) {
                    max = Math.max(max, Math.abs(v));
                }
            }
            assertTrue(max <= bound && max > 0.9 * bound, "max |value| " + max + " vs bound " + bound);
        }
        assertEquals(64, conv.weight().rows());
        assertEquals(27, conv.weight().cols());
    }

    @Test
    void badGeometryAndBadRowsNameTheLayerAndTheNumbers() {
        Random rng = new Random(2);
        rejects("Conv2d: kernel 29 (dilation 1, span 29) does not fit the image 1x28x28 padded by 0 to 28x28: the "
                + "output would be 0x0", () -> new Conv2d(MNIST, 4, 29, rng));
        rejects("Conv2d: out channels must be at least 1, got 0", () -> new Conv2d(MNIST, 0, 3, rng));
        rejects("Conv2d: stride must be at least 1, got -1", () -> new Conv2d(MNIST, 4, 3, -1, 0, 1, true, rng));
        rejects("MaxPool2d: padding 2 must be at most half the kernel 2 (at most 1)",
                () -> new MaxPool2d(MNIST, 2, 2, 2));
        rejects("AvgPool2d: kernel must be at least 1, got 0", () -> new AvgPool2d(MNIST, 0));
        rejects("ImageShape: channels, height and width must be at least 1, got 1x28x-1",
                () -> new ImageShape(1, 28, -1));
        Conv2d conv = new Conv2d(MNIST, 4, 5, rng);
        rejects("Conv2d: input 2x783 has rows of 783 values, but the layer takes images 1x28x28 (784 = C·H·W values "
                + "a row)", () -> conv.forward(Tensor.zeros(2, 783)));
        rejects("MaxPool2d: input 3x10 has rows of 10 values, but the layer takes images 4x24x24 (2304 = C·H·W "
                + "values a row)", () -> new MaxPool2d(conv.outputShape(), 2).forward(Tensor.zeros(3, 10)));
        BatchNorm2d bn = new BatchNorm2d(new ImageShape(2, 1, 1));
        double[] before = bn.runningVar().toArray()[0];
        rejects("BatchNorm2d: expected more than 1 value per channel when training, got input 1x2 of images 2x1x1",
                () -> bn.forward(Tensor.ones(1, 2)));
        rejects("BatchNorm2d: input 4x3 has rows of 3 values, but the layer takes images 2x1x1 (2 = C·H·W values a "
                + "row)", () -> bn.forward(Tensor.ones(4, 3)));
        assertArrayEquals(before, bn.runningVar().toArray()[0]);
        assertEquals(0, bn.numBatchesTracked());
    }

    @Test
    void gradientsThroughEachLayerPassGradCheckAndGradGradCheck() {
        Random rng = new Random(9);
        ImageShape shape = new ImageShape(2, 5, 4);
        Conv2d conv = new Conv2d(shape, 3, 3, 1, 1, 1, true, rng);
        BatchNorm2d bn = new BatchNorm2d(conv.outputShape());
        MaxPool2d max = new MaxPool2d(shape, 2, 1, 1);
        AvgPool2d avg = new AvgPool2d(shape, 3, 2, 1);
        Module[] layers = {conv, bn, max, avg};
        for (Module m : layers) {
            int width = m == bn ? bn.inputShape().size() : shape.size();
            Tensor x = Tensor.randn(3, width, rng).requiresGrad(true);
            GradCheck.assertPasses(xs -> m.forward(xs[0]).tanh(), x);
            GradCheck.assertGradGradPasses(xs -> m.forward(xs[0]).tanh(), x);
        }
        bn.eval();
        Tensor x = Tensor.randn(3, bn.inputShape().size(), rng).requiresGrad(true);
        GradCheck.assertPasses(xs -> bn.forward(xs[0]).tanh(), x);
        GradCheck.assertGradGradPasses(xs -> bn.forward(xs[0]).tanh(), x);
    }
}
