package io.simdgrad.graph;

import io.simdgrad.core.Tensor;
import io.simdgrad.core.engine.Dispatch;

import java.util.function.Supplier;

/** Work the graph module does on tensors without the thread's tracer seeing it. */
final class Snapshots {
    private Snapshots() {}

    /** Runs {@code work} with no tracer attached to this thread, then restores the tracer. */
    static <T> T untraced(Supplier<T> work) {
        try (var untraced = Dispatch.untraced()) {
            return work.get();
        }
    }

    /** The elements of {@code t}, row-major, as doubles. */
    static double[] values(Tensor t) {
        return untraced(t::toDoubleArray);
    }

    /** A contiguous copy with its own storage. */
    static Tensor copy(Tensor t) {
        return untraced(t::copy);
    }
}
