package io.simdgrad.simd;

/**
 * Elementwise unary operations with up to three constant parameters {@code p, q, r}:
 * {@code out = op(a; p, q, r)}, following PyTorch's functions of the same names.
 */
public enum UnaryParamOp {
    /** {@code x > 0 ? x : p * x} (leaky_relu, p the negative slope). */
    LEAKY_RELU,
    /** {@code x > 0 ? q * x : q * p * expm1(r * x)} (elu: p = alpha, q = scale, r = input scale; selu and celu are special cases). */
    ELU,
    /** {@code p * x > q ? x : log1p(exp(p * x)) / p} (softplus: p = beta, q = threshold). */
    SOFTPLUS,
    /** NaN to p, +inf to q, -inf to r, others unchanged (nan_to_num). */
    NAN_TO_NUM
}
