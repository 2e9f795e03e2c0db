package io.simdgrad.simd;

/**
 * Elementwise binary operations {@code out = a op b}. Semantics follow IEEE 754 and
 * {@link Math}: {@code MAX}/{@code MIN} propagate NaN and order -0.0 below +0.0 (like
 * {@link Math#max}); {@code POW} is {@link Math#pow}.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN, POW
}
