package dev.ejgrad.bench;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.ReLU;
import dev.ejgrad.nn.Sequential;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.SGD;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Random;

/**
 * Cold start, beside {@code ../shared/torch-ref}'s {@code cold}: right after the JVM starts, the reference step (MLP
 * 784-256-10, ReLU, batch 128, cross-entropy mean, SGD lr 0.01, gradients set to null) runs {@code --steps N} times
 * (default 300) and the program exits. Meant to be timed from outside as a whole process (see
 * {@code bench/cold.sh}); it also prints the first step, all steps and the time since the JVM started, in
 * torch-ref's format. The thread count is {@code -Dejgrad.threads=T}.
 *
 * <p>{@code --curve S} instead runs the step for {@code S} seconds and prints the warm-up curve: steps per second in
 * every 0.5 s window, against the seconds since the JVM started. {@code -Dcold.trace=true} prints the first step's
 * phases and, for a sample of the later steps, wall and thread CPU time per phase.
 */
public final class Cold {

    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Cold() {
    }

    /** The reference step's model, optimizer and fixed batch. */
    private static final class Mlp {
        final Sequential model;
        final SGD opt;
        final CrossEntropyLoss loss = new CrossEntropyLoss();
        final Tensor x;
        final int[] y = new int[128];
        double lastLoss;

        Mlp(long seed) {
            Random rng = new Random(seed);
            x = Tensor.rand(128, 784, rng);
            for (int i = 0; i < y.length; i++) {
                y[i] = rng.nextInt(10);
            }
            model = new Sequential(new Linear(784, 256, true, rng), new ReLU(), new Linear(256, 10, true, rng));
            opt = new SGD(model.parameters(), 0.01);
        }

        void step() {
            opt.zeroGrad();
            Tensor l = loss.forward(model.forward(x), y);
            l.backward();
            opt.step();
            lastLoss = l.item();
        }

        /** One step, its phases timed: forward, backward, optimizer, in nanoseconds. */
        long[] timedStep() {
            long c0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            opt.zeroGrad();
            Tensor l = loss.forward(model.forward(x), y);
            long t1 = System.nanoTime();
            l.backward();
            long t2 = System.nanoTime();
            opt.step();
            lastLoss = l.item();
            long t3 = System.nanoTime();
            return new long[] {t1 - t0, t2 - t1, t3 - t2, THREADS.getCurrentThreadCpuTime() - c0, t3 - t0};
        }
    }

    private static double sinceStart() {
        return (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
    }

    /**
     * Runs the benchmark.
     *
     * @param args {@code [--steps N] [--curve SECONDS]}
     */
    public static void main(String[] args) {
        int steps = 300;
        double curve = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--curve" -> curve = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; Cold [--steps N] [--curve SECONDS]");
            }
        }
        String threads = System.getProperty("ejgrad.threads", String.valueOf(Runtime.getRuntime().availableProcessors()));
        Mlp m = new Mlp(42);
        if (curve > 0) {
            curve(m, curve);
            return;
        }
        boolean trace = Boolean.getBoolean("cold.trace");
        long t0 = System.nanoTime();
        int classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
        long[] firstPhases = trace ? m.timedStep() : null;
        if (!trace) {
            m.step();
        }
        long first = System.nanoTime() - t0;
        if (trace) {
            System.out.printf(Locale.ROOT, "first step: forward %.1f, backward %.1f, optimizer %.1f ms, cpu %.1f ms, %d"
                    + " classes loaded%n", firstPhases[0] / 1e6, firstPhases[1] / 1e6, firstPhases[2] / 1e6,
                    firstPhases[3] / 1e6, ManagementFactory.getClassLoadingMXBean().getLoadedClassCount() - classes);
        }
        StringBuilder log = new StringBuilder();
        for (int i = 1; i < steps; i++) {
            if (trace) {
                long[] t = m.timedStep();
                if (i < 20 || i % 10 == 0) {
                    log.append(String.format(Locale.ROOT, "step %d at %.3f s: %.1f ms (cpu %.1f): forward %.1f,"
                            + " backward %.1f, optimizer %.1f%n", i, sinceStart(), t[4] / 1e6, t[3] / 1e6, t[0] / 1e6,
                            t[1] / 1e6, t[2] / 1e6));
                }
            } else {
                m.step();
            }
        }
        System.out.print(log);
        double all = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "ejgrad-cold f64 %sT: %d steps, first step %.1f ms, steps %.3f s, since JVM start"
                + " %.3f s, loss %.4f%n", threads, steps, first / 1e6, all, sinceStart(), m.lastLoss);
        if (trace) {
            System.out.printf(Locale.ROOT, "main thread cpu %.3f s, process cpu %.3f s%n",
                    THREADS.getCurrentThreadCpuTime() / 1e9,
                    ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                            .getProcessCpuTime() / 1e9);
        }
    }

    private static void curve(Mlp m, double seconds) {
        System.out.println("seconds since JVM start:steps/s in the last 0.5 s");
        double start = sinceStart();
        long window = System.nanoTime();
        int count = 0;
        System.out.printf(Locale.ROOT, "%.2f:start%n", start);
        while (true) {
            m.step();
            count++;
            long now = System.nanoTime();
            if (now - window >= 500_000_000L) {
                double s = sinceStart();
                System.out.printf(Locale.ROOT, "%.1f:%.0f%n", s, count / ((now - window) / 1e9));
                window = now;
                count = 0;
                if (s - start >= seconds) {
                    return;
                }
            }
        }
    }
}
