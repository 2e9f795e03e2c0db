package io.simdgrad.simd;

/**
 * Elementwise unary operations {@code out = op(a)}. {@code SIGMOID} is 1/(1+e^-x) computed
 * without overflow for large |x|; {@code RELU} is max(x, 0) with NaN propagated;
 * {@code SQUARE} is x*x; {@code RECIPROCAL} is 1/x.
 */
public enum UnaryOp {
    NEG, ABS, EXP, LOG, SQRT, SQUARE, RECIPROCAL, TANH, SIGMOID, RELU, SIN, COS
}
