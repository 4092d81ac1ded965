package dev.ejgrad.core;

/**
 * Thrown under {@link Anomaly#detect()} when an op's forward output or one of its gradients holds a NaN or an
 * infinity. The message names the op, its inputs' shapes, the first bad element, and the caller's line that created
 * the op.
 */
public final class AnomalyException extends ArithmeticException {

    private static final long serialVersionUID = 1L;

    /** The name of the op that produced the value. */
    private final String op;
    /** The caller's frame where the op was created. */
    private final String site;

    AnomalyException(String op, String site, String message) {
        super(message);
        this.op = op;
        this.site = site;
    }

    /** {@return the name of the op that produced the value} */
    public String op() {
        return op;
    }

    /** {@return the first frame of the caller's code when the op was created, e.g. {@code Train.main(Train.java:42)}} */
    public String site() {
        return site;
    }
}
