package io.simdgrad.simd;

/**
 * Matrix multiply on row-major {@code float} blocks: {@code C = alpha*op(A)*op(B) + beta*C},
 * single and batched. Validates the arguments once, gives each thread at least
 * {@value #PARALLEL_MIN_FLOPS} flops of a product (up to {@link Simd#maxThreads()} threads of
 * the common pool, the caller's included; work is split over blocks of C, never over k), and
 * calls the Vector API kernel ({@link VectorFloatGemm}) or, with {@code -Dsimdgrad.simd=scalar},
 * the naive loop ({@link ScalarFloatGemm}).
 *
 * <p>Results do not depend on the thread count: the vector kernel computes each element of C
 * the same way in any block (see {@link VectorFloatGemm}). Against the exact product the error
 * of an element is at most about {@code k * ulp(1) * |alpha| * sum_p |op(A)[i][p]| |op(B)[p][j]|}
 * plus a few ulps of the beta term, as for any summation in {@code float}.
 */
public final class FloatGemm {
    /** The kernels every call uses: Vector API, or the scalar twin when Simd.SCALAR. */
    static final FloatGemmKernels IMPL = Simd.SCALAR ? new ScalarFloatGemm() : VectorKernels.FLOAT_GEMM;

    /**
     * A thread gets at least this many flops (2mnk) of a product: ~10 µs of work, against the
     * few µs a hand-off to a spinning helper costs (a parked helper can take ~50 µs to wake on a
     * VM; the kernel's dynamic task split makes that cost only the helper's share). Measured
     * f32 N = 128 on two threads, Zen 5: 213 GFLOP/s with one thread (at 2^22), 349 split.
     */
    public static final long PARALLEL_MIN_FLOPS = 1L << 21;

    private static final FloatGemmKernels SCALAR = new ScalarFloatGemm();

    private FloatGemm() {}

    /**
     * Whether a product over {@code k} writes each element of C once, as
     * {@code fma(acc, alpha, beta*C)} from one float accumulator {@code acc} of the whole sum:
     * true up to the vector kernel's k chunk (256; longer sums are added
     * into C chunk by chunk), and always for the scalar twin. Then {@code C += alpha*AB} in one
     * call equals, bit for bit, the product followed by {@code axpy(alpha, AB, C)}.
     */
    public static boolean updatesOnce(int k) {
        return Simd.SCALAR || k <= VectorFloatGemm.KC;
    }

    /** The naive scalar kernel, without argument checks: the oracle and benchmark baseline. */
    public static FloatGemmKernels scalar() {
        return SCALAR;
    }

