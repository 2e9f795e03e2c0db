package io.simdgrad.simd;

/**
 * Reductions and row-wise softmax on {@code float} arrays. An operand is (array, offset) with a
 * length {@code n}; a 2-D block is {@code rows x cols} with row stride {@code ld} and unit column
 * stride, element {@code (r, c)} at {@code a[off + r*ld + c]}. Implementations run on the caller's
 * thread and trust their arguments (only {@code assert}); {@link FloatReductions} validates them
 * once, splits large work over threads and documents the summation order and the special values.
 *
 * <p>Indices returned by the arg-forms are relative: to {@code off} for a range, the element
 * number {@code k} (element {@code off + k*stride}) for a strided range, the column within its row
 * for the row forms, the row for the column forms. The max/min/arg forms need at least one
 * element. Outputs of the row and column reductions must not overlap the input block; the softmax
 * outputs may be the input block itself (same array, offset and leading dimension).
 */
public interface FloatReductionKernels {
    /** {@code sum_i a[off+i]} for {@code i < n}; 0 when n == 0. */
    float sum(float[] a, int off, int n);

    /** {@code sum_i a[aOff+i] * b[bOff+i]}, each product fused with its addition (fma). */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /** {@code sum_i a[off+i]^2}, each square fused with its addition (fma). */
    float sumSquares(float[] a, int off, int n);

    /** Largest element, NaN if any element is NaN ({@link Math#max} semantics); n >= 1. */
    float max(float[] a, int off, int n);

    /** Smallest element, NaN if any element is NaN ({@link Math#min} semantics); n >= 1. */
    float min(float[] a, int off, int n);

    /** Index of the first largest element, or of the first NaN if there is one; n >= 1. */
    int argmax(float[] a, int off, int n);

    /** Index of the first smallest element, or of the first NaN if there is one; n >= 1. */
    int argmin(float[] a, int off, int n);

    /** {@link #sum} of the n elements {@code a[off + k*stride]}. */
    float sumStrided(float[] a, int off, int stride, int n);

    /** {@link #max} of the n elements {@code a[off + k*stride]}; n >= 1. */
    float maxStrided(float[] a, int off, int stride, int n);

    /** {@link #min} of the n elements {@code a[off + k*stride]}; n >= 1. */
    float minStrided(float[] a, int off, int stride, int n);

    /** {@link #argmax} of the n elements {@code a[off + k*stride]}: the k; n >= 1. */
    int argmaxStrided(float[] a, int off, int stride, int n);

    /** {@link #argmin} of the n elements {@code a[off + k*stride]}: the k; n >= 1. */
    int argminStrided(float[] a, int off, int stride, int n);

    /** {@code out[outOff + r] = sum(row r)} for {@code r < rows}, each row as {@link #sum}. */
    void sumRows(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff);

    /** {@code out[outOff + c] = ((0 + a(0,c)) + a(1,c)) + ... + a(rows-1,c)}, in row order. */
    void sumColumns(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff);

    /** {@code out[outOff + r] = max(row r)}; cols >= 1 when rows >= 1. */
    void maxRows(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff);

    /** {@code out[outOff + c] = max(column c)}; rows >= 1 when cols >= 1. */
    void maxColumns(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff);

    /** {@code out[outOff + r] = min(row r)}; cols >= 1 when rows >= 1. */
    void minRows(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff);

    /** {@code out[outOff + c] = min(column c)}; rows >= 1 when cols >= 1. */
    void minColumns(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff);

    /** {@code out[outOff + r] = argmax(row r)} (a column index); cols >= 1 when rows >= 1. */
    void argmaxRows(float[] a, int off, int rows, int cols, int ld, int[] out, int outOff);

    /** {@code out[outOff + c] = argmax(column c)} (a row index); rows >= 1 when cols >= 1. */
    void argmaxColumns(float[] a, int off, int rows, int cols, int ld, int[] out, int outOff);

    /** {@code out[outOff + r] = argmin(row r)} (a column index); cols >= 1 when rows >= 1. */
    void argminRows(float[] a, int off, int rows, int cols, int ld, int[] out, int outOff);

    /** {@code out[outOff + c] = argmin(column c)} (a row index); rows >= 1 when cols >= 1. */
    void argminColumns(float[] a, int off, int rows, int cols, int ld, int[] out, int outOff);

    /**
     * Row-wise softmax: {@code out(r,c) = exp(a(r,c) - m_r) / sum_c' exp(a(r,c') - m_r)} with
     * {@code m_r} the row max. Out is {@code rows x cols} at {@code outOff} with row stride ldOut.
     */
    void softmaxRows(float[] a, int off, int rows, int cols, int lda, float[] out, int outOff, int ldOut);

    /** Row-wise log-softmax: {@code out(r,c) = a(r,c) - m_r - log(sum_c' exp(a(r,c') - m_r))}. */
    void logSoftmaxRows(float[] a, int off, int rows, int cols, int lda, float[] out, int outOff, int ldOut);

    /**
     * {@code out[outOff + r] = log(sum_c exp(a(r,c) - s_r)) + s_r}, where {@code s_r} is the row
     * max, or 0 when that max is infinite (as torch.logsumexp does); -inf for an empty row.
     */
    void logSumExpRows(float[] a, int off, int rows, int cols, int lda, float[] out, int outOff);
}
