package dev.ejgrad.data;

import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import java.util.Objects;

/**
 * Examples held in memory, one per row: features with a class label each, or features with a row of real-valued
 * targets each, as {@code torch.utils.data.TensorDataset(features, labels)}.
 *
 * <p>The features (and targets) are kept {@linkplain Tensor#detach() detached}, so batches taken from them never
 * require grad or join a graph; the labels are copied. A dataset never changes after construction, so one dataset
 * may serve several {@link DataLoader}s, on several threads.
 */
public final class TensorDataset {

    private final Tensor features;
    private final int[] labels;
    private final Tensor targets;

    /**
     * A dataset of class labels (for {@code CrossEntropyLoss} or {@code NLLLoss}).
     *
     * @param features {@code N x D}, one example per row; not modified
     * @param labels {@code N} labels, one per row; copied
     * @throws IllegalArgumentException if the lengths differ (the message names both)
     */
    public TensorDataset(Tensor features, int[] labels) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        if (labels.length != features.rows()) {
            throw new IllegalArgumentException("TensorDataset: features have " + features.rows() + " rows ("
                    + Shapes.of(features) + ") but there are " + labels.length + " labels");
        }
        this.features = features.detach();
        this.labels = labels.clone();
        this.targets = null;
    }

    /**
     * A dataset of real-valued targets (for {@code MSELoss}, {@code BCELoss}, ...).
     *
     * @param features {@code N x D}, one example per row; not modified
     * @param targets {@code N x T}, one row per example; not modified
     * @throws IllegalArgumentException if the row counts differ (the message names both shapes)
     */
    public TensorDataset(Tensor features, Tensor targets) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(targets, "targets");
        if (targets.rows() != features.rows()) {
            throw new IllegalArgumentException("TensorDataset: features " + Shapes.of(features)
                    + " and targets " + Shapes.of(targets) + " have different numbers of rows");
        }
        this.features = features.detach();
        this.labels = null;
        this.targets = targets.detach();
    }

    /** {@return the number of examples, N} */
    public int size() {
        return features.rows();
    }

    /** {@return the features, {@code N x D}, a leaf that does not require grad} */
    public Tensor features() {
        return features;
    }

    /** {@return a copy of the labels, or {@code null} for a dataset of targets} */
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    /** {@return the targets, {@code N x T}, or {@code null} for a dataset of labels} */
    public Tensor targets() {
        return targets;
    }

    /**
     * The examples at some indices, in that order, as one batch: {@code features.indexSelect(0, indices)} with the
     * matching labels or target rows.
     *
     * @param indices row indices in {@code [0, N)}, repeats allowed; not modified
     * @return the batch
     * @throws IllegalArgumentException if an index is out of range (named with its position)
     */
    public Batch batch(int... indices) {
        Objects.requireNonNull(indices, "indices");
        Tensor x = features.indexSelect(0, indices);
        if (labels != null) {
            int[] y = new int[indices.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = labels[indices[i]];
            }
            return new Batch(x, y, null);
        }
        return new Batch(x, null, targets.indexSelect(0, indices));
    }
}
