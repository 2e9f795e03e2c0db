package io.simdgrad.simd;

import static io.simdgrad.simd.FloatReductionData.ULP1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Row-wise softmax, log-softmax and logsumexp of both twins against a naive oracle computed in double,
 * on rows of moderate values, large magnitudes (around 1e4 and -1e4, where exp without the max
 * shift overflows), -inf entries, all -inf rows, +inf and NaN entries; in place and not.
 */
class FloatSoftmaxRowsTest {
    private static final FloatReductionKernels V = FloatReductions.vector();
    private static final FloatReductionKernels S = FloatReductions.scalar();
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    @Provide
    Arbitrary<Integer> columns() {
        return Arbitraries.oneOf(FloatReductionData.lengths().filter(c -> c <= 1200), Arbitraries.integers().between(0, 12));
    }

    /** One row of a kind: moderate, around +1e4, around -1e4, wide with -inf, all -inf, one +inf, one NaN. */
    static void fillRow(float[] a, int off, int cols, SplittableRandom r) {
        int kind = r.nextInt(10);
        for (int c = 0; c < cols; c++) {
            double u = r.nextDouble(-1, 1);
            a[off + c] = (float) switch (kind) {
                case 1 -> 1e4 + 20 * u;
                case 2 -> -1e4 + 20 * u;
                case 3 -> r.nextInt(8) == 0 ? Double.NEGATIVE_INFINITY : 100 * u;
                case 4 -> Double.NEGATIVE_INFINITY;
                case 5 -> 1e4 * u;
                default -> 10 * u;
            };
        }
        if (cols > 0 && kind == 6) a[off + r.nextInt(cols)] = Float.POSITIVE_INFINITY;
        if (cols > 0 && kind == 7) a[off + r.nextInt(cols)] = Float.NaN;
    }

