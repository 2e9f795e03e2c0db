package io.simdgrad.simd;

/**
 * The kernels of one primitive type behind {@code Object} arrays, so that code above {@code simd}
 * picks the type once (per tensor storage, or per bound call) instead of pairing a
 * {@code float[]} and a {@code double[]} call at every site. {@link #FLOAT} and {@link #DOUBLE}
 * forward to the checked facades ({@link FloatElementwise}, {@link FloatLayout},
 * {@link FloatReductions}, {@link FloatGemm} and their double twins), which validate every range;
 * an array of the other type fails with {@link ClassCastException}. Scalars arrive as
 * {@code double} and are rounded to the array type once, as the facades' callers did.
 */
public interface ArrayKernels {
    /** The {@code float[]} kernels. */
    ArrayKernels FLOAT = FloatArrayKernels.INSTANCE;
    /** The {@code double[]} kernels. */
    ArrayKernels DOUBLE = DoubleArrayKernels.INSTANCE;

    /** A new zeroed array of this type. */
    Object allocate(int n);

    /** {@code out[oo+i] = v}. */
    void fill(double v, Object out, int oo, int n);

    /** {@code dst[do+i] = src[so+i]}. */
    void copy(Object src, int so, Object dst, int dstOff, int n);

    /** {@code dst[do+i] = src[so+i*stride]}. */
    void gather(Object src, int so, int stride, Object dst, int dstOff, int n);

    /** See {@link FloatLayout#transpose}. */
    void transpose(Object src, int so, int rows, int cols, int srcLd, Object dst, int dstOff, int dstLd);

    /** {@code out = a op b} elementwise. */
    void binary(BinaryOp op, Object a, int ao, Object b, int bo, Object out, int oo, int n);

    /** {@code out = a op s}. */
    void binaryScalar(BinaryOp op, Object a, int ao, double s, Object out, int oo, int n);

    /** {@code out = s op b}. */
    void scalarBinary(BinaryOp op, double s, Object b, int bo, Object out, int oo, int n);

    /** {@code out = op(a; p, q, r)}, the parameters rounded to the array type. */
    void unaryParam(UnaryParamOp op, Object a, int ao, double p, double q, double r, Object out, int oo, int n);

    /** {@code out = op(a)}. */
    void unary(UnaryOp op, Object a, int ao, Object out, int oo, int n);

    /** {@code out = a op b ? 1 : 0}. */
    void compare(CompareOp op, Object a, int ao, Object b, int bo, Object out, int oo, int n);

    /** {@code out = a op s ? 1 : 0}. */
    void compareScalar(CompareOp op, Object a, int ao, double s, Object out, int oo, int n);

    /** {@code out = mask != 0 ? a : b}. */
    void where(Object mask, int mo, Object a, int ao, Object b, int bo, Object out, int oo, int n);

    /** {@code out = min(max(a, lo), hi)}. */
    void clamp(Object a, int ao, double lo, double hi, Object out, int oo, int n);

    /** torch.lerp with a scalar weight ({@link FloatElementwise#lerp}). */
    void lerp(Object a, int ao, Object b, int bo, double w, Object out, int oo, int n);

    /** Adam's second moment ({@link FloatElementwise#expAvgSq}). */
    void expAvgSq(Object v, int vo, double beta2, Object g, int go, double value, Object out, int oo, int n);

    /** Adam's update ({@link FloatElementwise#adamStep}). */
    void adamStep(Object p, int po, Object m, int mo, Object v, int vo, double negStep, double bc2, double eps, Object out, int oo, int n);

    /** {@code y += alpha * x}. */
    void axpy(double alpha, Object x, int xo, Object y, int yo, int n);

    /** The {@code op} reduction of n contiguous elements (sum: the fixed summation order of {@link FloatReductions#reduce}; max/min: NaN if any is NaN, n >= 1). */
    double reduce(ReduceOp op, Object a, int off, int n);

    /** Inner product. */
    double dot(Object a, int ao, Object b, int bo, int n);

    /** Sum of squares. */
    double sumSquares(Object a, int off, int n);

    /** Index of the first largest ({@code op} MAX) or smallest (MIN) element, or of the first NaN. */
    int argReduce(ReduceOp op, Object a, int off, int n);

    /** {@code out[oo+r] = op over the row r} of a rows x cols block with leading dimension ld. */
    void reduceRows(ReduceOp op, Object a, int off, int rows, int cols, int ld, Object out, int oo);

    /** {@code out[oo+c] = op over the column c} of a rows x cols block with leading dimension ld. */
    void reduceColumns(ReduceOp op, Object a, int off, int rows, int cols, int ld, Object out, int oo);

    /** Index of the first largest (MAX) or smallest (MIN) element of each row, or of its first NaN. */
    void argReduceRows(ReduceOp op, Object a, int off, int rows, int cols, int ld, int[] out, int oo);

    /** Index of the first largest (MAX) or smallest (MIN) element of each column, or of its first NaN. */
    void argReduceColumns(ReduceOp op, Object a, int off, int rows, int cols, int ld, int[] out, int oo);

    /** Row-wise softmax ({@code log}: log-softmax). */
    void softmaxRows(boolean log, Object a, int off, int rows, int cols, int lda, Object out, int oo, int ldOut);

