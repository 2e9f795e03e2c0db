package io.simdgrad.simd;

/**
 * Data-movement kernels on {@code float} arrays: the public entry points. Only the destination
 * array is modified. Arguments are checked once per call, before anything is written: an index
 * range outside its array throws {@link IndexOutOfBoundsException}; a negative length, size or
 * stride, a leading dimension smaller than the row it holds, or a destination that overlaps the
 * source (same array, intersecting index spans; not checked for {@link #copy}, which allows it)
 * throws {@link IllegalArgumentException}. Messages name the kernel, the operand and the numbers.
 * Results are exact copies (bit patterns of NaNs included), so vector and scalar kernels agree
 * bit for bit.
 */
public final class FloatLayout {
    private static final ScalarFloatLayout SCALAR_IMPL = new ScalarFloatLayout();
    static final FloatLayoutKernels IMPL = Simd.SCALAR ? SCALAR_IMPL : VectorKernels.FLOAT_LAYOUT;

    private FloatLayout() {}

    /** The plain-loop kernels, unchecked (for tests and benchmarks). */
    public static FloatLayoutKernels scalar() {
        return SCALAR_IMPL;
    }

    /**
     * The Vector API kernels, unchecked (for tests and benchmarks).
     *
     * @throws UnsupportedOperationException without {@code --add-modules jdk.incubator.vector}
     */
    public static FloatLayoutKernels vector() {
        Simd.requireVectorApi("FloatLayout.vector()");
        return VectorKernels.FLOAT_LAYOUT;
    }

    /** {@code dst[dstOff+i] = src[srcOff+i]} for {@code i < n}; the ranges may overlap (as {@link System#arraycopy}). */
    public static void copy(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        Checks.range("FloatLayout.copy", "src", src.length, srcOff, n);
        Checks.range("FloatLayout.copy", "dst", dst.length, dstOff, n);
        IMPL.copy(src, srcOff, dst, dstOff, n);
    }

    /** {@code dst[dstOff+i] = src[srcOff + i*srcStride]} for {@code i < n}, srcStride >= 0. */
    public static void gather(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int n) {
        Checks.strided("FloatLayout.gather", "src", src.length, srcOff, srcStride, n);
        Checks.range("FloatLayout.gather", "dst", dst.length, dstOff, n);
        disjoint("FloatLayout.gather", src, srcOff, span(n, srcStride), dst, dstOff, n);
        IMPL.gather(src, srcOff, srcStride, dst, dstOff, n);
    }

    /** {@code dst[dstOff + i*dstStride] = src[srcOff+i]} for {@code i < n}, dstStride >= 0 (0: the last element wins). */
    public static void scatter(float[] src, int srcOff, float[] dst, int dstOff, int dstStride, int n) {
        Checks.range("FloatLayout.scatter", "src", src.length, srcOff, n);
        Checks.strided("FloatLayout.scatter", "dst", dst.length, dstOff, dstStride, n);
        disjoint("FloatLayout.scatter", src, srcOff, n, dst, dstOff, span(n, dstStride));
        IMPL.scatter(src, srcOff, dst, dstOff, dstStride, n);
    }

    /**
     * torch.gather along the middle dim of contiguous {@code [outer, size, inner]} data:
     * {@code dst[dstOff + p] = src[srcOff + (b·size + idx[io + p])·inner + j]} with
     * {@code p = (b·width + i)·inner + j} over the index's {@code [outer, width, inner]}. The index
     * values are checked as they are read (one pass): returns the position p of the first one
     * outside {@code [0, size)}, some elements written, or -1 when all were in range. Split over
     * threads by outer rows for large calls.
     */
    public static int gatherAlong(float[] src, int srcOff, long[] idx, int io, float[] dst, int dstOff, int outer, int width, int size, int inner) {
        int n = along("FloatLayout.gatherAlong", src, srcOff, idx, io, dst, dstOff, outer, width, size, inner, false);
        int in = width * inner, data = size * inner; // per outer row; products checked by along
        return n == 0 ? -1 : splitOuter(n, outer, in, (b0, b1) -> IMPL.gatherAlong(src, srcOff + b0 * data, idx, io + b0 * in, dst,
                dstOff + b0 * in, b1 - b0, width, size, inner));
    }

