package io.simdgrad.simd;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.AND;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.IS_NAN;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.OR;
import static jdk.incubator.vector.VectorOperators.SUB;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, log and tanh on a vector in plain lanewise arithmetic (fma, add, mul, div, integer shifts,
 * compares and blends), so that every JIT tier computes the same bits. The Vector API's own
 * {@code EXP}, {@code LOG} and {@code TANH} compute lanes with {@link Math} in the interpreter
 * and C1 and with SVML-style stubs in C2, so their last bit depended on how warm the code was.
 *
 * <p>Each function is a loop over arrays whose body has no data-dependent branch: special and out-of-range
 * lanes are handled by clamping or by compare masks and blends. A branch to a rarely taken
 * method was compiled by C2 as a call that passes boxed vectors (7.8 KB per training step in an
 * earlier version). The polynomials are Taylor series whose degree is chosen from the precision
 * {@code P} (static final, folded by the JIT), so this one text serves 32-bit and 64-bit elements
 * (the 64-bit file is generated from it): the coefficients are computed, not typed.
 *
 * <p>Error: the tests hold 1 ulp against {@link Math}'s result rounded to the element type over
 * dense sweeps, every binary exponent and random inputs near the method's edges. Measured for
 * 32-bit elements against the exact value over every 61st bit pattern: exp 1.06 ulp (results in
 * the subnormal range are rounded twice), log 0.83, tanh 0.94 (expm1 and the division kept as
 * unevaluated sums, one rounding at the end); for 64-bit elements 1 ulp from {@link Math} over
 * 8M random values each.
 */
final class FloatVectorMath {
    private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
    private static final int L = S.length();
    /** Significand bits including the implicit one, and the exponent bias. */
    private static final int P = Float.PRECISION, BIAS = Float.MAX_EXPONENT;
    /** Whether this is the 53-bit twin: the series then need more terms (folded by the JIT). */
    private static final boolean WIDE = P > 24;
    /** Adding then subtracting 1.5 * 2^(P-1) rounds to an integer (ties to even). */
    private static final float MAGIC = (float) (1.5 * Math.scalb(1.0, P - 1));
    /** The bits of MAGIC: biased exponent P - 1 + BIAS, top fraction bit set. */
    private static final long MAGIC_BITS = ((long) (BIAS + P - 1) << (P - 1)) | (1L << (P - 2));
    private static final float LOG2E = (float) (1 / Math.log(2));
    private static final float LN2_HI = (float) Math.log(2);
    /**
     * ln 2 minus LN2_HI: for 32-bit elements the difference is exact in 64-bit arithmetic; for
     * 64-bit elements it needs the digits beyond 64-bit precision,
     * {@code ln 2 - (64-bit) ln 2 = 2.3190468138462996e-17}.
     */
    private static final float LN2_LO = (float) ((Math.log(2) - (double) LN2_HI) + 2.3190468138462996e-17);
    /** exp: below LO the result is 0 (k = -(BIAS + P + 2)), above HI it is +inf (k = BIAS + 2). */
    private static final float EXP_LO = (float) (-(BIAS + P + 2) * Math.log(2));
    private static final float EXP_HI = (float) ((BIAS + 2) * Math.log(2));
    /** tanh(x) rounds to 1 above (P + 2) ln2 / 2: 1 - tanh(x) ~ 2e^{-2x} is below half an ulp of 1. */
    private static final float TANH_ONE = (float) ((P + 2) * Math.log(2) / 2);
    /** 1/j! for the exp series. */
    private static final float E2 = inverseFactorial(2), E3 = inverseFactorial(3), E4 = inverseFactorial(4),
            E5 = inverseFactorial(5), E6 = inverseFactorial(6), E7 = inverseFactorial(7), E8 = inverseFactorial(8),
            E9 = inverseFactorial(9), E10 = inverseFactorial(10), E11 = inverseFactorial(11),
            E12 = inverseFactorial(12), E13 = inverseFactorial(13);
    /** 2/(2j+1) for log's atanh series in s^2. */
    private static final float G1 = (float) (2.0 / 3), G2 = (float) (2.0 / 5), G3 = (float) (2.0 / 7),
            G4 = (float) (2.0 / 9), G5 = (float) (2.0 / 11), G6 = (float) (2.0 / 13), G7 = (float) (2.0 / 15),
            G8 = (float) (2.0 / 17), G9 = (float) (2.0 / 19), G10 = (float) (2.0 / 21);
    /** log: the bits of the significand sqrt(1/2), so that reduced arguments lie in [sqrt(1/2), sqrt(2)). */
    private static final long SQRT_HALF_BITS = ((long) (BIAS - 1) << (P - 1))
            + (long) ((Math.sqrt(2) - 1) * Math.scalb(1.0, P - 1));
    private static final long EXPONENT_MASK = -1L << (P - 1);
    /** The sign bit of an element (as the integral lane it is viewed as). */
    private static final long SIGN_BIT = -1L << (Float.SIZE - 1);
    private static final float TWO_P = (float) Math.scalb(1.0, P);

