package io.simdgrad.simd;

/**
 * Plain-loop twin of {@link VectorFloatLayout}: the oracle in tests and the baseline in
 * benchmarks. The transpose is cache-blocked in 32 x 32 tiles, walked so that the writes of each
 * tile run along destination rows.
 */
final class ScalarFloatLayout implements FloatLayoutKernels {
    /** Tile edge of the blocked transpose; 32 was the fastest of 8..128 at 2048 x 2048. */
    static final int TILE = 32;

    @Override
    public void copy(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        assert srcOff >= 0 && dstOff >= 0 && n >= 0;
        if (src == dst && dstOff > srcOff) {
            for (int i = n - 1; i >= 0; i--) dst[dstOff + i] = src[srcOff + i];
        } else {
            for (int i = 0; i < n; i++) dst[dstOff + i] = src[srcOff + i];
        }
    }

    @Override
    public void gather(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int n) {
        assert srcOff >= 0 && srcStride >= 0 && dstOff >= 0 && n >= 0;
        for (int i = 0; i < n; i++) dst[dstOff + i] = src[srcOff + i * srcStride];
    }

    @Override
    public void scatter(float[] src, int srcOff, float[] dst, int dstOff, int dstStride, int n) {
        assert srcOff >= 0 && dstStride >= 0 && dstOff >= 0 && n >= 0;
        for (int i = 0; i < n; i++) dst[dstOff + i * dstStride] = src[srcOff + i];
    }

    @Override
    public void copy2d(float[] src, int srcOff, int rows, int cols, int srcRowStride, int srcColStride,
                       float[] dst, int dstOff, int dstLd) {
        assert rows >= 0 && cols >= 0 && srcRowStride >= 0 && srcColStride >= 0;
        for (int r = 0; r < rows; r++) {
            int s = srcOff + r * srcRowStride;
            int d = dstOff + r * dstLd;
            for (int c = 0; c < cols; c++) dst[d + c] = src[s + c * srcColStride];
        }
    }

    @Override
    public void transpose(float[] src, int srcOff, int rows, int cols, int srcLd, float[] dst, int dstOff, int dstLd) {
        assert rows >= 0 && cols >= 0 && srcOff >= 0 && dstOff >= 0;
        for (int r0 = 0; r0 < rows; r0 += TILE) {
            int r1 = Math.min(rows, r0 + TILE);
            for (int c0 = 0; c0 < cols; c0 += TILE) {
                int c1 = Math.min(cols, c0 + TILE);
                for (int c = c0; c < c1; c++) {
                    int d = dstOff + c * dstLd;
                    for (int r = r0; r < r1; r++) dst[d + r] = src[srcOff + r * srcLd + c];
                }
            }
        }
    }

    @Override
    public void rows(boolean add, float[] src, int srcOff, int srcLd, float[] dst, int dstOff, int dstLd, int rows, int cols) {
        assert rows >= 0 && cols >= 0 && srcOff >= 0 && dstOff >= 0;
        for (int r = 0; r < rows; r++) {
            int s = srcOff + r * srcLd, d = dstOff + r * dstLd;
            if (add) for (int j = 0; j < cols; j++) dst[d + j] += src[s + j];
            else for (int j = 0; j < cols; j++) dst[d + j] = src[s + j];
        }
    }

    @Override
    public int gatherAlong(float[] src, int srcOff, long[] idx, int io, float[] dst, int dstOff, int outer, int width, int size, int inner) {
        if (inner == 1) {
            // the common case (dim last) as one flat loop: a triple loop with a 1-long inner one runs ~2x slower
            for (int b = 0, p = 0; b < outer; b++) {
                int base = srcOff + b * size;
                for (int end = p + width; p < end; p++) {
                    long v = idx[io + p];
                    if (Long.compareUnsigned(v, size) >= 0) return p;
                    dst[dstOff + p] = src[base + (int) v];
                }
            }
            return -1;
        }
        for (int b = 0, p = 0; b < outer; b++) {
            int base = srcOff + b * size * inner;
            for (int i = 0; i < width; i++) {
                for (int j = 0; j < inner; j++, p++) {
                    long v = idx[io + p];
                    if (Long.compareUnsigned(v, size) >= 0) return p;
                    dst[dstOff + p] = src[base + (int) v * inner + j];
                }
            }
        }
        return -1;
    }

    @Override
    public int scatterAddAlong(float[] src, int srcOff, long[] idx, int io, float[] dst, int dstOff, int outer, int width, int size, int inner) {
        if (inner == 1) {
            for (int b = 0, p = 0; b < outer; b++) {
                int base = dstOff + b * size;
                for (int end = p + width; p < end; p++) {
                    long v = idx[io + p];
                    if (Long.compareUnsigned(v, size) >= 0) return p;
                    dst[base + (int) v] += src[srcOff + p];
                }
            }
            return -1;
        }
        for (int b = 0, p = 0; b < outer; b++) {
            int base = dstOff + b * size * inner;
            for (int i = 0; i < width; i++) {
                for (int j = 0; j < inner; j++, p++) {
                    long v = idx[io + p];
                    if (Long.compareUnsigned(v, size) >= 0) return p;
                    dst[base + (int) v * inner + j] += src[srcOff + p];
                }
            }
        }
        return -1;
    }

    /** A row per index by {@link System#arraycopy} (the JDK's vector copy, used by the vector kernels too). */
    @Override
    public int indexSelect(float[] src, int srcOff, long[] idx, int io, int m, float[] dst, int dstOff, int r0, int r1, int size, int inner) {
        if (r0 >= r1) return -1;
        for (int r = r0, b = r0 / m, j = r0 % m; r < r1; r++) {
            long v = idx[io + j];
            if (Long.compareUnsigned(v, size) >= 0) return r;
            System.arraycopy(src, srcOff + (b * size + (int) v) * inner, dst, dstOff + r * inner, inner);
            if (++j == m) {
                j = 0;
                b++;
            }
        }
        return -1;
    }

    @Override
    public void col2imSum(float[] col, int co, int ldcol, float[] x, int xo, int h, int w, int oh, int ow, int kh, int kw,
                          int ph, int pw, int dh, int dw) {
        for (int y = 0; y < h; y++) {
            for (int t = 0; t < w; t++) {
                float acc = (float) 0;
                for (int p = 0; p < kh; p++) {
                    int i = y + ph - p * dh;
                    if (i < 0 || i >= oh) continue;
                    for (int q = 0; q < kw; q++) {
                        int j = t + pw - q * dw;
                        if (j >= 0 && j < ow) acc += col[co + (p * kw + q) * ldcol + i * ow + j];
                    }
                }
                x[xo + y * w + t] = acc;
            }
        }
    }
}
