package io.simdgrad.graph;

import io.simdgrad.core.Tensor;
import io.simdgrad.core.engine.Dispatch;
import io.simdgrad.core.engine.Tracer;

import java.util.function.Supplier;

/** Work the graph module does on tensors without the thread's tracer seeing it. */
final class Snapshots {
    private Snapshots() {}

    /** Runs {@code work} with no tracer attached to this thread, then restores the tracer. */
    static <T> T untraced(Supplier<T> work) {
        Tracer prev = Dispatch.setTracer(null);
        try {
            return work.get();
        } finally {
            Dispatch.setTracer(prev);
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
