package io.simdgrad.simd;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * Test data for the elementwise and layout kernels: lengths weighted to vector tails, values
 * mixing special cases with wide and moderate magnitudes, and an ulp-aware array comparison.
 */
final class FloatElementwiseSamples {
    static final int LANES = SimdSpecies.FLOAT.length();
    /** Mantissa bits of the element type (23 or 52), derived so the template stays exact. */
    static final int PRECISION = -Math.getExponent(Math.ulp((float) 1));
    /** The largest x with a finite exp(x), and the region where exp(x) becomes subnormal. */
    static final float EXP_MAX = (float) Math.log(Float.MAX_VALUE);
    static final float EXP_SUBNORMAL = (float) Math.log(Float.MIN_NORMAL);

    static final float[] SPECIALS = {
        0, -(float) 0, 1, -1, 2, (float) 0.5, -(float) 0.5, (float) 3, -(float) 3,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MIN_NORMAL / 3,
        Float.MAX_VALUE, -Float.MAX_VALUE, Math.nextUp((float) 1), Math.nextDown((float) 1),
        EXP_MAX, Math.nextUp(EXP_MAX), -EXP_MAX, EXP_SUBNORMAL, EXP_SUBNORMAL - 10,
        (float) 1e30, -(float) 1e30, (float) Math.PI, (float) (Math.PI * 1e6), (float) 1e-30, (float) 20, -(float) 20,
    };

    private FloatElementwiseSamples() {}

    private static boolean warm;

    /**
     * Calls every vector elementwise kernel and op often enough for C2 to compile them, so the
     * tests that follow check the intrinsified code (the Vector API's own vector math library)
     * rather than its interpreter fallback, which computes the lanes with {@link Math}.
     */
    static synchronized void warmUp() {
        if (warm) return;
        warm = true;
        FloatElementwiseKernels k = FloatElementwise.vector();
        SplittableRandom r = new SplittableRandom(1);
        int n = 8 * LANES + 3;
        float[] a = array(r, n);
        float[] b = array(r, n);
        float[] out = new float[n];
        for (int rep = 0; rep < 2500; rep++) {
            for (BinaryOp op : BinaryOp.values()) {
                k.binary(op, a, 0, b, 0, out, 0, n);
                k.binaryScalar(op, a, 0, 2, out, 0, n);
                k.scalarBinary(op, 2, b, 0, out, 0, n);
            }
            for (UnaryOp op : UnaryOp.values()) k.unary(op, a, 0, out, 0, n);
            for (UnaryParamOp op : UnaryParamOp.values()) k.unaryParam(op, a, 0, (float) 0.5, 2, -1, out, 0, n);
            for (CompareOp op : CompareOp.values()) {
                k.compare(op, a, 0, b, 0, out, 0, n);
                k.compareScalar(op, a, 0, 1, out, 0, n);
            }
            k.where(a, 0, a, 0, b, 0, out, 0, n);
            k.clamp(a, 0, -1, 1, out, 0, n);
            k.reluBackward(a, 0, b, 0, out, 0, n);
            k.sigmoidBackward(a, 0, b, 0, out, 0, n);
            k.tanhBackward(a, 0, b, 0, out, 0, n);
            k.axpy(2, a, 0, out, 0, n);
            k.scale(2, a, 0, out, 0, n);
            k.fill(2, out, 0, n);
        }
    }

    /** Lengths 0..~5000, mostly small and around multiples of the lane count. */
    static Arbitrary<Integer> lengths() {
        int l = LANES;
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(0, 1, 2, l - 1, l, l + 1, 2 * l - 1, 2 * l, 2 * l + 1, 3 * l + 5,
                        13, 63, 64, 65, 207, 4095, 4098)),
                Tuple.of(3, Arbitraries.integers().between(0, 70)),
                Tuple.of(2, Arbitraries.integers().between(0, 5000)));
    }

    static Arbitrary<Integer> offsets() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(0)),
                Tuple.of(3, Arbitraries.integers().between(0, 40)));
    }

    /** One value: special (10%), moderate [-4, 4], medium [-100, 100], or any magnitude. */
    static float value(SplittableRandom r) {
        int kind = r.nextInt(10);
        if (kind == 0) return SPECIALS[r.nextInt(SPECIALS.length)];
        if (kind <= 3) return (float) r.nextDouble(-4, 4);
        if (kind <= 6) return (float) r.nextDouble(-100, 100);
        int e = r.nextInt(Float.MIN_EXPONENT - PRECISION, Float.MAX_EXPONENT + 1);
        float m = (float) (1 + r.nextDouble());
        return Math.scalb(r.nextBoolean() ? m : -m, e);
    }

    static float[] array(SplittableRandom r, int length) {
        float[] a = new float[length];
        for (int i = 0; i < length; i++) a[i] = value(r);
        return a;
    }

    static float[][] copy(float[][] arrays) {
        float[][] c = new float[arrays.length][];
        for (int i = 0; i < arrays.length; i++) c[i] = arrays[i].clone();
        return c;
    }

    /** Distance in units of the last place of {@code expected}. */
    static double ulps(float expected, float actual) {
        return Math.abs((double) actual - (double) expected) / Math.ulp(expected);
    }

    /**
     * Asserts that {@code actual} equals {@code expected} element by element, allowing finite,
     * non-zero results to differ by at most {@code maxUlps}. NaN equals NaN; -0.0 and +0.0
     * differ; infinities must match exactly, except that the largest finite value and the
     * infinity of its sign count as one ulp apart (where a result within an ulp of the exact one
     * rounds either way at the overflow boundary).
     */
    static void assertClose(String what, float[] expected, float[] actual, double maxUlps) {
        if (expected.length != actual.length) fail(what + ": lengths " + expected.length + " and " + actual.length);
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            if (Float.compare(e, a) == 0) continue;
            boolean finite = Float.isFinite(e) && Float.isFinite(a) && !(e == 0 && a == 0);
            // at the overflow boundary the largest finite value and the infinity of its sign are one ulp apart
            boolean boundary = Float.isInfinite(e) != Float.isInfinite(a) && Math.signum(e) == Math.signum(a)
                    && Math.abs(Float.isInfinite(e) ? a : e) == Float.MAX_VALUE;
            double d = boundary ? 1 : finite ? ulps(e, a) : Double.POSITIVE_INFINITY;
            if (d <= maxUlps) continue;
            fail(what + ": element " + i + " expected " + e + " but was " + a + " (" + d + " ulps, allowed "
                    + maxUlps + ")");
        }
    }
}
