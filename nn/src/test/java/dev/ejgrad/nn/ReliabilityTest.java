package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.Adam;
import dev.ejgrad.optim.Optimizer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Determinism across runs and thread counts, independent models on concurrent threads, and flat memory. */
class ReliabilityTest {

    /** Trains a seeded MLP large enough for the kernels to split its products over threads. */
    static Sequential train(long seed, int steps) {
        Random rng = new Random(seed);
        Sequential model = new Sequential(new Linear(64, 256, true, rng), new ReLU(), new Linear(256, 10, true, rng));
        Optimizer opt = new Adam(model.parameters(), 1e-3);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        Tensor x = Tensor.randn(128, 64, rng);
        int[] y = new int[128];
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextInt(10);
        }
        for (int s = 0; s < steps; s++) {
            opt.zeroGrad();
            loss.forward(model.forward(x), y).backward();
            opt.step();
        }
        return model;
    }

    /** SHA-256 of every weight's bits, in order. */
    static String fingerprint(Module model) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (Tensor p : model.parameters()) {
            for (double[] row : p.toArray()) {
                for (double v : row) {
                    long bits = Double.doubleToRawLongBits(v);
                    for (int b = 0; b < 8; b++) {
                        md.update((byte) (bits >>> (8 * b)));
                    }
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Run in a child JVM: trains and prints the fingerprint. */
    public static final class Child {
        /**
         * @param args ignored
         * @throws Exception never, in practice
         */
        public static void main(String[] args) throws Exception {
            System.out.println(fingerprint(train(7, 30)));
        }
    }

    private static String child(String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void theSameSeedGivesBitIdenticalWeightsAcrossRunsAndThreadCounts() throws Exception {
        String vectorOne = child("--add-modules", "jdk.incubator.vector", "-Dejgrad.threads=1");
        String vectorTwo = child("--add-modules", "jdk.incubator.vector", "-Dejgrad.threads=2");
        String vectorTwoAgain = child("--add-modules", "jdk.incubator.vector", "-Dejgrad.threads=2");
        assertEquals(64, vectorOne.length(), vectorOne);
        assertEquals(vectorOne, vectorTwo, "1 and 2 threads");
        assertEquals(vectorTwo, vectorTwoAgain, "two runs");
        assertEquals(child(), child(), "the plain-Java kernels, two runs");
    }

    @Test
    void independentModelsOnTwoThreadsAtOnceTrainAsOneAfterTheOther() throws Exception {
        String aAlone = fingerprint(train(1, 20));
        String bAlone = fingerprint(train(2, 20));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String> a = pool.submit(() -> fingerprint(train(1, 20)));
            Future<String> b = pool.submit(() -> fingerprint(train(2, 20)));
            assertEquals(aAlone, a.get());
            assertEquals(bAlone, b.get());
        } finally {
            pool.shutdownNow();
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        long best = Long.MAX_VALUE;
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
            best = Math.min(best, rt.totalMemory() - rt.freeMemory());
        }
        return best;
    }

    /**
     * Waits (up to a minute) for the kernels' warm-up threads that earlier tests in this JVM started, e.g. the float32
     * one: they hold operands of their own while they run, which a heap measurement would count.
     */
    private static void awaitKernelWarmUps() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline && Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().startsWith("ejgrad-warmup"))) {
            Thread.sleep(50);
        }
    }

    @Test
    void tenThousandStepsKeepTheHeapFlat() throws Exception {
        awaitKernelWarmUps();
        Random rng = new Random(3);
        Sequential model = new Sequential(new Linear(20, 32, true, rng), new Tanh(), new Linear(32, 3, true, rng));
        Optimizer opt = new Adam(model.parameters(), 1e-3);
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        Tensor x = Tensor.randn(16, 20, rng);
        int[] y = new int[16];
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextInt(3);
        }
        double total = 0;   // a user summing loss.item() holds a double, never the graph
        long at1000 = 0;
        for (int step = 1; step <= 10_000; step++) {
            opt.zeroGrad();
            Tensor loss = lossFn.forward(model.forward(x), y);
            loss.backward();
            opt.step();
            total += loss.item();
            if (step == 1_000) {
                at1000 = usedAfterGc();
            }
        }
        long at10000 = usedAfterGc();
        assertTrue(total > 0);
        assertTrue(at10000 - at1000 < 1 << 20, "retained heap grew by " + (at10000 - at1000) + " bytes from step "
                + "1,000 to 10,000 (" + at1000 + " -> " + at10000 + ")");
    }

    @Test
    void fingerprintsTellDifferentWeightsApart() throws Exception {
        assertTrue(!fingerprint(train(1, 2)).equals(fingerprint(train(1, 3))));
        assertArrayEquals(train(5, 1).parameters().get(0).toArray(), train(5, 1).parameters().get(0).toArray());
    }
}
