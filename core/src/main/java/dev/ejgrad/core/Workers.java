package dev.ejgrad.core;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The threads large kernels may use: at most {@code Runtime.availableProcessors()}, capped by the system property
 * {@code ejgrad.threads}. The calling thread does one share of the work; the others wait for tasks in a queue
 * (parked, not spinning).
 *
 * <p>The pool never holds up the end of a program or of a container that owns its threads: its threads are daemons,
 * they belong to a thread group of their own under the JVM's root group (not to the group of whichever thread first
 * ran a product, which {@code exec:java} and application servers enumerate, interrupt and join at exit), they carry
 * no context class loader, and an idle thread ends after two seconds (a new one starts with the next large
 * product).
 */
final class Workers {

    /** How long an idle kernel thread waits for work before it ends, in milliseconds. */
    static final long IDLE_MILLIS = 2000;

    /** The group of every kernel thread, a child of the JVM's root group. */
    static final ThreadGroup GROUP = new ThreadGroup(rootGroup(), "ejgrad");

    private static final ThreadFactory FACTORY = r -> {
        Thread t = new Thread(GROUP, r, "ejgrad-kernel");
        t.setDaemon(true);
        t.setContextClassLoader(null);
        return t;
    };

    private final int threads;
    private final ThreadPoolExecutor pool;

    Workers(int threads) {
        this(threads, IDLE_MILLIS);
    }

    /** With idle threads ending after {@code idleMillis}. */
    Workers(int threads, long idleMillis) {
        this.threads = Math.max(1, threads);
        if (this.threads == 1) {
            this.pool = null;
        } else {
            this.pool = new ThreadPoolExecutor(this.threads - 1, this.threads - 1, idleMillis, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(), FACTORY);
            this.pool.allowCoreThreadTimeOut(true);
        }
    }

    private static ThreadGroup rootGroup() {
        ThreadGroup g = Thread.currentThread().getThreadGroup();
        while (g.getParent() != null) {
            g = g.getParent();
        }
        return g;
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

    /** A range of columns {@code [from, to)} of a product's result. */
    @FunctionalInterface
    interface ColumnRange {
        void run(int from, int to);
    }

    /**
     * The columns {@code [0, n)} of a product, the GEMMs' one way of splitting work: in equal shares cut at multiples
     * of {@code unit} (a panel or a vector, so that every tile but the last stays full-width) on up to
     * {@code maxShares} threads when the product is {@code large}, else on the calling thread in one range. Each column
     * is computed whole by one share, so the results never depend on the split.
     */
    void splitColumns(int n, int unit, int maxShares, boolean large, ColumnRange columns) {
        int shares = large ? Math.min(threads, maxShares) : 1;
        if (shares <= 1) {
            columns.run(0, n);
            return;
        }
        int units = (n + unit - 1) / unit;
        run(shares, t -> {
            int from = Math.min(n, units * t / shares * unit);
            int to = Math.min(n, units * (t + 1) / shares * unit);
            if (from < to) {
                columns.run(from, to);
            }
        });
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
