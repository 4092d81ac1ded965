package dev.ejgrad.data;

import dev.ejgrad.core.Tensor;
import java.util.Objects;

/**
 * One batch of a {@link DataLoader}: some rows of a {@link TensorDataset}'s features, with their class labels or
 * their targets, whichever the dataset holds.
 *
 * @param features the batch's feature rows, {@code B x D}, a leaf that does not require grad
 * @param labels the batch's class labels, {@code B} of them, or {@code null} for a dataset of targets
 * @param targets the batch's targets, {@code B x T}, or {@code null} for a dataset of labels
 */
public record Batch(Tensor features, int[] labels, Tensor targets) {

    /**
     * A batch; exactly one of {@code labels} and {@code targets} is given.
     *
     * @param features the feature rows
     * @param labels the labels, or {@code null}
     * @param targets the targets, or {@code null}
     * @throws IllegalArgumentException if both or neither of labels and targets are given, or their length differs
     *     from the features' rows
     */
    public Batch {
        Objects.requireNonNull(features, "features");
        if ((labels == null) == (targets == null)) {
            throw new IllegalArgumentException("Batch: exactly one of labels and targets must be given, got "
                    + (labels == null ? "neither" : "both"));
        }
        int n = labels != null ? labels.length : targets.rows();
        if (n != features.rows()) {
            throw new IllegalArgumentException("Batch: " + features.rows() + " feature rows but " + n
                    + (labels != null ? " labels" : " target rows"));
        }
    }

    /** {@return the number of examples in this batch (the features' rows)} */
    public int size() {
        return features.rows();
    }
}
