package io.simdgrad.simd;

import static io.simdgrad.simd.FloatElementwiseSamples.array;
import static io.simdgrad.simd.FloatElementwiseSamples.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * The layout kernels, vector and scalar, against naive loops written here: random shapes
 * (including 0, 1 x N, N x 1, edges that are not multiples of the lane count, and matrices large
 * enough for the buffered transpose), offsets, strides and leading dimensions. Whole destination
 * arrays are compared bit for bit, so writes outside the target fail too.
 */
class FloatLayoutProperties {
    private static final FloatLayoutKernels SCALAR = FloatLayout.scalar();
    private static final FloatLayoutKernels VECTOR = FloatLayout.vector();

    static {
        // Let C2 compile the register transpose (selectFrom, masked stores) before it is checked.
        float[] a = new float[300 * 40];
        float[] b = new float[300 * 40];
        for (int rep = 0; rep < 400; rep++) {
            VECTOR.transpose(a, 0, 24, 40, 40, b, 0, 24);
            VECTOR.transpose(a, 0, 300, 40, 40, b, 0, 300);
        }
    }

    @Provide
    Arbitrary<Integer> lengths() {
        return FloatElementwiseSamples.lengths();
    }

    @Provide
    Arbitrary<Integer> offsets() {
        return FloatElementwiseSamples.offsets();
    }