    /** Oracle rows in double: max, shifted exponentials, their sum and its log. */
    private record Row(double max, double[] shifted, double sum) {
        static Row of(float[] a, int off, int cols, boolean torchLogSumExpShift) {
            double m = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) m = Math.max(m, a[off + c]);
            if (torchLogSumExpShift && Double.isInfinite(m)) m = 0;
            double[] d = new double[cols];
            double s = 0;
            for (int c = 0; c < cols; c++) {
                d[c] = a[off + c] - m;
                s += Math.exp(d[c]);
            }
            return new Row(m, d, s);
        }
    }

    /**
     * Tolerance for a float result y of a row of n: the shift a - m rounds by u|d| in the
     * exponent, exp errs by a few ulps, and the sum of n positive terms by up to n u relative;
     * in the log domain the same errors appear as absolute ones, plus the rounding of the output
     * itself. A non-finite oracle must be matched exactly (NaN rows, -inf entries).
     */
    private static void assertClose(double expected, float actual, double relative, double absolute, String what) {
        if (!Double.isFinite(expected) || !Float.isFinite(actual)) {
            assertEquals((float) expected, actual, what);
            return;
        }
        double tol = (expected == 0 ? 0 : relative * Math.abs(expected)) + absolute + 2 * (double) Float.MIN_NORMAL;
        assertTrue(Math.abs(actual - expected) <= tol, () -> what + ": expected " + expected + ", got " + actual + " (tolerance " + tol + ")");
    }

    @Property(tries = 250)
    void rowsMatchANaiveOracleInDouble(@ForAll @IntRange(min = 0, max = 6) int rows, @ForAll("columns") int cols,
                                 @ForAll @IntRange(min = 0, max = 3) int pad, @ForAll @IntRange(min = 0, max = 9) int off,
                                 @ForAll boolean inPlace, @ForAll long seed) {
        int ld = cols + pad;
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[off + rows * ld + 2];
        Arrays.fill(a, Float.NaN);
        for (int i = 0; i < rows; i++) fillRow(a, off + i * ld, cols, r);
        double n = cols;
        for (FloatReductionKernels k : new FloatReductionKernels[] {V, S}) {
            String who = k == V ? "vector " : "scalar ";
            float[] soft = a.clone(), logSoft = a.clone(), lse = new float[rows + 1];
            int outOff = inPlace ? off : 0, ldOut = inPlace ? ld : cols;
            if (!inPlace) {
                soft = new float[rows * cols];
                logSoft = new float[rows * cols];
            }
            k.softmaxRows(inPlace ? soft : a, off, rows, cols, ld, soft, outOff, ldOut);
            k.logSoftmaxRows(inPlace ? logSoft : a, off, rows, cols, ld, logSoft, outOff, ldOut);
            k.logSumExpRows(a, off, rows, cols, ld, lse, 1);
            for (int i = 0; i < rows; i++) {
                Row row = Row.of(a, off + i * ld, cols, false);
                double logSum = Math.log(row.sum);
                for (int c = 0; c < cols; c++) {
                    double d = row.shifted[c], p = Math.exp(d) / row.sum;
                    int o = outOff + i * ldOut + c;
                    assertClose(p, soft[o], ULP1 * (8 + 2 * n + Math.abs(d)), 0, who + "softmax");
                    assertClose(d - logSum, logSoft[o], 0, ULP1 * (8 + 2 * n + 2 * Math.abs(d) + 2 * Math.abs(logSum)), who + "logSoftmax");
                }
                Row shifted = Row.of(a, off + i * ld, cols, true);
                double expected = Math.log(shifted.sum) + shifted.max;
                assertClose(expected, lse[1 + i], 0, ULP1 * (8 + 2 * n + 2 * Math.abs(expected) + 2 * Math.abs(shifted.max)), who + "logSumExp");
            }
            assertEquals(0, lse[0], who + "logSumExp wrote before out");
        }
    }

    /**
     * Two runs of the same vector kernel may differ in the last bits: VectorOperators.EXP is
     * Math.exp lane by lane until C2 compiles the loop, then an intrinsic (both within an ulp or
     * two). So in place and out of place, or facade and kernel, agree within a few ulps of the
     * output (softmax) or of its log-domain terms (log-softmax), and exactly on NaN and inf.
     */
    private static void assertSameRun(float[] expected, float[] actual, boolean log, String what) {
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            assertClose(e, actual[i], log ? 0 : 16 * ULP1, log ? 16 * ULP1 * (1 + Math.abs(e)) : 0, what + " at " + i);
        }
    }

    @Property(tries = 60)
    void inPlaceEqualsOutOfPlaceAndTheFacadeSplitsRows(@ForAll @IntRange(min = 1, max = 400) int rows,
                                                       @ForAll("columns") int cols, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[rows * cols];
        for (int i = 0; i < rows; i++) fillRow(a, i * cols, cols, r);
        float[] out = new float[a.length], in = a.clone();
        FloatReductions.softmaxRows(a, 0, rows, cols, cols, out, 0, cols);
        FloatReductions.softmaxRows(in, 0, rows, cols, cols, in, 0, cols);
        assertSameRun(out, in, false, "softmax in place");
        float[] expected = new float[a.length];
        (Simd.SCALAR ? S : V).softmaxRows(a, 0, rows, cols, cols, expected, 0, cols);
        assertSameRun(expected, out, false, "facade vs kernel");
        in = a.clone();
        FloatReductions.logSoftmaxRows(a, 0, rows, cols, cols, out, 0, cols);
        FloatReductions.logSoftmaxRows(in, 0, rows, cols, cols, in, 0, cols);
        assertSameRun(out, in, true, "logSoftmax in place");
    }

    @Example
    void specialRowsFollowTorch() {
        float inf = Float.POSITIVE_INFINITY, nan = Float.NaN;
        float[] a = {NEG_INF, NEG_INF, NEG_INF, inf, 1, NEG_INF, NEG_INF, 0, (float) 1e4};
        float[] soft = new float[9], logSoft = new float[9], lse = new float[3];
        FloatReductions.softmaxRows(a, 0, 3, 3, 3, soft, 0, 3);
        FloatReductions.logSoftmaxRows(a, 0, 3, 3, 3, logSoft, 0, 3);
        FloatReductions.logSumExpRows(a, 0, 3, 3, 3, lse, 0);
        assertArrayEquals(new float[] {nan, nan, nan, nan, nan, nan, 0, 0, 1}, soft);
        assertArrayEquals(new float[] {nan, nan, nan, nan, nan, nan, NEG_INF, -(float) 1e4, 0}, logSoft);
        assertArrayEquals(new float[] {NEG_INF, inf, (float) 1e4}, lse);
        float[] empty = {5};
        FloatReductions.logSumExpRows(new float[0], 0, 1, 0, 0, empty, 0);
        assertEquals(NEG_INF, empty[0]);
    }
}
