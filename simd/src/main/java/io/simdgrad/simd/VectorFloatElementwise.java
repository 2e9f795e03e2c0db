package io.simdgrad.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.VectorOperators.ACOS;
import static jdk.incubator.vector.VectorOperators.ASIN;
import static jdk.incubator.vector.VectorOperators.ATAN2;
import static jdk.incubator.vector.VectorOperators.ATAN;
import static jdk.incubator.vector.VectorOperators.COS;
import static jdk.incubator.vector.VectorOperators.COSH;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.EXPM1;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.IS_FINITE;
import static jdk.incubator.vector.VectorOperators.IS_INFINITE;
import static jdk.incubator.vector.VectorOperators.IS_NAN;
import static jdk.incubator.vector.VectorOperators.IS_NEGATIVE;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LOG10;
import static jdk.incubator.vector.VectorOperators.LOG1P;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.MIN;
import static jdk.incubator.vector.VectorOperators.NE;
import static jdk.incubator.vector.VectorOperators.POW;
import static jdk.incubator.vector.VectorOperators.SIN;
import static jdk.incubator.vector.VectorOperators.SINH;
import static jdk.incubator.vector.VectorOperators.SQRT;
import static jdk.incubator.vector.VectorOperators.TAN;

/**
 * Vector API elementwise kernels at {@link SimdSpecies#FLOAT}.
 *
 * <p>Each method switches on the op once and runs a loop written for that op: the
 * {@code VectorOperators} constant must be a compile-time constant at the {@code lanewise} call
 * for C2 to intrinsify it (a non-constant operator falls back to the Vector API's per-lane Java
 * path, which allocates and is many times slower). The last {@code n mod lanes} elements go
 * through the scalar twin.
 *
 * <p>Accuracy against {@link ScalarFloatElementwise} (measured over wide ranges, held by the
 * tests): + - * / sqrt, neg, abs, square, reciprocal, relu, max, min, compare, where, clamp and
 * the fused forms are bit-identical. EXP, LOG, TANH and SIGMOID use {@link FloatVectorMath} (plain
 * vector arithmetic: the same bits in every JIT tier); SIN, COS and POW the JDK's vector math
 * library. See {@link FloatElementwise} for the ulp bounds.
 */
final class VectorFloatElementwise implements FloatElementwiseKernels {
    private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
    private static final int L = S.length();
    private static final ScalarFloatElementwise TAIL = new ScalarFloatElementwise();

    private static FloatVector v(float[] a, int off) {
        return FloatVector.fromArray(S, a, off);
    }

    /**
     * Whether the JDK compiles {@code VectorOperators.POW} to a vector routine: its SVML stubs for
     * pow exist for AVX-512 only (HotSpot skips pow among the AVX2 ones), and elsewhere every lane
     * runs {@link Math#pow} through an array the JDK allocates, slower than the scalar twin's plain
     * loop and 1-2 KB of garbage a call. The preferred species is 512 bits exactly where that
     * stub is used; a smaller one (AVX2, or no AVX-512) leaves POW to the twin.
     */
    private static final boolean VECTOR_POW = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;

    private static FloatVector splat(float x) {
        return FloatVector.broadcast(S, x);
    }

