package io.simdgrad.graph;

import io.simdgrad.core.Dispatch;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Tracer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A function compiled by {@link Graphs#compile}: one executable per input signature, captured
 * on the first call with that signature. Calls are serialised (a replay uses the executable's
 * buffers). Called inside another capture, it runs eagerly so the outer capture records its ops.
 */
public final class CompiledFunction {
    private final Function<List<Tensor>, List<Tensor>> fn;
    private final boolean strict;
    private final boolean fuse;
    private final Map<Executable.Signature, Executable> cache = new HashMap<>();
    private Executable last;
    private Graph lastCaptured;
    private int captures;
    private int replays;

    CompiledFunction(Function<List<Tensor>, List<Tensor>> fn, boolean strict, boolean fuse) {
        this.fn = fn;
        this.strict = strict;
        this.fuse = fuse;
    }

    /** {@link #call(List)} with the inputs as arguments. */
    public List<Tensor> call(Tensor... inputs) {
        return call(Arrays.asList(inputs));
    }

    /**
     * Runs the function on {@code inputs}: replays the executable for their signature, or
     * captures (runs eagerly) when there is none or its replay failed a guard. Returns new
     * tensors on a replay, what the function returned on a capture.
     *
     * @throws IllegalArgumentException in strict mode, for a signature other than the captured one
     * @throws GuardFailure in strict mode, when a guard fails (params unchanged)
     * @throws ReplayException when a step throws (params unchanged)
     */
    public synchronized List<Tensor> call(List<Tensor> inputs) {
        Tracer outer = Dispatch.setTracer(null);
        Dispatch.setTracer(outer);
        if (outer != null) return fn.apply(inputs);
        Executable ex = last != null && last.accepts(inputs) ? last : cache.get(Executable.Signature.of(inputs));
        if (ex == null) {
            if (strict && captures > 0) {
                throw new IllegalArgumentException("compiled function (strict): expected inputs " + cache.keySet().iterator().next()
                        + ", got " + Executable.Signature.of(inputs));
            }
            return capture(inputs);
        }
        last = ex;
        try {
            List<Tensor> r = ex.run(inputs);
            replays++;
            return r;
        } catch (GuardFailure e) {
            if (strict) throw e;
            return capture(inputs);
        }
    }

    private List<Tensor> capture(List<Tensor> inputs) {
        Capture.Result r = Capture.run(fn, inputs);
        Graph g = fuse ? Passes.optimize(r.graph()) : Passes.optimizeUnfused(r.graph());
        assert g.check() != null;
        Executable ex = Executable.compile(g);
        cache.put(Executable.Signature.of(g), ex);
        captures++;
        last = ex;
        lastCaptured = r.graph();
        return r.outputs();
    }

    /** How many executables are cached (one per input signature seen). */
    public synchronized int cacheSize() {
        return cache.size();
    }

    /** How many times the function was captured (first calls, new signatures, failed guards). */
    public synchronized int captureCount() {
        return captures;
    }

    /** How many calls were replays. */
    public synchronized int replayCount() {
        return replays;
    }

    /** Whether this function refuses to capture again. */
    public boolean isStrict() {
        return strict;
    }

    /** The optimised graph of the executable used last, or null before the first call. */
    public synchronized Graph graph() {
        return last == null ? null : last.graph();
    }

    /** The graph as captured last (before the passes), or null before the first call. */
    public synchronized Graph capturedGraph() {
        return lastCaptured;
    }

    /** The executable used last, or null before the first call. */
    public synchronized Executable executable() {
        return last;
    }
}
