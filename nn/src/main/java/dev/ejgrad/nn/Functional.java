package dev.ejgrad.nn;

import dev.ejgrad.core.ImageShape;
import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.loss.BCELoss;
import dev.ejgrad.nn.loss.BCEWithLogitsLoss;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.nn.loss.KLDivLoss;
import dev.ejgrad.nn.loss.MSELoss;
import dev.ejgrad.nn.loss.NLLLoss;
import java.util.Objects;
import java.util.Random;

/**
 * Layers and losses as plain functions, with PyTorch's default options: the counterpart of
 * {@code torch.nn.functional}. For other options use the loss classes of {@code dev.ejgrad.nn.loss}.
 */
public final class Functional {

    private Functional() {
    }

    /**
     * {@code x · weightᵀ + bias}, as {@code torch.nn.functional.linear}.
     *
     * @param x {@code N x in}
     * @param weight {@code out x in}
     * @param bias {@code 1 x out}, or {@code null}
     * @return {@code N x out}
     * @throws IllegalArgumentException if the widths do not agree
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(weight, "weight");
        if (x.cols() != weight.cols()) {
            throw new IllegalArgumentException("Linear: input of shape " + Shapes.of(x) + " has " + x.cols()
                    + " features, but the layer takes " + weight.cols() + " (weight " + Shapes.of(weight) + ")");
        }
        Tensor y = x.matmulT(weight);
        return bias == null ? y : y.add(bias);
    }

    /**
     * Returns {@code max(x, 0)}.
     *
     * @param x any shape
     * @return {@code max(x, 0)}
     */
    public static Tensor relu(Tensor x) {
        return Objects.requireNonNull(x, "x").relu();
    }

    /**
     * Returns {@code 1 / (1 + e^-x)}.
     *
     * @param x any shape
     * @return {@code 1 / (1 + e^-x)}
     */
    public static Tensor sigmoid(Tensor x) {
        return Objects.requireNonNull(x, "x").sigmoid();
    }

    /**
     * Returns the softmax along {@code dim}.
     *
     * @param x any shape
     * @param dim 1 per row, 0 per column
     * @return the softmax along {@code dim}
     */
    public static Tensor softmax(Tensor x, int dim) {
        return Objects.requireNonNull(x, "x").softmax(dim);
    }

