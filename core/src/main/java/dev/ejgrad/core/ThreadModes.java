package dev.ejgrad.core;

/**
 * The per-thread modes: how many {@link NoGrad} and {@link Anomaly} scopes are open on this thread. One thread-local
 * for both, so an op pays a single lookup whatever modes exist.
 */
final class ThreadModes {

    static final int NO_GRAD = 0;
    static final int ANOMALY = 1;

    // The only mutable static state in ejgrad: the scope depths of each thread.
    private static final ThreadLocal<int[]> DEPTHS = ThreadLocal.withInitial(() -> new int[2]);

    private ThreadModes() {
    }

    static int[] get() {
        return DEPTHS.get();
    }
}
