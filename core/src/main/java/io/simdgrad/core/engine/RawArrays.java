package io.simdgrad.core.engine;

import io.simdgrad.core.Tensor;

/**
 * The primitive array behind a tensor, for kernels outside {@code core} that call the {@code simd}
 * kernels directly (the fused elementwise loops of compiled graphs). The array is shared, not
 * copied: index it with {@link Tensor#storageOffset()} and the strides, and write it only through
 * an op (a {@link Dispatch} call or an op's {@code forward} into a buffer it was given).
 */
public final class RawArrays {
    private RawArrays() {}

    /** The FLOAT32 array of {@code t}'s storage, or null for another dtype. */
    public static float[] floats(Tensor t) {
        return Internals.storage(t).f;
    }

    /** The FLOAT64 array of {@code t}'s storage, or null for another dtype. */
    public static double[] doubles(Tensor t) {
        return Internals.storage(t).d;
    }

    /** The INT64 array of {@code t}'s storage, or null for another dtype. */
    public static long[] longs(Tensor t) {
        return Internals.storage(t).l;
    }
}
