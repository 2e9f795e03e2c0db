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
}
