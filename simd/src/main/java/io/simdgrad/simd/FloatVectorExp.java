package io.simdgrad.simd;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.SUB;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * e^x on a vector in plain lanewise arithmetic (fma, add, mul, integer shifts), so that every
 * JIT tier computes the same bits. The Vector API's own {@code EXP} computes lanes with
 * {@code Math.exp} until C2 compiles the loop and with an SVML-style stub after, which made the
 * last bit depend on how warm the code was (in eager code and replays alike).
 *
 * <p>Method: {@code k = rint(x·log2 e)} by the 1.5·2^(p−1) trick, {@code r = x − k·ln 2} in two
 * fma steps (|r| ≤ ln2/2), {@code e^r = 1 + r + r²·q(r)} with the Taylor coefficients 1/j! up to
 * the degree whose remainder is below a tenth of an ulp (7 for a 24-bit significand, 13 for 53 bits), and the
 * result scaled by {@code 2^k}: by adding k to the exponent field when every lane's result is
 * normal, else as two exact powers of two built from the bits of the rounding sum (results in
 * the subnormal range are then rounded once); both give the same bits for a normal result. Lanes are clamped first: below
 * about −(bias + p + 2)·ln 2 the result is 0, above (bias + 2)·ln 2 it is +∞; NaN stays NaN.
 * Error: under one ulp against {@code Math.exp} (the tests check ≤ 1 ulp over sampled and
 * special values).
 */
final class FloatVectorExp {
    private static final VectorSpecies<Float> S = Simd.FLOAT_SPECIES;
    /** Significand bits including the implicit one, and the exponent bias. */
    private static final int P = Float.PRECISION, BIAS = Float.MAX_EXPONENT;
    private static final float MAGIC = (float) (1.5 * Math.scalb(1.0, P - 1));
    /** The bits of MAGIC: biased exponent P - 1 + BIAS, top fraction bit set. */
    private static final long MAGIC_BITS = ((long) (BIAS + P - 1) << (P - 1)) | (1L << (P - 2));
    private static final float LOG2E = (float) (1 / Math.log(2));
    private static final float LN2_HI = (float) Math.log(2);
    /**
     * ln 2 minus LN2_HI: the float case is computed in double; the double case needs the digits
     * beyond a double, {@code ln 2 − (double) ln 2 = 2.3190468138462996e−17}.
     */
    private static final float LN2_LO = (float) ((Math.log(2) - (double) LN2_HI) + 2.3190468138462996e-17);
    private static final float LO = (float) (-(BIAS + P + 2) * Math.log(2));
    private static final float HI = (float) ((BIAS + 2) * Math.log(2));
    /** 1/j! for j = 2 .. degree, highest first (Horner order). */
    private static final float[] C;

    static {
        int degree = P <= 24 ? 7 : 13;
        C = new float[degree - 1];
        double f = 1;
        for (int j = 2; j <= degree; j++) {
            f *= j;
            C[degree - j] = (float) (1 / f);
        }
    }

    private FloatVectorExp() {}

    /** e^x lane by lane, the same bits in every JIT tier. */
    static FloatVector exp(FloatVector x) {
        FloatVector t = x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, MAGIC));
        // k as an integer: the low bits of t's representation (garbage for NaN, infinities and
        // huge |x|, which then fall outside the range below)
        var kb = t.viewAsIntegralLanes().lanewise(SUB, MAGIC_BITS);
        if (kb.compare(GT, BIAS - 1).or(kb.compare(LT, 3 - BIAS)).anyTrue()) return wide(x);
        // every lane's result is normal: scale by adding k to the exponent field (exact, the
        // same bits as the multiplications of wide()). The rare case is a call of its own, so
        // that this common path stays small enough for C2 to inline (measured 19 µs per 1e5
        // floats; one branch-free form that handles every case in line took 42).
        var pb = poly(x, t.sub(MAGIC)).viewAsIntegralLanes();
        return (FloatVector) pb.add(kb.lanewise(LSHL, P - 1)).reinterpretShape(S, 0);
    }

    /** The general case: lanes clamped, 2^k applied as two normal powers of two (results may be 0, subnormal or +∞). */
    private static FloatVector wide(FloatVector x) {
        x = x.max(FloatVector.broadcast(S, LO)).min(FloatVector.broadcast(S, HI));
        FloatVector t = x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, MAGIC));
        FloatVector p = poly(x, t.sub(MAGIC));
        var kb = t.viewAsIntegralLanes().lanewise(SUB, MAGIC_BITS);
        var k1 = kb.lanewise(ASHR, 1);
        var k2 = kb.sub(k1);
        FloatVector s1 = (FloatVector) k1.lanewise(ADD, BIAS).lanewise(LSHL, P - 1).reinterpretShape(S, 0);
        FloatVector s2 = (FloatVector) k2.lanewise(ADD, BIAS).lanewise(LSHL, P - 1).reinterpretShape(S, 0);
        return p.mul(s1).mul(s2);
    }

    /** e^r for r = x − k·ln 2, |r| ≤ ln2/2. */
    private static FloatVector poly(FloatVector x, FloatVector k) {
        FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector q = FloatVector.broadcast(S, C[0]);
        for (int j = 1; j < C.length; j++) q = q.fma(r, FloatVector.broadcast(S, C[j]));
        return r.mul(q).fma(r, r).add(1);
    }
}
