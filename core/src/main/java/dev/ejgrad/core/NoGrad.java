package dev.ejgrad.core;

/**
 * A scope in which ops record no graph, on the calling thread only (as {@code torch.no_grad()}).
 *
 * <pre>{@code
 * try (NoGrad scope = NoGrad.enter()) {
 *     Tensor prediction = model.forward(x);   // no graph, no saved values
 * }
 * }</pre>
 *
 * <p>Scopes nest: grad mode comes back only when the outermost scope closes. Closing a scope twice has no further
 * effect. Grad mode is per thread, so a scope on one thread does not affect ops on another.
 */
public final class NoGrad implements AutoCloseable {

    // The only mutable static state in ejgrad: how many NoGrad scopes are open on each thread.
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final int[] depth;
    private boolean closed;

    private NoGrad(int[] depth) {
        this.depth = depth;
    }

    /**
     * Opens a no-grad scope on this thread.
     *
     * @return the scope, to be closed (use try-with-resources)
     */
    public static NoGrad enter() {
        int[] depth = DEPTH.get();
        depth[0]++;
        return new NoGrad(depth);
    }

    /**
     * Tells whether ops on this thread record a graph now.
     *
     * @return {@code true} unless a {@link NoGrad} scope is open on this thread
     */
    public static boolean isGradEnabled() {
        return DEPTH.get()[0] == 0;
    }

    /** Closes this scope; grad mode returns when no other scope is open on this thread. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            depth[0]--;
        }
    }
}
