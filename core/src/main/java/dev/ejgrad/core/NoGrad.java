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
        int[] depths = ThreadModes.get();
        depths[ThreadModes.NO_GRAD]++;
        return new NoGrad(depths);
    }

    /**
     * Tells whether ops on this thread record a graph now.
     *
     * @return {@code true} unless a {@link NoGrad} scope is open on this thread
     */
    public static boolean isGradEnabled() {
        return ThreadModes.get()[ThreadModes.NO_GRAD] == 0;
    }

    /** Closes this scope; grad mode returns when no other scope is open on this thread. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            depth[ThreadModes.NO_GRAD]--;
        }
    }
}
