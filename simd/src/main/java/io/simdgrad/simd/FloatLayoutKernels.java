package io.simdgrad.simd;

/**
 * Data-movement kernels on {@code float} arrays: copies, strided gathers and scatters, a strided
 * 2-D view made dense, and a 2-D transpose. Implementations do not check their arguments (the
 * facade {@link FloatLayout} does, once per call): they only {@code assert}. Except for
 * {@link #copy}, source and destination must not overlap.
 */
public interface FloatLayoutKernels {

    /** {@code dst[dstOff+i] = src[srcOff+i]} for {@code i < n}; overlapping ranges copy as if through a temporary. */
    void copy(float[] src, int srcOff, float[] dst, int dstOff, int n);

    /** {@code dst[dstOff+i] = src[srcOff + i*srcStride]} for {@code i < n}. */
    void gather(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int n);

    /** {@code dst[dstOff + i*dstStride] = src[srcOff+i]} for {@code i < n} (with stride 0 the last element wins). */
    void scatter(float[] src, int srcOff, float[] dst, int dstOff, int dstStride, int n);

    /**
     * {@code dst[dstOff + r*dstLd + c] = src[srcOff + r*srcRowStride + c*srcColStride]} for
     * {@code r < rows, c < cols}: a strided 2-D view made dense (row-major, leading dimension dstLd).
     */
    void copy2d(float[] src, int srcOff, int rows, int cols, int srcRowStride, int srcColStride,
                float[] dst, int dstOff, int dstLd);

    /** {@code dst[dstOff + c*dstLd + r] = src[srcOff + r*srcLd + c]} for {@code r < rows, c < cols}. */
    void transpose(float[] src, int srcOff, int rows, int cols, int srcLd, float[] dst, int dstOff, int dstLd);

    /**
     * {@code dst[dstOff + r*dstLd + j] = src[srcOff + r*srcLd + j]}, or {@code +=} it when add,
     * for {@code r < rows, j < cols}: the rows of a 2-D window, as im2col copies them out of an
     * image and col2im adds them back. The blocks must not overlap.
     */
    void rows(boolean add, float[] src, int srcOff, int srcLd, float[] dst, int dstOff, int dstLd, int rows, int cols);

    /**
     * {@code dst[dstOff + p] = src[srcOff + (b·size + idx[io + p])·inner + j]} with
     * {@code p = (b·width + i)·inner + j}, for {@code b < outer, i < width, j < inner}: torch.gather
     * along the middle dim of {@code [outer, size, inner]}. Checks each index as it goes: returns the
     * position p of the first index outside {@code [0, size)} (some elements before it written) or -1.
     */
    int gatherAlong(float[] src, int srcOff, long[] idx, int io, float[] dst, int dstOff, int outer, int width, int size, int inner);

    /**
     * {@code dst[dstOff + (b·size + idx[io + p])·inner + j] += src[srcOff + p]} in increasing p (as
     * {@link #gatherAlong}): torch.scatter_add; returns the first bad position (the earlier ones added) or -1.
     */
    int scatterAddAlong(float[] src, int srcOff, long[] idx, int io, float[] dst, int dstOff, int outer, int width, int size, int inner);

    /**
     * {@code dst[dstOff + r·inner + t] = src[srcOff + (b·size + idx[io + j])·inner + t]} for the
     * output rows {@code r = b·m + j} in {@code [r0, r1)} and {@code t < inner}: torch.index_select
     * along the middle dim of {@code [outer, size, inner]}, one contiguous row per index. Checks each
     * index as it reads it: returns the first row r whose index is outside {@code [0, size)} (the
     * rows before it written) or -1.
     */
    int indexSelect(float[] src, int srcOff, long[] idx, int io, int m, float[] dst, int dstOff, int r0, int r1, int size, int inner);

    /**
     * One channel of col2im for a convolution of stride 1, as a sum per input element (nothing
     * of x is read back): {@code x[xo + y·w + t] = sum over p < kh, then q < kw, from 0, of
     * col[co + (p·kw + q)·ldcol + i·ow + j]} with {@code i = y + ph - p·dh, j = t + pw - q·dw},
     * the terms with i or j outside the output skipped, for {@code y < h, t < w}. The terms are
     * added in the order col2im's walk adds them, so the bits are the walk's.
     */
    void col2imSum(float[] col, int co, int ldcol, float[] x, int xo, int h, int w, int oh, int ow, int kh, int kw,
                   int ph, int pw, int dh, int dw);
}
