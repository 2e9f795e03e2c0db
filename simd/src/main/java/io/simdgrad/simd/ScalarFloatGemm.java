package io.simdgrad.simd;

/**
 * The naive triple loop: each element of C is one dot product summed in {@code float} in
 * increasing {@code p}. It is the plain definition that the vector kernel is tested against
 * and the JMH baseline; it makes no attempt at speed (column access to B, no blocking).
 */
final class ScalarFloatGemm implements FloatGemmKernels {
    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        // op(X)[r][q] = x[off + r*rowStride + q*colStride]
        int aRow = transA ? 1 : lda, aCol = transA ? lda : 1;
        int bRow = transB ? 1 : ldb, bCol = transB ? ldb : 1;
        boolean skipProduct = k == 0 || alpha == 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int ci = cOff + i * ldc + j;
                float old = beta == 0 ? 0 : beta * c[ci];
                if (skipProduct) {
                    c[ci] = old;
                    continue;
                }
                float s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[aOff + i * aRow + p * aCol] * b[bOff + p * bRow + j * bCol];
                }
                // one rounding for the update, as the vector kernel's fma(acc, alpha, beta*C)
                c[ci] = beta == 0 ? alpha * s : Math.fma(alpha, s, old);
            }
        }
    }
}
