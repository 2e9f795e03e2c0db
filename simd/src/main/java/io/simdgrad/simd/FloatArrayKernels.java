package io.simdgrad.simd;

/** {@link ArrayKernels} on {@code float[]}: each method casts once and calls the checked facade. */
final class FloatArrayKernels implements ArrayKernels {
    static final FloatArrayKernels INSTANCE = new FloatArrayKernels();

    private FloatArrayKernels() {}

    @Override public Object allocate(int n) { return new float[n]; }
    @Override public void fill(double v, Object out, int oo, int n) { FloatElementwise.fill((float) v, (float[]) out, oo, n); }
    @Override public void copy(Object src, int so, Object dst, int dstOff, int n) { FloatLayout.copy((float[]) src, so, (float[]) dst, dstOff, n); }
    @Override public void gather(Object src, int so, int stride, Object dst, int dstOff, int n) {
        FloatLayout.gather((float[]) src, so, stride, (float[]) dst, dstOff, n);
    }
    @Override public void transpose(Object src, int so, int rows, int cols, int srcLd, Object dst, int dstOff, int dstLd) {
        FloatLayout.transpose((float[]) src, so, rows, cols, srcLd, (float[]) dst, dstOff, dstLd);
    }
    @Override public void binary(BinaryOp op, Object a, int ao, Object b, int bo, Object out, int oo, int n) {
        FloatElementwise.binary(op, (float[]) a, ao, (float[]) b, bo, (float[]) out, oo, n);
    }
    @Override public void binaryScalar(BinaryOp op, Object a, int ao, double s, Object out, int oo, int n) {
        FloatElementwise.binaryScalar(op, (float[]) a, ao, (float) s, (float[]) out, oo, n);
    }
    @Override public void scalarBinary(BinaryOp op, double s, Object b, int bo, Object out, int oo, int n) {
        FloatElementwise.scalarBinary(op, (float) s, (float[]) b, bo, (float[]) out, oo, n);
    }
    @Override public void unary(UnaryOp op, Object a, int ao, Object out, int oo, int n) {
        FloatElementwise.unary(op, (float[]) a, ao, (float[]) out, oo, n);
    }
    @Override public void unaryParam(UnaryParamOp op, Object a, int ao, double p, double q, double r, Object out, int oo, int n) {
        FloatElementwise.unaryParam(op, (float[]) a, ao, (float) p, (float) q, (float) r, (float[]) out, oo, n);
    }
    @Override public void compare(CompareOp op, Object a, int ao, Object b, int bo, Object out, int oo, int n) {
        FloatElementwise.compare(op, (float[]) a, ao, (float[]) b, bo, (float[]) out, oo, n);
    }
    @Override public void compareScalar(CompareOp op, Object a, int ao, double s, Object out, int oo, int n) {
        FloatElementwise.compareScalar(op, (float[]) a, ao, (float) s, (float[]) out, oo, n);
    }
    @Override public void where(Object mask, int mo, Object a, int ao, Object b, int bo, Object out, int oo, int n) {
        FloatElementwise.where((float[]) mask, mo, (float[]) a, ao, (float[]) b, bo, (float[]) out, oo, n);
    }
    @Override public void clamp(Object a, int ao, double lo, double hi, Object out, int oo, int n) {
        FloatElementwise.clamp((float[]) a, ao, (float) lo, (float) hi, (float[]) out, oo, n);
    }
    @Override public void lerp(Object a, int ao, Object b, int bo, double w, Object out, int oo, int n) {
        FloatElementwise.lerp((float[]) a, ao, (float[]) b, bo, (float) w, (float[]) out, oo, n);
    }
    @Override public void expAvgSq(Object v, int vo, double beta2, Object g, int go, double value, Object out, int oo, int n) {
        FloatElementwise.expAvgSq((float[]) v, vo, (float) beta2, (float[]) g, go, (float) value, (float[]) out, oo, n);
    }
    @Override public void adamStep(Object p, int po, Object m, int mo, Object v, int vo, double negStep, double bc2, double eps, Object out, int oo, int n) {
        FloatElementwise.adamStep((float[]) p, po, (float[]) m, mo, (float[]) v, vo, (float) negStep, (float) bc2, (float) eps, (float[]) out, oo, n);
    }
    @Override public void axpy(double alpha, Object x, int xo, Object y, int yo, int n) {
        FloatElementwise.axpy((float) alpha, (float[]) x, xo, (float[]) y, yo, n);
    }
    @Override public void unaryBackward(UnaryOp kind, Object a, int ao, Object g, int go, Object out, int oo, int n) {
        float[] x = (float[]) a, gr = (float[]) g, o = (float[]) out;
        switch (kind) {
            case GELU, GELU_TANH -> FloatElementwise.geluBackward(kind == UnaryOp.GELU_TANH, x, ao, gr, go, o, oo, n);
            case RELU -> FloatElementwise.reluBackward(x, ao, gr, go, o, oo, n);
            case SIGMOID -> FloatElementwise.sigmoidBackward(x, ao, gr, go, o, oo, n);
            case TANH -> FloatElementwise.tanhBackward(x, ao, gr, go, o, oo, n);
            default -> throw new IllegalArgumentException("unaryBackward: no fused backward for " + kind);
        }
    }
    @Override public void layerNormRows(Object x, int xo, int rows, int cols, Object w, int wo, Object b, int bo, double eps, Object y, int yo) {
        FloatNorm.layerNormRows((float[]) x, xo, rows, cols, (float[]) w, wo, (float[]) b, bo, (float) eps, (float[]) y, yo);
    }
    @Override public void layerNormBackwardRows(Object g, int go, Object x, int xo, int rows, int cols, Object w, int wo, double eps,
                                                Object dx, int dxo, Object dw, int dwo, Object db, int dbo) {
        FloatNorm.layerNormBackwardRows((float[]) g, go, (float[]) x, xo, rows, cols, (float[]) w, wo, (float) eps,
                (float[]) dx, dxo, (float[]) dw, dwo, (float[]) db, dbo);
    }
    @Override public double reduce(ReduceOp op, Object a, int off, int n) { return FloatReductions.reduce(op, (float[]) a, off, 1, n); }
    @Override public double dot(Object a, int ao, Object b, int bo, int n) { return FloatReductions.dot((float[]) a, ao, (float[]) b, bo, n); }
    @Override public double sumSquares(Object a, int off, int n) { return FloatReductions.sumSquares((float[]) a, off, n); }
    @Override public int argReduce(ReduceOp op, Object a, int off, int n) { return FloatReductions.argReduce(op, (float[]) a, off, 1, n); }
    @Override public void reduceRows(ReduceOp op, Object a, int off, int rows, int cols, int ld, Object out, int oo) {
        FloatReductions.reduceRows(op, (float[]) a, off, rows, cols, ld, (float[]) out, oo);
    }
    @Override public void reduceColumns(ReduceOp op, Object a, int off, int rows, int cols, int ld, Object out, int oo) {
        FloatReductions.reduceColumns(op, (float[]) a, off, rows, cols, ld, (float[]) out, oo);
    }
    @Override public void argReduceRows(ReduceOp op, Object a, int off, int rows, int cols, int ld, int[] out, int oo) {
        FloatReductions.argReduceRows(op, (float[]) a, off, rows, cols, ld, out, oo);
    }
    @Override public void argReduceColumns(ReduceOp op, Object a, int off, int rows, int cols, int ld, int[] out, int oo) {
        FloatReductions.argReduceColumns(op, (float[]) a, off, rows, cols, ld, out, oo);
    }
    @Override public void softmaxRows(boolean log, Object a, int off, int rows, int cols, int lda, Object out, int oo, int ldOut) {
        if (log) FloatReductions.logSoftmaxRows((float[]) a, off, rows, cols, lda, (float[]) out, oo, ldOut);
        else FloatReductions.softmaxRows((float[]) a, off, rows, cols, lda, (float[]) out, oo, ldOut);
    }
    @Override public void logSumExpRows(Object a, int off, int rows, int cols, int lda, Object out, int oo) {
        FloatReductions.logSumExpRows((float[]) a, off, rows, cols, lda, (float[]) out, oo);
    }
    @Override public int gatherAlong(Object a, int ao, long[] idx, int io, Object out, int oo, int outer, int width, int size, int inner) {
        return FloatLayout.gatherAlong((float[]) a, ao, idx, io, (float[]) out, oo, outer, width, size, inner);
    }
    @Override public int scatterAddAlong(Object src, int so, long[] idx, int io, Object out, int oo, int outer, int width, int size, int inner) {
        return FloatLayout.scatterAddAlong((float[]) src, so, idx, io, (float[]) out, oo, outer, width, size, inner);
    }
    @Override public int indexSelect(Object a, int ao, long[] idx, int io, int m, Object out, int oo, int outer, int size, int inner) {
        return FloatLayout.indexSelect((float[]) a, ao, idx, io, m, (float[]) out, oo, outer, size, inner);
    }
    @Override public boolean gemmUpdatesOnce(int k) { return FloatGemm.updatesOnce(k); }
    @Override public void gemmBatched(boolean transA, boolean transB, int batch, int m, int n, int k, double alpha,
                                      Object a, int aOff, int strideA, int lda, Object b, int bOff, int strideB, int ldb,
                                      double beta, Object c, int cOff, int strideC, int ldc) {
        FloatGemm.gemmBatched(transA, transB, batch, m, n, k, (float) alpha, (float[]) a, aOff, strideA, lda,
                (float[]) b, bOff, strideB, ldb, (float) beta, (float[]) c, cOff, strideC, ldc);
    }

