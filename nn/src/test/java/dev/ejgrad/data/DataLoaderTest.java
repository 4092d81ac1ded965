package dev.ejgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.ReLU;
import dev.ejgrad.nn.Sequential;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.Adam;
import dev.ejgrad.optim.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DataLoaderTest {

    /** Row i holds (i, 10 i); label i % 3. */
    private static TensorDataset numbered(int n) {
        double[] x = new double[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = 10 * i;
            y[i] = i % 3;
        }
        return new TensorDataset(Tensor.of(n, 2, x), y);
    }

    private static List<int[]> rowsOf(Iterable<Batch> epoch) {
        List<int[]> out = new ArrayList<>();
        for (Batch b : epoch) {
            int[] rows = new int[b.size()];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = (int) b.features().get(i, 0);
                assertEquals(10.0 * rows[i], b.features().get(i, 1));
                assertEquals(rows[i] % 3, b.labels()[i], "labels travel with their rows");
            }
            assertNull(b.targets());
            assertFalse(b.features().requiresGrad());
            out.add(rows);
        }
        return out;
    }

    @Test
    void withoutShuffleBatchesAreConsecutiveAndTheLastIsSmaller() {
        DataLoader loader = new DataLoader(numbered(10), 4);
        assertEquals(3, loader.batches());
        List<int[]> b = rowsOf(loader);
        assertEquals(3, b.size());
        assertArrayEquals(new int[] {0, 1, 2, 3}, b.get(0));
        assertArrayEquals(new int[] {4, 5, 6, 7}, b.get(1));
        assertArrayEquals(new int[] {8, 9}, b.get(2));
        assertArrayEquals(b.get(2), rowsOf(loader).get(2), "the same order every epoch");

        loader.dropLast(true);
        assertEquals(2, loader.batches());
        assertEquals(2, rowsOf(loader).size());
    }

    @Test
    void aShuffledEpochIsAPermutationThatDependsOnSeedAndEpochOnly() {
        DataLoader a = new DataLoader(numbered(50), 7).shuffle(42);
        int[] e0 = flatten(rowsOf(a));
        int[] e1 = flatten(rowsOf(a));
        int[] sorted = e0.clone();
        Arrays.sort(sorted);
        assertArrayEquals(IntStream.range(0, 50).toArray(), sorted, "every row exactly once");
        assertFalse(Arrays.equals(e0, e1), "epochs differ");
        assertFalse(Arrays.equals(IntStream.range(0, 50).toArray(), e0), "shuffled");

        // a resumed run: a new loader told to start at epoch 1 sees the same batches
        DataLoader resumed = new DataLoader(numbered(50), 7).shuffle(42);
        resumed.setEpoch(1);
        assertEquals(1, resumed.epoch());
        assertArrayEquals(e1, flatten(rowsOf(resumed)));
        assertEquals(2, resumed.epoch());
        // and going back to epoch 0 repeats it, whatever ran in between
        resumed.setEpoch(0);
        assertArrayEquals(e0, flatten(rowsOf(resumed)));
        assertArrayEquals(e0, a.order(0));

        assertFalse(Arrays.equals(e0, new DataLoader(numbered(50), 7).shuffle(43).order(0)), "seeds differ");
    }

    @Test
    void theOrderIsTheDocumentedFisherYatesOverSplitMix64() {
        // the class javadoc's algorithm, written independently: Collections.shuffle from the end with
        // new Random(SplitMix64's (epoch+1)-th output)
        long seed = -123456789L;
        int epoch = 5;
        long z = seed + (epoch + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            list.add(i);
        }
        Collections.shuffle(list, new Random(z));
        int[] expected = list.stream().mapToInt(Integer::intValue).toArray();
        assertArrayEquals(expected, new DataLoader(numbered(30), 4).shuffle(seed).order(epoch));
        // the reference values of the SplitMix64 paper's generator (java.util.SplittableRandom) for seed 0
        assertEquals(new java.util.SplittableRandom(0).nextLong(), DataLoader.epochSeed(0, 0));
    }

    @Test
    void anIteratorKeepsTheOrderItWasMadeWith() {
        DataLoader loader = new DataLoader(numbered(9), 3).shuffle(1);
        var it = loader.iterator();
        int[] first = loader.order(0);
        loader.setEpoch(7);
        loader.dropLast(true);
        List<int[]> rows = new ArrayList<>();
        while (it.hasNext()) {
            rows.add(rowsOf(List.of(it.next())).get(0));
        }
        assertArrayEquals(first, flatten(rows));
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void targetsTravelWithTheirRows() {
        Tensor x = Tensor.of(4, 1, 0, 1, 2, 3).requiresGrad(true);
        Tensor t = Tensor.of(4, 2, 0, 0, 1, -1, 2, -2, 3, -3);
        TensorDataset ds = new TensorDataset(x, t);
        assertNull(ds.labels());
        for (Batch b : new DataLoader(ds, 3).shuffle(9)) {
            assertNull(b.labels());
            assertFalse(b.features().requiresGrad(), "batches never require grad");
            for (int i = 0; i < b.size(); i++) {
                assertEquals(b.features().get(i, 0), b.targets().get(i, 0));
                assertEquals(0.0, b.features().get(i, 0) + b.targets().get(i, 1));
            }
        }
    }

    @Test
    void badArgumentsAreRejectedByName() {
        TensorDataset ds = numbered(5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DataLoader(ds, 0));
        assertEquals("DataLoader: batchSize must be at least 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new TensorDataset(Tensor.zeros(5, 2), new int[4]));
        assertTrue(e.getMessage().contains("5 rows") && e.getMessage().contains("4 labels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new TensorDataset(Tensor.zeros(5, 2), Tensor.zeros(6, 1)));
        assertTrue(e.getMessage().contains("5x2") && e.getMessage().contains("6x1"), e.getMessage());
        DataLoader loader = new DataLoader(ds, 2);
        assertThrows(IllegalArgumentException.class, () -> loader.setEpoch(-1));
        assertEquals(0, loader.epoch(), "a rejected setEpoch changes nothing");
        assertThrows(IllegalArgumentException.class, () -> ds.batch(0, 5));
        int[] labels = {0, 1, 2, 0, 1};
        TensorDataset copy = new TensorDataset(Tensor.zeros(5, 1), labels);
        labels[0] = 9;
        assertEquals(0, copy.labels()[0], "labels are copied");
    }

    @Test
    void aSmallModelLearnsFromShuffledBatches() {
        // three Gaussian blobs in 2-D, seeded
        Random rng = new Random(3);
        int n = 300;
        double[] x = new double[2 * n];
        int[] y = new int[n];
        double[][] centres = {{2, 0}, {-1, 1.7}, {-1, -1.7}};
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            x[2 * i] = centres[y[i]][0] + 0.6 * rng.nextGaussian();
            x[2 * i + 1] = centres[y[i]][1] + 0.6 * rng.nextGaussian();
        }
        TensorDataset ds = new TensorDataset(Tensor.of(n, 2, x), y);
        Sequential model = new Sequential(new Linear(2, 16, true, new Random(1)), new ReLU(),
                new Linear(16, 3, true, new Random(2)));
        Optimizer opt = new Adam(model.parameters(), 0.02);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        double first = ce.forward(model.forward(ds.features()), ds.labels()).item();
        DataLoader loader = new DataLoader(ds, 32).shuffle(5);
        for (int epoch = 0; epoch < 15; epoch++) {
            for (Batch b : loader) {
                model.zeroGrad();
                ce.forward(model.forward(b.features()), b.labels()).backward();
                opt.step();
            }
        }
        double last = ce.forward(model.forward(ds.features()), ds.labels()).item();
        assertTrue(last < 0.25 * first, "loss " + first + " -> " + last);
        int[] pred = model.forward(ds.features()).argmax(1);
        int correct = 0;
        for (int i = 0; i < n; i++) {
            correct += pred[i] == y[i] ? 1 : 0;
        }
        assertTrue(correct > 0.95 * n, correct + " of " + n);
        assertNotEquals(0, loader.epoch());
    }

    private static int[] flatten(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).toArray();
    }
}
