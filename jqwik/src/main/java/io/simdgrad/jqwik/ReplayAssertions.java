package io.simdgrad.jqwik;

import io.simdgrad.core.Tensor;
import io.simdgrad.core.engine.RawArrays;
import io.simdgrad.graph.CompiledFunction;
import io.simdgrad.graph.Graphs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Asserts that a function compiled with {@link Graphs#compile} replays exactly what eager
 * execution computes: same number of outputs, same shapes and dtypes, the same bits in every
 * element (NaNs of any payload count as equal, {@code -0.0} and {@code 0.0} do not).
 *
 * <p>Each of the runs (capture, check, replay, eager) gets its own copy of the inputs with the
 * same strides and offset, so in-place updates of inputs do not leak between them. The function
 * must not update tensors created outside it (parameters are updated by every run, so eager and
 * replay would start from different values). The Vector API's transcendental ops (exp, tanh,
 * sigmoid, log, sin, cos, pow) may differ in the last bit between JIT tiers, in eager code as in
 * replays: run such properties with {@code -Dsimdgrad.simd=scalar}.
 */
public final class ReplayAssertions {
    private ReplayAssertions() {}

    /**
     * Compiles {@code fn}, calls it on {@code inputs} three times (capture, check, replay) and runs
     * it eagerly, then compares the replay with the eager outputs bit for bit.
     *
     * @param fn the function of the inputs, returning the tensors to compare
     * @param inputs the inputs (not modified)
     * @throws AssertionError naming the first differing output and element, with the inputs and the
     *         replayed graph; also when the third call did not replay (a guard on something other than the
     *         inputs, or a Java value that changes between calls, which the compiled function reports)
     */
    public static void assertReplayEqualsEager(Function<List<Tensor>, List<Tensor>> fn, Tensor... inputs) {
        if (fn == null) throw new NullPointerException("assertReplayEqualsEager: fn is null");
        List<Tensor> in = List.of(inputs);
        String described = Describe.inputs(in);
        CompiledFunction f = Graphs.compile(fn);
        f.call(copies(in));
        f.call(copies(in)); // the second call captures again and checks the first capture
        List<Tensor> replayed = f.call(copies(in));
        if (f.replayCount() != 1) {
            throw new AssertionError("assertReplayEqualsEager: the third call on the same inputs did not replay ("
                    + f.captureCount() + " captures, " + f.eagerCount() + " eager calls)"
                    + (f.warnings().isEmpty() ? "; a guard depends on something other than the inputs" : ": " + String.join("; ", f.warnings()))
                    + "\n" + described);
        }
        List<Tensor> eager = fn.apply(copies(in));
        String difference = difference(eager, replayed);
        if (difference != null) {
            throw new AssertionError("replay differs from eager execution: " + difference + "\n" + described
                    + "\nreplayed graph:\n" + f.graph());
        }
    }

    /** The first difference between two output lists, or null. */
    private static String difference(List<Tensor> eager, List<Tensor> replayed) {
        if (eager.size() != replayed.size()) {
            return eager.size() + " outputs eagerly, " + replayed.size() + " replayed";
        }
        for (int o = 0; o < eager.size(); o++) {
            Tensor e = eager.get(o), r = replayed.get(o);
            if (e.dtype() != r.dtype() || !Arrays.equals(e.shape(), r.shape())) {
                return "output " + o + " is " + e.dtype().shortName() + Arrays.toString(e.shape()) + " eagerly, "
                        + r.dtype().shortName() + Arrays.toString(r.shape()) + " replayed";
            }
            long[] eb = bits(e), rb = bits(r);
            for (int i = 0; i < eb.length; i++) {
                if (eb[i] != rb[i]) {
                    return "output " + o + " " + e.dtype().shortName() + Arrays.toString(e.shape()) + ", element " + i
                            + " (row-major): eager " + value(e, eb[i]) + ", replay " + value(r, rb[i]);
                }
            }
        }
        return null;
    }

    /** The elements in row-major order as bits (NaN canonical). */
    private static long[] bits(Tensor t) {
        long[] b = new long[t.numel()];
        switch (t.dtype()) {
            case FLOAT32 -> {
                float[] v = t.toFloatArray();
                for (int i = 0; i < b.length; i++) b[i] = Float.floatToIntBits(v[i]);
            }
            case FLOAT64 -> {
                double[] v = t.toDoubleArray();
                for (int i = 0; i < b.length; i++) b[i] = Double.doubleToLongBits(v[i]);
            }
            case INT64 -> System.arraycopy(t.toLongArray(), 0, b, 0, b.length);
        }
        return b;
    }

    private static String value(Tensor t, long bits) {
        return switch (t.dtype()) {
            case FLOAT32 -> Float.intBitsToFloat((int) bits) + " (0x" + Integer.toHexString((int) bits) + ")";
            case FLOAT64 -> Double.longBitsToDouble(bits) + " (0x" + Long.toHexString(bits) + ")";
            case INT64 -> Long.toString(bits);
        };
    }

    /** Copies with the same sizes, strides and offset over a copy of the whole storage. */
    static List<Tensor> copies(List<Tensor> in) {
        List<Tensor> out = new ArrayList<>(in.size());
        for (Tensor t : in) {
            Tensor storage = switch (t.dtype()) {
                case FLOAT32 -> Tensor.of(RawArrays.floats(t).clone());
                case FLOAT64 -> Tensor.of(RawArrays.doubles(t).clone());
                case INT64 -> Tensor.of(RawArrays.longs(t).clone());
            };
            out.add(storage.asStrided(t.shape(), t.strides(), t.storageOffset()));
        }
        return out;
    }
}