    // --- linear algebra
    @Override public int potrf(int n, Object a, int off, int lda) { return FloatLinalg.potrf(n, (float[]) a, off, lda); }
    @Override public void trsm(boolean upper, boolean transA, boolean unit, int m, int n, Object a, int aOff, int lda,
                               Object b, int bOff, int ldb) {
        FloatLinalg.trsm(upper, transA, unit, m, n, (float[]) a, aOff, lda, (float[]) b, bOff, ldb);
    }
    @Override public int getrf(int n, Object a, int off, int lda, int[] piv, int pivOff) {
        return FloatLinalg.getrf(n, (float[]) a, off, lda, piv, pivOff);
    }
    @Override public void getrs(boolean transA, int n, int m, Object lu, int luOff, int ldlu, int[] piv, int pivOff,
                                Object b, int bOff, int ldb) {
        FloatLinalg.getrs(transA, n, m, (float[]) lu, luOff, ldlu, piv, pivOff, (float[]) b, bOff, ldb);
    }
    @Override public void permuteRows(boolean inverse, int n, int m, int[] piv, int pivOff, Object b, int bOff, int ldb) {
        FloatLinalg.permuteRows(inverse, n, m, piv, pivOff, (float[]) b, bOff, ldb);
    }
    @Override public void geqrf(int m, int n, Object a, int off, int lda, Object tau, int tauOff) {
        FloatLinalg.geqrf(m, n, (float[]) a, off, lda, (float[]) tau, tauOff);
    }
    @Override public void orgqr(int m, int qc, int k, Object a, int off, int lda, Object tau, int tauOff, Object q, int qOff, int ldq) {
        FloatLinalg.orgqr(m, qc, k, (float[]) a, off, lda, (float[]) tau, tauOff, (float[]) q, qOff, ldq);
    }
    @Override public int syev(boolean vectors, int n, Object a, int off, int lda, Object w, int wOff) {
        return FloatLinalg.syev(vectors, n, (float[]) a, off, lda, (float[]) w, wOff);
    }
    @Override public int gesvd(int m, int n, Object a, int off, int lda, Object s, int sOff, Object u, int uOff, int ldu, int uCols,
                               Object vt, int vtOff, int ldvt, int vtRows) {
        return FloatLinalg.gesvd(m, n, (float[]) a, off, lda, (float[]) s, sOff, (float[]) u, uOff, ldu, uCols, (float[]) vt, vtOff, ldvt,
                vtRows);
    }
    @Override public ConvArrayKernels conv() { return FloatConvArrayKernels.INSTANCE; }
}
