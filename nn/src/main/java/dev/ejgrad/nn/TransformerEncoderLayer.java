package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.Objects;
import java.util.Random;

/**
 * One layer of a transformer encoder on one sequence, as {@code torch.nn.TransformerEncoderLayer} in its unbatched
 * form (rows are positions): self-attention, then a feed-forward block, each with a residual connection and a
 * {@link LayerNorm}.
 *
 * <pre>
 * SA(x) = dropout1(self_attn(x, x, x, mask))
 * FF(x) = dropout2(linear2(dropout(act(linear1(x)))))          act = ReLU (default) or the exact GELU
 * post-norm (default):  x = norm1(x + SA(x));   x = norm2(x + FF(x))
 * normFirst(true):      x = x + SA(norm1(x));   x = x + FF(norm2(x))
 * </pre>
 *
 * <p>Shape: {@code src} {@code L x dModel}, the mask {@code L x L}; output {@code L x dModel}.
 *
 * <p>Sub-modules and parameters under PyTorch's names, so that PyTorch's state dict loads by name:
 * {@code self_attn} (a {@link MultiheadAttention}: {@code self_attn.in_proj_weight}, {@code self_attn.in_proj_bias},
 * {@code self_attn.out_proj.weight}, {@code self_attn.out_proj.bias}), {@code linear1} ({@code dimFeedforward x
 * dModel}), {@code dropout}, {@code linear2} ({@code dModel x dimFeedforward}), {@code norm1}, {@code norm2},
 * {@code dropout1}, {@code dropout2}. Init, as PyTorch's: each sub-module's own, drawn in that order from the given
 * {@link Random}. One difference: PyTorch's {@code self_attn} also drops attention weights with the same
 * probability in training; ejgrad's {@link MultiheadAttention} has no dropout, so with {@code dropout > 0} the
 * training forward drops the three places above only (eval and {@code dropout = 0} are PyTorch's exactly).
 *
 * <pre>{@code
 * TransformerEncoderLayer layer = new TransformerEncoderLayer(64, 4, 256, 0.1, rng)
 *         .activation(TransformerEncoderLayer.Activation.GELU).normFirst(true);
 * Tensor y = layer.forward(x, Functional.causalMask(x.rows()));
 * }</pre>
 */
public final class TransformerEncoderLayer extends Module {

    private static final String NAME = "TransformerEncoderLayer";

    /** The feed-forward block's activation, as PyTorch's {@code activation} option. */
    public enum Activation {
        /** {@code relu}, PyTorch's default. */
        RELU,
        /** {@code gelu}: the exact form, {@code x·(1 + erf(x/√2))/2}. */
        GELU
    }

    private final int dModel;
    private final MultiheadAttention selfAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private Activation activation = Activation.RELU;
    private boolean normFirst;

    /**
     * A post-norm ReLU layer with {@code layerNormEps} 1e-5, initialised from {@code rng}.
     *
     * @param dModel the model width
     * @param nHead the number of attention heads, which must divide {@code dModel}
     * @param dimFeedforward the width of the feed-forward block's hidden layer
     * @param dropout the dropout probability in training, in {@code [0, 1)}
     * @param rng the source of the initial values and of the dropout masks; advanced
     * @throws IllegalArgumentException if a size is not positive, {@code nHead} does not divide {@code dModel}, or
     *     {@code dropout} is outside {@code [0, 1)}
     */
    public TransformerEncoderLayer(int dModel, int nHead, int dimFeedforward, double dropout, Random rng) {
        Objects.requireNonNull(rng, "rng");
        if (dModel <= 0 || nHead <= 0 || dimFeedforward <= 0) {
            throw new IllegalArgumentException(NAME + ": dModel, nHead and dimFeedforward must be positive, got dModel="
                    + dModel + ", nHead=" + nHead + ", dimFeedforward=" + dimFeedforward);
        }
        if (dModel % nHead != 0) {
            throw new IllegalArgumentException(NAME + ": dModel " + dModel + " is not divisible by nHead " + nHead);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException(NAME + ": dropout must be in [0, 1), got " + dropout);
        }
        this.dModel = dModel;
        this.selfAttn = registerModule("self_attn", new MultiheadAttention(dModel, nHead, rng));
        this.linear1 = registerModule("linear1", new Linear(dModel, dimFeedforward, true, rng));
        this.dropout = registerModule("dropout", new Dropout(dropout, rng));
        this.linear2 = registerModule("linear2", new Linear(dimFeedforward, dModel, true, rng));
        this.norm1 = registerModule("norm1", new LayerNorm(dModel));
        this.norm2 = registerModule("norm2", new LayerNorm(dModel));
        this.dropout1 = registerModule("dropout1", new Dropout(dropout, rng));
        this.dropout2 = registerModule("dropout2", new Dropout(dropout, rng));
    }

