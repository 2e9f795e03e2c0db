package io.simdgrad.graph;

/**
 * A replay computed another value for data that Java code read during the capture (a guard):
 * the captured path is not the one these inputs take. Params are left as they were.
 */
public final class GuardFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Graph.Guard guard;

    GuardFailure(Graph.Guard guard, double[] actual) {
        super("guard failed: " + guard + ", but the replay computed " + Graph.formatValues(actual)
                + " (Java code read " + guard.value() + " " + guard.value().type() + " during the capture and branched on it)");
        this.guard = guard;
    }

    /** The guard that failed. */
    public Graph.Guard guard() {
        return guard;
    }
}
