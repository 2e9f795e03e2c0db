package io.simdgrad.graph;

import io.simdgrad.core.Dispatch;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Tracer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A function compiled by {@link Graphs#compile}: executables per input signature, captured on
 * the first call with that signature. When a replay fails a guard (Java code took another path
 * for these values), the other executables of the signature are tried, most recently used first,
 * and only if all fail is the function captured again; each signature keeps up to
 * {@value #MAX_VARIANTS} such guarded variants (the least recently used one is dropped), as
 * {@code torch.compile} keeps a few guarded graphs per frame. A failed attempt costs the steps
 * up to its failed guard and changes nothing. Calls are serialised (a replay uses the
 * executable's buffers). Called inside another capture, it runs eagerly so the outer capture
 * records its ops.
 */
public final class CompiledFunction {
    private final Function<List<Tensor>, List<Tensor>> fn;
    private final boolean strict;
    private final boolean fuse;
    /** Guarded variants kept per input signature. */
    public static final int MAX_VARIANTS = 8;

    /** Per signature, its executables, most recently used first. */
    private final Map<Executable.Signature, List<Executable>> cache = new HashMap<>();
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
     * Runs the function on {@code inputs}: replays an executable for their signature, or
     * captures (runs eagerly) when there is none or every one's replay failed a guard. Returns new
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
        if (last != null && last.accepts(inputs)) {
            List<Tensor> r = tryReplay(last, inputs);
            if (r != null) return r;
        }
        Executable.Signature sig = Executable.Signature.of(inputs);
        List<Executable> variants = cache.get(sig);
        if (variants == null) {
            if (strict && captures > 0) {
                throw new IllegalArgumentException("compiled function (strict): expected inputs " + cache.keySet().iterator().next()
                        + ", got " + sig);
            }
            return capture(inputs);
        }
        for (int i = 0; i < variants.size(); i++) {
            Executable ex = variants.get(i);
            if (ex == last) continue; // just failed its guard above
            List<Tensor> r = tryReplay(ex, inputs);
            if (r != null) {
                variants.add(0, variants.remove(i));
                return r;
            }
        }
        return capture(inputs);
    }

    /** Replays {@code ex}; null when a guard fails (rethrown in strict mode). */
    private List<Tensor> tryReplay(Executable ex, List<Tensor> inputs) {
        try {
            List<Tensor> r = ex.run(inputs);
            replays++;
            last = ex;
            return r;
        } catch (GuardFailure e) {
            if (strict) throw e;
            return null;
        }
    }

    private List<Tensor> capture(List<Tensor> inputs) {
        Capture.Result r = Capture.run(fn, inputs);
        Graph g = fuse ? Passes.optimize(r.graph()) : Passes.optimizeUnfused(r.graph());
        assert g.check() != null;
        Executable ex = Executable.compile(g);
        List<Executable> variants = cache.computeIfAbsent(Executable.Signature.of(g), k -> new ArrayList<>());
        variants.add(0, ex);
        if (variants.size() > MAX_VARIANTS) variants.remove(variants.size() - 1);
        captures++;
        last = ex;
        lastCaptured = r.graph();
        return r.outputs();
    }

    /** How many executables are cached: per input signature seen, one per guarded variant. */
    public synchronized int cacheSize() {
        int n = 0;
        for (List<Executable> v : cache.values()) n += v.size();
        return n;
    }

    /** How many input signatures have executables. */
    public synchronized int signatureCount() {
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
