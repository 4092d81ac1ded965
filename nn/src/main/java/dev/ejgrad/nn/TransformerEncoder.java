package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A stack of {@link TransformerEncoderLayer}s on one sequence, as {@code torch.nn.TransformerEncoder}: the layers
 * in order, each with the same mask, then an optional final {@link LayerNorm}.
 *
 * <p>Shape: {@code src} {@code L x dModel}, the mask {@code L x L}; output {@code L x dModel}.
 *
 * <p>Parameters under PyTorch's names: {@code layers.{i}.…} (each layer's own, e.g.
 * {@code layers.0.self_attn.in_proj_weight}) and, with a final norm, {@code norm.weight} and {@code norm.bias}.
 * PyTorch deep-copies one layer, so its layers start equal; here the supplier makes each layer afresh (with its own
 * draws), which is what a PyTorch user gets after re-initialising them. A PyTorch state dict loads by name either
 * way.
 *
 * <pre>{@code
 * Random rng = new Random(0);
 * TransformerEncoder encoder = new TransformerEncoder(
 *         () -> new TransformerEncoderLayer(64, 4, 256, 0.1, rng).normFirst(true), 6).norm(new LayerNorm(64));
 * Tensor y = encoder.forward(x, Functional.causalMask(x.rows()));
 * }</pre>
 */
public final class TransformerEncoder extends Module {

    private static final String NAME = "TransformerEncoder";

    private final Sequential layers;
    private final int dModel;
    private LayerNorm norm;

    /**
     * A stack of {@code numLayers} layers, each made by {@code layer}.
     *
     * @param layer makes one layer; called {@code numLayers} times, and must return a new layer each time, all of
     *     one {@code dModel}
     * @param numLayers the number of layers, at least 1
     * @throws IllegalArgumentException if {@code numLayers} is below 1, the supplier returns a layer twice, or the
     *     layers differ in width
     */
    public TransformerEncoder(Supplier<TransformerEncoderLayer> layer, int numLayers) {
        Objects.requireNonNull(layer, "layer");
        if (numLayers < 1) {
            throw new IllegalArgumentException(NAME + ": numLayers must be at least 1, got " + numLayers);
        }
        Module[] made = new Module[numLayers];
        Map<Module, Integer> seen = new IdentityHashMap<>();
        int width = -1;
        for (int i = 0; i < numLayers; i++) {
            TransformerEncoderLayer l = Objects.requireNonNull(layer.get(), "layer " + i);
            Integer before = seen.put(l, i);
            if (before != null) {
                throw new IllegalArgumentException(NAME + ": the supplier returned layer " + before + " again as layer "
                        + i + "; it must make each layer afresh");
            }
            if (width >= 0 && l.dModel() != width) {
                throw new IllegalArgumentException(NAME + ": layer " + i + " has dModel " + l.dModel()
                        + " but layer 0 has " + width);
            }
            width = l.dModel();
            made[i] = l;
        }
        this.dModel = width;
        this.layers = registerModule("layers", new Sequential(made));
    }

    /**
     * Adds the final norm, applied after the last layer, as PyTorch's {@code norm} argument.
     *
     * @param norm a {@link LayerNorm} of {@code dModel} features
     * @return this encoder
     * @throws IllegalArgumentException if the norm's width is not {@code dModel}
     * @throws IllegalStateException if the encoder already has a final norm
     */
    public TransformerEncoder norm(LayerNorm norm) {
        Objects.requireNonNull(norm, "norm");
        if (norm.features() != dModel) {
            throw new IllegalArgumentException(NAME + ": the final norm has " + norm.features()
                    + " features but dModel is " + dModel);
        }
        if (this.norm != null) {
            throw new IllegalStateException(NAME + ": the final norm is already set");
        }
        this.norm = registerModule("norm", norm);
        return this;
    }

    /** {@return the number of layers} */
    public int numLayers() {
        return layers.size();
    }

    /**
     * Layer {@code i} itself.
     *
     * @param i in {@code 0 .. numLayers() − 1}
     * @return the layer
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public TransformerEncoderLayer layer(int i) {
        return (TransformerEncoderLayer) layers.get(i);
    }

    /**
     * The stack without a mask.
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
     * The stack with one additive attention mask for every layer.
     *
     * @param src {@code L x dModel}; not modified
     * @param srcMask {@code null}, or {@code L x L} of finite values and {@code -Infinity}; not modified
     * @return {@code L x dModel}
     * @throws IllegalArgumentException if {@code src} is not {@code dModel} wide or the mask is not {@code L x L}
     *     or holds NaN or {@code +Infinity}
     */
    public Tensor forward(Tensor src, Tensor srcMask) {
        TransformerEncoderLayer.check(NAME, src, srcMask, dModel);
        Tensor x = src;
        for (int i = 0; i < layers.size(); i++) {
            x = layer(i).forward(x, srcMask);
        }
        return norm == null ? x : norm.forward(x);
    }
}