    /** Matrix edges: mostly small and around the lane count, sometimes up to 300 or exactly 1. */
    @Provide
    Arbitrary<Integer> edges() {
        int l = FloatElementwiseSamples.LANES;
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(0, 1, 2, 7, 8, 9, l - 1, l, l + 1, 2 * l + 3, 31, 32, 33)),
                Tuple.of(3, Arbitraries.integers().between(1, 70)),
                Tuple.of(1, Arbitraries.integers().between(1, 300)));
    }

    @Provide
    Arbitrary<Integer> strides() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(0, 1, 2)),
                Tuple.of(3, Arbitraries.integers().between(0, 40)));
    }

    /** Both kernels on copies of dst; compares each with the naive result. */
    private static void check(String what, float[] src, float[] dst, float[] want,
                              java.util.function.BiConsumer<FloatLayoutKernels, float[]> call) {
        float[] s = dst.clone();
        float[] v = dst.clone();
        call.accept(SCALAR, s);
        call.accept(VECTOR, v);
        assertClose(what + " scalar twin", want, s, 0);
        assertClose(what + " vector", want, v, 0);
    }

    @Property(tries = 300)
    void copy(@ForAll("lengths") int n, @ForAll("offsets") int srcOff, @ForAll("offsets") int dstOff,
              @ForAll boolean sameArray, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] src = array(r, Math.max(srcOff, dstOff) + n + 2);
        float[] dst = sameArray ? src : array(r, dstOff + n + 2);
        float[] want = dst.clone();
        float[] piece = java.util.Arrays.copyOfRange(src, srcOff, srcOff + n);
        System.arraycopy(piece, 0, want, dstOff, n);
        // same array: each kernel copies within its own copy of the array (overlap in both directions)
        float[] s = src.clone();
        float[] v = src.clone();
        if (sameArray) {
            SCALAR.copy(s, srcOff, s, dstOff, n);
            VECTOR.copy(v, srcOff, v, dstOff, n);
            assertClose("copy in place scalar", want, s, 0);
            assertClose("copy in place vector", want, v, 0);
        } else {
            check("copy", src, dst, want, (k, d) -> k.copy(src, srcOff, d, dstOff, n));
        }
    }

    @Property(tries = 300)
    void gatherAndScatter(@ForAll("lengths") int n, @ForAll("strides") int stride, @ForAll("offsets") int srcOff,
                          @ForAll("offsets") int dstOff, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int span = n == 0 ? 0 : (n - 1) * stride + 1;
        float[] strided = array(r, srcOff + span + 2);
        float[] dense = array(r, dstOff + n + 3);
        float[] want = dense.clone();
        for (int i = 0; i < n; i++) want[dstOff + i] = strided[srcOff + i * stride];
        check("gather stride " + stride, strided, dense, want, (k, d) -> k.gather(strided, srcOff, stride, d, dstOff, n));
        float[] want2 = strided.clone();
        for (int i = 0; i < n; i++) want2[srcOff + i * stride] = dense[dstOff + i];
        check("scatter stride " + stride, dense, strided, want2, (k, d) -> k.scatter(dense, dstOff, d, srcOff, stride, n));
    }

    /** Large calls split over threads by outer rows: the same bits as naive loops on 1 and 2 threads, and the first bad position. */
    @Example
    void gatherAndScatterAddAlongSplitOverThreads() {
        int outer = 600, width = 500, size = 300, inner = 1, n = outer * width;
        SplittableRandom r = new SplittableRandom(7);
        float[] data = array(r, outer * size), src = array(r, n);
        long[] idx = new long[n];
        for (int p = 0; p < n; p++) idx[p] = r.nextInt(size);
        float[] want = new float[n], wantAdd = new float[outer * size];
        for (int b = 0; b < outer; b++) {
            for (int i = 0; i < width; i++) {
                int p = b * width + i;
                want[p] = data[b * size + (int) idx[p]];
                wantAdd[b * size + (int) idx[p]] += src[p];
            }
        }
        for (int threads : new int[] {1, 2}) {
            float[] got = new float[n], gotAdd = new float[outer * size];
            int bad = FloatGemmTest.withThreads(threads, () -> FloatLayout.gatherAlong(data, 0, idx, 0, got, 0, outer, width, size, inner));
            int badAdd = FloatGemmTest.withThreads(threads, () -> FloatLayout.scatterAddAlong(src, 0, idx, 0, gotAdd, 0, outer, width, size, inner));
            org.junit.jupiter.api.Assertions.assertEquals(-1, bad);
            org.junit.jupiter.api.Assertions.assertEquals(-1, badAdd);
            org.junit.jupiter.api.Assertions.assertArrayEquals(want, got, "gather, threads " + threads);
            org.junit.jupiter.api.Assertions.assertArrayEquals(wantAdd, gotAdd, "scatterAdd, threads " + threads);
            long[] badIdx = idx.clone();
            badIdx[n - 5] = size; // in the last part
            badIdx[n / 3] = -1; // in the first part: the one reported
            int first = FloatGemmTest.withThreads(threads, () -> FloatLayout.gatherAlong(data, 0, badIdx, 0, new float[n], 0, outer, width, size, inner));
            int firstAdd = FloatGemmTest.withThreads(threads, () -> FloatLayout.scatterAddAlong(src, 0, badIdx, 0, new float[outer * size], 0, outer, width, size, inner));
            org.junit.jupiter.api.Assertions.assertEquals(n / 3, first, "threads " + threads);
            org.junit.jupiter.api.Assertions.assertEquals(n / 3, firstAdd, "threads " + threads);
        }
    }

    /**
     * gatherAlong and scatterAddAlong against naive loops over [outer, size, inner] with widths
     * around the chunk and lane counts; with {@code bad}, one index at a random place is outside
     * [0, size): both kernels return its position (the first bad one) and write only inside dst.
     */
    @Property(tries = 300)
    void gatherAndScatterAddAlong(@ForAll @IntRange(min = 1, max = 3) int outer, @ForAll("widths") int width,
                                  @ForAll @IntRange(min = 1, max = 40) int size, @ForAll @IntRange(min = 1, max = 3) int inner,
                                  @ForAll("offsets") int off, @ForAll boolean bad, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = outer * width * inner, data = outer * size * inner;
        long[] idx = new long[off + n];
        for (int p = 0; p < n; p++) idx[off + p] = r.nextInt(size);
        int badAt = bad && n > 0 ? r.nextInt(n) : -1;
        if (badAt >= 0) idx[off + badAt] = r.nextBoolean() ? -1 - r.nextInt(1 << 20) : size + r.nextLong(1L << 40);
        float[] x = array(r, off + data), s = array(r, off + n);
        float[] want = new float[off + n], wantAdd = array(r, off + data);
        float[] base = wantAdd.clone();
        for (int b = 0, p = 0; b < outer; b++) {
            for (int i = 0; i < width; i++) {
                for (int j = 0; j < inner; j++, p++) {
                    if (p == badAt) break;
                    int at = off + (b * size + (int) idx[off + p]) * inner + j;
                    want[off + p] = x[at];
                    wantAdd[at] += s[off + p];
                }
            }
        }
        for (FloatLayoutKernels k : new FloatLayoutKernels[] {SCALAR, VECTOR}) {
            String what = (k == SCALAR ? "scalar" : "vector") + " outer " + outer + " width " + width + " size " + size + " inner " + inner;
            float[] got = new float[off + n];
            assertEquals(badAt, k.gatherAlong(x, off, idx, off, got, off, outer, width, size, inner), what);
            if (badAt < 0) assertClose(what + " gatherAlong", want, got, 0);
            float[] add = base.clone();
            assertEquals(badAt, k.scatterAddAlong(s, off, idx, off, add, off, outer, width, size, inner), what);
            if (badAt < 0) assertClose(what + " scatterAddAlong", wantAdd, add, 0);
        }
    }

    /**
     * indexSelect, both kernels on a random row range and the facade on the whole call, against
     * naive loops over [outer, size, inner], with row lengths around the lane count; with {@code bad}, one index is outside [0, size): the kernels return its
     * first row, the facade its position, and nothing outside dst's rows before it is written.
     */
    @Property(tries = 300)
    void indexSelect(@ForAll @IntRange(min = 1, max = 3) int outer, @ForAll @IntRange(max = 40) int m,
                     @ForAll @IntRange(min = 1, max = 30) int size, @ForAll("rowLengths") int inner,
                     @ForAll("offsets") int off, @ForAll boolean bad, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] idx = new long[off + m];
        for (int j = 0; j < m; j++) idx[off + j] = r.nextInt(size);
        int badAt = bad && m > 0 ? r.nextInt(m) : -1;
        if (badAt >= 0) idx[off + badAt] = r.nextBoolean() ? -1 - r.nextInt(1 << 20) : size + r.nextLong(1L << 40);
        int rows = outer * m, r0 = rows == 0 ? 0 : r.nextInt(rows + 1), r1 = r0 + r.nextInt(rows - r0 + 1);
        float[] x = array(r, off + outer * size * inner);
        float[] want = array(r, off + rows * inner), base = want.clone();
        int wantRow = -1;
        for (int row = r0; row < r1; row++) {
            int b = row / m, j = row % m;
            if (j == badAt) {
                wantRow = row;
                break;
            }
            for (int t = 0; t < inner; t++) want[off + row * inner + t] = x[off + (b * size + (int) idx[off + j]) * inner + t];
        }
        for (FloatLayoutKernels k : new FloatLayoutKernels[] {SCALAR, VECTOR}) {
            String what = (k == SCALAR ? "scalar" : "vector") + " outer " + outer + " m " + m + " size " + size + " inner " + inner
                    + " rows [" + r0 + ", " + r1 + ")";
            float[] got = base.clone();
            assertEquals(wantRow, k.indexSelect(x, off, idx, off, m, got, off, r0, r1, size, inner), what);
            if (wantRow < 0) assertArrayEquals(want, got, what);
            else for (int i = 0; i < off + r0 * inner; i++) assertEquals(base[i], got[i], what + " before the range");
        }
        float[] whole = new float[off + rows * inner];
        assertEquals(badAt, FloatLayout.indexSelect(x, off, idx, off, m, whole, off, outer, size, inner), "facade");
    }

    /** Large calls split over threads by output rows: naive loops' bits on 1 and 2 threads, and the first bad position. */
    @Example
    void indexSelectSplitOverThreads() {
        int outer = 3, m = 700, size = 500, inner = 130, rows = outer * m;
        SplittableRandom r = new SplittableRandom(11);
        float[] x = array(r, outer * size * inner);
        long[] idx = new long[m];
        for (int j = 0; j < m; j++) idx[j] = r.nextInt(size);
        float[] want = new float[rows * inner];
        for (int row = 0; row < rows; row++) {
            System.arraycopy(x, (row / m * size + (int) idx[row % m]) * inner, want, row * inner, inner);
        }
        for (int threads : new int[] {1, 2}) {
            float[] got = new float[rows * inner];
            assertEquals(-1, (int) FloatGemmTest.withThreads(threads, () -> FloatLayout.indexSelect(x, 0, idx, 0, m, got, 0, outer, size, inner)));
            assertArrayEquals(want, got, "threads " + threads);
            long[] badIdx = idx.clone();
            badIdx[m - 3] = size; // seen first by the last part (b = 2)
            badIdx[m / 2] = -2; // the first bad position
            int first = FloatGemmTest.withThreads(threads, () -> FloatLayout.indexSelect(x, 0, badIdx, 0, m, new float[rows * inner], 0, outer, size, inner));
            assertEquals(m / 2, first, "threads " + threads);
        }
    }

    /** Row lengths of indexSelect: around the lane count, and any up to 100. */
    @Provide
    Arbitrary<Integer> rowLengths() {
        int l = FloatElementwiseSamples.LANES;
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(0, 1, l - 1, l, l + 1, 2 * l + 3, 63, 64, 65)),
                Tuple.of(2, Arbitraries.integers().between(1, 100)));
    }

    /** Widths of a gather: around the lane count and the vector kernel's 1024-index chunk. */
    @Provide
    Arbitrary<Integer> widths() {
        int l = FloatElementwiseSamples.LANES;
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(0, 1, l - 1, l, l + 1, 2 * l + 3, 1023, 1024, 1025, 2100)),
                Tuple.of(3, Arbitraries.integers().between(1, 100)));
    }

    /**
     * kind 0: random strides; 1: a transposed view (row stride 1, column stride >= rows);
     * 2: contiguous rows; 3: broadcast (a zero stride).
     */
    @Property(tries = 400)
    void copy2d(@ForAll("edges") int rows, @ForAll("edges") int cols, @ForAll @IntRange(max = 3) int kind,
                @ForAll("strides") int s1, @ForAll("strides") int s2, @ForAll("offsets") int srcOff,
                @ForAll("offsets") int dstOff, @ForAll @IntRange(max = 5) int pad, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int rs;
        int cs;
        switch (kind) {
            case 0 -> { rs = s1; cs = s2; }
            case 1 -> { rs = 1; cs = rows + s1; }
            case 2 -> { rs = cols + s1; cs = 1; }
            default -> { rs = r.nextBoolean() ? 0 : s1; cs = rs == 0 ? s2 : 0; }
        }
        long last = rows == 0 || cols == 0 ? -1 : (long) (rows - 1) * rs + (long) (cols - 1) * cs;
        float[] src = array(r, (int) (srcOff + last + 1 + pad));
        int ld = cols + pad;
        float[] dst = array(r, dstOff + rows * ld + 1);
        float[] want = dst.clone();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) want[dstOff + i * ld + j] = src[srcOff + i * rs + j * cs];
        }
        check("copy2d " + rows + "x" + cols + " strides " + rs + "," + cs, src, dst, want,
                (k, d) -> k.copy2d(src, srcOff, rows, cols, rs, cs, d, dstOff, ld));
    }

    @Property(tries = 400)
    void transpose(@ForAll("edges") int rows, @ForAll("edges") int cols, @ForAll @IntRange(max = 9) int srcPad,
                   @ForAll @IntRange(max = 9) int dstPad, @ForAll("offsets") int srcOff, @ForAll("offsets") int dstOff,
                   @ForAll long seed) {
        transposeCase(rows, cols, srcPad, dstPad, srcOff, dstOff, seed);
    }

    /** Large enough for the buffered path (256 float / 128 double rows per tile), with ragged edges. */
    @Property(tries = 25)
    void transposeLarge(@ForAll @IntRange(min = 250, max = 700) int rows, @ForAll @IntRange(min = 30, max = 140) int cols,
                        @ForAll @IntRange(max = 17) int srcPad, @ForAll @IntRange(max = 17) int dstPad,
                        @ForAll("offsets") int srcOff, @ForAll long seed) {
        transposeCase(rows, cols, srcPad, dstPad, srcOff, 3, seed);
        transposeCase(cols, rows, srcPad, dstPad, srcOff, 3, seed);
    }

    private static void transposeCase(int rows, int cols, int srcPad, int dstPad, int srcOff, int dstOff, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int sld = cols + srcPad;
        int dld = rows + dstPad;
        float[] src = array(r, srcOff + rows * sld + 2);
        float[] dst = array(r, dstOff + cols * dld + 2);
        float[] want = dst.clone();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) want[dstOff + j * dld + i] = src[srcOff + i * sld + j];
        }
        check("transpose " + rows + "x" + cols + " ld " + sld + "/" + dld, src, dst, want,
                (k, d) -> k.transpose(src, srcOff, rows, cols, sld, d, dstOff, dld));
    }

    /** Facade checks: the exception, the numbers in its message, and an untouched destination. */
    @Example
    void badArgumentsAreRejectedBeforeWriting() {
        float[] src = new float[100];
        float[] dst = new float[100];
        var e = assertThrows(IndexOutOfBoundsException.class, () -> FloatLayout.transpose(src, 0, 10, 11, 11, dst, 0, 10));
        assertEquals("FloatLayout.transpose: src block 10 x 11 at offset 0 with leading dimension 11 ends at 110,"
                + " outside the array of length 100", e.getMessage());
        var g = assertThrows(IndexOutOfBoundsException.class, () -> FloatLayout.gather(src, 5, 10, dst, 0, 11));
        assertEquals(true, g.getMessage().contains("gather: src elements 5, 5+10*k .. 105"), g.getMessage());
        var v = assertThrows(IndexOutOfBoundsException.class, () -> FloatLayout.copy2d(src, 1, 10, 10, 1, 11, dst, 0, 10));
        assertEquals(true, v.getMessage().contains("reaches index 109"), v.getMessage());
        var o = assertThrows(IllegalArgumentException.class, () -> FloatLayout.transpose(src, 0, 5, 5, 5, src, 20, 5));
        assertEquals(true, o.getMessage().contains("overlap"), o.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FloatLayout.copy(src, 0, dst, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> FloatLayout.copy2d(src, 0, 2, 5, -1, 1, dst, 0, 5));
        assertArrayEquals(new float[100], dst);
        FloatLayout.copy(src, 0, src, 1, 50);
        FloatLayout.transpose(src, 0, 5, 5, 5, src, 25, 5);
    }
}
