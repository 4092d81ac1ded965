package dev.ejgrad.nn;

import dev.ejgrad.core.ImageShape;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.core.TorchShape;
import java.util.Objects;
import java.util.Random;

/**
 * A 2-D convolution over a batch of images as rows, as {@code torch.nn.Conv2d}:
 * {@code out[n, o] = bias[o] + Σ_c weight[o, c] ⋆ x[n, c]} (cross-correlation), computed as one matrix product of
 * the weight with the patches of the whole batch ({@link Tensor#conv2d}).
 *
 * <p>Shape: input {@code N x (C·H·W)} (one image a row, NCHW order; see {@link ImageShape}), output
 * {@code N x (outC·outH·outW)}, each side {@code floor((H + 2·padding − dilation·(k − 1) − 1) / stride) + 1};
 * weight {@code outC x (C·k·k)} (PyTorch's 4-D {@code [outC, C, k, k]}, {@code reshape(outC, -1)}), bias
 * {@code 1 x outC}; saved in PyTorch's shapes, {@code [outC, C, k, k]} and {@code [outC]}, so that
 * {@code torch.nn.Conv2d.load_state_dict} takes the file as it is.
 *
 * <p>Init, as PyTorch's: weight Kaiming-uniform with {@code a = √5}, so uniform in {@code ±1/√(C·k·k)}, then bias
 * uniform in {@code ±1/√(C·k·k)}, drawn from the given {@link Random}.
 *
 * <pre>{@code
 * Conv2d conv = new Conv2d(new ImageShape(1, 28, 28), 16, 5, rng);   // 1x28x28 -> 16x24x24
 * }</pre>
 */
public final class Conv2d extends ImageLayer {

    private final int dilation;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * A convolution with stride 1, no padding, no dilation and a bias.
     *
     * @param input the geometry of an input image
     * @param outChannels the output channels, at least 1
     * @param kernel the kernel's side, at least 1
     * @param rng the source of the initial values; advanced
     * @throws IllegalArgumentException if a size is out of range or the kernel does not fit the image
     */
    public Conv2d(ImageShape input, int outChannels, int kernel, Random rng) {
        this(input, outChannels, kernel, 1, 0, 1, true, rng);
    }

    /**
     * A convolution.
     *
     * @param input the geometry of an input image
     * @param outChannels the output channels, at least 1
     * @param kernel the kernel's side, at least 1
     * @param stride the step between patches, at least 1
     * @param padding zeros added on every side, at least 0
     * @param dilation the spacing of the kernel's pixels, at least 1
     * @param bias whether the layer has a bias
     * @param rng the source of the initial values; advanced
     * @throws IllegalArgumentException if a size is out of range or the kernel does not fit the padded image
     */
    public Conv2d(ImageShape input, int outChannels, int kernel, int stride, int padding, int dilation, boolean bias,
            Random rng) {
        super(input, named("Conv2d", () -> Objects.requireNonNull(input, "input").convolved(outChannels, kernel,
                stride, padding, dilation)), kernel, stride, padding);
        Objects.requireNonNull(rng, "rng");
        this.dilation = dilation;
        int fanIn = input.channels() * kernel * kernel;
        this.weight = registerParameter("weight", Init.kaimingUniform(Tensor.zeros(outChannels, fanIn)
                .requiresGrad(true), Math.sqrt(5), Init.FanMode.FAN_IN, Init.Nonlinearity.LEAKY_RELU, rng),
                TorchShape.of(outChannels, input.channels(), kernel, kernel));
        double bound = 1 / Math.sqrt(fanIn);
        this.bias = bias ? registerParameter("bias", Init.uniform(Tensor.zeros(1, outChannels).requiresGrad(true),
                -bound, bound, rng), TorchShape.of(outChannels)) : null;
    }

    /** {@return the weight parameter itself, {@code outC x (C·k·k)}} */
    public Tensor weight() {
        return weight;
    }

    /** {@return the bias parameter itself, {@code 1 x outC}, or {@code null}} */
    public Tensor bias() {
        return bias;
    }

    /** {@return the spacing of the kernel's pixels} */
    public int dilation() {
        return dilation;
    }

    /**
     * Convolves each image of the batch.
     *
     * @param input {@code N x (C·H·W)}; not modified
     * @return {@code N x (outC·outH·outW)}
     * @throws IllegalArgumentException if a row is not {@code C·H·W} long
     */
    @Override
    public Tensor forward(Tensor input) {
        return checkImages(input).conv2d(inputShape(), weight, bias, stride(), padding(), dilation);
    }

    @Override
    protected String extraRepr() {
        String pair = "(" + kernel() + ", " + kernel() + ")";
        return inputShape().channels() + ", " + outputShape().channels() + ", kernel_size=" + pair + ", stride=("
                + stride() + ", " + stride() + ")"
                + (padding() != 0 ? ", padding=(" + padding() + ", " + padding() + ")" : "")
                + (dilation != 1 ? ", dilation=(" + dilation + ", " + dilation + ")" : "")
                + (bias == null ? ", bias=False" : "");
    }
}
