package io.simdgrad.simd;

import io.simdgrad.simd.FloatReductionData.Kinds;
import io.simdgrad.simd.FloatReductionData.Lengths;
import io.simdgrad.simd.FloatReductionData.Offsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;

import static io.simdgrad.simd.FloatReductionData.ULP1;
import static io.simdgrad.simd.FloatReductionData.array;
import static io.simdgrad.simd.FloatReductionData.block;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vector reduction kernels against their scalar twin and naive loops: sums within a bound
 * that grows with n and the magnitudes, everything else exactly (max, min and the arg-forms
 * have one right answer; column sums add in the same order in both).
 */
class FloatReductionsTest {
    private static final FloatReductionKernels V = FloatReductions.vector();
    private static final FloatReductionKernels S = FloatReductions.scalar();
    /** The twin the facade calls in this JVM. */
    private static final FloatReductionKernels USED = Simd.SCALAR ? S : V;

    @Provide
    Arbitrary<Integer> columns() {
        return Arbitraries.oneOf(FloatReductionData.lengths().filter(c -> c <= 300), Arbitraries.integers().between(0, 9));
    }

    /**
     * Two sums of the same n terms in different orders differ by rounding only. With
     * u = ulp(1)/2 the sequential sum errs by at most (n-1) u sum|t_i| and the blocked order of
     * the vector kernel by at most (n/P + log2 P + P) u sum|t_i| (its tail is up to P-1
     * sequential additions), so they agree within (n + 2P) ulp(1) sum|t_i|, plus one subnormal
     * step per addition for terms near underflow. The inputs' magnitudes stay far below
     * overflow, so a NaN or an infinity can only come from the inputs and must match exactly.
     */
    static void assertSumClose(float expected, float actual, double absSum, int n, String what) {
        if (!Float.isFinite(expected) || !Float.isFinite(actual)) {
            assertEquals(expected, actual, what);
            return;
        }
        double tol = (n + 2.0 * FloatReductionData.P) * ULP1 * absSum + n * (double) Float.MIN_VALUE;
        assertTrue(Math.abs((double) expected - (double) actual) <= tol,
                () -> what + ": scalar " + expected + " vs vector " + actual + " differ by more than " + tol);
    }

    private static double absSum(float[] a, int aOff, float[] b, int bOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += Math.abs((double) a[aOff + i] * (b == null ? 1 : b[bOff + i]));
        return s;
    }

    @Property(tries = 400)
    void sumsMatchTheScalarTwin(@ForAll(supplier = Lengths.class) int n, @ForAll(supplier = Offsets.class) int off, @ForAll(supplier = Offsets.class) int off2,
                                @ForAll(supplier = Kinds.class) int kind, @ForAll long seed) {
        float[] a = array(seed, kind, off, n, 5);
        float[] b = array(seed ^ 0x5DEECE66DL, kind, off2, n, 3);
        assertSumClose(S.sum(a, off, n), V.sum(a, off, n), absSum(a, off, null, 0, n), n, "sum");
        assertSumClose(S.dot(a, off, b, off2, n), V.dot(a, off, b, off2, n), absSum(a, off, b, off2, n), n, "dot");
        assertSumClose(S.sumSquares(a, off, n), V.sumSquares(a, off, n), absSum(a, off, a, off, n), n, "sumSquares");
        assertEquals(USED.sum(a, off, n), FloatReductions.reduce(ReduceOp.SUM, a, off, 1, n), "facade sum");
    }

    @Property(tries = 400)
    void maxMinArgMatchTheScalarTwinExactly(@ForAll(supplier = Lengths.class) int n, @ForAll(supplier = Offsets.class) int off,
                                            @ForAll(supplier = Kinds.class) int kind, @ForAll long seed) {
        if (n == 0) return;
        float[] a = array(seed, kind, off, n, 5);
        assertEquals(S.max(a, off, n), V.max(a, off, n), "max");
        assertEquals(S.min(a, off, n), V.min(a, off, n), "min");
        assertEquals(S.argmax(a, off, n), V.argmax(a, off, n), "argmax");
        assertEquals(S.argmin(a, off, n), V.argmin(a, off, n), "argmin");
        assertEquals(naiveArg(a, off, 1, n, true), FloatReductions.argReduce(ReduceOp.MAX, a, off, 1, n), "facade argmax");
        assertEquals(S.max(a, off, n), FloatReductions.reduce(ReduceOp.MAX, a, off, 1, n), "facade max");
    }

