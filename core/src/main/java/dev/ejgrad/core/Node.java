package dev.ejgrad.core;

/**
 * The record of one op in the graph: its name, its inputs, and one derivative rule per input. After a backward
 * without {@code retainGraph} the node lets go of its inputs and rules (and so of every value they saved).
 */
final class Node {

    final String name;
    /** Where the caller created the op; recorded only under {@link Anomaly#detect()}, else null. */
    final String site;
    private Tensor[] inputs;
    private GradFn[] rules;

    Node(String name, Tensor[] inputs, GradFn[] rules, String site) {
        this.name = name;
        this.site = site;
        this.inputs = inputs;
        this.rules = rules;
    }

    boolean isReleased() {
        return inputs == null;
    }

    Tensor[] inputs() {
        if (inputs == null) {
            throw new IllegalStateException(name + ": trying to backward through the graph a second time (or to use "
                    + "its saved values after they were released); call backward(gradient, true) the first time "
                    + "to keep them");
        }
        return inputs;
    }

    /** The inputs, or {@code null} once released; for printing the graph, which must not throw. */
    Tensor[] inputsIfKept() {
        return inputs;
    }

    GradFn rule(int i) {
        return rules[i];
    }

    void release() {
        inputs = null;
        rules = null;
    }
}
