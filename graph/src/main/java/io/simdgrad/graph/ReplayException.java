package io.simdgrad.graph;

/** An exception thrown by a step of a replay, with the step: {@code while executing %7 = logSoftmax(%6, dim=1) : f32[4, 10]}. */
public final class ReplayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Graph.Step step;

    ReplayException(Graph.Step step, Throwable cause) {
        super("while executing " + step + ": " + cause, cause);
        this.step = step;
    }

    /** The step that failed. */
    public Graph.Step step() {
        return step;
    }
}
