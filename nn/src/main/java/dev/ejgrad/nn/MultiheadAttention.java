package dev.ejgrad.nn;

import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.core.TorchShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Multi-head attention over one sequence, as {@code torch.nn.MultiheadAttention} in its unbatched form (rows are
 * positions), without dropout:
 *
 * <pre>
 * q = query·W_qᵀ + b_q,  k = key·W_kᵀ + b_k,  v = value·W_vᵀ + b_v        (W_q, W_k, W_v: rows of in_proj_weight)
 * head_h = softmax(q_h·k_hᵀ/√d + attnMask)·v_h                           (q_h: columns h·d .. h·d + d - 1, d = E/H)
 * out = [head_0 … head_{H-1}]·out_proj.weightᵀ + out_proj.bias
 * </pre>
 *
 * <p>Shape: query {@code L x E}, key and value {@code S x E}, attnMask {@code L x S}; output {@code L x E}.
 *
 * <p>Parameters, under PyTorch's names: {@code in_proj_weight} {@code 3E x E} (the query, key and value
 * projections stacked in that order), {@code in_proj_bias} {@code 1 x 3E}, and the output projection, a
 * {@link Linear} child named {@code out_proj} ({@code out_proj.weight} {@code E x E}, {@code out_proj.bias}
 * {@code 1 x E}); the biases are PyTorch's 1-D {@code [3E]} and {@code [E]} as rows, and saved so.
 *
 * <p>Init, as PyTorch's {@code _reset_parameters}: {@code out_proj} is first made as a {@link Linear} (weight and
 * bias uniform in {@code ±1/√E}), then {@code in_proj_weight} is Xavier-uniform, uniform in
 * {@code ±√(6/(E + 3E))}, then both biases are set to 0. Every value comes from the given {@link Random}.
 *
 * <p>{@link #forward(Tensor)} is self-attention, {@code forward(x, x, x)}, so that the layer can sit in a
 * {@link Sequential}.
 *
 * <pre>{@code
 * MultiheadAttention attention = new MultiheadAttention(16, 4, new Random(0));
 * Tensor y = attention.forward(x, x, x, Functional.causalMask(x.rows()));
 * }</pre>
 */
public final class MultiheadAttention extends Module {

    private static final String NAME = "MultiheadAttention";

    private final int embedDim;
    private final int numHeads;
    private final Tensor inProjWeight;
    private final Tensor inProjBias;
    private final Linear outProj;

    /**
     * A layer initialised from {@code rng}, as PyTorch's.
     *
     * @param embedDim the model width E
     * @param numHeads the number of heads H, which must divide E
     * @param rng the source of the initial values; advanced
     * @throws IllegalArgumentException if a size is not positive or {@code numHeads} does not divide {@code embedDim}
     */
    public MultiheadAttention(int embedDim, int numHeads, Random rng) {
        Objects.requireNonNull(rng, "rng");
        if (embedDim <= 0 || numHeads <= 0) {
            throw new IllegalArgumentException(NAME + ": embedDim and numHeads must be positive, got embedDim="
                    + embedDim + ", numHeads=" + numHeads);
        }
        if (embedDim % numHeads != 0) {
            throw new IllegalArgumentException(NAME + ": embedDim " + embedDim + " is not divisible by numHeads "
                    + numHeads);
        }
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        // PyTorch's order: out_proj is built (and drawn) first, then _reset_parameters draws in_proj_weight
        Linear drawn = new Linear(embedDim, embedDim, true, rng);
        this.inProjWeight = registerParameter("in_proj_weight",
                Init.xavierUniform(Tensor.zeros(3 * embedDim, embedDim).requiresGrad(true), rng));
        this.inProjBias = registerParameter("in_proj_bias", Tensor.zeros(1, 3 * embedDim).requiresGrad(true),
                TorchShape.of(3 * embedDim));
        this.outProj = registerModule("out_proj", new Linear(drawn.weight(), Tensor.zeros(1, embedDim)));
    }

    /** {@return the model width E} */
    public int embedDim() {
        return embedDim;
    }

    /** {@return the number of heads H} */
    public int numHeads() {
        return numHeads;
    }

    /** {@return the packed input projection {@code in_proj_weight} itself, {@code 3E x E}} */
    public Tensor inProjWeight() {
        return inProjWeight;
    }

    /** {@return the packed input bias {@code in_proj_bias} itself, {@code 1 x 3E}} */
    public Tensor inProjBias() {
        return inProjBias;
    }

    /** {@return the output projection, the child {@code out_proj}} */
    public Linear outProj() {
        return outProj;
    }

    /**
     * Self-attention: {@code forward(x, x, x)}.
     *
     * @param input the sequence, {@code L x E}; not modified
     * @return {@code L x E}
     * @throws IllegalArgumentException if the input is not E wide
     */
    @Override
    public Tensor forward(Tensor input) {
        Objects.requireNonNull(input, "input");
        return forward(input, input, input, null);
    }

    /**
     * Attention of the queries to the keys, without a mask.
     *
     * @param query {@code L x E}; not modified
     * @param key {@code S x E}; not modified
     * @param value {@code S x E}; not modified
     * @return {@code L x E}
     * @throws IllegalArgumentException if a width is not E or key and value have different lengths
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return forward(query, key, value, null);
    }

    /**
     * Attention of the queries to the keys, with an additive float mask added to every head's scores
     * ({@code -Infinity} blocks a key; a query whose keys are all blocked gets a NaN row, as in PyTorch).
     *
     * @param query {@code L x E}; not modified
     * @param key {@code S x E}; not modified
     * @param value {@code S x E}; not modified
     * @param attnMask {@code null}, or {@code L x S} of finite values and {@code -Infinity}, e.g.
     *     {@link Functional#causalMask(int)}; not modified
     * @return {@code L x E}
     * @throws IllegalArgumentException if a width is not E, key and value have different lengths, the mask is not
     *     {@code L x S}, or the mask holds NaN or {@code +Infinity}
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value, Tensor attnMask) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        checkWidth("query", query);
        checkWidth("key", key);
        checkWidth("value", value);
        if (key.rows() != value.rows()) {
            throw new IllegalArgumentException(NAME + ": key " + Shapes.of(key) + " and value " + Shapes.of(value)
                    + " must have the same length S");
        }
        Functional.checkMask(NAME, attnMask, query.rows(), key.rows());
        return attention(query, key, value, attnMask, numHeads, inProjWeight, inProjBias, outProj.weight(),
                outProj.bias());
    }

    /**
     * The layer as a function of its parameters, on checked shapes (PyTorch's {@code multi_head_attention_forward}),
     * so that tests can differentiate with respect to the parameters as inputs.
     */
    static Tensor attention(Tensor query, Tensor key, Tensor value, Tensor attnMask, int numHeads,
            Tensor inProjWeight, Tensor inProjBias, Tensor outProjWeight, Tensor outProjBias) {
        int e = inProjWeight.cols();
        Tensor q = Functional.linear(query, inProjWeight.narrow(0, 0, e), inProjBias.narrow(1, 0, e));
        Tensor k = Functional.linear(key, inProjWeight.narrow(0, e, e), inProjBias.narrow(1, e, e));
        Tensor v = Functional.linear(value, inProjWeight.narrow(0, 2 * e, e), inProjBias.narrow(1, 2 * e, e));
        int d = e / numHeads;
        List<Tensor> heads = new ArrayList<>(numHeads);
        for (int h = 0; h < numHeads; h++) {
            heads.add(Functional.attention(q.narrow(1, h * d, d), k.narrow(1, h * d, d), v.narrow(1, h * d, d),
                    attnMask));
        }
        Tensor concatenated = numHeads == 1 ? heads.get(0) : Tensor.cat(1, heads);
        return Functional.linear(concatenated, outProjWeight, outProjBias);
    }

    private void checkWidth(String what, Tensor t) {
        if (t.cols() != embedDim) {
            throw new IllegalArgumentException(NAME + ": " + what + " of shape " + Shapes.of(t)
                    + " must have embedDim = " + embedDim + " columns");
        }
    }


    @Override
    protected String extraRepr() {
        return "embed_dim=" + embedDim + ", num_heads=" + numHeads;
    }
}
