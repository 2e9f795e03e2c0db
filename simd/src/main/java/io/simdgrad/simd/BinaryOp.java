package io.simdgrad.simd;

/**
 * Elementwise binary operations {@code out = a op b}. Semantics follow IEEE 754 and
 * {@link Math}: {@code MAX}/{@code MIN} propagate NaN and order -0.0 below +0.0 (like
 * {@link Math#max}); {@code POW} is {@link Math#pow}; {@code ATAN2} is {@link Math#atan2}
 * ({@code a} the ordinate); {@code HYPOT} is {@link Math#hypot} (+inf when either operand is
 * infinite, even with a NaN).
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN, POW, ATAN2, HYPOT
}
