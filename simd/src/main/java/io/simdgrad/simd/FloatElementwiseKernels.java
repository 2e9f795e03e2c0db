package io.simdgrad.simd;

/**
 * Elementwise kernels on {@code float} arrays. Each operand is an array and an offset; {@code n}
 * is the number of elements. Implementations do not check their arguments (the facade
 * {@link FloatElementwise} does, once per call): they only {@code assert}.
 *
 * <p>An output range may be exactly the same range as an input (in place); any other overlap
 * gives unspecified results.
 */
public interface FloatElementwiseKernels {

    /** {@code out[i] = a[i] op b[i]}. */
    void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n);

    /** {@code out[i] = a[i] op s}. */
    void binaryScalar(BinaryOp op, float[] a, int aOff, float s, float[] out, int outOff, int n);

    /** {@code out[i] = s op b[i]}. */
    void scalarBinary(BinaryOp op, float s, float[] b, int bOff, float[] out, int outOff, int n);

    /** {@code out[i] = op(a[i])}. */
    void unary(UnaryOp op, float[] a, int aOff, float[] out, int outOff, int n);

    /** {@code out[i] = op(a[i]; p, q, r)}. */
    void unaryParam(UnaryParamOp op, float[] a, int aOff, float p, float q, float r, float[] out, int outOff, int n);

    /** {@code out[i] = a[i] op b[i] ? 1 : 0}. */
    void compare(CompareOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n);

    /** {@code out[i] = a[i] op s ? 1 : 0}. */
    void compareScalar(CompareOp op, float[] a, int aOff, float s, float[] out, int outOff, int n);

    /** {@code out[i] = mask[i] != 0 ? a[i] : b[i]} (a NaN mask element selects {@code a}). */
    void where(float[] mask, int maskOff, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n);

    /** {@code out[i] = min(max(a[i], lo), hi)} as by {@link Math#max}/{@link Math#min}. */
    void clamp(float[] a, int aOff, float lo, float hi, float[] out, int outOff, int n);

    /** {@code out[i] = x[i] > 0 ? g[i] : 0}. */
    void reluBackward(float[] x, int xOff, float[] g, int gOff, float[] out, int outOff, int n);

    /** {@code out[i] = g[i] * y[i] * (1 - y[i])}, evaluated left to right. */
    void sigmoidBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n);

    /**
     * gelu's backward from its input x: {@code out[outOff+i] = g[gOff+i] * gelu'(x)}, for the exact form
     * {@code Phi(x) + x phi(x)} (Phi and phi the standard normal CDF and density), for the tanh form
     * ({@code tanh}) the derivative of {@code x sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3))}.
     */
    void geluBackward(boolean tanh, float[] x, int xOff, float[] g, int gOff, float[] out, int outOff, int n);

    /** {@code out[i] = g[i] * fma(-y[i], y[i], 1)}, i.e. {@code g * (1 - y^2)} with {@code 1 - y^2} rounded once. */
    void tanhBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n);

    /** {@code y[i] = fma(alpha, x[i], y[i])}. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code out[i] = alpha * x[i]}. */
    void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int n);

    /** {@code out[i] = v}. */
    void fill(float v, float[] out, int outOff, int n);

    /**
     * A sequence of plane rotations on rows, as LAPACK's {@code lasr} (left side, variable pivot,
     * backward): for {@code t = count-1} down to 0, rows {@code r_t} and {@code r_{t+1}} (row i at
     * {@code a[aOff + i*lda ..]}, {@code cols} elements) become
     * {@code (fma(c_t, r_t, (-s_t) r_{t+1}), fma(s_t, r_t, c_t r_{t+1}))}, with {@code c_t = c[csOff + t]},
     * {@code s_t = s[csOff + t]}. Each element is the same in every implementation.
     */
    void rotateRows(float[] c, float[] s, int csOff, int count, float[] a, int aOff, int lda, int cols);

    /**
     * torch.lerp with a scalar weight, as torch's vectorised kernel computes it:
     * {@code out[i] = fma(c, b[i] - a[i], base[i])} with {@code (c, base) = (w, a)} for
     * {@code |w| < 0.5}, else {@code (w - 1, b)}.
     */
    void lerp(float[] a, int aOff, float[] b, int bOff, float w, float[] out, int outOff, int n);

    /** Adam's second moment, {@code out[i] = v[i]·beta2 + (value·g[i])·g[i]}, each operation rounded (torch's {@code v.mul_(β2).addcmul_(g, g, value)}). */
    void expAvgSq(float[] v, int vOff, float beta2, float[] g, int gOff, float value, float[] out, int outOff, int n);

    /**
     * Adam's update, {@code out[i] = p[i] + (negStep·m[i]) / (√v[i] / bc2 + eps)}, each operation
     * rounded (torch's {@code p.addcdiv_(m, v.sqrt() / bc2 + eps, value=-step)}).
     */
    void adamStep(float[] p, int pOff, float[] m, int mOff, float[] v, int vOff, float negStep, float bc2, float eps,
                  float[] out, int outOff, int n);
}
