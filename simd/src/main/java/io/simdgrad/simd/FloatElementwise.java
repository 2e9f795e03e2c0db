package io.simdgrad.simd;

import java.util.Objects;

/**
 * Elementwise kernels on {@code float} arrays: the public entry points. Each operand is an array
 * and an offset, {@code n} is the element count; only the output argument ({@code out}, or
 * {@code y} for {@link #axpy}) is modified. An output may be exactly the same range as an input
 * (in place); any other overlap gives unspecified results.
 *
 * <p>Arguments are checked once per call, before anything is written: a range outside its array
 * throws {@link IndexOutOfBoundsException}, a negative {@code n} {@link IllegalArgumentException},
 * a null op {@link NullPointerException}; each message names the kernel, the operand and the
 * numbers. From {@link Parallel#ELEMENTWISE_THRESHOLD} elements on, work is split over up to
 * {@link Simd#maxThreads()} threads in chunks aligned to 64 elements; the results do not depend on
 * the split.
 *
 * <p>Accuracy of the Vector API kernels ({@link #vector()}) against the scalar twins
 * ({@link #scalar()}, which compute {@link Math}'s functions in double and round once):
 * add, sub, mul, div, max, min (as {@link Math#max}: NaN and -0.0 handled), neg, abs, sqrt,
 * square, reciprocal, relu, compare, where, clamp, the fused backward forms, axpy, scale and fill
 * are bit-identical. EXP, LOG, TANH and SIGMOID are written in plain vector arithmetic
 * ({@code FloatVectorMath}: range reduction, Taylor series, exponent-field scaling, special lanes
 * by blends), so they give the same bits in the interpreter, C1 and C2; SIN, COS and POW use the
 * Vector API's math library, which computes lanes with {@link Math} until C2 compiles a loop and
 * with its own stubs after, so those can move within their bound as the program warms up.
 * Largest difference from the twin:
 * <table>
 *   <caption>ulps from the scalar twin (the same bound for 32-bit and 64-bit elements)</caption>
 *   <tr><th>op</th><th>measured</th><th>bound (tests hold it)</th></tr>
 *   <tr><td>EXP, LOG, TANH</td><td>1</td><td>1</td></tr>
 *   <tr><td>POW</td><td>1 (0 without AVX-512: the JDK has no vector pow there, so the scalar twin runs)</td><td>1</td></tr>
 *   <tr><td>SIN, COS</td><td>0</td><td>1 (the JDK specifies 1 ulp for these)</td></tr>
 *   <tr><td>SIGMOID</td><td>2</td><td>2 (one ulp from exp, one from the division)</td></tr>
 *   <tr><td>SILU</td><td>not yet measured (the twin tests and FloatVectorMathTest's sweeps hold the bound)</td><td>3 (exp's loop,
 *   x multiplied in before the 2^k scaling, one division; plain arithmetic, the same bits in every tier)</td></tr>
 *   <tr><td>GELU (32-bit)</td><td>6 in the random tests</td><td>8 ({@code FloatVectorMath.gelu}: the fit of
 *   {@code fit_gelu.py}, 1.8e-9 relative, exp's loop on the split -x^2/2, about six roundings; plain arithmetic, the
 *   same bits in every tier); {@link #geluBackward} 8 ulps of the terms' size</td></tr>
 *   <tr><td>ATAN2</td><td>not yet measured</td><td>2 (the JDK specifies 2 ulps for {@link Math#atan2})</td></tr>
 *   <tr><td>HYPOT</td><td>not yet measured</td><td>2 (plain arithmetic: four roundings, the same bits in every tier)</td></tr>
 *   <tr><td>LOG1P, EXPM1, LOG10, TAN, ASIN, ACOS, ATAN, SINH, COSH</td><td>not yet measured (the twin tests
 *   hold the bound)</td><td>2 (the JDK's lanewise operations: tier-variant, like SIN and COS)</td></tr>
 *   <tr><td>SIGN, ISNAN, ISINF, ISFINITE; {@link #unaryParam} LEAKY_RELU, NAN_TO_NUM</td><td>0</td><td>0 (blends)</td></tr>
 *   <tr><td>every other new kind (GELU for 64-bit elements, GELU_TANH, MISH, HARDSWISH, HARDSIGMOID, LOGSIGMOID, LOG2, EXP2,
 *   ERF, ERFC, ERFINV, ASINH, ACOSH, ATANH, FLOOR, CEIL, ROUND, TRUNC, FRAC, FMOD, REMAINDER; ELU, SOFTPLUS)</td>
 *   <td>0</td><td>0: no Vector API operation yet, the vector kernel runs the scalar twin (the same bits in every
 *   tier); the twins' functions Math lacks ({@code ElementwiseMath}) are within 1 to 3 ulps of the exact
 *   value (ElementwiseMathTest, against mpmath)</td></tr>
 * </table>
 * Against the exact value (32-bit elements, every 61st bit pattern, 71M values, 2026-12-01): exp
 * 1.06 ulp (0.4% of the values above half an ulp), log 0.83, tanh 0.94; 64-bit elements against
 * {@link Math}: 1 ulp over 8M random values each. SIN, COS and POW were measured on an AVX-512
 * machine with JDK 25 over every 29th 32-bit pattern (pow: 21M random pairs) and 25M random
 * 64-bit values, at 512,
 * 256 and 128 bits. NaN, infinite and zero results (with their signs) agree exactly, except at the
 * overflow boundary, where a result within the bound may be the largest finite value where the
 * twin rounds to infinity, or the reverse (seen for HYPOT); POW follows
 * {@link BinaryOp#pow} (IEEE 754) on every special case.
 */
