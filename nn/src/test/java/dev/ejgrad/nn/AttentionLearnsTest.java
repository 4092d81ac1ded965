package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.Adam;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A one-layer attention model learns to reverse a sequence: position i must output the token at position L-1-i.
 * No position-wise layer can do it (each row sees only its own token and position), so the model has to route
 * information between positions through the attention weights: query i must find key L-1-i by position and read
 * its token from the value. Chance is 1/5 per token.
 *
 * <p>A batch of B sequences is packed into one sequence of B·L rows with a block-diagonal mask ({@code -inf} between
 * different sequences), which is exactly B separate attentions (AttentionTest checks the equivalence).
 */
class AttentionLearnsTest {

    private static final int VOCAB = 5;
    private static final int LENGTH = 6;
    private static final int BATCH = 8;

    private final Random init = new Random(2024);
    private final Linear embed = new Linear(VOCAB + LENGTH, 16, true, init);
    private final MultiheadAttention attention = new MultiheadAttention(16, 2, init);
    private final Linear head = new Linear(16, VOCAB, true, init);

    /** The sequences' tokens; row b·L + i of the packed batch is position i of sequence b. */
    private static int[][] randomSequences(Random rng, int count) {
        int[][] t = new int[count][LENGTH];
        for (int[] seq : t) {
            for (int i = 0; i < LENGTH; i++) {
                seq[i] = rng.nextInt(VOCAB);
            }
        }
        return t;
    }

    /** Row b·L + i: the one-hot of the token, then the one-hot of the position i. */
    private static Tensor encode(int[][] sequences) {
        double[][] x = new double[sequences.length * LENGTH][VOCAB + LENGTH];
        for (int b = 0; b < sequences.length; b++) {
            for (int i = 0; i < LENGTH; i++) {
                x[b * LENGTH + i][sequences[b][i]] = 1;
                x[b * LENGTH + i][VOCAB + i] = 1;
            }
        }
        return Tensor.of(x);
    }

    private static int[] reversed(int[][] sequences) {
        int[] y = new int[sequences.length * LENGTH];
        for (int b = 0; b < sequences.length; b++) {
            for (int i = 0; i < LENGTH; i++) {
                y[b * LENGTH + i] = sequences[b][LENGTH - 1 - i];
            }
        }
        return y;
    }

    /** 0 within a sequence, -inf between sequences. */
    static Tensor blockDiagonalMask(int sequences, int length) {
        int n = sequences * length;
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i * n + j] = i / length == j / length ? 0 : Double.NEGATIVE_INFINITY;
            }
        }
        return Tensor.of(n, n, m);
    }

    private Tensor logits(int[][] sequences) {
        Tensor h = embed.forward(encode(sequences));
        return head.forward(attention.forward(h, h, h, blockDiagonalMask(sequences.length, LENGTH)));
    }

    @Test
    void aOneLayerAttentionModelLearnsToReverseASequence() {
        java.util.List<Tensor> params = new java.util.ArrayList<>(embed.parameters());
        params.addAll(attention.parameters());
        params.addAll(head.parameters());
        Adam adam = new Adam(params, 0.02);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        Random data = new Random(7);
        double before = accuracy(new Random(99));
        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < 120; step++) {
            adam.zeroGrad();
            int[][] batch = randomSequences(data, BATCH);
            Tensor loss = ce.forward(logits(batch), reversed(batch));
            loss.backward();
            adam.step();
            first = step == 0 ? loss.item() : first;
            last = loss.item();
        }
        double after = accuracy(new Random(99));
        assertTrue(before < 0.5, "an untrained model is near chance, got " + before);
        assertTrue(after >= 0.97, "held-out accuracy " + after + " (chance " + 1.0 / VOCAB + "), loss " + first
                + " -> " + last);
        assertTrue(last < 0.05 * first, "loss " + first + " -> " + last);
    }

    /** Per-token accuracy on 200 fresh sequences, 20 to a packed batch. */
    private double accuracy(Random rng) {
        int correct = 0;
        int total = 0;
        try (NoGrad scope = NoGrad.enter()) {
            for (int chunk = 0; chunk < 10; chunk++) {
                int[][] sequences = randomSequences(rng, 20);
                int[] expected = reversed(sequences);
                int[] predicted = logits(sequences).argmax(1);
                for (int k = 0; k < expected.length; k++) {
                    correct += predicted[k] == expected[k] ? 1 : 0;
                }
                total += expected.length;
            }
        }
        return correct / (double) total;
    }
}
