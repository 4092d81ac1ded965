package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.GradCheck;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.Adam;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EmbeddingTest {

    @Test
    void weightIsStandardNormalFromTheRandomAndNamedWeight() {
        Embedding emb = new Embedding(6, 3, new Random(5));
        assertArrayEquals(Tensor.randn(6, 3, new Random(5)).toArray(), emb.weight().toArray());
        assertEquals(List.of("weight"), List.copyOf(emb.namedParameters().keySet()));
        assertTrue(emb.weight().requiresGrad() && emb.weight().isLeaf());
        assertEquals(6, emb.numEmbeddings());
        assertEquals(3, emb.embeddingDim());
        assertEquals(OptionalInt.empty(), emb.paddingIdx());
        assertTrue(emb.toString().startsWith("Embedding(6, 3)"), emb.toString());
    }

    @Test
    void paddingIdxZeroesItsRowAsPyTorchsConstructorAndCountsNegativesFromTheEnd() {
        Embedding emb = new Embedding(5, 2, new Random(1));
        double[][] before = emb.weight().toArray();
        assertEquals(emb, emb.paddingIdx(-2));
        assertEquals(OptionalInt.of(3), emb.paddingIdx());
        double[][] after = emb.weight().toArray();
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(i == 3 ? new double[] {0, 0} : before[i], after[i], 0);
        }
        assertTrue(emb.toString().startsWith("Embedding(5, 2, padding_idx=3)"), emb.toString());
    }

    @Test
    void anOutOfRangePaddingIdxIsRejectedAndChangesNothing() {
        Embedding emb = new Embedding(5, 2, new Random(1)).paddingIdx(1);
        double[][] before = emb.weight().toArray();
        for (int bad : new int[] {5, -6, 100}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> emb.paddingIdx(bad));
            assertEquals("Embedding: paddingIdx must be in [-5, 5) for 5 embeddings, got " + bad, e.getMessage());
        }
        assertEquals(OptionalInt.of(1), emb.paddingIdx());
        assertArrayEquals(before, emb.weight().toArray());
    }

    @Test
    void forwardPicksRowsInOrderAndTheGradientAddsUpOverRepeats() {
        Embedding emb = new Embedding(4, 2, new Random(2));
        double[][] w = emb.weight().toArray();
        Tensor out = emb.forward(3, 1, 3, 3);
        assertArrayEquals(new double[][] {w[3], w[1], w[3], w[3]}, out.toArray());
        out.backward(Tensor.of(new double[][] {{1, 2}, {3, 4}, {5, 6}, {7, 8}}));
        assertArrayEquals(new double[][] {{0, 0}, {3, 4}, {0, 0}, {13, 16}}, emb.weight().grad().toArray());
    }

    @Test
    void thePaddingRowIsReturnedButGetsNoGradient() {
        Embedding emb = new Embedding(4, 2, new Random(2)).paddingIdx(1);
        emb.weight().updateInPlace((v, g) -> v[2] = 9);   // a loaded non-zero padding row
        Tensor out = emb.forward(1, 2, 1);
        assertEquals(9, out.get(0, 0), 0);
        assertEquals(9, out.get(2, 0), 0);
        out.mul(out).sum().backward();
        double[][] g = emb.weight().grad().toArray();
        assertArrayEquals(new double[] {0, 0}, g[1], 0);
        assertArrayEquals(new double[] {2 * out.get(1, 0), 2 * out.get(1, 1)}, g[2], 1e-15);
    }

    @Test
    void forwardOfAColumnEqualsForwardOfInts() {
        Embedding emb = new Embedding(7, 3, new Random(3));
        assertArrayEquals(emb.forward(6, 0, 2).toArray(), emb.forward(Tensor.column(6, 0, 2)).toArray());
        Tensor none = emb.forward();
        assertEquals(0, none.rows());
        assertEquals(3, none.cols());
    }

    @Test
    void badIndicesAreRejectedWithTheirRowOrPosition() {
        Embedding emb = new Embedding(7, 3, new Random(3));
        assertEquals("Embedding: index 7 at position 1 is out of range for 7 embeddings",
                assertThrows(IllegalArgumentException.class, () -> emb.forward(0, 7)).getMessage());
        assertEquals("Embedding: index -1 at position 0 is out of range for 7 embeddings",
                assertThrows(IllegalArgumentException.class, () -> emb.forward(-1)).getMessage());
        assertEquals("Embedding: index 1.5 at row 2 is not a whole number",
                assertThrows(IllegalArgumentException.class, () -> emb.forward(Tensor.column(0, 1, 1.5)))
                        .getMessage());
        assertEquals("Embedding: index NaN at row 0 is not a whole number",
                assertThrows(IllegalArgumentException.class, () -> emb.forward(Tensor.column(Double.NaN)))
                        .getMessage());
        assertEquals("Embedding: index Infinity at row 0 is not a whole number",
                assertThrows(IllegalArgumentException.class,
                        () -> emb.forward(Tensor.column(Double.POSITIVE_INFINITY))).getMessage());
        assertEquals("Embedding: index 7 at row 1 is out of range for 7 embeddings",
                assertThrows(IllegalArgumentException.class, () -> emb.forward(Tensor.column(0, 7))).getMessage());
        assertEquals("Embedding: index -2 at row 0 is out of range for 7 embeddings",
                assertThrows(IllegalArgumentException.class, () -> emb.forward(Tensor.column(-2))).getMessage());
        assertEquals("Embedding: input must be an Nx1 column of indices, got 1x3",
                assertThrows(IllegalArgumentException.class, () -> emb.forward(Tensor.row(0, 1, 2))).getMessage());
        assertEquals("Embedding: numEmbeddings and embeddingDim must be positive, got numEmbeddings=0, "
                + "embeddingDim=3", assertThrows(IllegalArgumentException.class,
                        () -> new Embedding(0, 3, new Random(0))).getMessage());
        assertEquals(null, emb.weight().grad(), "a rejected forward records nothing");
    }

    @Test
    void gradcheckAndGradgradcheck() {
        Tensor w = Tensor.randn(5, 3, new Random(4)).requiresGrad(true);
        int[] idx = {4, 0, 4, 2, 4};
        GradCheck.assertPasses(in -> Embedding.lookup(in[0], idx, -1).add(1).square(), w);
        GradCheck.assertGradGradPasses(in -> Embedding.lookup(in[0], idx, -1).tanh(), w);
        // with a padding row the first-order gradient is deliberately not the derivative in that row (it is zero),
        // but it is differentiable: the second-order check holds with the padding row in the batch
        GradCheck.assertGradGradPasses(in -> Embedding.lookup(in[0], idx, 4).tanh(), w);
    }

    /** Tokens 0..39, each of class token % 4: the classes can only be told apart by learned vectors. */
    @Test
    void anEmbeddingModelLearnsTheClassOfEachToken() {
        Random rng = new Random(11);
        Embedding emb = new Embedding(40, 3, rng);
        Sequential model = new Sequential(emb, new Linear(3, 4, true, rng));
        int n = 40;
        double[] tokens = new double[n];
        int[] labels = new int[n];
        for (int k = 0; k < n; k++) {
            tokens[k] = k;
            labels[k] = k % 4;
        }
        Tensor x = Tensor.column(tokens);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        double[][] initial = emb.weight().toArray();
        Adam opt = new Adam(model.parameters(), 0.05);
        double first = 0;
        double last = 0;
        for (int step = 0; step < 300; step++) {
            opt.zeroGrad();
            Tensor loss = ce.forward(model.forward(x), labels);
            loss.backward();
            opt.step();
            last = loss.item();
            if (step == 0) {
                first = last;
            }
        }
        assertTrue(first > 1.0, "starts near log 4: " + first);
        assertTrue(last < 0.05, "the loss falls from " + first + " to " + last);
        int[] predicted = model.forward(x).argmax(1);
        int correct = 0;
        for (int k = 0; k < n; k++) {
            correct += predicted[k] == labels[k] ? 1 : 0;
        }
        assertEquals(n, correct, "every token classified");
        assertTrue(Math.abs(emb.weight().get(0, 0) - initial[0][0]) > 1e-3, "the vectors themselves were trained");
    }
}
