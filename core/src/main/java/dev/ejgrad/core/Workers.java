package dev.ejgrad.core;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * The threads large kernels may use: at most {@code Runtime.availableProcessors()}, capped by the system property
 * {@code ejgrad.threads}. The calling thread does one share of the work; the others wait for tasks in a queue
 * (parked, not spinning). Daemon threads, so they never keep a program alive.
 */
final class Workers {

    private final int threads;
    private final ExecutorService pool;

    Workers(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = this.threads == 1 ? null : Executors.newFixedThreadPool(this.threads - 1, r -> {
            Thread t = new Thread(r, "ejgrad-kernel");
            t.setDaemon(true);
            return t;
        });
    }

    /** The thread count from {@code ejgrad.threads} (default: all processors), between 1 and the processor count. */
    static int configured() {
        int cpus = Runtime.getRuntime().availableProcessors();
        String v = System.getProperty("ejgrad.threads");
        if (v == null || v.isBlank()) {
            return cpus;
        }
        try {
            return Math.max(1, Math.min(cpus, Integer.parseInt(v.trim())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ejgrad.threads must be a whole number, got '" + v + "'", e);
        }
    }

    int threads() {
        return threads;
    }

    /** Runs {@code task(0) .. task(parts - 1)}, part 0 on the calling thread, and waits for all. */
    void run(int parts, IntConsumer task) {
        Future<?>[] futures = new Future<?>[parts - 1];
        for (int t = 1; t < parts; t++) {
            int part = t;
            futures[t - 1] = pool.submit(() -> task.accept(part));
        }
        task.accept(0);
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a kernel thread", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a kernel thread failed", e.getCause());
            }
        }
    }
}