    private FloatVectorMath() {}

    private static float inverseFactorial(int j) {
        double f = 1;
        for (int i = 2; i <= j; i++) f *= i;
        return (float) (1 / f);
    }

    private static FloatVector splat(float x) {
        return FloatVector.broadcast(S, x);
    }

    /** {@code out[outOff+i] = e^a[aOff+i]} for {@code i < n} (the last {@code n mod L} in scalar code). */
    static void exp(float[] a, int aOff, float[] out, int outOff, int n) {
        expLoop(a, aOff, 0, false, false, out, outOff, n);
    }

    /**
     * {@code out[outOff+i] = e^(a[aOff+i] - shift)} for {@code i < n} (out may be null), and the
     * sum of those exponentials: lanewise over the vectors, then the lanes in a fixed pairwise
     * tree ({@code reduceLanes(ADD)} leaves the order open, and C2's differs from the interpreter's).
     */
    static float expShifted(float[] a, int aOff, float shift, float[] out, int outOff, int n) {
        return expLoop(a, aOff, shift, false, false, out, outOff, n);
    }

    /** {@code out[outOff+i] = sigmoid(a[aOff+i])} as {@link ScalarFloatElementwise#sigmoid}: e = exp(-|x|) never overflows. */
    static void sigmoid(float[] a, int aOff, float[] out, int outOff, int n) {
        expLoop(a, aOff, 0, true, false, out, outOff, n);
    }

    /**
     * {@code out[outOff+i] = silu(a[aOff+i]) = x sigmoid(x)} as {@link ElementwiseMath#silu}: for
     * x &lt; 0, {@code x e / (1 + e)} with x multiplied into e before its scaling by 2^k (so a
     * subnormal e loses no digits), for x &ge; 0 {@code x / (1 + e)}; e = exp(-|x|) is clamped
     * 8 lower than exp's (x e^x is still a subnormal a little below exp's 0), and below that the
     * result is {@code x * 0} (-0, or NaN for -inf, as the twin).
     */
    static void silu(float[] a, int aOff, float[] out, int outOff, int n) {
        expLoop(a, aOff, 0, true, true, out, outOff, n);
    }

    /*
     * The functions are loops over arrays, each with its whole per-vector computation inside the
     * loop body: a method that takes or returns a vector and is not inlined passes boxed vectors.
     * A per-vector exp or tanh method was too large to inline (over C2's FreqInlineSize), and
     * even small helpers (the series, 2^k, a splat) were left as calls once C2 reached its
     * inlining node budget (NodeCountInliningCutoff): 800 KB allocated per 1e5-element call. So
     * the series and the scaling are written out in each loop (exp's and tanh's), and the
     * constants are vectors made before the loop.
     *
     * Shared steps: k = rint(y log2 e) by adding and subtracting MAGIC; r = y - k ln2 in two fma
     * steps; the series q(r) with e^r = 1 + r + r^2 q(r), the Taylor terms 1/j! up to the degree
     * whose remainder is below a tenth of an ulp (7 for a 24-bit significand, 13 for 53); and 2^k
     * for integral k built in the exponent field from the bits of k + MAGIC.
     */