    /**
     * Returns the log-softmax along {@code dim}.
     *
     * @param x any shape
     * @param dim 1 per row, 0 per column
     * @return the log-softmax along {@code dim}
     */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return Objects.requireNonNull(x, "x").logSoftmax(dim);
    }

    /**
     * Returns the mean cross-entropy, 1x1.
     *
     * @param logits {@code N x C}
     * @param targets N class indices
     * @return the mean cross-entropy, 1x1
     * @see CrossEntropyLoss
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets) {
        return new CrossEntropyLoss().forward(named(logits, "logits"), named(targets, "targets"));
    }

    /**
     * Returns the mean cross-entropy over rows, 1x1.
     *
     * @param logits {@code N x C}
     * @param probabilities {@code N x C} class probabilities
     * @return the mean cross-entropy over rows, 1x1
     * @see CrossEntropyLoss
     */
    public static Tensor crossEntropy(Tensor logits, Tensor probabilities) {
        return new CrossEntropyLoss().forward(named(logits, "logits"), named(probabilities, "probabilities"));
    }

    /**
     * Returns the mean negative log-likelihood, 1x1.
     *
     * @param logProbs {@code N x C} log-probabilities
     * @param targets N class indices
     * @return the mean negative log-likelihood, 1x1
     * @see NLLLoss
     */
    public static Tensor nllLoss(Tensor logProbs, int[] targets) {
        return new NLLLoss().forward(named(logProbs, "logProbs"), named(targets, "targets"));
    }

    /**
     * Returns the mean binary cross-entropy, 1x1.
     *
     * @param probs {@code N x C} probabilities
     * @param targets {@code N x C} in [0, 1]
     * @return the mean binary cross-entropy, 1x1
     * @see BCELoss
     */
    public static Tensor binaryCrossEntropy(Tensor probs, Tensor targets) {
        return new BCELoss().forward(named(probs, "probs"), named(targets, "targets"));
    }

    /**
     * Returns the mean binary cross-entropy on logits, 1x1.
     *
     * @param logits {@code N x C}
     * @param targets {@code N x C} in [0, 1]
     * @return the mean binary cross-entropy on logits, 1x1
     * @see BCEWithLogitsLoss
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets) {
        return new BCEWithLogitsLoss().forward(named(logits, "logits"), named(targets, "targets"));
    }

    /**
     * Returns the mean squared error, 1x1.
     *
     * @param input {@code N x C}
     * @param target {@code N x C}
     * @return the mean squared error, 1x1
     * @see MSELoss
     */
    public static Tensor mseLoss(Tensor input, Tensor target) {
        return new MSELoss().forward(named(input, "input"), named(target, "target"));
    }

    /**
     * Returns the KL divergence with PyTorch's default MEAN reduction (divided by N·C), 1x1.
     *
     * @param logProbs {@code N x C} log-probabilities
     * @param target {@code N x C} probabilities
     * @return the KL divergence with PyTorch's default MEAN reduction (divided by N·C), 1x1
     * @see KLDivLoss
     */
    public static Tensor klDiv(Tensor logProbs, Tensor target) {
        return new KLDivLoss().forward(named(logProbs, "logProbs"), named(target, "target"));
    }

    /**
     * Scaled dot-product attention over one sequence, {@code softmax(q·kᵀ/√D + attnMask)·v}, as
     * {@code torch.nn.functional.scaled_dot_product_attention} (PyTorch 2.0) with its defaults (no dropout, not
     * causal, scale {@code 1/√D}) in its unbatched form: rows are positions.
     *
     * <p>{@code attnMask} is PyTorch's float {@code attn_mask}: added to the scores before the softmax, so
     * {@code -Infinity} keeps a query from attending to a key and finite values bias the scores.
     * {@link #causalMask(int)} gives the causal one. A query row whose keys are all blocked has no softmax: its
     * output row is NaN, as in PyTorch (its gradients are NaN too).
     *
     * <p>Shape: query {@code L x D}, key {@code S x D}, value {@code S x Dv}, attnMask {@code L x S}; output
     * {@code L x Dv}.
     *
     * @param query the queries, {@code L x D}; not modified
     * @param key the keys, {@code S x D}; not modified
     * @param value the values, {@code S x Dv}; not modified
     * @param attnMask {@code null}, or an additive mask {@code L x S} of finite values and {@code -Infinity};
     *     not modified
     * @return the attended values, {@code L x Dv}
     * @throws IllegalArgumentException if the widths of query and key differ, key and value have different
     *     lengths, the mask is not {@code L x S}, or the mask holds NaN or {@code +Infinity}
     */
    public static Tensor scaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor attnMask) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        String op = "scaledDotProductAttention";
        if (query.cols() != key.cols()) {
            throw new IllegalArgumentException(op + ": query " + Shapes.of(query) + " and key " + Shapes.of(key)
                    + " must have the same width D");
        }
        if (key.rows() != value.rows()) {
            throw new IllegalArgumentException(op + ": key " + Shapes.of(key) + " and value " + Shapes.of(value)
                    + " must have the same length S");
        }
        checkMask(op, attnMask, query.rows(), key.rows());
        return attention(query, key, value, attnMask);
    }

    /**
     * The additive causal mask of a sequence: {@code 0} on and below the diagonal, {@code -Infinity} above it, so
     * that position {@code i} attends to positions {@code 0..i} only; as
     * {@code torch.nn.Transformer.generate_square_subsequent_mask}.
     *
     * <p>Shape: {@code length x length}.
     *
     * @param length the sequence length L (0 gives an empty mask)
     * @return the mask, a constant {@code L x L} tensor
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static Tensor causalMask(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("causalMask: length must be non-negative, got " + length);
        }
        double[] v = new double[length * length];
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j < length; j++) {
                v[i * length + j] = Double.NEGATIVE_INFINITY;
            }
        }
        return Tensor.of(length, length, v);
    }

    /** {@code softmax(q·kᵀ/√D + mask)·v} on checked shapes; q is scaled first, as PyTorch's attention. */
    static Tensor attention(Tensor q, Tensor k, Tensor v, Tensor mask) {
        Tensor scores = q.div(Math.sqrt(q.cols())).matmulT(k);
        if (mask != null) {
            scores = scores.add(mask.to(scores.dtype()));   // a mask is a constant: it takes the scores' dtype
        }
        return scores.softmax(1).matmul(v);
    }

    /** An attention mask: {@code null}, or {@code L x S} of finite values and {@code -Infinity}. */
    static void checkMask(String op, Tensor mask, int l, int s) {
        if (mask == null) {
            return;
        }
        if (mask.rows() != l || mask.cols() != s) {
            throw new IllegalArgumentException(op + ": attnMask must be " + Shapes.of(l, s) + " (query length x key "
                    + "length), got " + Shapes.of(mask));
        }
        for (int i = 0; i < l; i++) {
            for (int j = 0; j < s; j++) {
                double m = mask.get(i, j);
                if (Double.isNaN(m) || m == Double.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException(op + ": attnMask holds " + m + " at (" + i + ", " + j
                            + "); an additive mask holds finite values and -Infinity (blocked)");
                }
            }
        }
    }


    /**
     * The exact GELU, {@code x·(1 + erf(x/√2))/2}, as {@code torch.nn.functional.gelu}.
     *
     * @param x any shape
     * @return a tensor of the shape of {@code x}
     * @see GELU
     */
    public static Tensor gelu(Tensor x) {
        return gelu(x, GELU.Approximation.NONE);
    }

    /**
     * GELU in the given form, as {@code torch.nn.functional.gelu(x, approximate=...)}.
     *
     * @param x any shape
     * @param approximation {@link GELU.Approximation#NONE} (erf) or {@link GELU.Approximation#TANH}
     * @return a tensor of the shape of {@code x}
     * @see GELU
     */
    public static Tensor gelu(Tensor x, GELU.Approximation approximation) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(approximation, "approximation");
        return approximation == GELU.Approximation.TANH ? x.geluTanh() : x.gelu();
    }

    /**
     * Returns {@code x > 0 ? x : negativeSlope·x}, as {@code torch.nn.functional.leaky_relu}.
     *
     * @param x any shape
     * @param negativeSlope the slope for {@code x <= 0} (PyTorch's default 0.01)
     * @return a tensor of the shape of {@code x}
     * @throws IllegalArgumentException if the slope is NaN
     * @see LeakyReLU
     */
    public static Tensor leakyRelu(Tensor x, double negativeSlope) {
        return Objects.requireNonNull(x, "x").leakyRelu(negativeSlope);
    }

    /**
     * Returns {@code x > 0 ? x : α·(e^x - 1)}, as {@code torch.nn.functional.elu}.
     *
     * @param x any shape
     * @param alpha α (PyTorch's default 1)
     * @return a tensor of the shape of {@code x}
     * @throws IllegalArgumentException if alpha is NaN
     * @see ELU
     */
    public static Tensor elu(Tensor x, double alpha) {
        return Objects.requireNonNull(x, "x").elu(alpha);
    }

    /**
     * Returns {@code x·σ(x)}, as {@code torch.nn.functional.silu}.
     *
     * @param x any shape
     * @return a tensor of the shape of {@code x}
     * @see SiLU
     */
    public static Tensor silu(Tensor x) {
        return Objects.requireNonNull(x, "x").silu();
    }

    /**
     * Returns {@code log(1 + e^(βx))/β}, or {@code x} where {@code βx > threshold}, as
     * {@code torch.nn.functional.softplus}.
     *
     * @param x any shape
     * @param beta β, positive (PyTorch's default 1)
     * @param threshold where the result becomes {@code x} (PyTorch's default 20)
     * @return a tensor of the shape of {@code x}
     * @throws IllegalArgumentException if beta is not positive or the threshold is NaN
     * @see Softplus
     */
    public static Tensor softplus(Tensor x, double beta, double threshold) {
        return Objects.requireNonNull(x, "x").softplus(beta, threshold);
    }

    /**
     * Returns {@code x} clamped to {@code [minVal, maxVal]}, with no gradient at the bounds, as
     * {@code torch.nn.functional.hardtanh}.
     *
     * @param x any shape
     * @param minVal the lower bound (PyTorch's default -1)
     * @param maxVal the upper bound (PyTorch's default 1)
     * @return a tensor of the shape of {@code x}
     * @throws IllegalArgumentException if {@code minVal > maxVal} or a bound is NaN
     * @see Hardtanh
     */
    public static Tensor hardtanh(Tensor x, double minVal, double maxVal) {
        return Objects.requireNonNull(x, "x").hardtanh(minVal, maxVal);
    }

    /**
     * Inverted dropout in training form, as {@code torch.nn.functional.dropout(x, p, training=True)}: each element is
     * kept with probability {@code 1 - p} and scaled by {@code 1/(1 - p)}, or zeroed; {@code p = 1} gives zeros
     * (NaN stays NaN, as PyTorch's multiply). The mask is drawn row by row, one {@link Random#nextDouble()} per
     * element (kept where it is at least {@code p}). For the identity in eval use the {@link Dropout} module.
     *
     * @param x any shape
     * @param p the probability of zeroing an element, in {@code [0, 1]}
     * @param rng the source of the mask; advanced by {@code x.numel()} draws
     * @return a tensor of the shape of {@code x}
     * @throws IllegalArgumentException if {@code p} is not in {@code [0, 1]}
     * @see Dropout
     */
    public static Tensor dropout(Tensor x, double p, Random rng) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(rng, "rng");
        Dropout.checkP(p);
        double scale = p == 1 ? 0 : 1 / (1 - p);
        double[] mask = new double[x.numel()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = rng.nextDouble() >= p ? scale : 0;
        }
        return x.mul(Tensor.of(x.rows(), x.cols(), mask).to(x.dtype()));
    }

    /** The argument itself, or a NullPointerException naming this function's parameter rather than the loss's. */
    private static <T> T named(T value, String parameter) {
        return Objects.requireNonNull(value, parameter);
    }

    /**
     * Every patch of every image, as {@code torch.nn.functional.unfold} (im2col); see {@link Tensor#unfold}.
     *
     * @param input {@code N x (C·H·W)}, one image a row
     * @param shape the geometry of an image
     * @param kernel the patch side, at least 1
     * @param dilation the spacing of a patch's pixels, at least 1
     * @param padding zeros added on every side, at least 0
     * @param stride the step between patches, at least 1
     * @return {@code N x (C·k·k·L)}, PyTorch's {@code N x (C·k·k) x L} flattened row-major
     * @throws IllegalArgumentException if a row is not {@code shape.size()} long, a size is out of range or the
     *     patches do not fit the padded image
     */
    public static Tensor unfold(Tensor input, ImageShape shape, int kernel, int dilation, int padding, int stride) {
        return Objects.requireNonNull(input, "input").unfold(shape, kernel, dilation, padding, stride);
    }

    /**
     * Patches added back into images, as {@code torch.nn.functional.fold} (col2im), the adjoint of
     * {@link #unfold}; see {@link Tensor#fold}.
     *
     * @param cols {@code N x (C·k·k·L)}, as {@link #unfold} returns
     * @param output the geometry of the images made
     * @param kernel the patch side, at least 1
     * @param dilation the spacing of a patch's pixels, at least 1
     * @param padding the padding the patches were taken with, at least 0
     * @param stride the step between patches, at least 1
     * @return {@code N x (C·H·W)}
     * @throws IllegalArgumentException if a row is not {@code C·k·k·L} long, a size is out of range or the patches
     *     do not fit the padded image
     */
    public static Tensor fold(Tensor cols, ImageShape output, int kernel, int dilation, int padding, int stride) {
        return Objects.requireNonNull(cols, "cols").fold(output, kernel, dilation, padding, stride);
    }

    /**
     * A 2-D convolution, as {@code torch.nn.functional.conv2d}; see {@link Tensor#conv2d}.
     *
     * @param input {@code N x (C·H·W)}, one image a row
     * @param shape the geometry of an image
     * @param weight {@code outC x (C·k·k)}, PyTorch's {@code weight.reshape(outC, -1)}
     * @param bias {@code 1 x outC}, or {@code null}
     * @param stride the step between patches, at least 1
     * @param padding zeros added on every side, at least 0
     * @param dilation the spacing of the kernel's pixels, at least 1
     * @return {@code N x (outC·outH·outW)}
     * @throws IllegalArgumentException if a row is not {@code shape.size()} long, the weight's width is not
     *     {@code C·k·k}, the bias is not {@code 1 x outC}, a size is out of range or the kernel does not fit
     */
    public static Tensor conv2d(Tensor input, ImageShape shape, Tensor weight, Tensor bias, int stride, int padding,
            int dilation) {
        return Objects.requireNonNull(input, "input").conv2d(shape, weight, bias, stride, padding, dilation);
    }

    /**
     * Max pooling, as {@code torch.nn.functional.max_pool2d} (padding −∞); see {@link Tensor#maxPool2d}.
     *
     * @param input {@code N x (C·H·W)}, one image a row
     * @param shape the geometry of an image
     * @param kernel the window side, at least 1
     * @param stride the step between windows, at least 1
     * @param padding at least 0 and at most {@code kernel / 2}
     * @return {@code N x (C·outH·outW)}
     * @throws IllegalArgumentException if a row is not {@code shape.size()} long or a size is out of range
     */
    public static Tensor maxPool2d(Tensor input, ImageShape shape, int kernel, int stride, int padding) {
        return Objects.requireNonNull(input, "input").maxPool2d(shape, kernel, stride, padding);
    }

    /**
     * Average pooling, as {@code torch.nn.functional.avg_pool2d} with {@code count_include_pad=True}; see
     * {@link Tensor#avgPool2d}.
     *
     * @param input {@code N x (C·H·W)}, one image a row
     * @param shape the geometry of an image
     * @param kernel the window side, at least 1
     * @param stride the step between windows, at least 1
     * @param padding at least 0 and at most {@code kernel / 2}
     * @return {@code N x (C·outH·outW)}
     * @throws IllegalArgumentException if a row is not {@code shape.size()} long or a size is out of range
     */
    public static Tensor avgPool2d(Tensor input, ImageShape shape, int kernel, int stride, int padding) {
        return Objects.requireNonNull(input, "input").avgPool2d(shape, kernel, stride, padding);
    }
}
