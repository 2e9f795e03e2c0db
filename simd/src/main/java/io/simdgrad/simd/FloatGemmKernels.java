package io.simdgrad.simd;

/**
 * General matrix multiply on row-major {@code float} blocks: {@code C = alpha*op(A)*op(B) + beta*C},
 * {@code op(X)} being X or its transpose. Implementations run on the caller's thread and trust
 * their arguments; {@link FloatGemm} validates them once and splits large products over threads.
 */
public interface FloatGemmKernels {
    /**
     * {@code C[i][j] = alpha * sum_p op(A)[i][p] * op(B)[p][j] + beta * C[i][j]} for {@code i < m},
     * {@code j < n}, {@code p < k}; modifies only the m x n block of {@code c}.
     * {@code op(A)[i][p]} is {@code a[aOff + i*lda + p]}, or {@code a[aOff + p*lda + i]} when
     * {@code transA}; {@code op(B)[p][j]} is {@code b[bOff + p*ldb + j]}, or
     * {@code b[bOff + j*ldb + p]} when {@code transB}; {@code C[i][j]} is {@code c[cOff + i*ldc + j]}.
     * When {@code beta == 0}, C is not read (NaN in C is overwritten); when {@code k == 0} or
     * {@code alpha == 0}, A and B are not read and {@code C = beta*C}.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);
}
