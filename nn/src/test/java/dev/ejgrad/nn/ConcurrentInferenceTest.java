package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Serving: a trained model's forward under NoGrad from 8 threads at once gives one thread's values, bit for bit. */
class ConcurrentInferenceTest {

    private static long[] bits(Tensor t) {
        double[] v = t.toMatrix().data;
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.doubleToRawLongBits(v[i]);
        }
        return out;
    }

    @Test
    void eightThreadsGiveOneThreadsValuesBitForBit() throws Exception {
        Random rng = new Random(11);
        Sequential model = new Sequential(new Linear(64, 128, true, rng), new Tanh(), new Linear(128, 128, true, rng),
                new ReLU(), new Linear(128, 10, true, rng), new LogSoftmax(1));
        // trained a little, so the parameters have been updated in place by an optimizer
        Tensor trainX = Tensor.randn(128, 64, rng);
        int[] trainY = new int[128];
        for (int i = 0; i < trainY.length; i++) {
            trainY[i] = i % 10;
        }
        Adam adam = new Adam(model.parameters(), 1e-3);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        for (int step = 0; step < 5; step++) {
            model.zeroGrad();
            ce.forward(model.forward(trainX), trainY).backward();
            adam.step();
        }
        model.zeroGrad();
        model.eval();

        // batches of many sizes; the 256-row ones are large enough for the multi-threaded matrix product
        List<Tensor> batches = new ArrayList<>();
        int[] sizes = {1, 3, 256, 17, 64, 256, 2, 100, 5, 256, 33, 8};
        for (int s : sizes) {
            batches.add(Tensor.randn(s, 64, rng));
        }
        List<long[]> expected = new ArrayList<>();
        try (NoGrad scope = NoGrad.enter()) {
            for (Tensor b : batches) {
                expected.add(bits(model.forward(b)));
            }
        }

        int threads = 8;
        int rounds = 2;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<long[]>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    start.await();
                    List<long[]> mine = new ArrayList<>();
                    // each thread its own scope: grad mode is per thread
                    try (NoGrad scope = NoGrad.enter()) {
                        for (int r = 0; r < rounds; r++) {
                            for (int k = 0; k < batches.size(); k++) {
                                // each thread walks the batches from a different place, so different batch sizes
                                // run at the same moment
                                int i = (k + offset * 5 + r) % batches.size();
                                Tensor out = model.forward(batches.get(i));
                                assertFalse(out.requiresGrad());
                                mine.add(bits(out));
                                mine.add(new long[] {i});
                            }
                        }
                    }
                    return mine;
                }));
            }
            start.countDown();
            int compared = 0;
            for (Future<List<long[]>> f : results) {
                List<long[]> mine = f.get(120, TimeUnit.SECONDS);
                for (int j = 0; j < mine.size(); j += 2) {
                    int i = (int) mine.get(j + 1)[0];
                    assertArrayEquals(expected.get(i), mine.get(j), "batch " + i + " of " + sizes[i] + " rows");
                    compared++;
                }
            }
            assertEquals(threads * rounds * batches.size(), compared);
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
        for (Tensor p : model.parameters()) {
            assertNull(p.grad(), "no gradient reached a parameter");
        }
        assertTrue(dev.ejgrad.core.NoGrad.isGradEnabled(), "the test thread's grad mode is back");
    }
}
