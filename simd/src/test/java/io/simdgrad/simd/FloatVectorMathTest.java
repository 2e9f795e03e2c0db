package io.simdgrad.simd;

import static io.simdgrad.simd.FloatElementwiseSamples.assertClose;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link FloatVectorMath}'s exp, log, tanh (and sigmoid, built on exp) through the vector
 * kernel, against {@link Math} computed per element (for float in double, so the oracle is the
 * correctly rounded value but for a rare double rounding): a dense sweep over each function's
 * interesting range, every binary exponent with many significands (subnormals included), the
 * special values, and random values near the places where the method changes (the clamps, the
 * multiples of ln2/2 where the reduction's k steps, tanh's switch to 1, the subnormal edge).
 * silu ({@code x sigmoid(x)}, exp's loop with x multiplied in) is checked the same way.
 * The bounds are {@link FloatElementwiseProperties#ulps(UnaryOp)}: 1 ulp (2 for sigmoid, 3 for silu);
 * special values (NaN, infinities, signed zeros) must match exactly.
 */
class FloatVectorMathTest {
    private static final FloatElementwiseKernels V = FloatElementwise.vector();
    private static final UnaryOp[] OPS = {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.SILU};
    private static final int P = Float.PRECISION;
    private static final float LN2 = (float) Math.log(2);

    static {
        FloatElementwiseSamples.warmUp();
    }

    /** The range a linear sweep of op covers: where its result is neither constant nor trivial. */
    private static float[] range(UnaryOp op) {
        float bias = Float.MAX_EXPONENT;
        return switch (op) {
            case EXP -> new float[] {-(bias + P + 4) * LN2, (bias + 4) * LN2};
            case LOG -> new float[] {0, 4};
            case TANH, SIGMOID -> new float[] {-(P + 6) * LN2, (P + 6) * LN2};
            case SILU -> new float[] {-(bias + P + 16) * LN2, (P + 6) * LN2}; // to past its clamp, 8 below exp's
            default -> throw new AssertionError(op);
        };
    }

    private static void check(String what, UnaryOp op, float[] x) {
        float[] want = new float[x.length];
        for (int i = 0; i < x.length; i++) want[i] = FloatElementwiseProperties.oracle(op, x[i]);
        float[] got = new float[x.length];
        V.unary(op, x, 0, got, 0, x.length);
        assertClose(what + " " + op, want, got, FloatElementwiseProperties.ulps(op));
    }

    @Example
    void denseSweep() {
        int n = 1 << 19;
        for (UnaryOp op : OPS) {
            float[] r = range(op);
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (float) (r[0] + (r[1] - r[0]) * (i / (double) (n - 1)));
            check("sweep", op, x);
        }
    }

    @Example
    void everyExponent() {
        int m = 64;
        int lo = Float.MIN_EXPONENT - P, hi = Float.MAX_EXPONENT;
        float[] x = new float[2 * m * (hi - lo + 1)];
        int j = 0;
        SplittableRandom rnd = new SplittableRandom(12);
        for (int e = lo; e <= hi; e++) {
            for (int k = 0; k < m; k++) {
                float v = Math.scalb((float) (1 + (k == 0 ? 0 : rnd.nextDouble())), e);
                x[j++] = v;
                x[j++] = -v;
            }
        }
        for (UnaryOp op : OPS) check("exponents", op, x);
    }

    @Example
    void specialValues() {
        float[] s = FloatElementwiseSamples.SPECIALS;
        // at every lane position, so vector lanes (not only the scalar tail) see each value
        float[] x = new float[s.length * FloatElementwiseSamples.LANES];
        for (int i = 0; i < x.length; i++) x[i] = s[(i / FloatElementwiseSamples.LANES + i) % s.length];
        for (UnaryOp op : OPS) check("specials", op, x);
        float[] edges = {
            -(float) 87.5, -(float) 103.9, -(float) 104, -(float) 105, -(float) 150, -(float) 745.1, -(float) 746,
            -(float) 1e5, (float) 88.8, (float) 709.8, (float) 710, (float) 1e5,
            Float.MIN_NORMAL, Math.nextDown(Float.MIN_NORMAL), 2 * Float.MIN_VALUE, (float) 9, (float) 9.02, (float) 19.06,
        };
        float[] y = new float[edges.length * 2];
        for (int i = 0; i < edges.length; i++) {
            y[2 * i] = edges[i];
            y[2 * i + 1] = -edges[i];
        }
        for (UnaryOp op : OPS) check("edges", op, y);
    }

    /** Values near the points where the method changes, a full vector of them per try. */
    @Provide
    Arbitrary<float[]> nearEdges() {
        float bias = Float.MAX_EXPONENT;
        float[] points = {
            -(bias + P + 2) * LN2, (bias + 2) * LN2, (float) Math.log(Float.MIN_NORMAL), (float) Math.log(Float.MAX_VALUE),
            LN2 / 2, -LN2 / 2, LN2, 3 * LN2 / 2, (P + 2) * LN2 / 2, -(P + 2) * LN2 / 2, 1, (float) Math.sqrt(0.5),
            (float) Math.sqrt(2), Float.MIN_NORMAL,
        };
        return Arbitraries.integers().between(0, Integer.MAX_VALUE).map(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            float[] x = new float[4 * FloatElementwiseSamples.LANES + 3];
            for (int i = 0; i < x.length; i++) {
                float p = points[r.nextInt(points.length)];
                x[i] = p + (float) (p * Math.scalb(r.nextDouble(-1, 1), -r.nextInt(4, P + 2)));
            }
            return x;
        });
    }

    @Property(tries = 300)
    void nearTheEdges(@ForAll("nearEdges") float[] x) {
        for (UnaryOp op : OPS) check("near edges " + Arrays.toString(x), op, x);
    }
}