public final class FloatElementwise {
    /** Chunk boundaries of a parallel split are multiples of this (a multiple of every lane count). */
    static final int ALIGN = 64;

    private static final ScalarFloatElementwise SCALAR_IMPL = new ScalarFloatElementwise();
    private static final FloatElementwiseKernels IMPL = Simd.SCALAR ? SCALAR_IMPL : VectorKernels.FLOAT_ELEMENTWISE;

    private FloatElementwise() {}

    /** The plain-loop kernels, unchecked (for tests and benchmarks). */
    public static FloatElementwiseKernels scalar() {
        return SCALAR_IMPL;
    }

    /**
     * The Vector API kernels, unchecked (for tests and benchmarks).
     *
     * @throws UnsupportedOperationException without {@code --add-modules jdk.incubator.vector}
     */
    public static FloatElementwiseKernels vector() {
        Simd.requireVectorApi("FloatElementwise.vector()");
        return VectorKernels.FLOAT_ELEMENTWISE;
    }

    /** {@code out[outOff+i] = a[aOff+i] op b[bOff+i]} for {@code i < n}. */
    public static void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        Objects.requireNonNull(op, "FloatElementwise.binary: op is null");
        check("binary", op, "a", a.length, aOff, n);
        check("binary", op, "b", b.length, bOff, n);
        check("binary", op, "out", out.length, outOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.binary(op, a, aOff, b, bOff, out, outOff, n);
        else split(n, (s, e) -> IMPL.binary(op, a, aOff + s, b, bOff + s, out, outOff + s, e - s));
    }