    /**
     * torch.scatter_add along the middle dim of contiguous {@code [outer, size, inner]} data:
     * {@code dst[dstOff + (b·size + idx[io + p])·inner + j] += src[srcOff + p]} in increasing p
     * (duplicates add in that order), src of the index's shape {@code [outer, width, inner]}.
     * Checks the index values as {@link #gatherAlong}: returns the first bad position, some
     * elements added, or -1. Split over threads by outer rows for large calls.
     */
    public static int scatterAddAlong(float[] src, int srcOff, long[] idx, int io, float[] dst, int dstOff, int outer, int width, int size, int inner) {
        int n = along("FloatLayout.scatterAddAlong", src, srcOff, idx, io, dst, dstOff, outer, width, size, inner, true);
        int in = width * inner, data = size * inner;
        return n == 0 ? -1 : splitOuter(n, outer, in, (b0, b1) -> IMPL.scatterAddAlong(src, srcOff + b0 * in, idx, io + b0 * in, dst,
                dstOff + b0 * data, b1 - b0, width, size, inner));
    }

    /**
     * torch.index_select along the middle dim of contiguous {@code [outer, size, inner]} data:
     * {@code dst[dstOff + (b·m + j)·inner + t] = src[srcOff + (b·size + idx[io + j])·inner + t]}
     * for {@code b < outer, j < m, t < inner}. The index values are checked as they are read:
     * returns the position j of the first one outside {@code [0, size)}, some rows written, or -1.
     * Split over threads by output rows for large calls (a copy: the bits do not depend on it).
     */
    public static int indexSelect(float[] src, int srcOff, long[] idx, int io, int m, float[] dst, int dstOff, int outer, int size, int inner) {
        String k = "FloatLayout.indexSelect";
        if (outer < 0 || m < 0 || size < 0 || inner < 0) {
            throw new IllegalArgumentException(k + ": negative size (outer " + outer + ", m " + m + ", size " + size + ", inner " + inner + ")");
        }
        int rows = Math.multiplyExact(outer, m);
        int n = Math.multiplyExact(rows, inner);
        Checks.range(k, "idx", idx.length, io, m);
        Checks.range(k, "src", src.length, srcOff, Math.multiplyExact(Math.multiplyExact(outer, size), inner));
        Checks.range(k, "dst", dst.length, dstOff, n);
        if (src == dst) throw new IllegalArgumentException(k + ": src and dst must be different arrays");
        if (rows == 0) {
            // no rows to copy (outer is 0): the indices are still checked, as PyTorch does
            for (int j = 0; j < m; j++) if (Long.compareUnsigned(idx[io + j], size) >= 0) return j;
            return -1;
        }
        int parts = Math.min(rows, Parallel.parts(n, Parallel.ELEMENTWISE_THRESHOLD));
        int bad;
        if (parts <= 1) {
            bad = IMPL.indexSelect(src, srcOff, idx, io, m, dst, dstOff, 0, rows, size, inner);
        } else {
            // the least bad row of the parts is the first bad index of b = 0, whatever the split
            java.util.concurrent.atomic.AtomicInteger first = new java.util.concurrent.atomic.AtomicInteger(Integer.MAX_VALUE);
            Parallel.run(rows, parts, 1, (r0, r1) -> {
                int r = IMPL.indexSelect(src, srcOff, idx, io, m, dst, dstOff, r0, r1, size, inner);
                if (r >= 0) first.accumulateAndGet(r, Math::min);
            });
            bad = first.get() == Integer.MAX_VALUE ? -1 : first.get();
        }
        return bad < 0 ? -1 : bad % m;
    }

    /** A gatherAlong/scatterAddAlong call over outer rows {@code [b0, b1)}: its first bad position relative to b0, or -1. */
    @FunctionalInterface
    private interface OuterPart {
        int run(int b0, int b1);
    }

    /**
     * Splits the outer rows over threads from {@link Parallel#ELEMENTWISE_THRESHOLD} indices on:
     * each row reads and writes its own part of the data (scatterAdd's duplicates fall in one row
     * and add in the same order), so the bits do not depend on the split; the first bad position
     * is the least of the parts' (parts after it may have written too).
     */
    private static int splitOuter(int n, int outer, int perRow, OuterPart part) {
        int parts = Math.min(outer, Parallel.parts(n, Parallel.ELEMENTWISE_THRESHOLD / 2));
        if (parts <= 1) return part.run(0, outer);
        java.util.concurrent.atomic.AtomicInteger first = new java.util.concurrent.atomic.AtomicInteger(Integer.MAX_VALUE);
        Parallel.run(outer, parts, 1, (b0, b1) -> {
            int bad = part.run(b0, b1);
            if (bad >= 0) first.accumulateAndGet(b0 * perRow + bad, Math::min);
        });
        return first.get() == Integer.MAX_VALUE ? -1 : first.get();
    }

