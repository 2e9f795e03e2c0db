package io.simdgrad.graph;

import io.simdgrad.core.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Entry points: record what eager code does as a {@link Graph} ({@link #trace}, like
 * {@code torch.jit.trace}) or get a function that captures on first call and replays
 * afterwards ({@link #compile}, like {@code torch.compile}).
 *
 * <p>The function takes and returns tensors; inside it, wrap inputs in {@code Variable}s as
 * needed, run forward, {@code backward()}, and in-place updates of parameters (an SGD step
 * under {@code Autograd.noGrad()}). Everything that passes through {@code core}'s dispatch
 * point is recorded: ops, views, the backward pass (its VJPs are ops), in-place updates of
 * tensors that existed before the call (params), and reads of values by Java code
 * ({@code item()}, {@code get()}, {@code toFloatArray()}, ...), which become guards. Tensors
 * the function creates itself outside the ops (constants, one-hot matrices, the gradient seed
 * of {@code backward()}) become consts.
 *
 * <p>Only tensor data is replayed: Java-side effects of the function (a {@code Variable}'s
 * {@code grad} field, counters, printing) happen during captures only. Return what you need.
 *
 * <p><b>Control flow.</b> Java {@code if}/{@code while} on tensor data records a guard on the
 * value read; a replay that computes another value stops there (before any param is written)
 * and re-captures, or in strict mode throws {@link GuardFailure}. Branch on 0/1 masks, e.g.
 * {@code while (y.data().norm().lt(1000).item() != 0)}, rather than on the raw value
 * ({@code norm().item() < 1000}): then every replay that takes the same decisions passes its
 * guards, where a guard on the norm itself would only pass for the very same norm.
 */
public final class Graphs {
    private Graphs() {}

    /**
     * Runs {@code fn} once, eagerly, on {@code exampleInputs} and returns the recorded graph
     * (unoptimised; see {@link Passes#optimize} and {@link Executable#compile}).
     */
    public static Graph trace(Function<List<Tensor>, List<Tensor>> fn, Tensor... exampleInputs) {
        Capture.Result r = Capture.run(fn, Arrays.asList(exampleInputs));
        if (r.unreplayable() != null) throw new IllegalStateException("trace: " + r.unreplayable());
        return r.graph();
    }

    /**
     * A function that, per input signature (dtypes and shapes), captures {@code fn} on its first
     * call (running it eagerly), then replays the optimised graph; a call with a new signature,
     * or whose replay fails a guard, captures again.
     */
    public static CompiledFunction compile(Function<List<Tensor>, List<Tensor>> fn) {
        return new CompiledFunction(fn, false, true);
    }

    /**
     * Like {@link #compile}, but captures only once: a call with another signature throws
     * {@link IllegalArgumentException} naming the expected and actual signatures, and a failed
     * guard throws {@link GuardFailure} naming the guard.
     */
    public static CompiledFunction compileStrict(Function<List<Tensor>, List<Tensor>> fn) {
        return new CompiledFunction(fn, true, true);
    }

    /**
     * Like {@link #compile}, without {@link Passes#fuseElementwise elementwise fusion}: one
     * step per op (to compare against, or to see every intermediate in {@link CompiledFunction#graph()}).
     */
    public static CompiledFunction compileUnfused(Function<List<Tensor>, List<Tensor>> fn) {
        return new CompiledFunction(fn, false, false);
    }
}
