package dev.ejgrad.core;

import org.ejml.data.DMatrixRMaj;

/**
 * A scope in which every op checks its values, as {@code torch.autograd.detect_anomaly()}: as soon as a forward
 * produces a NaN or an infinity, or a backward produces one in a gradient, an {@link AnomalyException} names the op,
 * its input shapes, the first bad element, and the line of the caller's code that created the op.
 *
 * <pre>{@code
 * try (Anomaly scope = Anomaly.detect()) {
 *     Tensor loss = lossFn.forward(model.forward(x), y);
 *     loss.backward();
 * }
 * }</pre>
 *
 * <p>Per thread, and scopes nest. When no scope is open, ops check nothing and record no creation site; with one
 * open, each op also captures a stack trace, so keep it for hunting a fault, not for training. Ops that produce an
 * infinity on purpose (such as {@code log(0)}) are reported too.
 */
public final class Anomaly implements AutoCloseable {

    private final int[] depths;
    private boolean closed;

    private Anomaly(int[] depths) {
        this.depths = depths;
    }

    /**
     * Opens an anomaly-detection scope on this thread.
     *
     * @return the scope, to be closed (use try-with-resources)
     */
    public static Anomaly detect() {
        int[] depths = ThreadModes.get();
        depths[ThreadModes.ANOMALY]++;
        return new Anomaly(depths);
    }

    /** {@return whether anomaly detection is on for this thread} */
    public static boolean isEnabled() {
        return ThreadModes.get()[ThreadModes.ANOMALY] > 0;
    }

    /** Closes this scope; detection stops when no other scope is open on this thread. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            depths[ThreadModes.ANOMALY]--;
        }
    }

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    /**
     * The first frame of the caller's code: the first one that is neither the JDK nor ejgrad's library (its core,
     * nn and optim packages, as shipped; their tests count as callers).
     */
    static String callerSite() {
        return WALKER.walk(frames -> frames.filter(f -> !isLibrary(f.getDeclaringClass())).findFirst()
                .map(f -> f.toStackTraceElement().toString()).orElse("an unknown place"));
    }

    private static boolean isLibrary(Class<?> c) {
        String name = c.getName();
        if (name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.")) {
            return true;
        }
        if (!name.startsWith("dev.ejgrad.core.") && !name.startsWith("dev.ejgrad.nn.")
                && !name.startsWith("dev.ejgrad.optim.")) {
            return false;
        }
        java.security.CodeSource source = c.getProtectionDomain().getCodeSource();
        return source == null || !String.valueOf(source.getLocation()).contains("test-classes");
    }

    /** Throws if {@code m} holds a NaN or an infinity, naming the op, its inputs' shapes and where it was created. */
    static void check(DMatrixRMaj m, String what, String op, Tensor[] inputs, String site) {
        for (int k = 0; k < m.getNumElements(); k++) {
            if (!Double.isFinite(m.data[k])) {
                StringBuilder shapes = new StringBuilder();
                for (Tensor t : inputs) {
                    shapes.append(shapes.length() == 0 ? "" : ", ").append(Shapes.of(t));
                }
                throw new AnomalyException(op, site, op + ": " + what + " has " + m.data[k] + " at ("
                        + k / m.numCols + ", " + k % m.numCols + "); inputs " + shapes + "; the op was created at "
                        + site);
            }
        }
    }
}
