package dev.ejgrad.examples;

import dev.ejgrad.core.ImageShape;
import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.examples.data.Mnist;
import dev.ejgrad.nn.Conv2d;
import dev.ejgrad.nn.Functional;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.Sequential;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Lesson: a convolution is a {@code Linear} layer applied to every patch of the image, with one weight shared by all
 * patches.
 *
 * <ul>
 *   <li>{@code Conv2d(1, 16, 5)} on MNIST digits equals, to the last bit, {@code unfold} (every 5x5 patch as a row)
 *       followed by a {@code Linear(25, 16)} holding the same weight and bias: each output value is the same sum of
 *       the same products in the same order.</li>
 *   <li>Sharing is what makes it small: the convolution has 16·25 + 16 = 416 parameters; a dense layer with the same
 *       inputs (784 pixels) and outputs (16 maps of 24x24) has 784·9,216 + 9,216 = 7,234,560.</li>
 *   <li>The 16 filters of the first layer of the {@code mnist --model cnn} network, trained on the shipped subset,
 *       drawn as 5x5 pictures: blue where a filter weighs a pixel negatively, red where positively.</li>
 * </ul>
 */
@Command(name = "conv-as-matmul", mixinStandardHelpOptions = true,
        description = "A convolution is a Linear layer on every unfolded patch, with shared weights: the same bits, "
                + "a parameter count against a dense layer, and a picture of learned first-layer filters.")
final class ConvAsMatmul implements Callable<Integer> {

    static final ImageShape DIGIT = new ImageShape(1, 28, 28);
    static final int KERNEL = 5;
    static final int FILTERS = 16;

    @Option(names = "--out", defaultValue = "target/ejgrad-lessons", paramLabel = "DIR",
            description = "Where to write the picture of the filters (default: ${DEFAULT-VALUE}).")
    Path out;

    /** The lesson's findings. */
    record Result(int images, int valuesCompared, int valuesDifferent, double maxAbsDifference, long convParameters,
            long denseParameters, double accuracy, Tensor filters, Path picture) {
    }

    /**
     * Runs the lesson: the comparison on the first test images with a freshly initialised layer, then the filters of
     * a CNN trained for {@code epochs} on the shipped subset, drawn into {@code out}.
     */
    static Result compute(int epochs, Path out) throws IOException {
        Mnist mnist = Mnist.embedded();
        int n = 8;
        Tensor x = mnist.testBatch(0, n);
        Conv2d conv = new Conv2d(DIGIT, FILTERS, KERNEL, new Random(3));
        Linear perPatch = new Linear(conv.weight(), conv.bias());
        int different = 0;
        double maxDiff = 0;
        int compared = 0;
        try (NoGrad scope = NoGrad.enter()) {
            Tensor y = conv.forward(x);
            Tensor patches = Functional.unfold(x, DIGIT, KERNEL, 1, 0, 1);
            int blocks = conv.outputShape().height() * conv.outputShape().width();
            int patchSize = KERNEL * KERNEL;
            for (int i = 0; i < n; i++) {
                // image i's 25 x 576 patch matrix, one row per patch after the transpose
                Tensor rows = patches.narrow(0, i, 1).reshape(patchSize, blocks).t();
                Tensor byLinear = perPatch.forward(rows).t().reshape(1, FILTERS * blocks);
                for (int j = 0; j < byLinear.cols(); j++) {
                    double a = y.get(i, j);
                    double b = byLinear.get(0, j);
                    compared++;
                    if (Double.doubleToRawLongBits(a) != Double.doubleToRawLongBits(b)) {
                        different++;
                        maxDiff = Math.max(maxDiff, Math.abs(a - b));
                    }
                }
            }
        }
        long convParams = conv.weight().numel() + conv.bias().numel();
        long outputs = (long) conv.outputShape().size();
        long denseParams = DIGIT.size() * outputs + outputs;

        MnistTraining.Settings s = new MnistTraining.Settings();
        s.model = MnistTraining.ModelKind.CNN;
        s.batchSize = 32;
        s.epochs = epochs;
        s.out = out.resolve("conv-as-matmul-cnn");
        s.dataSet = "MNIST, shipped subset";
        MnistTraining.Result trained = MnistTraining.run(mnist, s, (e, total, loss, accuracy, speed) -> { });
        Tensor filters = ((Conv2d) ((Sequential) trained.model).get(0)).weight().detach();
        Files.createDirectories(out);
        Path picture = out.resolve("conv-filters.png");
        ImageIO.write(draw(filters, 4, 24), "png", picture.toFile());
        return new Result(n, compared, different, maxDiff, convParams, denseParams,
                trained.accuracies.get(trained.accuracies.size() - 1), filters, picture);
    }

    /**
     * The filters ({@code F x 25}, a row each) as a grid of {@code columns} across, each 5x5 weight a square of
     * {@code cell} pixels: white at 0, blue to red up to the largest |weight| of that filter.
     */
    static BufferedImage draw(Tensor filters, int columns, int cell) {
        int k = (int) Math.round(Math.sqrt(filters.cols()));
        int gap = cell / 2;
        int rows = (filters.rows() + columns - 1) / columns;
        int side = k * cell;
        BufferedImage img = new BufferedImage(columns * (side + gap) + gap, rows * (side + gap) + gap,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(0xe8, 0xe8, 0xe8));
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int f = 0; f < filters.rows(); f++) {
            double scale = 0;
            for (int j = 0; j < filters.cols(); j++) {
                scale = Math.max(scale, Math.abs(filters.get(f, j)));
            }
            int x0 = gap + (f % columns) * (side + gap);
            int y0 = gap + (f / columns) * (side + gap);
            for (int j = 0; j < filters.cols(); j++) {
                g.setColor(diverging(scale == 0 ? 0 : filters.get(f, j) / scale));
                g.fillRect(x0 + (j % k) * cell, y0 + (j / k) * cell, cell, cell);
            }
        }
        g.dispose();
        return img;
    }

    /** White at 0, blue at -1, red at +1. */
    private static Color diverging(double t) {
        double a = Math.min(1, Math.abs(t));
        int fade = (int) Math.round(255 * (1 - a));
        return t < 0 ? new Color(fade, fade, 255) : new Color(255, fade, fade);
    }

    static String report(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("A convolution is a Linear layer on every unfolded patch\n\n");
        sb.append(String.format("Conv2d(1, %d, kernel_size=(%d, %d)) on %d test digits 1x28x28, against unfold (each "
                + "5x5 patch a row)%nthen Linear(25, %d) with the same weight and bias: %,d values compared, %d "
                + "differ (largest difference %s).%n%n", FILTERS, KERNEL, KERNEL, r.images(), FILTERS,
                r.valuesCompared(), r.valuesDifferent(), r.maxAbsDifference()));
        sb.append(String.format("Parameters, 784 pixels in, 16 maps of 24x24 = 9,216 values out:%n"
                + "  Conv2d(1, 16, 5):       %,12d  (16 filters of 25 weights, 16 biases)%n"
                + "  Linear(784, 9216):      %,12d  (a weight per input and output, a bias per output)%n"
                + "  dense / conv:           %,12.0fx%n%n", r.convParameters(), r.denseParameters(),
                (double) r.denseParameters() / r.convParameters()));
        sb.append(String.format("The first layer of mnist --model cnn, trained on the shipped subset (test accuracy "
                + "%.2f%%):%n  its 16 filters, 5x5 each, in %s%n", 100 * r.accuracy(), r.picture()));
        return sb.toString();
    }

    @Override
    public Integer call() throws IOException {
        System.out.print(report(compute(5, out)));
        return 0;
    }
}