    @Property(tries = 300)
    void stridedFormsMatchTheScalarTwin(@ForAll(supplier = Lengths.class) int n, @ForAll(supplier = Offsets.class) int off,
                                        @ForAll @IntRange(min = 0, max = 6) int stride,
                                        @ForAll(supplier = Kinds.class) int kind, @ForAll long seed) {
        float[] a = stride == 0 ? array(seed, kind, off, 1, 2) : block(seed, kind, off, n, 1, stride);
        double abs = 0;
        for (int k = 0; k < n; k++) abs += Math.abs(a[off + k * stride]);
        assertSumClose(S.sumStrided(a, off, stride, n), V.sumStrided(a, off, stride, n), abs, n, "sumStrided");
        if (n == 0) return;
        assertEquals(S.maxStrided(a, off, stride, n), V.maxStrided(a, off, stride, n), "maxStrided");
        assertEquals(S.minStrided(a, off, stride, n), V.minStrided(a, off, stride, n), "minStrided");
        assertEquals(S.argmaxStrided(a, off, stride, n), V.argmaxStrided(a, off, stride, n), "argmaxStrided");
        assertEquals(S.argminStrided(a, off, stride, n), V.argminStrided(a, off, stride, n), "argminStrided");
        assertEquals(naiveArg(a, off, stride, n, false), FloatReductions.argReduce(ReduceOp.MIN, a, off, stride, n), "facade argminStrided");
    }

    /** First NaN, else the first extreme: written from the definition, independent of both twins. */
    static int naiveArg(float[] a, int off, int stride, int n, boolean max) {
        for (int k = 0; k < n; k++) {
            if (Float.isNaN(a[off + k * stride])) return k;
        }
        int at = 0;
        for (int k = 1; k < n; k++) {
            float v = a[off + k * stride], best = a[off + at * stride];
            if (max ? v > best : v < best) at = k;
        }
        return at;
    }

    /** NaN if any is NaN, else the extreme with -0 below +0. */
    static float naiveExtreme(float[] a, int off, int stride, int n, boolean max) {
        float m = a[off];
        for (int k = 0; k < n; k++) {
            float v = a[off + k * stride];
            if (Float.isNaN(v)) return v;
            if (max ? (v > m || (v == m && Float.compare(v, m) > 0)) : (v < m || (v == m && Float.compare(v, m) < 0))) m = v;
        }
        return m;
    }