    @Override
    public void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        assert aOff >= 0 && bOff >= 0 && outOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        switch (op) {
            case ADD -> binaryAdd(a, aOff, b, bOff, out, outOff, bound);
            case SUB -> binarySub(a, aOff, b, bOff, out, outOff, bound);
            case MUL -> binaryMul(a, aOff, b, bOff, out, outOff, bound);
            case DIV -> binaryDiv(a, aOff, b, bOff, out, outOff, bound);
            case MAX -> binaryMax(a, aOff, b, bOff, out, outOff, bound);
            case MIN -> binaryMin(a, aOff, b, bOff, out, outOff, bound);
            case POW -> { if (VECTOR_POW) binaryPow(a, aOff, b, bOff, out, outOff, bound); else bound = 0; }
            case ATAN2 -> binaryAtan2(a, aOff, b, bOff, out, outOff, bound);
            case HYPOT -> binaryHypot(a, aOff, b, bOff, out, outOff, bound);
            case FMOD, REMAINDER -> bound = 0; // no lanewise remainder: the scalar twin does it all
        }
        TAIL.binary(op, a, aOff + bound, b, bOff + bound, out, outOff + bound, n - bound);
    }

    // one small method per loop, as in unary: a large switch of loops boxed its vectors
    private static void binaryAdd(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).add(v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void binarySub(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).sub(v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void binaryMul(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).mul(v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void binaryDiv(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).div(v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void binaryMax(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(MAX, v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void binaryMin(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(MIN, v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void binaryPow(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) pow(v(a, aOff + i), v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void binaryAtan2(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(ATAN2, v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void binaryHypot(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) hypot(v(a, aOff + i), v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void binaryScalarAdd(float[] a, int aOff, float s, float[] out, int outOff, int bound) {
        FloatVector y = splat(s);
        for (int i = 0; i < bound; i += L) v(a, aOff + i).add(y).intoArray(out, outOff + i);
    }

    private static void binaryScalarSub(float[] a, int aOff, float s, float[] out, int outOff, int bound) {
        FloatVector y = splat(s);
        for (int i = 0; i < bound; i += L) v(a, aOff + i).sub(y).intoArray(out, outOff + i);
    }

    private static void binaryScalarMul(float[] a, int aOff, float s, float[] out, int outOff, int bound) {
        FloatVector y = splat(s);
        for (int i = 0; i < bound; i += L) v(a, aOff + i).mul(y).intoArray(out, outOff + i);
    }

    private static void binaryScalarDiv(float[] a, int aOff, float s, float[] out, int outOff, int bound) {
        FloatVector y = splat(s);
        for (int i = 0; i < bound; i += L) v(a, aOff + i).div(y).intoArray(out, outOff + i);
    }

    private static void binaryScalarMax(float[] a, int aOff, float s, float[] out, int outOff, int bound) {
        FloatVector y = splat(s);
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(MAX, y).intoArray(out, outOff + i);
    }

    private static void binaryScalarMin(float[] a, int aOff, float s, float[] out, int outOff, int bound) {
        FloatVector y = splat(s);
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(MIN, y).intoArray(out, outOff + i);
    }

    private static void binaryScalarPow(float[] a, int aOff, float s, float[] out, int outOff, int bound) {
        FloatVector y = splat(s);
        for (int i = 0; i < bound; i += L) pow(v(a, aOff + i), y).intoArray(out, outOff + i);
    }

    private static void binaryScalarAtan2(float[] a, int aOff, float s, float[] out, int outOff, int bound) {
        FloatVector y = splat(s);
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(ATAN2, y).intoArray(out, outOff + i);
    }

    private static void binaryScalarHypot(float[] a, int aOff, float s, float[] out, int outOff, int bound) {
        FloatVector y = splat(s);
        for (int i = 0; i < bound; i += L) hypot(v(a, aOff + i), y).intoArray(out, outOff + i);
    }

    private static void scalarBinaryAdd(float s, float[] b, int bOff, float[] out, int outOff, int bound) {
        FloatVector x = splat(s);
        for (int i = 0; i < bound; i += L) x.add(v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void scalarBinarySub(float s, float[] b, int bOff, float[] out, int outOff, int bound) {
        FloatVector x = splat(s);
        for (int i = 0; i < bound; i += L) x.sub(v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void scalarBinaryMul(float s, float[] b, int bOff, float[] out, int outOff, int bound) {
        FloatVector x = splat(s);
        for (int i = 0; i < bound; i += L) x.mul(v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void scalarBinaryDiv(float s, float[] b, int bOff, float[] out, int outOff, int bound) {
        FloatVector x = splat(s);
        for (int i = 0; i < bound; i += L) x.div(v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void scalarBinaryMax(float s, float[] b, int bOff, float[] out, int outOff, int bound) {
        FloatVector x = splat(s);
        for (int i = 0; i < bound; i += L) x.lanewise(MAX, v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void scalarBinaryMin(float s, float[] b, int bOff, float[] out, int outOff, int bound) {
        FloatVector x = splat(s);
        for (int i = 0; i < bound; i += L) x.lanewise(MIN, v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void scalarBinaryPow(float s, float[] b, int bOff, float[] out, int outOff, int bound) {
        FloatVector x = splat(s);
        for (int i = 0; i < bound; i += L) pow(x, v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void scalarBinaryAtan2(float s, float[] b, int bOff, float[] out, int outOff, int bound) {
        FloatVector x = splat(s);
        for (int i = 0; i < bound; i += L) x.lanewise(ATAN2, v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void scalarBinaryHypot(float s, float[] b, int bOff, float[] out, int outOff, int bound) {
        FloatVector x = splat(s);
        for (int i = 0; i < bound; i += L) hypot(x, v(b, bOff + i)).intoArray(out, outOff + i);
    }

    private static void compareGt(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int bound) {
        FloatVector one = splat(1);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) zero.blend(one, v(a, aOff + i).compare(GT, v(b, bOff + i))).intoArray(out, outOff + i);
    }

    private static void compareLt(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int bound) {
        FloatVector one = splat(1);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) zero.blend(one, v(a, aOff + i).compare(LT, v(b, bOff + i))).intoArray(out, outOff + i);
    }

    private static void compareGe(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int bound) {
        FloatVector one = splat(1);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) zero.blend(one, v(a, aOff + i).compare(GE, v(b, bOff + i))).intoArray(out, outOff + i);
    }

    private static void compareLe(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int bound) {
        FloatVector one = splat(1);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) zero.blend(one, v(a, aOff + i).compare(LE, v(b, bOff + i))).intoArray(out, outOff + i);
    }

    private static void compareEq(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int bound) {
        FloatVector one = splat(1);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) zero.blend(one, v(a, aOff + i).compare(EQ, v(b, bOff + i))).intoArray(out, outOff + i);
    }

    private static void compareNe(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int bound) {
        FloatVector one = splat(1);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) zero.blend(one, v(a, aOff + i).compare(NE, v(b, bOff + i))).intoArray(out, outOff + i);
    }

    private static void compareScalarGt(float[] a, int aOff, float s, float[] out, int outOff, int bound) {
        FloatVector y = splat(s);
        FloatVector one = splat(1);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) zero.blend(one, v(a, aOff + i).compare(GT, y)).intoArray(out, outOff + i);
    }

    private static void compareScalarLt(float[] a, int aOff, float s, float[] out, int outOff, int bound) {
        FloatVector y = splat(s);
        FloatVector one = splat(1);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) zero.blend(one, v(a, aOff + i).compare(LT, y)).intoArray(out, outOff + i);
    }

    private static void compareScalarGe(float[] a, int aOff, float s, float[] out, int outOff, int bound) {
        FloatVector y = splat(s);
        FloatVector one = splat(1);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) zero.blend(one, v(a, aOff + i).compare(GE, y)).intoArray(out, outOff + i);
    }

    private static void compareScalarLe(float[] a, int aOff, float s, float[] out, int outOff, int bound) {
        FloatVector y = splat(s);
        FloatVector one = splat(1);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) zero.blend(one, v(a, aOff + i).compare(LE, y)).intoArray(out, outOff + i);
    }

    private static void compareScalarEq(float[] a, int aOff, float s, float[] out, int outOff, int bound) {
        FloatVector y = splat(s);
        FloatVector one = splat(1);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) zero.blend(one, v(a, aOff + i).compare(EQ, y)).intoArray(out, outOff + i);
    }

    private static void compareScalarNe(float[] a, int aOff, float s, float[] out, int outOff, int bound) {
        FloatVector y = splat(s);
        FloatVector one = splat(1);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) zero.blend(one, v(a, aOff + i).compare(NE, y)).intoArray(out, outOff + i);
    }

    /**
     * {@code VectorOperators.POW} as C2 compiles it follows C's pow on special cases and can lose
     * the sign of a result that under- or overflows; before C2 it computes lanes with
     * {@link Math#pow}. This gives {@link BinaryOp#pow} either way: 1 for {@code pow(1, y)} and
     * {@code pow(-1, +-inf)} (Java gives NaN), and for a negative base and an odd integer exponent
     * ({@code pow(-1, y) == -1}) a zero or infinite result is negative. The sign repair is rare,
     * so it runs only when a lane needs it.
     */
    private static FloatVector pow(FloatVector x, FloatVector y) {
        FloatVector r = x.lanewise(POW, y);
        VectorMask<Float> signed = x.test(IS_NEGATIVE).and(r.test(IS_INFINITE).or(r.compare(EQ, (float) 0)));
        if (signed.anyTrue()) {
            FloatVector odd = FloatVector.broadcast(S, -1).lanewise(POW, y);
            r = r.blend(r.abs().neg(), signed.and(odd.compare(EQ, (float) -1)));
        }
        VectorMask<Float> one = x.compare(EQ, 1).or(x.compare(EQ, -1).and(y.test(IS_INFINITE)));
        return r.blend(1, one);
    }

    /**
     * {@code hypot} in plain vector arithmetic: with {@code r = small / big},
     * {@code big + big * r^2 / (1 + sqrt(1 + r^2))} (= {@code big * sqrt(1 + r^2)}), the sum by
     * one fma, so the small correction rounds once onto {@code big} (and a result just past the
     * largest finite value rounds to infinity as the exact one does); no overflow or underflow in
     * the square, the same bits in every JIT tier (the library's {@code HYPOT} lanes differ
     * between the interpreter and C2). Both zero gives 0, an infinite operand +inf (even with a
     * NaN), as {@link Math#hypot}.
     */
    private static FloatVector hypot(FloatVector x, FloatVector y) {
        FloatVector ax = x.abs(), ay = y.abs();
        FloatVector big = ax.lanewise(MAX, ay), small = ax.lanewise(MIN, ay);
        FloatVector r = small.div(big), t = r.mul(r), one = splat(1);
        FloatVector h = big.fma(t.div(t.add(one).sqrt().add(one)), big);
        h = h.blend(splat(0), big.compare(EQ, (float) 0));
        return h.blend(splat(Float.POSITIVE_INFINITY), ax.test(IS_INFINITE).or(ay.test(IS_INFINITE)));
    }

    @Override
    public void binaryScalar(BinaryOp op, float[] a, int aOff, float s, float[] out, int outOff, int n) {
        assert aOff >= 0 && outOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        switch (op) {
            case ADD -> binaryScalarAdd(a, aOff, s, out, outOff, bound);
            case SUB -> binaryScalarSub(a, aOff, s, out, outOff, bound);
            case MUL -> binaryScalarMul(a, aOff, s, out, outOff, bound);
            case DIV -> binaryScalarDiv(a, aOff, s, out, outOff, bound);
            case MAX -> binaryScalarMax(a, aOff, s, out, outOff, bound);
            case MIN -> binaryScalarMin(a, aOff, s, out, outOff, bound);
            case POW -> { if (VECTOR_POW) binaryScalarPow(a, aOff, s, out, outOff, bound); else bound = 0; }
            case ATAN2 -> binaryScalarAtan2(a, aOff, s, out, outOff, bound);
            case HYPOT -> binaryScalarHypot(a, aOff, s, out, outOff, bound);
            case FMOD, REMAINDER -> bound = 0;
        }
        TAIL.binaryScalar(op, a, aOff + bound, s, out, outOff + bound, n - bound);
    }

    @Override
    public void scalarBinary(BinaryOp op, float s, float[] b, int bOff, float[] out, int outOff, int n) {
        assert bOff >= 0 && outOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        switch (op) {
            case ADD -> scalarBinaryAdd(s, b, bOff, out, outOff, bound);
            case SUB -> scalarBinarySub(s, b, bOff, out, outOff, bound);
            case MUL -> scalarBinaryMul(s, b, bOff, out, outOff, bound);
            case DIV -> scalarBinaryDiv(s, b, bOff, out, outOff, bound);
            case MAX -> scalarBinaryMax(s, b, bOff, out, outOff, bound);
            case MIN -> scalarBinaryMin(s, b, bOff, out, outOff, bound);
            case POW -> { if (VECTOR_POW) scalarBinaryPow(s, b, bOff, out, outOff, bound); else bound = 0; }
            case ATAN2 -> scalarBinaryAtan2(s, b, bOff, out, outOff, bound);
            case HYPOT -> scalarBinaryHypot(s, b, bOff, out, outOff, bound);
            case FMOD, REMAINDER -> bound = 0;
        }
        TAIL.scalarBinary(op, s, b, bOff + bound, out, outOff + bound, n - bound);
    }

    @Override
    public void unary(UnaryOp op, float[] a, int aOff, float[] out, int outOff, int n) {
        assert aOff >= 0 && outOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        // one small method per loop: with every loop in this method's body C2 gave up on keeping the
        // vectors in registers and boxed them (6-16 KB a call of 1007 floats, FloatKernelAllocationTest)
        switch (op) {
            case NEG -> neg(a, aOff, out, outOff, bound);
            case ABS -> abs(a, aOff, out, outOff, bound);
            case EXP -> FloatVectorMath.exp(a, aOff, out, outOff, bound);
            case LOG -> FloatVectorMath.log(a, aOff, out, outOff, bound);
            case SQRT -> lanewiseSqrt(a, aOff, out, outOff, bound);
            case SIN -> lanewiseSin(a, aOff, out, outOff, bound);
            case COS -> lanewiseCos(a, aOff, out, outOff, bound);
            case LOG1P -> lanewiseLog1p(a, aOff, out, outOff, bound);
            case EXPM1 -> lanewiseExpm1(a, aOff, out, outOff, bound);
            case LOG10 -> lanewiseLog10(a, aOff, out, outOff, bound);
            case TAN -> lanewiseTan(a, aOff, out, outOff, bound);
            case ASIN -> lanewiseAsin(a, aOff, out, outOff, bound);
            case ACOS -> lanewiseAcos(a, aOff, out, outOff, bound);
            case ATAN -> lanewiseAtan(a, aOff, out, outOff, bound);
            case SINH -> lanewiseSinh(a, aOff, out, outOff, bound);
            case COSH -> lanewiseCosh(a, aOff, out, outOff, bound);
            case SQUARE -> square(a, aOff, out, outOff, bound);
            case RECIPROCAL -> reciprocal(a, aOff, out, outOff, bound);
            case TANH -> FloatVectorMath.tanh(a, aOff, out, outOff, bound);
            case SIGMOID -> FloatVectorMath.sigmoid(a, aOff, out, outOff, bound);
            case SILU -> FloatVectorMath.silu(a, aOff, out, outOff, bound);
            case RELU -> relu(a, aOff, out, outOff, bound);
            case ISNAN -> isnan(a, aOff, out, outOff, bound);
            case ISINF -> isinf(a, aOff, out, outOff, bound);
            case ISFINITE -> isfinite(a, aOff, out, outOff, bound);
            case SIGN -> sign(a, aOff, out, outOff, bound);
            // no Vector API operation, or none that rounds as the twin (which computes in double): the twin does it all
            case GELU -> bound = FloatVectorMath.gelu(a, aOff, null, 0, out, outOff, bound);
            case GELU_TANH -> bound = FloatVectorMath.geluTanh(a, aOff, null, 0, out, outOff, bound);
            case MISH, HARDSWISH, HARDSIGMOID, LOGSIGMOID, LOG2, EXP2, ERF, ERFC, ERFINV,
                    ASINH, ACOSH, ATANH, FLOOR, CEIL, ROUND, TRUNC, FRAC -> bound = 0;
        }
        TAIL.unary(op, a, aOff + bound, out, outOff + bound, n - bound);
    }

    private static void neg(float[] a, int aOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).neg().intoArray(out, outOff + i);
    }

    private static void abs(float[] a, int aOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).abs().intoArray(out, outOff + i);
    }

    private static void lanewiseSqrt(float[] a, int aOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(SQRT).intoArray(out, outOff + i);
    }

    private static void lanewiseSin(float[] a, int aOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(SIN).intoArray(out, outOff + i);
    }

    private static void lanewiseCos(float[] a, int aOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(COS).intoArray(out, outOff + i);
    }

    private static void lanewiseLog1p(float[] a, int aOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(LOG1P).intoArray(out, outOff + i);
    }

    private static void lanewiseExpm1(float[] a, int aOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(EXPM1).intoArray(out, outOff + i);
    }

    private static void lanewiseLog10(float[] a, int aOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(LOG10).intoArray(out, outOff + i);
    }

    private static void lanewiseTan(float[] a, int aOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(TAN).intoArray(out, outOff + i);
    }

    private static void lanewiseAsin(float[] a, int aOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(ASIN).intoArray(out, outOff + i);
    }

    private static void lanewiseAcos(float[] a, int aOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(ACOS).intoArray(out, outOff + i);
    }

    private static void lanewiseAtan(float[] a, int aOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(ATAN).intoArray(out, outOff + i);
    }

    private static void lanewiseSinh(float[] a, int aOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(SINH).intoArray(out, outOff + i);
    }

    private static void lanewiseCosh(float[] a, int aOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(COSH).intoArray(out, outOff + i);
    }

    private static void square(float[] a, int aOff, float[] out, int outOff, int bound) {
        for (int i = 0; i < bound; i += L) {
            FloatVector x = v(a, aOff + i);
            x.mul(x).intoArray(out, outOff + i);
        }
    }

    private static void reciprocal(float[] a, int aOff, float[] out, int outOff, int bound) {
        FloatVector one = splat(1);
        for (int i = 0; i < bound; i += L) one.div(v(a, aOff + i)).intoArray(out, outOff + i);
    }

    private static void relu(float[] a, int aOff, float[] out, int outOff, int bound) {
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(MAX, zero).intoArray(out, outOff + i);
    }

    private static void isnan(float[] a, int aOff, float[] out, int outOff, int bound) {
        FloatVector zero = FloatVector.zero(S), one = splat(1);
        for (int i = 0; i < bound; i += L) zero.blend(one, v(a, aOff + i).test(IS_NAN)).intoArray(out, outOff + i);
    }

    private static void isinf(float[] a, int aOff, float[] out, int outOff, int bound) {
        FloatVector zero = FloatVector.zero(S), one = splat(1);
        for (int i = 0; i < bound; i += L) zero.blend(one, v(a, aOff + i).test(IS_INFINITE)).intoArray(out, outOff + i);
    }

    private static void isfinite(float[] a, int aOff, float[] out, int outOff, int bound) {
        FloatVector zero = FloatVector.zero(S), one = splat(1);
        for (int i = 0; i < bound; i += L) zero.blend(one, v(a, aOff + i).test(IS_FINITE)).intoArray(out, outOff + i);
    }

    private static void sign(float[] a, int aOff, float[] out, int outOff, int bound) {
        FloatVector zero = FloatVector.zero(S), one = splat(1), minusOne = splat(-1);
        for (int i = 0; i < bound; i += L) {
            FloatVector x = v(a, aOff + i);
            zero.blend(one, x.compare(GT, zero)).blend(minusOne, x.compare(LT, zero)).intoArray(out, outOff + i);
        }
    }

    @Override
    public void unaryParam(UnaryParamOp op, float[] a, int aOff, float p, float q, float r, float[] out, int outOff, int n) {
        assert aOff >= 0 && outOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        switch (op) {
            case LEAKY_RELU -> {
                FloatVector zero = FloatVector.zero(S), slope = splat(p);
                for (int i = 0; i < bound; i += L) {
                    FloatVector x = v(a, aOff + i);
                    x.mul(slope).blend(x, x.compare(GT, zero)).intoArray(out, outOff + i);
                }
            }
            case NAN_TO_NUM -> {
                FloatVector nan = splat(p), pos = splat(q), neg = splat(r);
                FloatVector inf = splat(Float.POSITIVE_INFINITY), ninf = splat(Float.NEGATIVE_INFINITY);
                for (int i = 0; i < bound; i += L) {
                    FloatVector x = v(a, aOff + i);
                    x.blend(nan, x.test(IS_NAN)).blend(pos, x.compare(EQ, inf)).blend(neg, x.compare(EQ, ninf)).intoArray(out, outOff + i);
                }
            }
            case ELU, SOFTPLUS -> bound = 0; // expm1/log1p of a scaled input, computed in double by the twin
        }
        TAIL.unaryParam(op, a, aOff + bound, p, q, r, out, outOff + bound, n - bound);
    }

    @Override
    public void compare(CompareOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        assert aOff >= 0 && bOff >= 0 && outOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        switch (op) {
            case GT -> compareGt(a, aOff, b, bOff, out, outOff, bound);
            case LT -> compareLt(a, aOff, b, bOff, out, outOff, bound);
            case GE -> compareGe(a, aOff, b, bOff, out, outOff, bound);
            case LE -> compareLe(a, aOff, b, bOff, out, outOff, bound);
            case EQ -> compareEq(a, aOff, b, bOff, out, outOff, bound);
            case NE -> compareNe(a, aOff, b, bOff, out, outOff, bound);
        }
        TAIL.compare(op, a, aOff + bound, b, bOff + bound, out, outOff + bound, n - bound);
    }

    @Override
    public void compareScalar(CompareOp op, float[] a, int aOff, float s, float[] out, int outOff, int n) {
        assert aOff >= 0 && outOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        switch (op) {
            case GT -> compareScalarGt(a, aOff, s, out, outOff, bound);
            case LT -> compareScalarLt(a, aOff, s, out, outOff, bound);
            case GE -> compareScalarGe(a, aOff, s, out, outOff, bound);
            case LE -> compareScalarLe(a, aOff, s, out, outOff, bound);
            case EQ -> compareScalarEq(a, aOff, s, out, outOff, bound);
            case NE -> compareScalarNe(a, aOff, s, out, outOff, bound);
        }
        TAIL.compareScalar(op, a, aOff + bound, s, out, outOff + bound, n - bound);
    }

    @Override
    public void where(float[] mask, int maskOff, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        assert maskOff >= 0 && aOff >= 0 && bOff >= 0 && outOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) {
            v(b, bOff + i).blend(v(a, aOff + i), v(mask, maskOff + i).compare(NE, zero)).intoArray(out, outOff + i);
        }
        TAIL.where(mask, maskOff + bound, a, aOff + bound, b, bOff + bound, out, outOff + bound, n - bound);
    }

    @Override
    public void clamp(float[] a, int aOff, float lo, float hi, float[] out, int outOff, int n) {
        assert aOff >= 0 && outOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        FloatVector l = splat(lo);
        FloatVector h = splat(hi);
        for (int i = 0; i < bound; i += L) v(a, aOff + i).lanewise(MAX, l).lanewise(MIN, h).intoArray(out, outOff + i);
        TAIL.clamp(a, aOff + bound, lo, hi, out, outOff + bound, n - bound);
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] g, int gOff, float[] out, int outOff, int n) {
        assert xOff >= 0 && gOff >= 0 && outOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) {
            zero.blend(v(g, gOff + i), v(x, xOff + i).compare(GT, zero)).intoArray(out, outOff + i);
        }
        TAIL.reluBackward(x, xOff + bound, g, gOff + bound, out, outOff + bound, n - bound);
    }

    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        assert yOff >= 0 && gOff >= 0 && outOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        FloatVector one = splat(1);
        for (int i = 0; i < bound; i += L) {
            FloatVector yi = v(y, yOff + i);
            v(g, gOff + i).mul(one.sub(yi)).mul(yi).intoArray(out, outOff + i);
        }
        TAIL.sigmoidBackward(y, yOff + bound, g, gOff + bound, out, outOff + bound, n - bound);
    }

    @Override
    public void geluBackward(boolean tanh, float[] x, int xOff, float[] g, int gOff, float[] out, int outOff, int n) {
        assert xOff >= 0 && gOff >= 0 && outOff >= 0 && n >= 0;
        int bound = tanh ? FloatVectorMath.geluTanh(x, xOff, g, gOff, out, outOff, n) : FloatVectorMath.gelu(x, xOff, g, gOff, out, outOff, n);
        TAIL.geluBackward(tanh, x, xOff + bound, g, gOff + bound, out, outOff + bound, n - bound);
    }

    @Override
    public void tanhBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        assert yOff >= 0 && gOff >= 0 && outOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        FloatVector one = splat(1);
        for (int i = 0; i < bound; i += L) {
            FloatVector yi = v(y, yOff + i);
            v(g, gOff + i).mul(yi.neg().fma(yi, one)).intoArray(out, outOff + i);
        }
        TAIL.tanhBackward(y, yOff + bound, g, gOff + bound, out, outOff + bound, n - bound);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        assert xOff >= 0 && yOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        FloatVector al = splat(alpha);
        for (int i = 0; i < bound; i += L) al.fma(v(x, xOff + i), v(y, yOff + i)).intoArray(y, yOff + i);
        TAIL.axpy(alpha, x, xOff + bound, y, yOff + bound, n - bound);
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int n) {
        assert xOff >= 0 && outOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        FloatVector al = splat(alpha);
        for (int i = 0; i < bound; i += L) al.mul(v(x, xOff + i)).intoArray(out, outOff + i);
        TAIL.scale(alpha, x, xOff + bound, out, outOff + bound, n - bound);
    }

    @Override
    public void fill(float value, float[] out, int outOff, int n) {
        assert outOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        FloatVector x = splat(value);
        for (int i = 0; i < bound; i += L) x.intoArray(out, outOff + i);
        TAIL.fill(value, out, outOff + bound, n - bound);
    }

    @Override
    public void rotateRows(float[] c, float[] s, int csOff, int count, float[] a, int aOff, int lda, int cols) {
        assert csOff >= 0 && count >= 0 && aOff >= 0 && cols >= 0;
        int j = 0, last = aOff + count * lda;
        // four column strips at once: each carry is a chain of dependent fmas, four hide its latency
        for (; j + 4 * L <= cols; j += 4 * L) {
            FloatVector k0 = v(a, last + j), k1 = v(a, last + j + L), k2 = v(a, last + j + 2 * L), k3 = v(a, last + j + 3 * L);
            for (int t = count - 1; t >= 0; t--) {
                int x = aOff + t * lda + j;
                FloatVector ct = splat(c[csOff + t]), st = splat(s[csOff + t]), ns = splat(-s[csOff + t]);
                FloatVector v0 = v(a, x), v1 = v(a, x + L), v2 = v(a, x + 2 * L), v3 = v(a, x + 3 * L);
                st.fma(v0, ct.mul(k0)).intoArray(a, x + lda);
                st.fma(v1, ct.mul(k1)).intoArray(a, x + lda + L);
                st.fma(v2, ct.mul(k2)).intoArray(a, x + lda + 2 * L);
                st.fma(v3, ct.mul(k3)).intoArray(a, x + lda + 3 * L);
                k0 = ct.fma(v0, ns.mul(k0));
                k1 = ct.fma(v1, ns.mul(k1));
                k2 = ct.fma(v2, ns.mul(k2));
                k3 = ct.fma(v3, ns.mul(k3));
            }
            k0.intoArray(a, aOff + j);
            k1.intoArray(a, aOff + j + L);
            k2.intoArray(a, aOff + j + 2 * L);
            k3.intoArray(a, aOff + j + 3 * L);
        }
        for (; j + L <= cols; j += L) {
            FloatVector k0 = v(a, last + j);
            for (int t = count - 1; t >= 0; t--) {
                int x = aOff + t * lda + j;
                FloatVector ct = splat(c[csOff + t]), v0 = v(a, x);
                splat(s[csOff + t]).fma(v0, ct.mul(k0)).intoArray(a, x + lda);
                k0 = ct.fma(v0, splat(-s[csOff + t]).mul(k0));
            }
            k0.intoArray(a, aOff + j);
        }
        if (j < cols) TAIL.rotateRows(c, s, csOff, count, a, aOff + j, lda, cols - j);
    }

    @Override
    public void lerp(float[] a, int aOff, float[] b, int bOff, float w, float[] out, int outOff, int n) {
        assert aOff >= 0 && bOff >= 0 && outOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        if (Math.abs(w) < 0.5) {
            FloatVector c = splat(w);
            for (int i = 0; i < bound; i += L) {
                FloatVector x = v(a, aOff + i);
                c.fma(v(b, bOff + i).sub(x), x).intoArray(out, outOff + i);
            }
        } else {
            FloatVector c = splat(w - 1);
            for (int i = 0; i < bound; i += L) {
                FloatVector y = v(b, bOff + i);
                c.fma(y.sub(v(a, aOff + i)), y).intoArray(out, outOff + i);
            }
        }
        TAIL.lerp(a, aOff + bound, b, bOff + bound, w, out, outOff + bound, n - bound);
    }

    @Override
    public void expAvgSq(float[] v, int vOff, float beta2, float[] g, int gOff, float value, float[] out, int outOff, int n) {
        assert vOff >= 0 && gOff >= 0 && outOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        FloatVector b2 = splat(beta2), s = splat(value);
        for (int i = 0; i < bound; i += L) {
            FloatVector x = v(g, gOff + i);
            v(v, vOff + i).mul(b2).add(s.mul(x).mul(x)).intoArray(out, outOff + i);
        }
        TAIL.expAvgSq(v, vOff + bound, beta2, g, gOff + bound, value, out, outOff + bound, n - bound);
    }

    @Override
    public void adamStep(float[] p, int pOff, float[] m, int mOff, float[] v, int vOff, float negStep, float bc2, float eps,
                         float[] out, int outOff, int n) {
        assert pOff >= 0 && mOff >= 0 && vOff >= 0 && outOff >= 0 && n >= 0;
        int bound = S.loopBound(n);
        FloatVector ns = splat(negStep), c = splat(bc2), e = splat(eps);
        for (int i = 0; i < bound; i += L) {
            FloatVector denom = v(v, vOff + i).lanewise(SQRT).div(c).add(e);
            v(p, pOff + i).add(ns.mul(v(m, mOff + i)).div(denom)).intoArray(out, outOff + i);
        }
        TAIL.adamStep(p, pOff + bound, m, mOff + bound, v, vOff + bound, negStep, bc2, eps, out, outOff + bound, n - bound);
    }
}
