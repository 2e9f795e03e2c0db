package io.simdgrad.simd;

/**
 * General matrix multiply on row-major {@code float} blocks: {@code C = alpha*op(A)*op(B) + beta*C},
 * {@code op(X)} being X or its transpose. {@link #gemm} runs on the caller's thread; both methods trust
 * their arguments; {@link FloatGemm} validates them once and picks the thread count.
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

    /**
     * {@link #gemm} on up to {@code threads} threads of the common pool (the caller's included),
     * split over blocks of C only, never over k. This default cuts the rows (or, for a wide C,
     * the columns) of C into one contiguous piece per thread.
     */
    default void gemmParallel(int threads, boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
        if (m >= n) {
            Parallel.run(m, threads, 1, (s, e) -> gemm(transA, transB, e - s, n, k, alpha,
                    a, aOff + s * (transA ? 1 : lda), lda, b, bOff, ldb, beta, c, cOff + s * ldc, ldc));
        } else {
            Parallel.run(n, threads, 1, (s, e) -> gemm(transA, transB, m, e - s, k, alpha,
                    a, aOff, lda, b, bOff + s * (transB ? ldb : 1), ldb, beta, c, cOff + s, ldc));
        }
    }
}