    /** Row-wise {@code log(sum(exp(row)))}. */
    void logSumExpRows(Object a, int off, int rows, int cols, int lda, Object out, int oo);

    /**
     * An activation's first-order gradient in one pass, {@code out = g * f'}: GELU and GELU_TANH
     * from the input {@code a} ({@link FloatElementwise#geluBackward}), RELU, SIGMOID and TANH from
     * the output ({@link FloatElementwise#reluBackward}, {@link FloatElementwise#sigmoidBackward},
     * {@link FloatElementwise#tanhBackward}; a ReLU output is positive exactly where its input is).
     * Other kinds fail.
     */
    void unaryBackward(UnaryOp kind, Object a, int ao, Object g, int go, Object out, int oo, int n);

    /** See {@link FloatNorm#layerNormRows}. */
    void layerNormRows(Object x, int xo, int rows, int cols, Object w, int wo, Object b, int bo, double eps, Object y, int yo);

    /** See {@link FloatNorm#layerNormBackwardRows}. */
    void layerNormBackwardRows(Object g, int go, Object x, int xo, int rows, int cols, Object w, int wo, double eps,
                               Object dx, int dxo, Object dw, int dwo, Object db, int dbo);

    /**
     * {@code out[o + (b·width + i)·inner + j] = a[ao + (b·size + idx[io + (b·width + i)·inner + j])·inner + j]}
     * for {@code b < outer, i < width, j < inner}: torch.gather along the middle dim of contiguous
     * {@code [outer, size, inner]} data with an index of shape {@code [outer, width, inner]}.
     * Each index is checked as it is read, in row-major order (one pass over the index, not two):
     * returns the position {@code (b·width + i)·inner + j} of the first index outside
     * {@code [0, size)}, with the elements before it written, or -1 when all were in range.
     */
    int gatherAlong(Object a, int ao, long[] idx, int io, Object out, int oo, int outer, int width, int size, int inner);

    /**
     * {@code out[oo + (b·size + idx[io + p])·inner + j] += src[so + p]} with
     * {@code p = (b·width + i)·inner + j}, in row-major order of p: torch.scatter_add along the
     * middle dim of contiguous {@code [outer, size, inner]} data, index and src both contiguous
     * {@code [outer, width, inner]}. Checks the indices as {@link #gatherAlong} does: returns the
     * position of the first index outside {@code [0, size)} (the earlier ones added) or -1.
     */
    int scatterAddAlong(Object src, int so, long[] idx, int io, Object out, int oo, int outer, int width, int size, int inner);

    /**
     * {@code out[oo + (b·m + j)·inner + t] = a[ao + (b·size + idx[io + j])·inner + t]} for
     * {@code b < outer, j < m, t < inner}: torch.index_select along the middle dim of contiguous
     * {@code [outer, size, inner]} data with m indices. Each index is checked as it is read:
     * returns the position j of the first index outside {@code [0, size)} (some rows written) or -1.
     */
    int indexSelect(Object a, int ao, long[] idx, int io, int m, Object out, int oo, int outer, int size, int inner);

    /** See {@link FloatGemm#updatesOnce}: whether a GEMM with inner dimension k adds into C in one pass. */
    boolean gemmUpdatesOnce(int k);

    /** See {@link FloatGemm#gemmBatched}. */
    void gemmBatched(boolean transA, boolean transB, int batch, int m, int n, int k, double alpha,
                     Object a, int aOff, int strideA, int lda, Object b, int bOff, int strideB, int ldb,
                     double beta, Object c, int cOff, int strideC, int ldc);

    // --- linear algebra (FloatLinalg)

    /** See {@link FloatLinalg#potrf}. */
    int potrf(int n, Object a, int off, int lda);

    /** See {@link FloatLinalg#trsm}. */
    void trsm(boolean upper, boolean transA, boolean unit, int m, int n, Object a, int aOff, int lda, Object b, int bOff, int ldb);

    /** See {@link FloatLinalg#getrf}. */
    int getrf(int n, Object a, int off, int lda, int[] piv, int pivOff);

    /** See {@link FloatLinalg#getrs}. */
    void getrs(boolean transA, int n, int m, Object lu, int luOff, int ldlu, int[] piv, int pivOff, Object b, int bOff, int ldb);

    /** See {@link FloatLinalg#permuteRows}. */
    void permuteRows(boolean inverse, int n, int m, int[] piv, int pivOff, Object b, int bOff, int ldb);

    /** See {@link FloatLinalg#geqrf}. */
    void geqrf(int m, int n, Object a, int off, int lda, Object tau, int tauOff);

    /** See {@link FloatLinalg#orgqr}. */
    void orgqr(int m, int qc, int k, Object a, int off, int lda, Object tau, int tauOff, Object q, int qOff, int ldq);

    /** See {@link FloatLinalg#syev}. */
    int syev(boolean vectors, int n, Object a, int off, int lda, Object w, int wOff);

    /** See {@link FloatLinalg#gesvd}; {@code u} and {@code vt} may be null. */
    int gesvd(int m, int n, Object a, int off, int lda, Object s, int sOff, Object u, int uOff, int ldu, int uCols,
              Object vt, int vtOff, int ldvt, int vtRows);
    /** The convolution, pooling and padding kernels of this type. */
    ConvArrayKernels conv();
}
