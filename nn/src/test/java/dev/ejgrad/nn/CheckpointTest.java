package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.DType;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.data.Batch;
import dev.ejgrad.data.DataLoader;
import dev.ejgrad.data.TensorDataset;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.AdamW;
import dev.ejgrad.optim.CosineAnnealingLR;
import dev.ejgrad.optim.LRScheduler;
import dev.ejgrad.optim.Optimizer;
import dev.ejgrad.optim.ReduceLROnPlateau;
import dev.ejgrad.optim.SGD;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Checkpoints: exact round trips, exact resume in a new JVM, and every rejection leaving everything unchanged. */
class CheckpointTest {

    @TempDir
    Path dir;

    /**
     * A small training setup: an MLP with BatchNorm1d and Dropout, AdamW, a cosine schedule, seeded data; the model
     * and the data in a dtype.
     */
    static final class Run {
        static final long SEED = 42;
        final Random dropoutRng = new Random();
        final Module model;
        final AdamW opt;
        final LRScheduler sched;
        final DataLoader loader;
        final CrossEntropyLoss loss = new CrossEntropyLoss();

        Run(int hidden, DType dtype) {
            model = new Sequential(new Linear(4, hidden, true, new Random(1)), new BatchNorm1d(hidden), new ReLU(),
                    new Dropout(0.3, dropoutRng), new Linear(hidden, 3, true, new Random(2))).to(dtype);
            opt = new AdamW(model.parameters(), 0.05).weightDecay(0.01);
            sched = new CosineAnnealingLR(opt, 8);
            Random data = new Random(7);
            int n = 60;
            double[] x = new double[n * 4];
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = i % 3;
                for (int j = 0; j < 4; j++) {
                    x[i * 4 + j] = data.nextGaussian() + (j == y[i] ? 2 : 0);
                }
            }
            loader = new DataLoader(new TensorDataset(Tensor.of(n, 4, x).to(dtype), y), 16).shuffle(SEED);
        }

        Run(int hidden) {
            this(hidden, DType.FLOAT64);
        }

        Run() {
            this(8);
        }

        /** Trains epochs [from, to): the dropout masks reseeded per epoch, the loader's order set per epoch. */
        void train(int from, int to) {
            model.train();
            for (int epoch = from; epoch < to; epoch++) {
                dropoutRng.setSeed(SEED * 1_000_003L + epoch);
                loader.setEpoch(epoch);
                for (Batch b : loader) {
                    opt.zeroGrad();
                    loss.forward(model.forward(b.features()), b.labels()).backward();
                    opt.step();
                }
                sched.step();
            }
        }