    /**
     * The Vector API kernel, without argument checks.
     *
     * @throws UnsupportedOperationException without {@code --add-modules jdk.incubator.vector}
     */
    public static FloatGemmKernels vector() {
        Simd.requireVectorApi("FloatGemm.vector()");
        return VectorKernels.FLOAT_GEMM;
    }

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, where op(A) is m x k, op(B) is k x n and C is
     * m x n, all row-major: {@code op(A)[i][p] = a[aOff + i*lda + p]}, or {@code a[aOff + p*lda + i]}
     * when {@code transA} (A stored k x m); likewise B with {@code transB}; {@code C[i][j] =
     * c[cOff + i*ldc + j]}. Modifies the m x n block of {@code c} only. When {@code beta == 0}, C is
     * not read (NaN or garbage in C is overwritten, as in BLAS); when {@code k == 0} or
     * {@code alpha == 0}, A and B are not read and {@code C = beta * C}. C must not overlap A or B.
     *
     * @throws IllegalArgumentException if a dimension is negative or a leading dimension is
     *         smaller than its stored row length
     * @throws IndexOutOfBoundsException if a block does not fit inside its array
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        String kernel = "gemm";
        checkDims(kernel, m, n, k);
        checkBlock(kernel, "A", transA, a.length, aOff, m, k, lda);
        checkBlock(kernel, "B", transB, b.length, bOff, k, n, ldb);
        checkBlock(kernel, "C", false, c.length, cOff, m, n, ldc);
        run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * Batched {@link #gemm}: for {@code t < batch}, {@code C_t = alpha * op(A_t) * op(B_t) + beta * C_t}
     * with {@code A_t} at offset {@code aOff + t*strideA}, {@code B_t} at {@code bOff + t*strideB},
     * {@code C_t} at {@code cOff + t*strideC} (each block as in {@link #gemm}). A stride of 0
     * broadcasts that operand over the batch (one weight matrix for every item); the C blocks of
     * different items must not overlap. Modifies the batch's C blocks only.
     *
     * @throws IllegalArgumentException for a negative dimension or stride, a leading dimension
     *         smaller than its row length, or overlapping C blocks
     * @throws IndexOutOfBoundsException if a block of some item does not fit inside its array
     */
    public static void gemmBatched(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
                                   float[] a, int aOff, int strideA, int lda,
                                   float[] b, int bOff, int strideB, int ldb,
                                   float beta, float[] c, int cOff, int strideC, int ldc) {
        String kernel = "gemmBatched";
        if (batch < 0) throw new IllegalArgumentException(kernel + ": batch must be >= 0, got " + batch);
        checkDims(kernel, m, n, k);
        checkBatch(kernel, "A", transA, a.length, aOff, strideA, batch, m, k, lda);
        checkBatch(kernel, "B", transB, b.length, bOff, strideB, batch, k, n, ldb);
        checkBatch(kernel, "C", false, c.length, cOff, strideC, batch, m, n, ldc);
        if (batch > 1 && m > 0 && n > 0 && strideC < (long) (m - 1) * ldc + n) {
            throw new IllegalArgumentException(kernel + ": C stride " + strideC + " makes the " + m + " x " + n
                    + " blocks (leading dimension " + ldc + ") of the batch overlap; expected >= "
                    + ((long) (m - 1) * ldc + n));
        }
        if (batch == 0 || m == 0 || n == 0) return;
        long flops = 2L * m * n * k;
        int parts = Parallel.parts(flops * batch, PARALLEL_MIN_FLOPS);
        // Whole items per thread when there are enough to share out, else each item split over C.
        if (parts > 1 && batch >= 2 * parts) {
            Parallel.dynamic(batch, parts, t -> IMPL.gemm(transA, transB, m, n, k, alpha, a, aOff + t * strideA, lda,
                    b, bOff + t * strideB, ldb, beta, c, cOff + t * strideC, ldc));
        } else {
            for (int t = 0; t < batch; t++) {
                run(transA, transB, m, n, k, alpha, a, aOff + t * strideA, lda,
                        b, bOff + t * strideB, ldb, beta, c, cOff + t * strideC, ldc);
            }
        }
    }

    /** One product, on as many threads as its size warrants, unchecked (for the convolution kernels). */
    static void run(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        int parts = Parallel.parts(2L * m * n * k, PARALLEL_MIN_FLOPS);
        if (parts <= 1) {
            IMPL.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            IMPL.gemmParallel(parts, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    private static void checkDims(String kernel, int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(kernel + ": dimensions must be >= 0, got m=" + m + ", n=" + n
                    + ", k=" + k);
        }
    }

    /**
     * Checks the stored block of an operand whose op() is rows x cols: stored cols x rows when
     * transposed, and its leading dimension at least the stored row length.
     */
    private static void checkBlock(String kernel, String name, boolean trans, int length, int off,
                                   int rows, int cols, int ld) {
        int storedRows = trans ? cols : rows, storedCols = trans ? rows : cols;
        if (ld < storedCols) {
            throw new IllegalArgumentException(kernel + ": " + name + " leading dimension " + ld
                    + " is smaller than its stored row length " + storedCols + " (" + name + " is stored "
                    + storedRows + " x " + storedCols + (trans ? ", transposed" : "") + ")");
        }
        Checks.block(kernel, name, length, off, storedRows, storedCols, ld);
    }

    /** Checks the first and the last item's block: offsets grow linearly, so all lie between. */
    private static void checkBatch(String kernel, String name, boolean trans, int length, int off, int stride,
                                   int batch, int rows, int cols, int ld) {
        if (stride < 0) {
            throw new IllegalArgumentException(kernel + ": " + name + " stride must be >= 0, got " + stride);
        }
        checkBlock(kernel, name, trans, length, off, rows, cols, ld);
        if (batch <= 1) return;
        long last = off + (long) stride * (batch - 1);
        boolean empty = rows == 0 || cols == 0;
        if (!empty && last > Integer.MAX_VALUE) {
            throw new IndexOutOfBoundsException(kernel + ": " + name + " block of item " + (batch - 1)
                    + " starts at " + last + ", outside the array of length " + length);
        }
        if (!empty) checkBlock(kernel, name + " (item " + (batch - 1) + ")", trans, length, (int) last, rows, cols, ld);
    }
}
