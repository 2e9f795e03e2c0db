package io.simdgrad.graph;

import io.simdgrad.core.Tensor;
import io.simdgrad.core.engine.Dispatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A function compiled by {@link Graphs#compile}: executables per input signature.
 *
 * <p><b>Capture and check.</b> The first call with a signature captures (runs eagerly, recording
 * a graph); the second call captures again and compares the two graphs ({@link GraphDiff}). A
 * Java value used as an op operand (a learning rate, an Adam step count) is a constant of the
 * graph: when the two graphs differ in such a value, replaying would silently compute with the
 * first one, so the signature stays eager (and {@link #warnings()} says which op, which operand
 * and both values; {@link Graphs#compileStrict} throws instead). When they are the same program
 * the signature compiles and every later call replays; when they differ in a guard, both become
 * guarded variants.
 *
 * <p><b>Variants.</b> When a replay fails a guard (Java code took another path for these values),
 * the other executables of the signature are tried, most recently used first, and only if all
 * fail is the function captured again; each signature keeps up to {@value #MAX_VARIANTS} such
 * guarded variants (the least recently used one is dropped), as {@code torch.compile} keeps a
 * few guarded graphs per frame. A failed attempt costs the steps up to its failed guard and
 * changes nothing. At most {@link #maxSignatures()} signatures are kept (least recently used
 * dropped; {@code -Dsimdgrad.compile.maxSignatures}, default {@value #DEFAULT_MAX_SIGNATURES}).
 * A function that keeps capturing (guards failing past the variant limit, or signatures
 * evicted) warns once, as Dynamo's recompile limit does.
 *
 * <p>Calls are serialised (a replay uses the executable's buffers). Called inside another
 * capture, it runs eagerly so the outer capture records its ops.
 */
public final class CompiledFunction {
    /** Guarded variants kept per input signature. */
    public static final int MAX_VARIANTS = 8;
    /** Signatures kept when {@code simdgrad.compile.maxSignatures} is not set. */
    public static final int DEFAULT_MAX_SIGNATURES = 64;

    private static final System.Logger LOG = System.getLogger("io.simdgrad.graph");

    private final Function<List<Tensor>, List<Tensor>> fn;
    private final boolean strict;
    private final boolean fuse;
    private int maxSignatures = Integer.getInteger("simdgrad.compile.maxSignatures", DEFAULT_MAX_SIGNATURES);

    /** Per signature, its executables, most recently used first; the map in access order (LRU). */
    private final LinkedHashMap<Executable.Signature, List<Executable>> cache = new LinkedHashMap<>(16, 0.75f, true);
    /** First captures waiting for the second call's check, compiled. */
    private final Map<Executable.Signature, Executable> pending = new HashMap<>();
    /** Signatures that stay eager, with the reason. */
    private final Map<Executable.Signature, String> eager = new HashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final java.util.Set<String> warnedOnce = new java.util.HashSet<>();
    private Executable last;
    /** The executable compiled last (the first capture's, before its check), for {@link #graph()}. */
    private Executable compiled;
    private GuardFailure lastFailure;
    private Graph lastCaptured;
    private int captures;
    private int replays;
    private int eagerCalls;
    private int recaptures;
    private int evictions;
    private boolean warnedRecapture, warnedEviction;

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
     * captures (runs eagerly) when there is none yet, the signature's graph is being checked,
     * or every executable's replay failed a guard. Returns new tensors on a replay, what the
     * function returned when it ran eagerly.
     *
     * @throws IllegalArgumentException in strict mode, for a signature other than the captured one
     * @throws IllegalStateException in strict mode, when the second capture finds a changed Java value
     * @throws GuardFailure in strict mode, when a guard fails (params unchanged)
     * @throws ReplayException when a step throws (params unchanged)
     */
    public synchronized List<Tensor> call(List<Tensor> inputs) {
        if (Dispatch.tracer() != null) return fn.apply(inputs);
        String alias = aliasedParam(inputs);
        if (alias != null) {
            // a replay copies its inputs in first, eager code would see the param change under it
            warnOnce("compile: " + alias + "; such calls run eagerly");
            eagerCalls++;
            return fn.apply(inputs);
        }
        if (last != null && last.accepts(inputs)) {
            List<Tensor> r = tryReplay(last, inputs);
            if (r != null) return r;
        }
        Executable.Signature sig = Executable.Signature.of(inputs);
        if (eager.containsKey(sig)) {
            eagerCalls++;
            return fn.apply(inputs);
        }
        List<Executable> variants = cache.get(sig);
        if (variants == null) {
            if (strict && (captures > 0 && !pending.containsKey(sig))) {
                throw new IllegalArgumentException("compiled function (strict): expected inputs " + knownSignature()
                        + ", got " + sig);
            }
            Executable first = pending.remove(sig);
            Capture.Result r = capture(inputs);
            if (r.unreplayable() != null) {
                if (first != null) pending.put(sig, first);
                warnOnce("compile: a call ran eagerly and was not compiled: " + r.unreplayable());
                return r.outputs();
            }
            if (first == null) {
                Executable ex = compile(r.graph());
                pending.put(sig, ex);
                compiled = ex;
                return r.outputs();
            }
            GraphDiff d = GraphDiff.between(first.capturedGraph(), r.graph());
            if (d == null) {
                install(sig, first);
            } else if (d.kind() == GraphDiff.Kind.GUARD) {
                install(sig, first);
                install(sig, compile(r.graph()));
            } else {
                String why = "compile: the function computed with a changed Java value, so it runs eagerly for inputs " + sig
                        + ": " + d.message() + ". A Java number used as an op operand is a constant of the compiled graph; "
                        + "pass values that change between calls as tensors (inputs, or tensors updated in place)";
                if (strict) throw new IllegalStateException(why.replace("compile: ", "compiled function (strict): ")
                        .replace(", so it runs eagerly for inputs " + sig, " for inputs " + sig));
                eager.put(sig, why);
                warn(why);
            }
            return r.outputs();
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
        Capture.Result r = capture(inputs);
        if (r.unreplayable() != null) {
            warnOnce("compile: a call ran eagerly and was not compiled: " + r.unreplayable());
            return r.outputs();
        }
        recaptures++;
        if (recaptures > MAX_VARIANTS && !warnedRecapture) {
            warnedRecapture = true;
            warn("compile: the function keeps capturing: " + recaptures + " captures after failed guards (last: "
                    + (lastFailure == null ? "?" : lastFailure.getMessage()) + "). Branch on 0/1 masks rather than raw values, "
                    + "so that replays taking the same decisions pass their guards");
        }
        install(sig, compile(r.graph()));
        return r.outputs();
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
            lastFailure = e;
            return null;
        }
    }

    private Capture.Result capture(List<Tensor> inputs) {
        Capture.Result r = Capture.run(fn, inputs);
        captures++;
        lastCaptured = r.graph();
        return r;
    }

    private Executable compile(Graph captured) {
        Graph g = fuse ? Passes.optimize(captured) : Passes.optimizeUnfused(captured);
        assert g.check() != null;
        return Executable.compile(g, captured);
    }

    /** Adds {@code ex} as the newest variant of {@code sig}. */
    private void install(Executable.Signature sig, Executable ex) {
        compiled = ex;
        List<Executable> variants = cache.computeIfAbsent(sig, k -> new ArrayList<>());
        variants.add(0, ex);
        if (variants.size() > MAX_VARIANTS) variants.remove(variants.size() - 1);
        last = ex;
        while (cache.size() > maxSignatures) {
            Iterator<Map.Entry<Executable.Signature, List<Executable>>> it = cache.entrySet().iterator();
            Map.Entry<Executable.Signature, List<Executable>> eldest = it.next();
            if (eldest.getValue().contains(last)) break;
            it.remove();
            evictions++;
            if (!warnedEviction) {
                warnedEviction = true;
                warn("compile: the function keeps capturing new input signatures; " + maxSignatures + " are kept and the least "
                        + "recently used (" + eldest.getKey() + ") was dropped. Inputs whose shapes vary capture anew: pad or bucket "
                        + "them, or raise -Dsimdgrad.compile.maxSignatures");
            }
        }
    }

    /** Why an input shares memory with a param that a compiled step of its signature writes in place, or null. */
    private String aliasedParam(List<Tensor> inputs) {
        // the common case allocates nothing: the last executable accepts the inputs
        if (last != null && last.accepts(inputs)) return last.aliasOfWrittenParam(inputs);
        List<Executable> vs = cache.get(Executable.Signature.of(inputs));
        if (vs == null) return null;
        for (Executable ex : vs) {
            String why = ex.aliasOfWrittenParam(inputs);
            if (why != null) return why;
        }
        return null;
    }

    private String knownSignature() {
        if (!cache.isEmpty()) return cache.keySet().iterator().next().toString();
        return pending.isEmpty() ? "?" : pending.keySet().iterator().next().toString();
    }

    private void warnOnce(String message) {
        if (warnedOnce.add(message)) warn(message);
    }

    private void warn(String message) {
        warnings.add(message);
        LOG.log(System.Logger.Level.WARNING, message);
    }

    /** The most signatures kept. */
    public synchronized int maxSignatures() {
        return maxSignatures;
    }

    /** Sets the most signatures kept (at least 1); returns this. */
    public synchronized CompiledFunction maxSignatures(int n) {
        if (n < 1) throw new IllegalArgumentException("maxSignatures: must be at least 1, got " + n);
        maxSignatures = n;
        return this;
    }

    /** The warnings given so far (each also logged once through {@link System.Logger} "io.simdgrad.graph"). */
    public synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** How many executables are cached: per input signature kept, one per guarded variant. */
    public synchronized int cacheSize() {
        int n = 0;
        for (List<Executable> v : cache.values()) n += v.size();
        return n;
    }

    /** How many input signatures have executables. */
    public synchronized int signatureCount() {
        return cache.size();
    }

    /** How many signatures were dropped from the cache (least recently used first). */
    public synchronized int evictionCount() {
        return evictions;
    }

    /**
     * How many calls ran eagerly under capture: the first two calls of each signature (the
     * second checks the first) and calls whose every variant failed a guard.
     */
    public synchronized int captureCount() {
        return captures;
    }

    /** How many calls were replays. */
    public synchronized int replayCount() {
        return replays;
    }

    /** How many calls ran eagerly, uncaptured, because their signature was found to use a changing Java value. */
    public synchronized int eagerCount() {
        return eagerCalls;
    }

    /** Whether this function refuses to capture again. */
    public boolean isStrict() {
        return strict;
    }

    /** The optimised graph of the executable used last (or compiled last), or null before the first capture. */
    public synchronized Graph graph() {
        Executable e = last != null ? last : compiled;
        return e == null ? null : e.graph();
    }

    /** The graph as captured last (before the passes), or null before the first call. */
    public synchronized Graph capturedGraph() {
        return lastCaptured;
    }

    /** The executable used last (or compiled last), or null before the first capture. */
    public synchronized Executable executable() {
        return last != null ? last : compiled;
    }
}
