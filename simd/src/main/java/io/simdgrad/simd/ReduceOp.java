package io.simdgrad.simd;

/** The row and column reductions that {@link ArrayKernels#reduceRows} and {@link ArrayKernels#reduceColumns} select. */
public enum ReduceOp {
    /** Sum, in the fixed summation order of the reduction kernels. */
    SUM,
    /** Largest element; NaN if any is NaN. */
    MAX,
    /** Smallest element; NaN if any is NaN. */
    MIN
}