    @Property(tries = 300)
    void rowAndColumnFormsMatchNaiveLoops(@ForAll @IntRange(min = 0, max = 30) int rows, @ForAll("columns") int cols,
                                          @ForAll @IntRange(min = 0, max = 4) int pad, @ForAll(supplier = Offsets.class) int off,
                                          @ForAll(supplier = Kinds.class) int kind, @ForAll long seed) {
        int ld = cols + pad;
        float[] a = block(seed, kind, off, rows, cols, ld);
        for (FloatReductionKernels k : new FloatReductionKernels[] {V, S}) {
            float[] rowSums = new float[rows + 2], colSums = new float[cols + 2];
            k.sumRows(a, off, rows, cols, ld, rowSums, 1);
            k.sumColumns(a, off, rows, cols, ld, colSums, 1);
            for (int r = 0; r < rows; r++) {
                float naive = 0;
                for (int c = 0; c < cols; c++) naive += a[off + r * ld + c];
                assertSumClose(naive, rowSums[1 + r], absSum(a, off + r * ld, null, 0, cols), cols, "sumRows");
            }
            for (int c = 0; c < cols; c++) {
                float naive = 0;
                for (int r = 0; r < rows; r++) naive += a[off + r * ld + c];
                assertEquals(naive, colSums[1 + c], "sumColumns");
            }
            assertMargins(rowSums, rows);
            assertMargins(colSums, cols);
        }
        float[] facade = new float[rows];
        FloatReductions.reduceRows(ReduceOp.SUM, a, off, rows, cols, ld, facade, 0);
        for (int r = 0; r < rows; r++) assertEquals(USED.sum(a, off + r * ld, cols), facade[r], "facade sumRows");
        if (rows == 0 || cols == 0) return;
        for (FloatReductionKernels k : new FloatReductionKernels[] {V, S}) {
            float[] rmax = new float[rows], rmin = new float[rows], cmax = new float[cols], cmin = new float[cols];
            int[] ramax = new int[rows], ramin = new int[rows], camax = new int[cols], camin = new int[cols];
            k.maxRows(a, off, rows, cols, ld, rmax, 0);
            k.minRows(a, off, rows, cols, ld, rmin, 0);
            k.argmaxRows(a, off, rows, cols, ld, ramax, 0);
            k.argminRows(a, off, rows, cols, ld, ramin, 0);
            k.maxColumns(a, off, rows, cols, ld, cmax, 0);
            k.minColumns(a, off, rows, cols, ld, cmin, 0);
            k.argmaxColumns(a, off, rows, cols, ld, camax, 0);
            k.argminColumns(a, off, rows, cols, ld, camin, 0);
            for (int r = 0; r < rows; r++) {
                int o = off + r * ld;
                assertEquals(naiveExtreme(a, o, 1, cols, true), rmax[r], "maxRows");
                assertEquals(naiveExtreme(a, o, 1, cols, false), rmin[r], "minRows");
                assertEquals(naiveArg(a, o, 1, cols, true), ramax[r], "argmaxRows");
                assertEquals(naiveArg(a, o, 1, cols, false), ramin[r], "argminRows");
            }
            for (int c = 0; c < cols; c++) {
                assertEquals(naiveExtreme(a, off + c, ld, rows, true), cmax[c], "maxColumns");
                assertEquals(naiveExtreme(a, off + c, ld, rows, false), cmin[c], "minColumns");
                assertEquals(naiveArg(a, off + c, ld, rows, true), camax[c], "argmaxColumns");
                assertEquals(naiveArg(a, off + c, ld, rows, false), camin[c], "argminColumns");
            }
        }
    }

    private static void assertMargins(float[] out, int n) {
        assertEquals(0, out[0], "wrote before out");
        assertEquals(0, out[n + 1], "wrote after out");
    }

    @Example
    void nanAndSignedZeroFollowTorch() {
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        float[] a = {1, nan, 3, nan, 5};
        assertEquals(nan, FloatReductions.reduce(ReduceOp.MAX, a, 0, 1, 5));
        assertEquals(nan, FloatReductions.reduce(ReduceOp.MIN, a, 0, 1, 5));
        assertEquals(1, FloatReductions.argReduce(ReduceOp.MAX, a, 0, 1, 5));
        assertEquals(1, FloatReductions.argReduce(ReduceOp.MIN, a, 0, 1, 5));
        assertEquals(1, FloatReductions.argReduce(ReduceOp.MAX, a, 2, 1, 3));
        assertEquals(0, FloatReductions.argReduce(ReduceOp.MAX, a, 3, 1, 2));
        float[] ties = {3, 1, 3, 1};
        assertEquals(0, FloatReductions.argReduce(ReduceOp.MAX, ties, 0, 1, 4));
        assertEquals(1, FloatReductions.argReduce(ReduceOp.MIN, ties, 0, 1, 4));
        float[] zeros = {-(float) 0, 0, -(float) 0};
        assertEquals((float) 0, FloatReductions.reduce(ReduceOp.MAX, zeros, 0, 1, 3));
        assertEquals(-(float) 0, FloatReductions.reduce(ReduceOp.MIN, zeros, 1, 1, 2));
        assertEquals(0, FloatReductions.argReduce(ReduceOp.MAX, zeros, 0, 1, 3));
        float[] infs = {inf, -inf, 1};
        assertEquals(nan, FloatReductions.reduce(ReduceOp.SUM, infs, 0, 1, 3));
        assertEquals(inf, FloatReductions.reduce(ReduceOp.SUM, infs, 0, 1, 1));
        assertEquals(0, FloatReductions.reduce(ReduceOp.SUM, infs, 0, 1, 0));
        assertEquals(2, FloatReductions.argReduce(ReduceOp.MIN, new float[] {5, 9, 4, 9, -inf}, 0, 2, 3));
    }

