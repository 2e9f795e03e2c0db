package io.simdgrad.core.engine;

import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.ops.ViewOps;

/**
 * Sees every op that passes through {@link Dispatch} on the thread it is attached to, so that a
 * run of eager code can be recorded as a graph. Only outermost ops are reported: the ops an op
 * runs inside its own forward are part of it.
 */
public interface Tracer {
    /** {@code out = op(in)} ran; for a {@link ViewOps.ViewOp}, {@code out} shares storage with {@code in[0]}. */
    void onOp(Op op, Tensor[] in, Tensor out);

    /** The elementwise {@code op} ran on {@code (self, rest...)} and wrote its result into {@code self}. */
    void onInPlace(Op op, Tensor self, Tensor[] rest);

    /** Java code read the values of {@code t} ({@code item()}, {@code get()}, {@code toFloatArray()}, ...): a replay must check them (a guard). */
    void onRead(Tensor t);
}
