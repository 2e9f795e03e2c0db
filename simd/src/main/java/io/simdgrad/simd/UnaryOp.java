package io.simdgrad.simd;

/**
 * Elementwise unary operations {@code out = op(a)}. {@code SIGMOID} is 1/(1+e^-x) computed
 * without overflow for large |x|; {@code RELU} is max(x, 0) with NaN propagated;
 * {@code SQUARE} is x*x; {@code RECIPROCAL} is 1/x.
 *
 * <p>The activations and math functions from {@code GELU} on follow PyTorch's (torch.nn.functional
 * and torch names in the comments); the functions {@link Math} lacks are in
 * {@code ElementwiseMath}. {@code SIGN} is 0 for NaN and both zeros, as torch.sign;
 * {@code ROUND} rounds halfway cases to even, as torch.round; {@code ISNAN}, {@code ISINF} and
 * {@code ISFINITE} give 1 or 0, as the comparisons do.
 */
public enum UnaryOp {
    NEG, ABS, EXP, LOG, SQRT, SQUARE, RECIPROCAL, TANH, SIGMOID, RELU, SIN, COS,
    /** x * Phi(x), Phi the standard normal CDF (gelu). */
    GELU,
    /** x/2 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (gelu(approximate="tanh")). */
    GELU_TANH,
    /** x * sigmoid(x) (silu). */
    SILU,
    /** x * tanh(log(1 + e^x)) (mish). */
    MISH,
    /** x * min(max(x + 3, 0), 6) / 6 (hardswish). */
    HARDSWISH,
    /** min(max(x + 3, 0), 6) / 6 (hardsigmoid). */
    HARDSIGMOID,
    /** log(sigmoid(x)) (logsigmoid). */
    LOGSIGMOID,
    LOG1P, EXPM1, LOG2, LOG10, EXP2, ERF, ERFC, ERFINV,
    TAN, ASIN, ACOS, ATAN, SINH, COSH, ASINH, ACOSH, ATANH,
    SIGN, FLOOR, CEIL, ROUND, TRUNC, FRAC,
    ISNAN, ISINF, ISFINITE
}
