package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.List;
import java.util.Objects;

/**
 * What a recurrent layer ({@link RNN}, {@link GRU}, {@link LSTM}) returns for a padded batch: PyTorch's
 * {@code (output, h_n)} or {@code (output, (h_n, c_n))}, with {@code output} unpacked by
 * {@code pad_packed_sequence}.
 *
 * @param outputs T tensors {@code N x (D·hidden)}, the last layer's output at each step (D = 2 when bidirectional,
 *     the forward direction's features first), zero at the steps past a sequence's length
 * @param hidden {@code numLayers·D} tensors {@code N x hidden} in PyTorch's {@code h_n} order (layer by layer,
 *     forward direction first: {@code hidden.get(2k + d)}), each sequence's state at its own last step (the backward
 *     direction's after it has read the sequence back to step 0)
 * @param cells for {@link LSTM}, the cell states {@code c_n} in the same order; {@code null} for the others
 */
public record SequenceOutput(List<Tensor> outputs, List<Tensor> hidden, List<Tensor> cells) {

    /**
     * The result of a layer, as given.
     *
     * @param outputs the outputs of each step
     * @param hidden the final hidden states
     * @param cells the final cell states, or {@code null}
     * @throws NullPointerException if {@code outputs} or {@code hidden} is null
     */
    public SequenceOutput {
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(hidden, "hidden");
        outputs = List.copyOf(outputs);
        hidden = List.copyOf(hidden);
        cells = cells == null ? null : List.copyOf(cells);
    }
}