    /** The ranges of gatherAlong / scatterAddAlong ({@code scatter}: src has the index's shape, dst the data's); the index count. */
    private static int along(String kernel, float[] src, int srcOff, long[] idx, int io, float[] dst, int dstOff,
                             int outer, int width, int size, int inner, boolean scatter) {
        if (outer < 0 || width < 0 || size < 0 || inner < 0) {
            throw new IllegalArgumentException(kernel + ": negative size (outer " + outer + ", width " + width + ", size " + size + ", inner " + inner + ")");
        }
        int n = Math.multiplyExact(Math.multiplyExact(outer, width), inner);
        int data = Math.multiplyExact(Math.multiplyExact(outer, size), inner);
        Checks.range(kernel, "idx", idx.length, io, n);
        Checks.range(kernel, "src", src.length, srcOff, scatter ? n : data);
        Checks.range(kernel, "dst", dst.length, dstOff, scatter ? data : n);
        if (src == dst) throw new IllegalArgumentException(kernel + ": src and dst must be different arrays");
        return n;
    }

    /**
     * Makes a strided 2-D view dense: {@code dst[dstOff + r*dstLd + c] = src[srcOff +
     * r*srcRowStride + c*srcColStride]} for {@code r < rows, c < cols}. Strides may be 0
     * (broadcast). A view with unit row stride (a transposed matrix) runs the blocked transpose.
     */
    public static void copy2d(float[] src, int srcOff, int rows, int cols, int srcRowStride, int srcColStride,
                              float[] dst, int dstOff, int dstLd) {
        String k = "FloatLayout.copy2d";
        if (srcRowStride < 0 || srcColStride < 0) {
            throw new IllegalArgumentException(k + ": src strides must be >= 0, got row stride " + srcRowStride
                    + " and column stride " + srcColStride);
        }
        Checks.block(k, "dst", dst.length, dstOff, rows, cols, dstLd);
        if (rows == 0 || cols == 0) return;
        long last = srcOff + (long) (rows - 1) * srcRowStride + (long) (cols - 1) * srcColStride;
        if (srcOff < 0 || last >= src.length) {
            throw new IndexOutOfBoundsException(k + ": src view " + rows + " x " + cols + " at offset " + srcOff
                    + " with strides (" + srcRowStride + ", " + srcColStride + ") reaches index " + last
                    + ", outside the array of length " + src.length);
        }
        disjoint(k, src, srcOff, last - srcOff + 1, dst, dstOff, (long) (rows - 1) * dstLd + cols);
        IMPL.copy2d(src, srcOff, rows, cols, srcRowStride, srcColStride, dst, dstOff, dstLd);
    }

    /**
     * {@code dst[dstOff + c*dstLd + r] = src[srcOff + r*srcLd + c]} for {@code r < rows, c < cols}:
     * src is a rows x cols block with leading dimension srcLd, dst a cols x rows block with
     * leading dimension dstLd.
     */
    public static void transpose(float[] src, int srcOff, int rows, int cols, int srcLd,
                                 float[] dst, int dstOff, int dstLd) {
        String k = "FloatLayout.transpose";
        Checks.block(k, "src", src.length, srcOff, rows, cols, srcLd);
        Checks.block(k, "dst", dst.length, dstOff, cols, rows, dstLd);
        if (rows == 0 || cols == 0) return;
        disjoint(k, src, srcOff, (long) (rows - 1) * srcLd + cols, dst, dstOff, (long) (cols - 1) * dstLd + rows);
        IMPL.transpose(src, srcOff, rows, cols, srcLd, dst, dstOff, dstLd);
    }

    /** Index span of n elements at a stride: from the first to one past the last. */
    private static long span(int n, int stride) {
        return n == 0 ? 0 : (long) (n - 1) * stride + 1;
    }

    /** Rejects a destination span that intersects the source span in the same array. */
    private static void disjoint(String kernel, float[] src, int srcOff, long srcSpan, float[] dst, int dstOff, long dstSpan) {
        if (src != dst || srcSpan == 0 || dstSpan == 0) return;
        if (srcOff < dstOff + dstSpan && dstOff < srcOff + srcSpan) {
            throw new IllegalArgumentException(kernel + ": dst indexes [" + dstOff + ", " + (dstOff + dstSpan)
                    + ") overlap src indexes [" + srcOff + ", " + (srcOff + srcSpan) + ") of the same array");
        }
    }
}
