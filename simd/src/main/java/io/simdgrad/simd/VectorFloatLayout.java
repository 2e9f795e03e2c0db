package io.simdgrad.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API data-movement kernels at {@link SimdSpecies#FLOAT}.
 *
 * <p>Contiguous copies use {@link System#arraycopy} (an intrinsic as fast as a vector loop).
 * Strided gathers and scatters stay scalar loops: they are bound by one access per element
 * either way. The transpose moves blocks of 8 rows x {@code lanes} columns through registers
 * (three rounds of two-vector zips, {@code selectFrom}), and for large matrices goes through a
 * small tile buffer so that each destination row is written in runs of 1 KiB: at power-of-two
 * leading dimensions, writing 8 elements per destination row at a time thrashes the cache sets
 * (measured at 2048 x 2048: unbuffered 3.1x the time of an arraycopy of the same size, buffered
 * 2.3-2.5x; the blocked scalar twin 3.2-4.6x). Species with fewer than 8 lanes use the scalar twin's blocked transpose.
 * gather along a dim with unit inner stride checks a chunk of int64 indices with unsigned vector
 * compares while narrowing them to an int map, then gathers lanes through the map (AVX-512
 * {@code vgatherdps}); the scatter-add stays scalar (duplicate indices in one vector would conflict).
 */
final class VectorFloatLayout implements FloatLayoutKernels {
    private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
    private static final int L = S.length();
    private static final ScalarFloatLayout TAIL = new ScalarFloatLayout();
    /** int64 indices at the float species' width, and their int narrowing (half the width). */
    private static final VectorSpecies<Long> LS = VectorSpecies.of(long.class, S.vectorShape());
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, VectorShape.forBitSize(Math.max(64, S.vectorBitSize() / 2)));
    /** Indices checked and narrowed per chunk: 8 KiB of int64 in, 4 KiB of map out (both stay in L1). */
    private static final int CHUNK = 1024;

    /** Rows of a register block: 8 vectors in flight, 3 zip rounds (log2 8). */
    private static final int K = 8;
    /** Buffered tile: TILE_ROWS source rows (1 KiB of destination row) x TILE_COLS source columns. */
    private static final int TILE_ROWS = 1024 / Float.BYTES;
    private static final int TILE_COLS = 32;

    /**
     * Zip indexes for {@code selectFrom(a, b)}: lane j of ZIP_LO takes a[j/2] (j even) or b[j/2]
     * (j odd); ZIP_HI does the same from the upper halves. One round of zips on (r_k, r_k+4)
     * rotates the bits of (row, lane) left by one; three rounds put column j's 8 rows together.
     */
    private static final float[] ZIP_LO = new float[L];
    private static final float[] ZIP_HI = new float[L];
    /** Lane numbers 0, 1, ..., L-1 (col2imSum's column masks). */
    private static final float[] IOTA = new float[L];

    static {
        for (int j = 0; j < L; j++) {
            ZIP_LO[j] = (j % 2 == 0 ? 0 : L) + j / 2;
            ZIP_HI[j] = (j % 2 == 0 ? 0 : L) + L / 2 + j / 2;
            IOTA[j] = j;
        }
    }

    @Override
    public void copy(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        assert srcOff >= 0 && dstOff >= 0 && n >= 0;
        System.arraycopy(src, srcOff, dst, dstOff, n);
    }

    @Override
    public void gather(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int n) {
        assert srcOff >= 0 && srcStride >= 0 && dstOff >= 0 && n >= 0;
        if (srcStride == 1) {
            System.arraycopy(src, srcOff, dst, dstOff, n);
        } else if (srcStride == 0) {
            if (n > 0) java.util.Arrays.fill(dst, dstOff, dstOff + n, src[srcOff]);
        } else {
            TAIL.gather(src, srcOff, srcStride, dst, dstOff, n);
        }
    }

    @Override
    public void scatter(float[] src, int srcOff, float[] dst, int dstOff, int dstStride, int n) {
        assert srcOff >= 0 && dstStride >= 0 && dstOff >= 0 && n >= 0;
        if (dstStride == 1) System.arraycopy(src, srcOff, dst, dstOff, n);
        else TAIL.scatter(src, srcOff, dst, dstOff, dstStride, n);
    }

    /**
     * Picks the loop by the view's strides: unit column stride copies rows; unit row stride is
     * a transpose (the view of a transposed matrix); column stride 0 fills rows (a broadcast).
     */
    @Override
    public void copy2d(float[] src, int srcOff, int rows, int cols, int srcRowStride, int srcColStride,
                       float[] dst, int dstOff, int dstLd) {
        assert rows >= 0 && cols >= 0 && srcRowStride >= 0 && srcColStride >= 0;
        if (rows == 0 || cols == 0) return;
        if (srcColStride > 1 && srcRowStride == 1 && rows > 1) {
            transpose(src, srcOff, cols, rows, srcColStride, dst, dstOff, dstLd);
            return;
        }
        for (int r = 0; r < rows; r++) gather(src, srcOff + r * srcRowStride, srcColStride, dst, dstOff + r * dstLd, cols);
    }

    @Override
    public void transpose(float[] src, int srcOff, int rows, int cols, int srcLd, float[] dst, int dstOff, int dstLd) {
        assert rows >= 0 && cols >= 0 && srcOff >= 0 && dstOff >= 0;
        if (L < K || rows < K || cols < L) {
            TAIL.transpose(src, srcOff, rows, cols, srcLd, dst, dstOff, dstLd);
        } else if (rows < TILE_ROWS || cols < TILE_COLS) {
            transposeDirect(src, srcOff, rows, cols, srcLd, dst, dstOff, dstLd);
        } else {
            float[] buf = new float[TILE_ROWS * TILE_COLS];
            for (int r0 = 0; r0 < rows; r0 += TILE_ROWS) {
                int tr = Math.min(TILE_ROWS, rows - r0);
                for (int c0 = 0; c0 < cols; c0 += TILE_COLS) {
                    int tc = Math.min(TILE_COLS, cols - c0);
                    transposeDirect(src, srcOff + r0 * srcLd + c0, tr, tc, srcLd, buf, 0, tr);
                    for (int c = 0; c < tc; c++) System.arraycopy(buf, c * tr, dst, dstOff + (c0 + c) * dstLd + r0, tr);
                }
            }
        }
    }

    /** Register blocks over the part that holds whole blocks; the scalar twin for the two edge bands. */
    private static void transposeDirect(float[] src, int srcOff, int rows, int cols, int srcLd,
                                        float[] dst, int dstOff, int dstLd) {
        int rb = rows - rows % K;
        int cb = S.loopBound(cols);
        // block's masked stores span whole vectors; one reaching past dst's end takes the JDK's per-lane
        // check, tens of times slower (seen as Mask.firstTrue in GEMM packing): the last blocks go scalar
        long limit = L == K ? Long.MAX_VALUE : (long) dst.length - ((long) (L / K - 1) * (dstLd - K) + 7L * (L / K) * dstLd + L);
        for (int c = 0; c < cb; c += L) {
            for (int r = 0; r < rb; r += K) {
                int d = dstOff + c * dstLd + r;
                if (d <= limit) block(src, srcOff + r * srcLd + c, srcLd, dst, d, dstLd);
                else TAIL.transpose(src, srcOff + r * srcLd + c, K, L, srcLd, dst, d, dstLd);
            }
        }
        TAIL.transpose(src, srcOff + rb * srcLd, rows - rb, cols, srcLd, dst, dstOff + rb, dstLd);
        TAIL.transpose(src, srcOff + cb, rb, cols - cb, srcLd, dst, dstOff + cb * dstLd, dstLd);
    }

    /**
     * Transposes the 8 x L block at src[s + r*srcLd + c] into dst[d + c*dstLd + r]. Too big for
     * C2 to inline, so it takes and returns no vectors (a vector crossing a call that is not
     * inlined is boxed, allocating): the zip indexes are loaded here and the stores written out.
     */
    private static void block(float[] src, int s, int srcLd, float[] dst, int d, int dstLd) {
        FloatVector lo = FloatVector.fromArray(S, ZIP_LO, 0);
        FloatVector hi = FloatVector.fromArray(S, ZIP_HI, 0);
        FloatVector r0 = FloatVector.fromArray(S, src, s);
        FloatVector r1 = FloatVector.fromArray(S, src, s + srcLd);
        FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * srcLd);
        FloatVector r3 = FloatVector.fromArray(S, src, s + 3 * srcLd);
        FloatVector r4 = FloatVector.fromArray(S, src, s + 4 * srcLd);
        FloatVector r5 = FloatVector.fromArray(S, src, s + 5 * srcLd);
        FloatVector r6 = FloatVector.fromArray(S, src, s + 6 * srcLd);
        FloatVector r7 = FloatVector.fromArray(S, src, s + 7 * srcLd);
        for (int round = 0; round < 3; round++) {
            FloatVector t0 = lo.selectFrom(r0, r4);
            FloatVector t1 = hi.selectFrom(r0, r4);
            FloatVector t2 = lo.selectFrom(r1, r5);
            FloatVector t3 = hi.selectFrom(r1, r5);
            FloatVector t4 = lo.selectFrom(r2, r6);
            FloatVector t5 = hi.selectFrom(r2, r6);
            FloatVector t6 = lo.selectFrom(r3, r7);
            FloatVector t7 = hi.selectFrom(r3, r7);
            r0 = t0; r1 = t1; r2 = t2; r3 = t3; r4 = t4; r5 = t5; r6 = t6; r7 = t7;
        }
        // Vector v now holds columns v*L/8 + t (t < L/8), each column's 8 rows in lanes [8t, 8t+8).
        int step = L / K * dstLd;
        if (L == K) {
            r0.intoArray(dst, d);
            r1.intoArray(dst, d + step);
            r2.intoArray(dst, d + 2 * step);
            r3.intoArray(dst, d + 3 * step);
            r4.intoArray(dst, d + 4 * step);
            r5.intoArray(dst, d + 5 * step);
            r6.intoArray(dst, d + 6 * step);
            r7.intoArray(dst, d + 7 * step);
            return;
        }
        for (int t = 0; t < L / K; t++) {
            VectorMask<Float> m = S.indexInRange(-K * t, K);
            int o = d + t * (dstLd - K);
            r0.intoArray(dst, o, m);
            r1.intoArray(dst, o + step, m);
            r2.intoArray(dst, o + 2 * step, m);
            r3.intoArray(dst, o + 3 * step, m);
            r4.intoArray(dst, o + 4 * step, m);
            r5.intoArray(dst, o + 5 * step, m);
            r6.intoArray(dst, o + 6 * step, m);
            r7.intoArray(dst, o + 7 * step, m);
        }
    }

    /**
     * Whole vectors and one masked vector per row: im2col's rows are often shorter than a
     * vector (LeNet's 10 or 24 columns), where an arraycopy or a scalar loop per row cost
     * 0.3-0.6 ns per element (measured, Zen 5).
     */
    @Override
    public void rows(boolean add, float[] src, int srcOff, int srcLd, float[] dst, int dstOff, int dstLd, int rows, int cols) {
        assert rows >= 0 && cols >= 0 && srcOff >= 0 && dstOff >= 0;
        int bound = S.loopBound(cols);
        VectorMask<Float> tail = S.indexInRange(bound, cols);
        boolean rest = bound < cols;
        for (int r = 0; r < rows; r++) {
            int s = srcOff + r * srcLd, d = dstOff + r * dstLd;
            for (int j = 0; j < bound; j += L) {
                FloatVector v = FloatVector.fromArray(S, src, s + j);
                if (add) v = v.add(FloatVector.fromArray(S, dst, d + j));
                v.intoArray(dst, d + j);
            }
            if (!rest) continue;
            if (s + bound + L <= src.length && d + bound + L <= dst.length) {
                FloatVector v = FloatVector.fromArray(S, src, s + bound, tail);
                if (add) v = v.add(FloatVector.fromArray(S, dst, d + bound, tail));
                v.intoArray(dst, d + bound, tail);
            } else {
                // a masked vector reaching past the array's end takes the Vector API's slow, checked path
                if (add) for (int j = bound; j < cols; j++) dst[d + j] += src[s + j];
                else for (int j = bound; j < cols; j++) dst[d + j] = src[s + j];
            }
        }
    }

    @Override
    public int gatherAlong(float[] src, int srcOff, long[] idx, int io, float[] dst, int dstOff, int outer, int width, int size, int inner) {
        if (inner != 1 || width < L || IS.length() != LS.length()) return TAIL.gatherAlong(src, srcOff, idx, io, dst, dstOff, outer, width, size, inner);
        int[] map = new int[Math.min(width, CHUNK)];
        int ll = LS.length();
        for (int b = 0; b < outer; b++) {
            int base = srcOff + b * size;
            for (int c = 0; c < width; c += CHUNK) {
                int m = Math.min(CHUNK, width - c), p0 = b * width + c, k = 0;
                for (int bound = LS.loopBound(m); k < bound; k += ll) {
                    LongVector v = LongVector.fromArray(LS, idx, io + p0 + k);
                    if (v.compare(VectorOperators.UGE, size).anyTrue()) return firstBad(idx, io, p0 + k, size);
                    v.convertShape(VectorOperators.L2I, IS, 0).reinterpretAsInts().intoArray(map, k);
                }
                for (; k < m; k++) {
                    long v = idx[io + p0 + k];
                    if (Long.compareUnsigned(v, size) >= 0) return p0 + k;
                    map[k] = (int) v;
                }
                int j = 0;
                for (int bound = S.loopBound(m); j < bound; j += L) FloatVector.fromArray(S, src, base, map, j).intoArray(dst, dstOff + p0 + j);
                for (; j < m; j++) dst[dstOff + p0 + j] = src[base + map[j]];
            }
        }
        return -1;
    }

    /** The first position from {@code p} whose index is outside {@code [0, size)} (one is known to be). */
    private static int firstBad(long[] idx, int io, int p, int size) {
        while (Long.compareUnsigned(idx[io + p], size) < 0) p++;
        return p;
    }

    @Override
    public int scatterAddAlong(float[] src, int srcOff, long[] idx, int io, float[] dst, int dstOff, int outer, int width, int size, int inner) {
        return TAIL.scatterAddAlong(src, srcOff, idx, io, dst, dstOff, outer, width, size, inner);
    }

    /** The scalar twin's: a row per index by {@link System#arraycopy}, itself the JDK's vector copy. */
    @Override
    public int indexSelect(float[] src, int srcOff, long[] idx, int io, int m, float[] dst, int dstOff, int r0, int r1, int size, int inner) {
        return TAIL.indexSelect(src, srcOff, idx, io, m, dst, dstOff, r0, r1, size, inner);
    }

    /**
     * A vector of L input columns at a time (the last one moved back to end at w, recomputing a
     * few columns with the same bits), summing its kh·kw shifted column rows in a register; the
     * lanes whose column falls outside the output are left out by a masked add. col2im's walk
     * adds short shifted rows into x instead, and each row reads back what the one before
     * stored to the neighbouring addresses (a store-forwarding stall per row). Falls back to the
     * scalar twin below one vector of columns or when a shifted read would leave col.
     */
    @Override
    public void col2imSum(float[] col, int co, int ldcol, float[] x, int xo, int h, int w, int oh, int ow, int kh, int kw,
                          int ph, int pw, int dh, int dw) {
        long lo = (long) co + pw - (long) (kw - 1) * dw;
        long hi = (long) co + (long) (kh * kw - 1) * ldcol + (long) (oh - 1) * ow + w + pw;
        if (w < L || lo < 0 || hi > col.length) {
            TAIL.col2imSum(col, co, ldcol, x, xo, h, w, oh, ow, kh, kw, ph, pw, dh, dw);
            return;
        }
        FloatVector iota = FloatVector.fromArray(S, IOTA, 0);
        int vectors = (w + L - 1) / L;
        for (int y = 0; y < h; y++) {
            for (int v = 0; v < vectors; v++) {
                int x0 = Math.min(v * L, w - L);
                FloatVector acc = FloatVector.zero(S);
                for (int p = 0; p < kh; p++) {
                    int i = y + ph - p * dh;
                    if (i < 0 || i >= oh) continue;
                    int row = co + p * kw * ldcol + i * ow;
                    for (int q = 0; q < kw; q++) {
                        int j0 = x0 + pw - q * dw;
                        FloatVector j = iota.add((float) j0);
                        VectorMask<Float> in = j.compare(VectorOperators.GE, (float) 0).and(j.compare(VectorOperators.LT, (float) ow));
                        acc = acc.add(FloatVector.fromArray(S, col, row + q * ldcol + j0), in);
                    }
                }
                acc.intoArray(x, xo + y * w + x0);
            }
        }
    }
}
