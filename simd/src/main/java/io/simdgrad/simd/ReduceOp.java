package io.simdgrad.simd;

/**
 * The reductions that {@code FloatReductions.reduce}, {@code reduceRows}, {@code reduceColumns}
 * (and {@code argReduce*}, MAX and MIN) and {@link ArrayKernels#reduceRows} select.
 */
public enum ReduceOp {
    /** Sum, in the fixed summation order of the reduction kernels. */
    SUM,
    /** Largest element; NaN if any is NaN. */
    MAX,
    /** Smallest element; NaN if any is NaN. */
    MIN;

    /** The kernel's name in messages: {@code sum}, {@code max}, {@code min} followed by {@code layout} ({@code Rows}, ...). */
    String kernelName(String layout) {
        return name().toLowerCase(java.util.Locale.ROOT) + layout;
    }
}