    /**
     * Sets the feed-forward block's activation.
     *
     * @param activation {@code RELU} (the default) or {@code GELU}
     * @return this layer
     */
    public TransformerEncoderLayer activation(Activation activation) {
        this.activation = Objects.requireNonNull(activation, "activation");
        return this;
    }

    /**
     * Chooses where the norms sit, as PyTorch's {@code norm_first}.
     *
     * @param normFirst {@code true} to normalise each block's input (pre-norm), {@code false} (the default) to
     *     normalise after each residual sum (post-norm)
     * @return this layer
     */
    public TransformerEncoderLayer normFirst(boolean normFirst) {
        this.normFirst = normFirst;
        return this;
    }

    /**
     * Sets both norms' {@code eps}, as PyTorch's {@code layer_norm_eps}.
     *
     * @param eps finite and at least 0 (default 1e-5)
     * @return this layer
     * @throws IllegalArgumentException if {@code eps} is negative or not finite
     */
    public TransformerEncoderLayer layerNormEps(double eps) {
        norm1.eps(eps);
        norm2.eps(eps);
        return this;
    }

    /** {@return the feed-forward block's activation} */
    public Activation activation() {
        return activation;
    }

    /** {@return whether the norms come before each block} */
    public boolean normFirst() {
        return normFirst;
    }

    /** {@return the model width} */
    public int dModel() {
        return dModel;
    }

    /**
     * The layer without a mask.
     *
     * @param src {@code L x dModel}; not modified
     * @return {@code L x dModel}
     * @throws IllegalArgumentException if {@code src} is not {@code dModel} wide
     */
    @Override
    public Tensor forward(Tensor src) {
        return forward(src, null);
    }

    /**
     * The layer with an additive attention mask, as {@code MultiheadAttention}'s float {@code attn_mask}.
     *
     * @param src {@code L x dModel}; not modified
     * @param srcMask {@code null}, or {@code L x L} of finite values and {@code -Infinity} (blocked), e.g.
     *     {@link Functional#causalMask(int)}; not modified
     * @return {@code L x dModel}
     * @throws IllegalArgumentException if {@code src} is not {@code dModel} wide or the mask is not {@code L x L}
     *     or holds NaN or {@code +Infinity}
     */
    public Tensor forward(Tensor src, Tensor srcMask) {
        check(NAME, src, srcMask, dModel);
        Tensor x = src;
        if (normFirst) {
            x = x.add(selfAttention(norm1.forward(x), srcMask));
            return x.add(feedForward(norm2.forward(x)));
        }
        x = norm1.forward(x.add(selfAttention(x, srcMask)));
        return norm2.forward(x.add(feedForward(x)));
    }

    /** The shape checks of a layer's and an encoder's input, named after the caller. */
    static void check(String name, Tensor src, Tensor mask, int dModel) {
        Objects.requireNonNull(src, "src");
        if (src.cols() != dModel) {
            throw new IllegalArgumentException(name + ": src " + src.rows() + "x" + src.cols() + " must be L x dModel"
                    + " = L x " + dModel);
        }
        Functional.checkMask(name, mask, src.rows(), src.rows());
    }

    private Tensor selfAttention(Tensor x, Tensor mask) {
        return dropout1.forward(selfAttn.forward(x, x, x, mask));
    }

    private Tensor feedForward(Tensor x) {
        Tensor hidden = linear1.forward(x);
        hidden = activation == Activation.RELU ? hidden.relu() : hidden.gelu();
        return dropout2.forward(linear2.forward(dropout.forward(hidden)));
    }
}
