package dev.ejgrad.examples;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.LSTM;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An image read row by row: a {@code side x side} image (a row of {@code side²} pixels) is a sequence of
 * {@code side} steps of {@code side} pixels, an {@link LSTM} reads it, and its last hidden state goes through a
 * {@link Linear} layer to 10 logits. Parameters {@code lstm.weight_ih_l0}, ..., {@code head.weight},
 * {@code head.bias}, as PyTorch's {@code nn.Module} with those two children.
 */
final class RowLstm extends Module {

    private final int side;
    private final LSTM lstm;
    private final Linear head;

    RowLstm(int side, int hidden, Random rng) {
        this.side = side;
        this.lstm = registerModule("lstm", new LSTM(side, hidden, rng));
        this.head = registerModule("head", new Linear(hidden, 10, true, rng));
    }

    /**
     * The logits of a batch of images.
     *
     * @param images {@code N x side²}, one image a row, row-major pixels; not modified
     * @return {@code N x 10}
     */
    @Override
    public Tensor forward(Tensor images) {
        if (images.cols() != side * side) {
            throw new IllegalArgumentException("RowLstm: images of " + images.cols() + " pixels, expected " + side
                    + "x" + side + " = " + side * side);
        }
        List<Tensor> rows = new ArrayList<>(side);
        for (int r = 0; r < side; r++) {
            rows.add(images.narrow(1, r * side, side));
        }
        return head.forward(lstm.forward(rows).hidden().get(0));
    }
}