        /** Everything a resumed run must match: weights, buffers, optimizer and scheduler state. */
        Map<String, Tensor> everything() {
            Map<String, Tensor> all = new LinkedHashMap<>();
            model.stateDict().forEach((k, v) -> all.put("model." + k, v));
            opt.stateDict().forEach((k, v) -> all.put("optimizer." + k, v));
            sched.stateDict().forEach((k, v) -> all.put("scheduler." + k, v));
            return all;
        }
    }

    /**
     * Run in a child JVM: {@code dtype straight N out}, {@code dtype first K ckpt} or
     * {@code dtype resume ckpt N out}.
     */
    public static final class Child {
        /**
         * @param args the mode and its arguments
         * @throws Exception if training or a file fails
         */
        public static void main(String[] all) throws Exception {
            Run run = new Run(8, DType.valueOf(all[0]));
            String[] args = java.util.Arrays.copyOfRange(all, 1, all.length);
            switch (args[0]) {
                case "straight":
                    run.train(0, Integer.parseInt(args[1]));
                    SafeTensors.save(run.everything(), Path.of(args[2]));
                    break;
                case "first":
                    int k = Integer.parseInt(args[1]);
                    run.train(0, k);
                    Checkpoint.save(Path.of(args[2]), run.model, run.opt, run.sched,
                            Map.of("epoch", Tensor.scalar(k - 1)));
                    break;
                case "resume":
                    Path ckpt = Path.of(args[1]);
                    Checkpoint.load(ckpt, run.model, run.opt, run.sched);
                    int next = (int) Checkpoint.extra(ckpt).get("epoch").item() + 1;
                    run.train(next, Integer.parseInt(args[2]));
                    SafeTensors.save(run.everything(), Path.of(args[3]));
                    break;
                default:
                    throw new IllegalArgumentException(args[0]);
            }
        }
    }

    private static void child(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin"
                + File.separator + "java", "-cp", System.getProperty("java.class.path"), Child.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child finished");
        assertEquals(0, p.exitValue(), "child " + List.of(args) + " failed:\n" + out);
    }

    static void assertBitIdentical(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, e) -> {
            Tensor a = actual.get(k);
            assertEquals(e.rows() + "x" + e.cols(), a.rows() + "x" + a.cols(), k);
            double[] ev = e.toMatrix().data;
            double[] av = a.toMatrix().data;
            for (int i = 0; i < e.numel(); i++) {
                assertEquals(Double.doubleToRawLongBits(ev[i]), Double.doubleToRawLongBits(av[i]), k + "[" + i + "]");
            }
        });
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void aRunStoppedAndResumedInANewJvmEndsBitIdenticalToAnUninterruptedOne(DType dtype) throws Exception {
        Path straight = dir.resolve("straight.safetensors");
        Path ckpt = dir.resolve("ckpt.safetensors");
        Path resumed = dir.resolve("resumed.safetensors");
        child(dtype.name(), "straight", "6", straight.toString());
        child(dtype.name(), "first", "2", ckpt.toString());
        child(dtype.name(), "resume", ckpt.toString(), "6", resumed.toString());
        Map<String, Tensor> a = SafeTensors.load(straight);
        Map<String, Tensor> b = SafeTensors.load(resumed);
        assertBitIdentical(a, b);
        // each tensor was saved in its own dtype: a float32 model's weights and optimizer buffers as F32
        String stored = dtype == DType.FLOAT32 ? "F32" : "F64";
        for (Path file : List.of(ckpt, resumed)) {
            String header = Float32SafeTensorsTest.header(file);
            for (String key : List.of("model.0.weight", "model.1.running_mean", "optimizer.state.0.exp_avg_sq")) {
                assertTrue(header.contains("\"" + key + "\":{\"dtype\":\"" + stored + "\""),
                        key + " in " + header);
            }
            assertTrue(header.contains("num_batches_tracked\":{\"dtype\":\"I64\""), header);
        }
        // the comparison is not vacuous: training moved the weights and the running statistics, and a run that
        // forgot the optimizer's state (a fresh AdamW after the checkpoint) ends elsewhere
        Run fresh = new Run(8, dtype);
        assertNotEquals(fresh.model.stateDict().get("0.weight").get(0, 0), a.get("model.0.weight").get(0, 0));
        assertEquals(6.0 * 4, a.get("model.1.num_batches_tracked").item());
        Run forgetful = new Run(8, dtype);
        Map<String, Tensor> extra = Checkpoint.extra(ckpt);
        Map<String, Tensor> all = SafeTensors.load(ckpt);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith("model.")) {
                weights.put(k.substring(6), v);
            }
        });
        forgetful.model.loadStateDict(weights);
        forgetful.train((int) extra.get("epoch").item() + 1, 6);
        assertNotEquals(a.get("model.0.weight").get(0, 0), forgetful.model.stateDict().get("0.weight").get(0, 0));
    }

    @Test
    void aRoundTripRestoresModelOptimizerAndSchedulerExactly() throws Exception {
        Run a = new Run();
        a.train(0, 3);
        Path file = dir.resolve("c.safetensors");
        Checkpoint.save(file, a.model, a.opt, a.sched);
        Run b = new Run();
        assertNotEquals(a.model.stateDict().get("1.running_mean").get(0, 0),
                b.model.stateDict().get("1.running_mean").get(0, 0));
        Checkpoint.load(file, b.model, b.opt, b.sched);
        assertBitIdentical(a.everything(), b.everything());
        assertEquals(a.opt.lr(), b.opt.lr());
        assertEquals(a.sched.lastLr(), b.sched.lastLr());
        assertTrue(Checkpoint.extra(file).isEmpty());
        // and they go on identically
        a.train(3, 5);
        b.train(3, 5);
        assertBitIdentical(a.everything(), b.everything());
    }

    @Test
    void withoutASchedulerAndWithExtraEntries() throws Exception {
        Module m = new Sequential(new Linear(3, 2, true, new Random(3)));
        SGD opt = new SGD(m.parameters(), 0.1).momentum(0.9);
        Tensor x = Tensor.randn(5, 3, new Random(4));
        for (int i = 0; i < 2; i++) {
            opt.zeroGrad();
            m.forward(x).square().sum().backward();
            opt.step();
        }
        Path file = dir.resolve("c.safetensors");
        Checkpoint.save(file, m, opt);
        Module m2 = new Sequential(new Linear(3, 2, true, new Random(5)));
        SGD opt2 = new SGD(m2.parameters(), 0.5).momentum(0.9);
        Checkpoint.load(file, m2, opt2);
        assertBitIdentical(m.stateDict(), m2.stateDict());
        assertBitIdentical(opt.stateDict(), opt2.stateDict());
        assertEquals(0.1, opt2.lr());

        Checkpoint.save(file, m, opt, null, Map.of("epoch", Tensor.scalar(7), "best_loss", Tensor.scalar(0.25)));
        Map<String, Tensor> extra = Checkpoint.extra(file);
        assertEquals(List.of("epoch", "best_loss").size(), extra.size());
        assertEquals(7.0, extra.get("epoch").item());
        assertEquals(0.25, extra.get("best_loss").item());
        Checkpoint.load(file, m2, opt2);   // the caller's entries do not get in the way
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(file, m, opt, null,
                Map.of("", Tensor.scalar(1))));
    }

    /** A trained setup whose state is recorded, for checking that a rejected load changed none of it. */
    private static final class Target {
        final Run run;
        final Map<String, Tensor> before;

        Target(Run run) {
            this.run = run;
            this.before = run.everything();
        }

        void assertUnchanged() {
            assertBitIdentical(before, run.everything());
        }
    }

    private Target trainedTarget() {
        Run r = new Run();
        r.train(0, 1);
        return new Target(r);
    }

    private String rejected(Target t, LRScheduler sched, Path file) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            if (sched == null) {
                Checkpoint.load(file, t.run.model, t.run.opt);
            } else {
                Checkpoint.load(file, t.run.model, t.run.opt, sched);
            }
        });
        t.assertUnchanged();
        return e.getMessage();
    }

    @Test
    void aCheckpointForAnotherModelIsRejectedAndNothingChanges() throws Exception {
        Run other = new Run(5);   // hidden size 5: other shapes
        other.train(0, 2);
        Path file = dir.resolve("other.safetensors");
        Checkpoint.save(file, other.model, other.opt, other.sched);
        Target t = trainedTarget();
        String msg = rejected(t, t.run.sched, file);
        assertTrue(msg.contains("another model") && msg.contains("'0.weight' is 5x4 but the model's is 8x4"), msg);

        // other names: one more layer
        Module deeper = new Sequential(new Linear(4, 8, true, new Random(1)), new BatchNorm1d(8), new ReLU(),
                new Dropout(0.3, new Random(0)), new Linear(8, 3, true, new Random(2)), new Linear(3, 3));
        Optimizer deeperOpt = new AdamW(deeper.parameters(), 0.05);
        Checkpoint.save(file, deeper, deeperOpt, new CosineAnnealingLR(deeperOpt, 8));
        msg = rejected(t, t.run.sched, file);
        assertTrue(msg.contains("unexpected '5.weight'"), msg);
    }

    @Test
    void anOptimizerStateForOtherParametersIsRejectedAndNothingChanges() throws Exception {
        Target t = trainedTarget();
        Path file = dir.resolve("c.safetensors");
        // the same model, but an optimizer over only its first two parameters
        Run r = new Run();
        r.train(0, 2);
        AdamW part = new AdamW(r.model.parameters().subList(0, 2), 0.05);
        Checkpoint.save(file, r.model, part, new CosineAnnealingLR(part, 8));
        String msg = rejected(t, t.run.sched, file);
        assertTrue(msg.contains("another optimizer") && msg.contains("2 parameters"), msg);

        // another kind with other state keys: SGD with momentum
        SGD sgd = new SGD(r.model.parameters(), 0.1).momentum(0.9);
        r.model.forward(Tensor.randn(4, 4, new Random(0))).sum().backward();
        sgd.step();
        Checkpoint.save(file, r.model, sgd, new CosineAnnealingLR(sgd, 8));
        msg = rejected(t, t.run.sched, file);
        assertTrue(msg.contains("another optimizer") && msg.contains("momentum_buffer"), msg);
    }

    @Test
    void aSchedulerPartMissingExtraOrOfAnotherKindIsRejectedAndNothingChanges() throws Exception {
        Run r = new Run();
        r.train(0, 2);
        Path without = dir.resolve("without.safetensors");
        Checkpoint.save(without, r.model, r.opt);
        Target t = trainedTarget();
        String msg = rejected(t, t.run.sched, without);
        assertTrue(msg.contains("no scheduler state"), msg);

        Path with = dir.resolve("with.safetensors");
        Checkpoint.save(with, r.model, r.opt, r.sched);
        msg = rejected(t, null, with);
        assertTrue(msg.contains("pass the scheduler"), msg);

        // the optimizer's state fits but the scheduler's does not: the optimizer is put back as it was
        ReduceLROnPlateau plateau = new ReduceLROnPlateau(t.run.opt);
        Map<String, Tensor> plateauBefore = plateau.stateDict();
        msg = rejected(t, plateau, with);
        assertTrue(msg.contains("another scheduler"), msg);
        assertBitIdentical(plateauBefore, plateau.stateDict());
    }

    @Test
    void filesThatAreNotCheckpointsAreRejectedAndNothingChanges() throws Exception {
        Target t = trainedTarget();
        Path plain = dir.resolve("weights.safetensors");
        SafeTensors.save(t.run.model.stateDict(), plain);
        String msg = rejected(t, t.run.sched, plain);
        assertTrue(msg.contains("is not a checkpoint"), msg);

        Path future = dir.resolve("future.safetensors");
        SafeTensors.save(Map.of("checkpoint.version", Tensor.scalar(2)), future);
        msg = rejected(t, t.run.sched, future);
        assertTrue(msg.contains("version 2.0"), msg);

        Path stray = dir.resolve("stray.safetensors");
        SafeTensors.save(Map.of("checkpoint.version", Tensor.scalar(1), "loss", Tensor.scalar(1)), stray);
        msg = rejected(t, t.run.sched, stray);
        assertTrue(msg.contains("'loss' outside"), msg);

        Path truncated = dir.resolve("truncated.safetensors");
        Checkpoint.save(truncated, t.run.model, t.run.opt, t.run.sched);
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 8));
        msg = rejected(t, t.run.sched, truncated);
        assertTrue(msg.contains("not a readable safetensors file"), msg);

        assertThrows(java.nio.file.NoSuchFileException.class,
                () -> Checkpoint.load(dir.resolve("missing"), t.run.model, t.run.opt, t.run.sched));
        t.assertUnchanged();
    }

    @Test
    void aSaveThatFailsKeepsThePreviousCheckpoint() throws Exception {
        Run r = new Run();
        Path file = dir.resolve("c.safetensors");
        Checkpoint.save(file, r.model, r.opt, r.sched);
        byte[] before = Files.readAllBytes(file);
        Map<String, Tensor> bad = new java.util.HashMap<>();
        bad.put("epoch", null);
        assertThrows(NullPointerException.class, () -> Checkpoint.save(file, r.model, r.opt, r.sched, bad));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(file)));
    }
}