    /**
     * e^y for y = x - shift (or y = -|x| for sigmoid) lane by lane: {@code k = rint(y log2 e)},
     * {@code r = y - k ln2} in two fma steps, {@code e^r = 1 + r + r^2 q(r)}, scaled by
     * {@code 2^k} as two normal powers of two (exact unless the result is subnormal). Lanes are
     * clamped first, so below about {@code -(bias + P + 2) ln2} the result is 0, above
     * {@code (bias + 2) ln2} it is +inf; NaN stays NaN. Whole vectors only, the rest in scalar code:
     * masked loads and stores cost more than the function on some CPUs (AVX2 on AMD Zen 2).
     */
    private static float expLoop(float[] a, int aOff, float shift, boolean sigmoid, boolean silu, float[] out, int outOff, int n) {
        FloatVector sum = FloatVector.zero(S);
        // y = x - shift, or -|x| for sigmoid (shift 0): the sign bit set by an OR, not a branch
        // (vectors merged at a branch were boxed by C2)
        long signOr = sigmoid ? SIGN_BIT : 0;
        // the constants as vectors before the loop (in each function): inside, their calls
        // pushed C2 past its inlining node budget (NodeCountInliningCutoff), and the call left
        // returned a boxed vector
        FloatVector vShift = splat(shift);
        FloatVector vLO = splat(silu ? EXP_LO - 8 : EXP_LO);
        // silu multiplies x into the numerator; sigmoid and exp multiply by 1 (exact: the same bits)
        VectorMask<Float> notSilu = S.maskAll(!silu);
        FloatVector vHI = splat(EXP_HI);
        FloatVector vLOG2E = splat(LOG2E);
        FloatVector vMAGIC = splat(MAGIC);
        FloatVector vNegLN2_HI = splat(-LN2_HI);
        FloatVector vNegLN2_LO = splat(-LN2_LO);
        FloatVector vE7 = splat(E7);
        FloatVector vE13 = splat(E13);
        FloatVector vE12 = splat(E12);
        FloatVector vE11 = splat(E11);
        FloatVector vE10 = splat(E10);
        FloatVector vE9 = splat(E9);
        FloatVector vE8 = splat(E8);
        FloatVector vE6 = splat(E6);
        FloatVector vE5 = splat(E5);
        FloatVector vE4 = splat(E4);
        FloatVector vE3 = splat(E3);
        FloatVector vE2 = splat(E2);
        FloatVector vOne = splat(1);
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, aOff + i);
            FloatVector y = (FloatVector) x.sub(vShift).viewAsIntegralLanes().lanewise(OR, signOr).reinterpretShape(S, 0);
            // clamp by compare and blend (NaN compares false and stays): Java's NaN-aware max and
            // min cost several instructions each
            VectorMask<Float> below = y.compare(LT, vLO);
            y = y.blend(vLO, below).blend(vHI, y.compare(GT, vHI));
            FloatVector t = y.fma(vLOG2E, vMAGIC);
            FloatVector k = t.sub(vMAGIC);
            FloatVector r = k.fma(vNegLN2_HI, y);
            r = k.fma(vNegLN2_LO, r);
            FloatVector q = vE7;
            if (WIDE) {
                q = vE13.fma(r, vE12).fma(r, vE11).fma(r, vE10).fma(r, vE9)
                        .fma(r, vE8).fma(r, vE7);
            }
            q = q.fma(r, vE6).fma(r, vE5).fma(r, vE4).fma(r, vE3).fma(r, vE2);
            FloatVector p = r.mul(q).fma(r, r).add(vOne);
            // 2^k as 2^k1 * 2^k2, k1 = k >> 1 (k from t's low bits): both are normal even where
            // 2^k is not (results that are subnormal, or finite above 2^MAX_EXPONENT / 2)
            var kb = t.viewAsIntegralLanes().lanewise(SUB, MAGIC_BITS);
            var k1 = kb.lanewise(ASHR, 1);
            var s1 = k1.lanewise(ADD, BIAS).lanewise(LSHL, P - 1);
            var s2 = kb.sub(k1).lanewise(ADD, BIAS).lanewise(LSHL, P - 1);
            FloatVector ps1 = p.mul((FloatVector) s1.reinterpretShape(S, 0));
            FloatVector e = ps1.mul((FloatVector) s2.reinterpretShape(S, 0));
            sum = sum.add(e);
            if (sigmoid) {
                FloatVector d = e.add(1);
                FloatVector factor = x.blend(vOne, notSilu);
                FloatVector num = ps1.mul(factor).mul((FloatVector) s2.reinterpretShape(S, 0)).blend(factor.mul((float) 0), below);
                num.div(d).blend(factor.div(d), x.compare(GE, (float) 0)).intoArray(out, outOff + i);
            } else if (out != null) {
                e.intoArray(out, outOff + i);
            }
        }
        for (int h = L / 2; h >= 1; h /= 2) sum = sum.add(sum.slice(h));
        float total = sum.lane(0);
        // the tail in scalar code (Math.exp is the same in every tier), added in order
        for (int i = bound; i < n; i++) {
            float e = (float) Math.exp(sigmoid ? -Math.abs(a[aOff + i]) : a[aOff + i] - shift);
            if (out != null) out[outOff + i] = silu ? (float) ElementwiseMath.silu(a[aOff + i]) : sigmoid ? ScalarFloatElementwise.sigmoid(a[aOff + i]) : e;
            total += e;
        }
        return total;
    }

    /**
     * {@code out[outOff+i] = ln a[aOff+i]} for the whole vectors of n ({@code i < loopBound(n)};
     * the caller computes the rest), after fdlibm's {@code __ieee754_log}:
     * {@code x = 2^k m} with m in [sqrt(1/2), sqrt(2)) (subnormal x scaled by 2^P first),
     * {@code f = m - 1} (exact), {@code s = f / (2 + f)}, {@code ln(1 + f) = f - (f^2/2 - s (f^2/2 +
     * R(s^2)))} with R the atanh series, and {@code k ln2} added in two parts. x &lt; 0 and NaN
     * give NaN, ±0 gives -inf, +inf gives +inf.
     */
    static void log(float[] a, int aOff, float[] out, int outOff, int n) {
        FloatVector vG4 = splat(G4);
        FloatVector vG10 = splat(G10);
        FloatVector vG9 = splat(G9);
        FloatVector vG8 = splat(G8);
        FloatVector vG7 = splat(G7);
        FloatVector vG6 = splat(G6);
        FloatVector vG5 = splat(G5);
        FloatVector vG3 = splat(G3);
        FloatVector vG2 = splat(G2);
        FloatVector vG1 = splat(G1);
        FloatVector vLN2_LO = splat(LN2_LO);
        FloatVector vLN2_HI = splat(LN2_HI);
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, aOff + i);
            VectorMask<Float> tiny = x.compare(LT, Float.MIN_NORMAL);
            FloatVector xs = x.blend(x.mul(TWO_P), tiny);
            var ix = xs.viewAsIntegralLanes();
            var t = ix.lanewise(SUB, SQRT_HALF_BITS);
            var kb = t.lanewise(ASHR, P - 1);
            FloatVector m = (FloatVector) ix.sub(t.lanewise(AND, EXPONENT_MASK)).reinterpretShape(S, 0);
            // k as a float lane, by the MAGIC trick in reverse (|k| < 2^(P-2))
            FloatVector k = ((FloatVector) kb.lanewise(ADD, MAGIC_BITS).reinterpretShape(S, 0)).sub(MAGIC);
            k = k.blend(k.sub(P), tiny);
            FloatVector f = m.sub(1);
            FloatVector s = f.div(f.add(2));
            FloatVector z = s.mul(s);
            FloatVector q = vG4;
            if (WIDE) {
                q = vG10.fma(z, vG9).fma(z, vG8).fma(z, vG7).fma(z, vG6)
                        .fma(z, vG5).fma(z, vG4);
            }
            FloatVector big = q.fma(z, vG3).fma(z, vG2).fma(z, vG1).mul(z);
            FloatVector hfsq = f.mul(f).mul((float) 0.5);
            FloatVector y = k.fma(vLN2_LO, s.mul(hfsq.add(big)));
            y = k.fma(vLN2_HI, f.sub(hfsq.sub(y)));
            // special lanes: NaN and x < 0 give NaN, 0 gives -inf, +inf stays (x itself)
            VectorMask<Float> normal = x.compare(GT, (float) 0).and(x.compare(LT, Float.POSITIVE_INFINITY));
            FloatVector special = x.blend(Float.NaN, x.compare(LT, (float) 0)).blend(Float.NEGATIVE_INFINITY, x.compare(EQ, (float) 0));
            y.blend(special, normal.not()).intoArray(out, outOff + i);
        }
    }

    /**
     * {@code out[outOff+i] = tanh a[aOff+i]} for the whole vectors of n ({@code i < loopBound(n)};
     * the caller computes the rest), after fdlibm's form
     * {@code tanh|x| = -u / (u + 2)}, {@code u = expm1(-2|x|)}: u and {@code u + 2} are carried
     * as unevaluated sums of two floats (exact Fast2Sum steps) and the quotient is corrected by
     * its fma residual, so the result is rounded about once. Above {@link #TANH_ONE} the result
     * is ±1; the sign is x's (tanh(-0) = -0); NaN stays NaN.
     */
    static void tanh(float[] a, int aOff, float[] out, int outOff, int n) {
        FloatVector vLOG2E = splat(LOG2E);
        FloatVector vMAGIC = splat(MAGIC);
        FloatVector vNegLN2_HI = splat(-LN2_HI);
        FloatVector vNegLN2_LO = splat(-LN2_LO);
        FloatVector vE7 = splat(E7);
        FloatVector vE13 = splat(E13);
        FloatVector vE12 = splat(E12);
        FloatVector vE11 = splat(E11);
        FloatVector vE10 = splat(E10);
        FloatVector vE9 = splat(E9);
        FloatVector vE8 = splat(E8);
        FloatVector vE6 = splat(E6);
        FloatVector vE5 = splat(E5);
        FloatVector vE4 = splat(E4);
        FloatVector vE3 = splat(E3);
        FloatVector vE2 = splat(E2);
        FloatVector vOne = splat(1);
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, aOff + i);
            FloatVector y = x.abs().mul(-2);
            // lanes beyond TANH_ONE compute garbage here and are replaced by 1 below
            FloatVector k = y.fma(vLOG2E, vMAGIC).sub(MAGIC);
            FloatVector r = k.fma(vNegLN2_HI, y);
            r = k.fma(vNegLN2_LO, r);
            // e^r = eh + el: 1 + r by Fast2Sum (|r| < 1), then the series' tail
            FloatVector eh = r.add(1);
            FloatVector q = vE7;
            if (WIDE) {
                q = vE13.fma(r, vE12).fma(r, vE11).fma(r, vE10).fma(r, vE9)
                        .fma(r, vE8).fma(r, vE7);
            }
            q = q.fma(r, vE6).fma(r, vE5).fma(r, vE4).fma(r, vE3).fma(r, vE2);
            FloatVector el = r.mul(q).fma(r, r.sub(eh.sub(1)));
            var bits = k.add(MAGIC).viewAsIntegralLanes().lanewise(ADD, BIAS - MAGIC_BITS).lanewise(LSHL, P - 1);
            FloatVector scale = (FloatVector) bits.reinterpretShape(S, 0);
            eh = eh.mul(scale);
            el = el.mul(scale);
            // u = e^y - 1 = uh + ul by Fast2Sum(-1, eh) (eh <= 1 as y <= 0), then renormalised
            // by Fast2Sum(uh, ul) (|ul| <= |uh| / 2 or uh = 0), so that ul is below an ulp of uh
            FloatVector uh = eh.sub(1);
            FloatVector ul = eh.sub(uh.add(1)).add(el);
            FloatVector us = uh.add(ul);
            ul = ul.sub(us.sub(uh));
            uh = us;
            // d = u + 2 = dh + dl by Fast2Sum(2, uh)
            FloatVector dh = uh.add(2);
            FloatVector dl = uh.sub(dh.sub(2)).add(ul);
            // q = -u / d: q0 from the reciprocal of dh, then q0 + (-u - q0 d) / d, the residual by fma
            FloatVector rd = vOne.div(dh);
            FloatVector q0 = uh.neg().mul(rd);
            FloatVector res = q0.fma(dh, uh).add(ul).neg();
            res = q0.neg().fma(dl, res);
            // abs: a -0 from the sums must not flip the sign, which is copied from x by its bit
            // (tanh(-0) = -0; a blend of th.neg() by x.test(IS_NEGATIVE) was boxed by C2)
            FloatVector th = res.fma(rd, q0).abs().blend((float) 1, x.abs().compare(GT, TANH_ONE));
            var signed = th.viewAsIntegralLanes().lanewise(OR, x.viewAsIntegralLanes().lanewise(AND, SIGN_BIT));
            ((FloatVector) signed.reinterpretShape(S, 0)).intoArray(out, outOff + i);
        }
    }

    /**
     * gelu: beyond |x| = GELU_T the result is x or x * 0 (below -14.5 it rounds to -0 already); the
     * derivative below -GELU_T (under 1e-54) is taken as 0, so g gelu'(x) differs from the twin there
     * only for |g| above about 1e9.
     */
    private static final float GELU_T = 16;
    /** 1 / sqrt(2 pi). */
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));
    /** F(tau) of the gelu fit, lowest power first ({@code simd/src/main/python/fit_gelu.py}: relative error 1.8e-9). */
    private static final float F0 = (float) 0.09973557027853852, F1 = (float) 0.09973550918640492, F2 = (float) 0.09350551488692746,
            F3 = (float) 0.08096057596175144, F4 = (float) 0.06433856752356036, F5 = (float) 0.03776762316477462,
            F6 = (float) 0.04595091844841462, F7 = (float) -0.052965691929412625, F8 = (float) 0.10076870402471808,
            F9 = (float) -0.11752549427990207, F10 = (float) 0.05842763515980136, F11 = (float) -0.0106994324385268;

    /**
     * gelu and its backward for 32-bit elements, in plain vector arithmetic: with t = |x|,
     * {@code Q(t) = Phi(-t) = tau F(tau) e^(-t^2/2)}, {@code tau = 1 / (1 + t/4)}, F the degree-11
     * fit of {@code fit_gelu.py} (relative error 1.8e-9), and {@code e^(-t^2/2)} from exp's loop
     * with t^2/2 split into its rounded value and the fma residual (so the square's rounding does
     * not grow with t). {@code Phi(x) = Q} for x &lt; 0, {@code 1 - Q} otherwise. Forward
     * ({@code g == null}): {@code out = x Phi(x)}, for x &lt; 0 with {@code x tau F} multiplied into
     * e^r before its 2^k scaling (subnormal results keep their digits); backward:
     * {@code out = g (Phi(x) + x e^(-x^2/2) / sqrt(2 pi))}. Returns how many elements it computed:
     * the whole vectors of n, or none for 64-bit elements (the fit is for 24-bit significands; the
     * twin computes them).
     */
    static int gelu(float[] a, int aOff, float[] g, int gOff, float[] out, int outOff, int n) {
        if (WIDE) return 0;
        boolean backward = g != null;
        FloatVector vT = splat(GELU_T);
        FloatVector vLOG2E = splat(LOG2E);
        FloatVector vMAGIC = splat(MAGIC);
        FloatVector vNegLN2_HI = splat(-LN2_HI);
        FloatVector vNegLN2_LO = splat(-LN2_LO);
        FloatVector vE7 = splat(E7);
        FloatVector vE6 = splat(E6);
        FloatVector vE5 = splat(E5);
        FloatVector vE4 = splat(E4);
        FloatVector vE3 = splat(E3);
        FloatVector vE2 = splat(E2);
        FloatVector vF11 = splat(F11);
        FloatVector vF10 = splat(F10);
        FloatVector vF9 = splat(F9);
        FloatVector vF8 = splat(F8);
        FloatVector vF7 = splat(F7);
        FloatVector vF6 = splat(F6);
        FloatVector vF5 = splat(F5);
        FloatVector vF4 = splat(F4);
        FloatVector vF3 = splat(F3);
        FloatVector vF2 = splat(F2);
        FloatVector vF1 = splat(F1);
        FloatVector vF0 = splat(F0);
        FloatVector vQuarter = splat((float) 0.25);
        FloatVector vInvSqrt2Pi = splat(INV_SQRT_2PI);
        FloatVector vOne = splat(1);
        FloatVector vZero = splat(0);
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, aOff + i);
            FloatVector t = x.abs();
            t = t.blend(vT, t.compare(GT, vT));
            FloatVector sq = t.mul(t);
            // -t^2/2 = y - lo exactly: y rounded, lo the fma residual (halving is exact)
            FloatVector y = sq.mul((float) -0.5);
            FloatVector lo = t.fma(t, sq.neg()).mul((float) 0.5);
            // no clamp: t <= GELU_T keeps y >= -128, whose 2^k is two normal powers of two
            FloatVector tk = y.fma(vLOG2E, vMAGIC);
            FloatVector k = tk.sub(vMAGIC);
            FloatVector r = k.fma(vNegLN2_HI, y);
            r = k.fma(vNegLN2_LO, r).sub(lo);
            FloatVector q = vE7.fma(r, vE6).fma(r, vE5).fma(r, vE4).fma(r, vE3).fma(r, vE2);
            FloatVector p = r.mul(q).fma(r, r).add(vOne);
            var kb = tk.viewAsIntegralLanes().lanewise(SUB, MAGIC_BITS);
            var k1 = kb.lanewise(ASHR, 1);
            FloatVector s1 = (FloatVector) k1.lanewise(ADD, BIAS).lanewise(LSHL, P - 1).reinterpretShape(S, 0);
            FloatVector s2 = (FloatVector) kb.sub(k1).lanewise(ADD, BIAS).lanewise(LSHL, P - 1).reinterpretShape(S, 0);
            FloatVector tau = vOne.div(t.fma(vQuarter, vOne));
            FloatVector f = vF11.fma(tau, vF10).fma(tau, vF9).fma(tau, vF8).fma(tau, vF7).fma(tau, vF6).fma(tau, vF5)
                    .fma(tau, vF4).fma(tau, vF3).fma(tau, vF2).fma(tau, vF1).fma(tau, vF0).mul(tau);
            VectorMask<Float> negative = x.compare(LT, vZero);
            FloatVector e = p.mul(s1).mul(s2);
            FloatVector big = f.mul(e);
            if (backward) {
                // Phi + x phi; at +-inf x * e is inf * 0 = NaN, as the op-written gradient gives. For x < 0,
                // g (tau F + x / sqrt(2 pi)) multiplied into e^r before its 2^k scaling: a result near
                // or below the smallest normal keeps its digits
                FloatVector gv = FloatVector.fromArray(S, g, gOff + i);
                FloatVector u = p.mul(x.fma(vInvSqrt2Pi, f)).mul(s1);
                // g last for |g| < 1, before 2^k2 otherwise: no under- or overflow the result does not have
                FloatVector neg = u.mul(s2).mul(gv).blend(u.mul(gv).mul(s2), gv.abs().compare(GE, vOne));
                // below -GELU_T, gelu'(x) < 1e-54 is taken as 0 (g * x * 0: NaN at -inf, as the op-written gradient);
                // a NaN x gives x itself (the sign of a NaN made from several depends on operand order, which C2 may swap)
                x.mul(e).fma(vInvSqrt2Pi, vOne.sub(big)).mul(gv).blend(neg, negative)
                        .blend(gv.mul(x.mul((float) 0)), x.compare(LT, vT.neg())).blend(x, x.test(IS_NAN)).intoArray(out, outOff + i);
            } else {
                FloatVector neg = p.mul(x.mul(f)).mul(s1).mul(s2);
                // x (1 - Q), not x - x Q: gelu(-0) is -0
                FloatVector res = x.mul(vOne.sub(big)).blend(neg, negative);
                res = res.blend(x, x.compare(GT, vT)).blend(x.mul((float) 0), x.compare(LT, vT.neg()));
                res.blend(x, x.test(IS_NAN)).intoArray(out, outOff + i);
            }
        }
        return bound;
    }

    /** gelu tanh: beyond |x| = GELU_TANH_X the result is x or x * 0 (below -10.9 it rounds to -0 already). */
    private static final float GELU_TANH_X = 12;
    /** 2 sqrt(2/pi) and 0.044715 as float and the part below it. */
    private static final float GT_C = (float) (2 * Math.sqrt(2 / Math.PI)), GT_K = (float) 0.044715;
    private static final float GT_C_LO = (float) (2 * Math.sqrt(2 / Math.PI) - GT_C + 2 * -4.98465440455546e-17),
            GT_K_LO = (float) (0.044715 - GT_K);

    /**
     * gelu's tanh form and its backward for 32-bit elements, in plain vector arithmetic, as
     * {@link ElementwiseMath#geluTanh}: {@code x sigmoid(w)}, {@code w = 2 sqrt(2/pi) (x + 0.044715 x^3)}
     * formed as a float w plus its rounding error wl (fma residuals of the square, the cube, the
     * products and a two-sum), and {@code sigmoid(w + wl) = sigmoid(w) (1 + (1 - sigmoid(w)) wl)}
     * (sigmoid's condition number is about |w| for negative w). {@code e = e^-|w|} from exp's loop,
     * x (or g) multiplied in before the 2^k scaling. Backward:
     * {@code g sigmoid (1 + x (1 - sigmoid) w')}, {@code w' = 2 sqrt(2/pi) (1 + 3 0.044715 x^2)}.
     * Returns the whole vectors of n done, none for 64-bit elements (the twin computes them).
     */
    static int geluTanh(float[] a, int aOff, float[] g, int gOff, float[] out, int outOff, int n) {
        if (WIDE) return 0;
        boolean backward = g != null;
        FloatVector vX = splat(GELU_TANH_X);
        FloatVector vC = splat(GT_C);
        FloatVector vK = splat(GT_K);
        FloatVector vCLo = splat(GT_C_LO);
        FloatVector vKLo = splat(GT_K_LO);
        FloatVector vLOG2E = splat(LOG2E);
        FloatVector vMAGIC = splat(MAGIC);
        FloatVector vNegLN2_HI = splat(-LN2_HI);
        FloatVector vNegLN2_LO = splat(-LN2_LO);
        FloatVector vE7 = splat(E7);
        FloatVector vE6 = splat(E6);
        FloatVector vE5 = splat(E5);
        FloatVector vE4 = splat(E4);
        FloatVector vE3 = splat(E3);
        FloatVector vE2 = splat(E2);
        FloatVector vOne = splat(1);
        FloatVector vZero = splat(0);
        FloatVector vThreeK = splat(3 * GT_K);
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, aOff + i);
            FloatVector x = x0.blend(vX, x0.compare(GT, vX)).blend(vX.neg(), x0.compare(LT, vX.neg()));
            FloatVector x2 = x.mul(x), x2l = x.fma(x, x2.neg());
            FloatVector x3 = x2.mul(x), x3l = x2.fma(x, x3.neg()).add(x2l.mul(x));
            FloatVector k3 = vK.mul(x3), k3l = vK.fma(x3, k3.neg()).add(vK.mul(x3l)).add(vKLo.mul(x3));
            FloatVector t = x.add(k3), bb = t.sub(x);
            FloatVector tl = x.sub(t.sub(bb)).add(k3.sub(bb)).add(k3l);
            FloatVector w = vC.mul(t), wl = vC.fma(t, w.neg()).add(vC.mul(tl)).add(vCLo.mul(t));
            // no clamp: |x| <= GELU_TANH_X keeps y >= -143, whose 2^k is two normal powers of two
            FloatVector y = w.abs().neg();
            FloatVector tk = y.fma(vLOG2E, vMAGIC);
            FloatVector k = tk.sub(vMAGIC);
            FloatVector r = k.fma(vNegLN2_HI, y);
            r = k.fma(vNegLN2_LO, r);
            FloatVector q = vE7.fma(r, vE6).fma(r, vE5).fma(r, vE4).fma(r, vE3).fma(r, vE2);
            FloatVector p = r.mul(q).fma(r, r).add(vOne);
            var kb = tk.viewAsIntegralLanes().lanewise(SUB, MAGIC_BITS);
            var k1 = kb.lanewise(ASHR, 1);
            FloatVector s1 = (FloatVector) k1.lanewise(ADD, BIAS).lanewise(LSHL, P - 1).reinterpretShape(S, 0);
            FloatVector s2 = (FloatVector) kb.sub(k1).lanewise(ADD, BIAS).lanewise(LSHL, P - 1).reinterpretShape(S, 0);
            FloatVector e = p.mul(s1).mul(s2);
            FloatVector d = e.add(vOne);
            VectorMask<Float> negative = w.compare(LT, vZero);
            // 1 - sigmoid(w): e / d for w >= 0, 1 / d for w < 0
            FloatVector rest = e.blend(vOne, negative).div(d);
            FloatVector corr = rest.fma(wl, vOne);
            // what multiplies sigmoid(w): x (forward) or g (1 + x (1 - sigmoid) w') (backward)
            FloatVector res;
            if (backward) {
                FloatVector gv = FloatVector.fromArray(S, g, gOff + i);
                FloatVector h = x.mul(rest).fma(vThreeK.fma(x2, vOne).mul(vC), vOne).mul(corr);
                // sigmoid's division before g (g may be near the largest float)
                FloatVector u = p.mul(h).mul(s1).div(d);
                // g last for |g| < 1, before 2^k2 otherwise: no under- or overflow the result does not have
                FloatVector neg = u.mul(s2).mul(gv).blend(u.mul(gv).mul(s2), gv.abs().compare(GE, vOne));
                res = h.div(d).mul(gv).blend(neg, negative);
            } else {
                FloatVector factor = x.mul(corr);
                FloatVector neg = p.mul(factor).mul(s1).mul(s2).div(d);
                res = factor.div(d).blend(neg, negative);
            }
            VectorMask<Float> high = x0.compare(GT, vX), low = x0.compare(LT, vX.neg());
            if (backward) {
                // g (1 + x * 0), g * x * 0: g or 0 for finite x, NaN at +-inf as the op-written gradient
                FloatVector gv = FloatVector.fromArray(S, g, gOff + i), z = x0.mul((float) 0);
                res = res.blend(gv.add(gv.mul(z)), high).blend(gv.mul(z), low);
            } else {
                res = res.blend(x0, high).blend(x0.mul((float) 0), low);
            }
            // a NaN lane gives x itself (the sign of a NaN made from several depends on operand order)
            res.blend(x0, x0.test(IS_NAN)).intoArray(out, outOff + i);
        }
        return bound;
    }
}