    /** {@code out[outOff+i] = a[aOff+i] op s} for {@code i < n}. */
    public static void binaryScalar(BinaryOp op, float[] a, int aOff, float s, float[] out, int outOff, int n) {
        Objects.requireNonNull(op, "FloatElementwise.binaryScalar: op is null");
        check("binaryScalar", op, "a", a.length, aOff, n);
        check("binaryScalar", op, "out", out.length, outOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.binaryScalar(op, a, aOff, s, out, outOff, n);
        else split(n, (lo, hi) -> IMPL.binaryScalar(op, a, aOff + lo, s, out, outOff + lo, hi - lo));
    }

    /** {@code out[outOff+i] = s op b[bOff+i]} for {@code i < n}. */
    public static void scalarBinary(BinaryOp op, float s, float[] b, int bOff, float[] out, int outOff, int n) {
        Objects.requireNonNull(op, "FloatElementwise.scalarBinary: op is null");
        check("scalarBinary", op, "b", b.length, bOff, n);
        check("scalarBinary", op, "out", out.length, outOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.scalarBinary(op, s, b, bOff, out, outOff, n);
        else split(n, (lo, hi) -> IMPL.scalarBinary(op, s, b, bOff + lo, out, outOff + lo, hi - lo));
    }

    /**
     * {@code out[outOff+i] = op(a[aOff+i])} for {@code i < n}. SIGMOID is computed as
     * {@code e = exp(-|x|)}, {@code x >= 0 ? 1/(1+e) : e/(1+e)}, which never overflows.
     */
    public static void unary(UnaryOp op, float[] a, int aOff, float[] out, int outOff, int n) {
        Objects.requireNonNull(op, "FloatElementwise.unary: op is null");
        check("unary", op, "a", a.length, aOff, n);
        check("unary", op, "out", out.length, outOff, n);
        int threshold = CHEAP_UNARY.contains(op) ? Parallel.ELEMENTWISE_THRESHOLD : TRANSCENDENTAL_THRESHOLD;
        if (n < threshold) IMPL.unary(op, a, aOff, out, outOff, n);
        else Parallel.run(n, Parallel.parts(n, threshold / 2), ALIGN, (s, e) -> IMPL.unary(op, a, aOff + s, out, outOff + s, e - s));
    }

    /** Unary ops of a few instructions a vector: bound by memory, split from ELEMENTWISE_THRESHOLD on. */
    private static final java.util.Set<UnaryOp> CHEAP_UNARY = java.util.EnumSet.of(UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SQRT,
            UnaryOp.SQUARE, UnaryOp.RECIPROCAL, UnaryOp.RELU, UnaryOp.HARDSWISH, UnaryOp.HARDSIGMOID, UnaryOp.SIGN,
            UnaryOp.FLOOR, UnaryOp.CEIL, UnaryOp.ROUND, UnaryOp.TRUNC, UnaryOp.FRAC, UnaryOp.ISNAN, UnaryOp.ISINF,
            UnaryOp.ISFINITE);

    /**
     * The other unary ops (exp, tanh, sigmoid, gelu, ...: a polynomial a vector) split from this
     * many elements on, 2^13 a thread (~2 µs of exp, ~4 µs of tanh on Zen 5, against the few µs
     * a hand-off to a spinning helper costs).
     */
    private static final int TRANSCENDENTAL_THRESHOLD = 1 << 14;

    /** {@code out[outOff+i] = op(a[aOff+i]; p, q, r)}, the parameters as {@link UnaryParamOp} describes. */
    public static void unaryParam(UnaryParamOp op, float[] a, int aOff, float p, float q, float r, float[] out, int outOff, int n) {
        Objects.requireNonNull(op, "FloatElementwise.unaryParam: op is null");
        check("unaryParam", op, "a", a.length, aOff, n);
        check("unaryParam", op, "out", out.length, outOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.unaryParam(op, a, aOff, p, q, r, out, outOff, n);
        else split(n, (s, e) -> IMPL.unaryParam(op, a, aOff + s, p, q, r, out, outOff + s, e - s));
    }

    /** {@code out[outOff+i] = a[aOff+i] op b[bOff+i] ? 1 : 0}; NaN compares false except for NE. */
    public static void compare(CompareOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        Objects.requireNonNull(op, "FloatElementwise.compare: op is null");
        check("compare", op, "a", a.length, aOff, n);
        check("compare", op, "b", b.length, bOff, n);
        check("compare", op, "out", out.length, outOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.compare(op, a, aOff, b, bOff, out, outOff, n);
        else split(n, (s, e) -> IMPL.compare(op, a, aOff + s, b, bOff + s, out, outOff + s, e - s));
    }

    /** {@code out[outOff+i] = a[aOff+i] op s ? 1 : 0}; NaN compares false except for NE. */
    public static void compareScalar(CompareOp op, float[] a, int aOff, float s, float[] out, int outOff, int n) {
        Objects.requireNonNull(op, "FloatElementwise.compareScalar: op is null");
        check("compareScalar", op, "a", a.length, aOff, n);
        check("compareScalar", op, "out", out.length, outOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.compareScalar(op, a, aOff, s, out, outOff, n);
        else split(n, (lo, hi) -> IMPL.compareScalar(op, a, aOff + lo, s, out, outOff + lo, hi - lo));
    }

    /** {@code out[outOff+i] = mask[maskOff+i] != 0 ? a[aOff+i] : b[bOff+i]} (a NaN mask selects a). */
    public static void where(float[] mask, int maskOff, float[] a, int aOff, float[] b, int bOff,
                             float[] out, int outOff, int n) {
        check("where", null, "mask", mask.length, maskOff, n);
        check("where", null, "a", a.length, aOff, n);
        check("where", null, "b", b.length, bOff, n);
        check("where", null, "out", out.length, outOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.where(mask, maskOff, a, aOff, b, bOff, out, outOff, n);
        else split(n, (s, e) -> IMPL.where(mask, maskOff + s, a, aOff + s, b, bOff + s, out, outOff + s, e - s));
    }

    /**
     * {@code out[outOff+i] = min(max(a[aOff+i], lo), hi)} with {@link Math#max}/{@link Math#min}
     * (torch.clamp): NaN propagates, and {@code lo > hi} gives {@code hi} everywhere.
     */
    public static void clamp(float[] a, int aOff, float lo, float hi, float[] out, int outOff, int n) {
        check("clamp", null, "a", a.length, aOff, n);
        check("clamp", null, "out", out.length, outOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.clamp(a, aOff, lo, hi, out, outOff, n);
        else split(n, (s, e) -> IMPL.clamp(a, aOff + s, lo, hi, out, outOff + s, e - s));
    }

    /** ReLU backward: {@code out[outOff+i] = x[xOff+i] > 0 ? g[gOff+i] : 0} (x is the ReLU input). */
    public static void reluBackward(float[] x, int xOff, float[] g, int gOff, float[] out, int outOff, int n) {
        check("reluBackward", null, "x", x.length, xOff, n);
        check("reluBackward", null, "g", g.length, gOff, n);
        check("reluBackward", null, "out", out.length, outOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.reluBackward(x, xOff, g, gOff, out, outOff, n);
        else split(n, (s, e) -> IMPL.reluBackward(x, xOff + s, g, gOff + s, out, outOff + s, e - s));
    }

    /**
     * Sigmoid backward from its output y: {@code out[outOff+i] = g[gOff+i] * (1 - y[yOff+i]) * y[yOff+i]},
     * rounded in that order, as PyTorch 2.13's {@code sigmoid_backward} (bit for bit on 100k random
     * values, f32 and f64; {@link #tanhBackward} is its {@code tanh_backward} bit for bit too).
     */
    public static void sigmoidBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        check("sigmoidBackward", null, "y", y.length, yOff, n);
        check("sigmoidBackward", null, "g", g.length, gOff, n);
        check("sigmoidBackward", null, "out", out.length, outOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.sigmoidBackward(y, yOff, g, gOff, out, outOff, n);
        else split(n, (s, e) -> IMPL.sigmoidBackward(y, yOff + s, g, gOff + s, out, outOff + s, e - s));
    }

    /**
     * gelu backward from its input x: {@code out[outOff+i] = g[gOff+i] * (Phi(x) + x phi(x))}
     * (PyTorch's {@code gelu_backward}, approximate="none"), or with {@code tanh} the derivative of
     * the tanh form (approximate="tanh"); within {@link #GELU_BACKWARD_ULPS}
     * of the twin's value, which is computed in double and rounded once.
     */
    public static void geluBackward(boolean tanh, float[] x, int xOff, float[] g, int gOff, float[] out, int outOff, int n) {
        check("geluBackward", null, "x", x.length, xOff, n);
        check("geluBackward", null, "g", g.length, gOff, n);
        check("geluBackward", null, "out", out.length, outOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.geluBackward(tanh, x, xOff, g, gOff, out, outOff, n);
        else split(n, (s, e) -> IMPL.geluBackward(tanh, x, xOff + s, g, gOff + s, out, outOff + s, e - s));
    }

    /** The bound of {@link #geluBackward} against its twin, in ulps of the result (or of g where the result is tiny). */
    public static final int GELU_BACKWARD_ULPS = 8;

    /** Tanh backward from its output y: {@code out[outOff+i] = g[gOff+i] * (1 - y[yOff+i]^2)}, 1 - y^2 by one fma. */
    public static void tanhBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        check("tanhBackward", null, "y", y.length, yOff, n);
        check("tanhBackward", null, "g", g.length, gOff, n);
        check("tanhBackward", null, "out", out.length, outOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.tanhBackward(y, yOff, g, gOff, out, outOff, n);
        else split(n, (s, e) -> IMPL.tanhBackward(y, yOff + s, g, gOff + s, out, outOff + s, e - s));
    }

    /** {@code y[yOff+i] += alpha * x[xOff+i]}, as one fma per element; modifies y. */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        check("axpy", null, "x", x.length, xOff, n);
        check("axpy", null, "y", y.length, yOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.axpy(alpha, x, xOff, y, yOff, n);
        else split(n, (s, e) -> IMPL.axpy(alpha, x, xOff + s, y, yOff + s, e - s));
    }

    /**
     * Plane rotations of consecutive rows, LAPACK's {@code lasr('L', 'V', 'B')}: for
     * {@code t = count-1} down to 0, rows t and t+1 of the row-major block at {@code a} (leading
     * dimension {@code lda >= 1}, {@code cols} columns) become {@code (c_t r_t - s_t r_{t+1}, s_t r_t + c_t r_{t+1})}
     * (each rounded as {@code fma(c, x, -s y)} and {@code fma(s, x, c y)}), with c_t, s_t at
     * {@code c[csOff + t]}, {@code s[csOff + t]}. A sweep of the implicit QL/QR iteration in one
     * pass over the rows (each row is read and written once, not once per rotation); one rotation of
     * two rows {@code d} apart is {@code count = 1, lda = d}. Vector and scalar forms give the same bits.
     */
    public static void rotateRows(float[] c, float[] s, int csOff, int count, float[] a, int aOff, int lda, int cols) {
        if (count < 0 || cols < 0 || lda < 1) {
            throw new IllegalArgumentException("FloatElementwise.rotateRows: expected count >= 0, cols >= 0, lda >= 1, got count=" + count
                    + ", cols=" + cols + ", lda=" + lda);
        }
        check("rotateRows", null, "c", c.length, csOff, count);
        check("rotateRows", null, "s", s.length, csOff, count);
        if (cols == 0) return;
        check("rotateRows", null, "a", a.length, aOff, Math.addExact(Math.multiplyExact(count, lda), cols));
        if (cols > lda && count > 0) {
            throw new IllegalArgumentException("FloatElementwise.rotateRows: rows overlap: cols=" + cols + " > lda=" + lda);
        }
        IMPL.rotateRows(c, s, csOff, count, a, aOff, lda, cols);
    }

    /** {@code out[outOff+i] = alpha * x[xOff+i]}. */
    public static void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int n) {
        check("scale", null, "x", x.length, xOff, n);
        check("scale", null, "out", out.length, outOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.scale(alpha, x, xOff, out, outOff, n);
        else split(n, (s, e) -> IMPL.scale(alpha, x, xOff + s, out, outOff + s, e - s));
    }

    /** {@code out[outOff+i] = v}. */
    public static void fill(float v, float[] out, int outOff, int n) {
        check("fill", null, "out", out.length, outOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.fill(v, out, outOff, n);
        else split(n, (s, e) -> IMPL.fill(v, out, outOff + s, e - s));
    }

    /** torch.lerp with a scalar weight; see {@link FloatElementwiseKernels#lerp}. */
    public static void lerp(float[] a, int aOff, float[] b, int bOff, float w, float[] out, int outOff, int n) {
        check("lerp", null, "a", a.length, aOff, n);
        check("lerp", null, "b", b.length, bOff, n);
        check("lerp", null, "out", out.length, outOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.lerp(a, aOff, b, bOff, w, out, outOff, n);
        else split(n, (s, e) -> IMPL.lerp(a, aOff + s, b, bOff + s, w, out, outOff + s, e - s));
    }

    /** Adam's second moment; see {@link FloatElementwiseKernels#expAvgSq}. */
    public static void expAvgSq(float[] v, int vOff, float beta2, float[] g, int gOff, float value, float[] out, int outOff, int n) {
        check("expAvgSq", null, "v", v.length, vOff, n);
        check("expAvgSq", null, "g", g.length, gOff, n);
        check("expAvgSq", null, "out", out.length, outOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.expAvgSq(v, vOff, beta2, g, gOff, value, out, outOff, n);
        else split(n, (s, e) -> IMPL.expAvgSq(v, vOff + s, beta2, g, gOff + s, value, out, outOff + s, e - s));
    }

    /** Adam's update; see {@link FloatElementwiseKernels#adamStep}. */
    public static void adamStep(float[] p, int pOff, float[] m, int mOff, float[] v, int vOff, float negStep, float bc2, float eps,
                                float[] out, int outOff, int n) {
        check("adamStep", null, "p", p.length, pOff, n);
        check("adamStep", null, "m", m.length, mOff, n);
        check("adamStep", null, "v", v.length, vOff, n);
        check("adamStep", null, "out", out.length, outOff, n);
        if (n < Parallel.ELEMENTWISE_THRESHOLD) IMPL.adamStep(p, pOff, m, mOff, v, vOff, negStep, bc2, eps, out, outOff, n);
        else split(n, (s, e) -> IMPL.adamStep(p, pOff + s, m, mOff + s, v, vOff + s, negStep, bc2, eps, out, outOff + s, e - s));
    }

    /**
     * Runs {@code body} over {@code [0, n)}: on the caller's thread below the threshold, else in
     * chunks aligned to {@link #ALIGN}. Callers test the threshold themselves first and call the
     * kernel directly below it: a lambda that C2 does not inline (deep in a replay's call chain)
     * would be allocated on every call.
     */
    private static void split(int n, Parallel.Range body) {
        int parts = n < Parallel.ELEMENTWISE_THRESHOLD ? 1 : Parallel.parts(n, Parallel.ELEMENTWISE_THRESHOLD / 2);
        if (parts == 1) body.run(0, n);
        else Parallel.run(n, parts, ALIGN, body);
    }

    /** Cheap test first, so the kernel name is only built when the call is about to fail. */
    private static void check(String kernel, Enum<?> op, String name, int length, int off, int n) {
        if (n < 0 || off < 0 || (long) off + n > length) {
            Checks.range("FloatElementwise." + kernel + (op == null ? "" : "(" + op + ")"), name, length, off, n);
        }
    }
}
