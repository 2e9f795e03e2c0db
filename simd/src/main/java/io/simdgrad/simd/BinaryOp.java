package io.simdgrad.simd;

/**
 * Elementwise binary operations {@code out = a op b}. Semantics follow IEEE 754 and
 * {@link Math}: {@code MAX}/{@code MIN} propagate NaN and order -0.0 below +0.0 (like
 * {@link Math#max}); {@code POW} is {@link #pow}; {@code ATAN2} is {@link Math#atan2}
 * ({@code a} the ordinate); {@code HYPOT} is {@link Math#hypot} (+inf when either operand is
 * infinite, even with a NaN); {@code FMOD} is C's fmod, the result with a's sign (Java's {@code %},
 * torch.fmod); {@code REMAINDER} is Python's, with b's sign (torch.remainder).
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN, POW, ATAN2, HYPOT, FMOD, REMAINDER;

    /**
     * {@code x^y} as IEEE 754 and C99 define it, and PyTorch computes it: {@link Math#pow} except
     * that {@code pow(1, y) == 1} for every y (NaN too) and {@code pow(-1, +-inf) == 1}, where
     * Java gives NaN.
     */
    public static double pow(double x, double y) {
        return x == 1 || (x == -1 && Double.isInfinite(y)) ? 1 : Math.pow(x, y);
    }
}
