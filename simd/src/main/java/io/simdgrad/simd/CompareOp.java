package io.simdgrad.simd;

/** Elementwise comparisons; kernels write 1 where {@code a op b} holds and 0 elsewhere (NaN compares false, except NE). */
public enum CompareOp {
    GT, LT, GE, LE, EQ, NE
}
