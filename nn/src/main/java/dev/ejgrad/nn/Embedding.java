package dev.ejgrad.nn;

import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Random;

/**
 * A lookup table of learned vectors, {@code out[k] = weight[indices[k]]}, as {@code torch.nn.Embedding}.
 *
 * <p>Shape: indices {@code N} ({@code int...}, or an {@code N x 1} column of whole numbers for {@link #forward(Tensor)}
 * so that an embedding can sit first in a {@link Sequential}); output {@code N x embeddingDim}; weight
 * {@code numEmbeddings x embeddingDim}.
 *
 * <p>Init, as PyTorch's: weight N(0, 1), drawn from the given {@link Random} row by row.
 *
 * <p>Gradient: rows picked several times add up their gradients (the adjoint of {@link Tensor#indexSelect} adds them
 * back). With {@link #paddingIdx(int)} the padding row's gradient is zero: forward still returns its values, but
 * nothing flows into it. Being composed of tensor ops, the embedding is differentiable twice.
 *
 * <pre>{@code
 * Embedding emb = new Embedding(10, 4, new Random(0)).paddingIdx(0);
 * Tensor vectors = emb.forward(3, 0, 7);   // 3x4; row 1 is the padding row's zeros
 * }</pre>
 */
public final class Embedding extends Module {

    private final Tensor weight;
    private int paddingIdx = -1;

    /**
     * An embedding of {@code numEmbeddings} vectors of size {@code embeddingDim}, without a padding index.
     *
     * @param numEmbeddings the number of rows of the table (valid indices are {@code 0..numEmbeddings-1})
     * @param embeddingDim the size of each vector
     * @param rng the source of the initial N(0, 1) values; advanced
     * @throws IllegalArgumentException if a size is not positive
     */
    public Embedding(int numEmbeddings, int embeddingDim, Random rng) {
        Objects.requireNonNull(rng, "rng");
        if (numEmbeddings <= 0 || embeddingDim <= 0) {
            throw new IllegalArgumentException("Embedding: numEmbeddings and embeddingDim must be positive, got "
                    + "numEmbeddings=" + numEmbeddings + ", embeddingDim=" + embeddingDim);
        }
        this.weight = registerParameter("weight", Tensor.randn(numEmbeddings, embeddingDim, rng).requiresGrad(true));
    }

    /**
     * Makes {@code index} the padding index, as the {@code padding_idx} argument of {@code torch.nn.Embedding}: its
     * row of the weight is set to zeros now (as PyTorch does when it constructs an embedding with
     * {@code padding_idx}) and gets no gradient from then on. Forward returns whatever the row holds, so values loaded
     * later with {@link #loadStateDict} are returned unchanged (as PyTorch's). A negative index counts from the end,
     * as PyTorch's: {@code -1} is the last row.
     *
     * <p>Unlike assigning {@code emb.padding_idx} on an existing PyTorch module, this zeroes the row: it is the
     * constructor option in fluent form. Call it before training, or load the wanted values afterwards.
     *
     * @param index the padding row, in {@code [-numEmbeddings, numEmbeddings)}
     * @return this embedding
     * @throws IllegalArgumentException if the index is out of that range (nothing is changed)
     */
    public Embedding paddingIdx(int index) {
        int n = numEmbeddings();
        if (index < -n || index >= n) {
            throw new IllegalArgumentException("Embedding: paddingIdx must be in [-" + n + ", " + n + ") for "
                    + n + " embeddings, got " + index);
        }
        int row = index < 0 ? index + n : index;
        int d = embeddingDim();
        weight.updateInPlace((v, g) -> java.util.Arrays.fill(v, row * d, (row + 1) * d, 0.0));
        paddingIdx = row;
        return this;
    }

    /** {@return the padding row (made non-negative), or empty if there is none} */
    public OptionalInt paddingIdx() {
        return paddingIdx < 0 ? OptionalInt.empty() : OptionalInt.of(paddingIdx);
    }

    /** {@return the weight parameter itself, {@code numEmbeddings x embeddingDim}} */
    public Tensor weight() {
        return weight;
    }

    /** {@return the number of vectors in the table} */
    public int numEmbeddings() {
        return weight.rows();
    }

    /** {@return the size of each vector} */
    public int embeddingDim() {
        return weight.cols();
    }

    /**
     * The rows of the weight picked by {@code indices}, in order.
     *
     * @param indices row indices in {@code [0, numEmbeddings)}, repeats allowed; not modified
     * @return {@code indices.length x embeddingDim}
     * @throws IllegalArgumentException if an index is out of range (its position is named)
     */
    public Tensor forward(int... indices) {
        Objects.requireNonNull(indices, "indices");
        int n = numEmbeddings();
        for (int k = 0; k < indices.length; k++) {
            if (indices[k] < 0 || indices[k] >= n) {
                throw new IllegalArgumentException("Embedding: index " + indices[k] + " at position " + k
                        + " is out of range for " + n + " embeddings");
            }
        }
        return lookup(weight, indices, paddingIdx);
    }

    /**
     * The rows of the weight picked by a column of indices, so that an embedding fits in a {@link Sequential}.
     *
     * @param input {@code N x 1} of whole numbers in {@code [0, numEmbeddings)}; takes no gradient; not modified
     * @return {@code N x embeddingDim}
     * @throws IllegalArgumentException if the input is not a column, or an entry is not a whole number or is out of
     *     range (its row is named)
     */
    @Override
    public Tensor forward(Tensor input) {
        Objects.requireNonNull(input, "input");
        if (input.cols() != 1) {
            throw new IllegalArgumentException("Embedding: input must be an Nx1 column of indices, got "
                    + Shapes.of(input));
        }
        int n = numEmbeddings();
        int[] indices = new int[input.rows()];
        for (int k = 0; k < indices.length; k++) {
            double v = input.get(k, 0);
            if (v != Math.rint(v) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("Embedding: index " + v + " at row " + k + " is not a whole number");
            }
            if (v < 0 || v >= n) {
                throw new IllegalArgumentException("Embedding: index " + (long) v + " at row " + k
                        + " is out of range for " + n + " embeddings");
            }
            indices[k] = (int) v;
        }
        return lookup(weight, indices, paddingIdx);
    }

    /**
     * The lookup as a function of the weight (checked indices): rows asking for the padding row take it from the
     * detached weight, so its gradient is zero while its values are returned.
     */
    static Tensor lookup(Tensor weight, int[] indices, int paddingIdx) {
        Tensor rows = weight.indexSelect(0, indices);
        if (paddingIdx < 0) {
            return rows;
        }
        double[] isPad = new double[indices.length];
        boolean any = false;
        for (int k = 0; k < indices.length; k++) {
            if (indices[k] == paddingIdx) {
                isPad[k] = 1;
                any = true;
            }
        }
        if (!any) {
            return rows;
        }
        Tensor padRows = weight.detach().indexSelect(0, indices);
        return Tensor.where(Tensor.of(indices.length, 1, isPad), padRows, rows);
    }

    @Override
    protected String extraRepr() {
        return numEmbeddings() + ", " + embeddingDim() + (paddingIdx < 0 ? "" : ", padding_idx=" + paddingIdx);
    }
}