    @Example
    void errorsNameTheKernelAndTheNumbers() {
        float[] a = new float[8];
        var e = assertThrows(IllegalArgumentException.class, () -> FloatReductions.reduce(ReduceOp.MAX, a, 2, 1, 0));
        assertTrue(e.getMessage().startsWith("max:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FloatReductions.argReduce(ReduceOp.MAX, a, 0, 3, 0));
        var range = assertThrows(IndexOutOfBoundsException.class, () -> FloatReductions.reduce(ReduceOp.SUM, a, 5, 1, 4));
        assertTrue(range.getMessage().contains("sum") && range.getMessage().contains("[5, 9)"), range.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> FloatReductions.dot(a, 0, new float[3], 0, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> FloatReductions.reduce(ReduceOp.SUM, a, 2, 3, 3));
        var rows = assertThrows(IllegalArgumentException.class,
                () -> FloatReductions.argReduceRows(ReduceOp.MAX, a, 0, 2, 0, 0, new int[2], 0));
        assertTrue(rows.getMessage().startsWith("argmaxRows:"), rows.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FloatReductions.reduceColumns(ReduceOp.MIN, a, 0, 0, 3, 3, new float[3], 0));
        assertThrows(IndexOutOfBoundsException.class, () -> FloatReductions.reduceColumns(ReduceOp.SUM, a, 0, 2, 4, 4, new float[3], 0));
        assertThrows(IllegalArgumentException.class, () -> FloatReductions.softmaxRows(a, 0, 2, 4, 3, a, 0, 4));
        float[] untouched = new float[2];
        FloatReductions.reduceRows(ReduceOp.SUM, a, 0, 0, 5, 5, untouched, 0);
        assertArrayEquals(new float[2], untouched);
        float[] sums = {7, 7};
        FloatReductions.reduceColumns(ReduceOp.SUM, a, 0, 0, 2, 2, sums, 0);
        assertArrayEquals(new float[2], sums);
    }

    @Example
    void largeRangesTakeTheChunkedAndParallelPaths() {
        int n = 3 * FloatReductions.CHUNK + 123;
        float[] a = array(7, FloatReductionData.MODERATE, 3, n, 2);
        a[3 + n - 5] = Float.NaN;
        assertEquals(n - 5, FloatReductions.argReduce(ReduceOp.MAX, a, 3, 1, n));
        a[3 + n - 5] = 1;
        a[3 + 2 * FloatReductions.CHUNK + 17] = 100;
        assertEquals(2 * FloatReductions.CHUNK + 17, FloatReductions.argReduce(ReduceOp.MAX, a, 3, 1, n));
        assertEquals((float) 100, FloatReductions.reduce(ReduceOp.MAX, a, 3, 1, n));
        assertEquals(S.min(a, 3, n), FloatReductions.reduce(ReduceOp.MIN, a, 3, 1, n));
        assertEquals(S.argmin(a, 3, n), FloatReductions.argReduce(ReduceOp.MIN, a, 3, 1, n));
        float[] b = Arrays.copyOfRange(a, 0, a.length);
        assertSumClose(S.dot(a, 3, b, 3, n), FloatReductions.dot(a, 3, b, 3, n), absSum(a, 3, b, 3, n), n, "dot");
        assertSumClose(S.sum(a, 3, n), FloatReductions.reduce(ReduceOp.SUM, a, 3, 1, n), absSum(a, 3, null, 0, n), n, "sum");
        assertEquals(S.maxStrided(a, 3, 3, n / 3), FloatReductions.reduce(ReduceOp.MAX, a, 3, 3, n / 3));
        assertEquals(S.argminStrided(a, 4, 2, n / 2), FloatReductions.argReduce(ReduceOp.MIN, a, 4, 2, n / 2));
    }
}
