package io.simdgrad.simd;

/**
 * Layer normalisation over the rows of a contiguous {@code float} block (PyTorch's
 * {@code native_layer_norm} and its backward; formulas in {@link FloatNormKernels}). Validates the
 * arguments once, splits rows over up to {@link Simd#maxThreads()} threads from
 * {@link Parallel#ELEMENTWISE_THRESHOLD} elements on, and calls {@link VectorFloatNorm} (or,
 * under {@code -Dsimdgrad.simd=scalar}, {@link ScalarFloatNorm}).
 *
 * <p>The weight and bias gradients are sums over rows: they are added in blocks of
 * {@link #BLOCK} rows (each block from +0, row after row), then the blocks in order, so the
 * results are the same bits for any thread count.
 */
public final class FloatNorm {
    /** Rows per block of the weight and bias gradient sums. */
    public static final int BLOCK = 64;

    private static final FloatNormKernels SCALAR = new ScalarFloatNorm();
    private static final FloatNormKernels IMPL = Simd.SCALAR ? SCALAR : VectorKernels.FLOAT_NORM;
    private static final int PER_THREAD = Parallel.ELEMENTWISE_THRESHOLD / 2;

    private FloatNorm() {}

    /** The plain-loop kernels (no checks, one thread): the oracle and benchmark baseline. */
    public static FloatNormKernels scalar() {
        return SCALAR;
    }

    /**
     * The Vector API kernels (no checks, one thread).
     *
     * @throws UnsupportedOperationException without {@code --add-modules jdk.incubator.vector}
     */
    public static FloatNormKernels vector() {
        Simd.requireVectorApi("FloatNorm.vector()");
        return VectorKernels.FLOAT_NORM;
    }

    private static void check(String kernel, String name, float[] a, int off, int rows, int cols) {
        Checks.block(kernel, name, a.length, off, rows, cols, cols);
    }

    /**
     * {@code y(r,c) = (x(r,c) - mean_r) / sqrt(var_r + eps) * w[c] + b[c]} over the rows of the
     * contiguous {@code rows x cols} block at {@code xOff}; writes only the block of y (which may
     * be x itself).
     */
    public static void layerNormRows(float[] x, int xOff, int rows, int cols, float[] w, int wOff, float[] b, int bOff, float eps,
                                     float[] y, int yOff) {
        String k = "layerNormRows";
        check(k, "x", x, xOff, rows, cols);
        Checks.range(k, "w", w.length, wOff, cols);
        Checks.range(k, "b", b.length, bOff, cols);
        check(k, "y", y, yOff, rows, cols);
        long n = (long) rows * cols;
        if (Parallel.parts(n, PER_THREAD) <= 1) IMPL.layerNormRows(x, xOff, rows, cols, w, wOff, b, bOff, eps, y, yOff, null, 0);
        else Parallel.run(rows, Parallel.parts(n, PER_THREAD), 1,
                (s, e) -> IMPL.layerNormRows(x, xOff + s * cols, e - s, cols, w, wOff, b, bOff, eps, y, yOff + s * cols, null, 0));
    }

    /**
     * The gradients of {@link #layerNormRows} for the output gradient g: dx over the block at
     * {@code dxOff} (must not overlap g or x), and {@code dw[c] = sum_r g(r,c) xhat(r,c)},
     * {@code db[c] = sum_r g(r,c)} written (not added) at {@code dwOff} and {@code dbOff}.
     */
    public static void layerNormBackwardRows(float[] g, int gOff, float[] x, int xOff, int rows, int cols, float[] w, int wOff,
                                             float eps, float[] dx, int dxOff, float[] dw, int dwOff, float[] db, int dbOff) {
        String k = "layerNormBackwardRows";
        check(k, "g", g, gOff, rows, cols);
        check(k, "x", x, xOff, rows, cols);
        Checks.range(k, "w", w.length, wOff, cols);
        check(k, "dx", dx, dxOff, rows, cols);
        Checks.range(k, "dw", dw.length, dwOff, cols);
        Checks.range(k, "db", db.length, dbOff, cols);
        int blocks = rows == 0 ? 0 : (rows - 1) / BLOCK + 1;
        if (blocks <= 1) {
            java.util.Arrays.fill(dw, dwOff, dwOff + cols, 0);
            java.util.Arrays.fill(db, dbOff, dbOff + cols, 0);
            IMPL.layerNormBackwardRows(g, gOff, x, xOff, rows, cols, w, wOff, eps, dx, dxOff, dw, dwOff, db, dbOff);
            return;
        }
        // block j's dw at part[2j cols], its db right after
        float[] part = new float[Math.multiplyExact(Math.multiplyExact(2, blocks), cols)];
        long n = (long) rows * cols;
        Parallel.run(blocks, Parallel.parts(n, PER_THREAD), 1, (s, e) -> {
            for (int j = s; j < e; j++) {
                int r0 = j * BLOCK, m = Math.min(BLOCK, rows - r0);
                IMPL.layerNormBackwardRows(g, gOff + r0 * cols, x, xOff + r0 * cols, m, cols, w, wOff, eps, dx, dxOff + r0 * cols,
                        part, 2 * j * cols, part, (2 * j + 1) * cols);
            }
        });
        System.arraycopy(part, 0, dw, dwOff, cols);
        System.arraycopy(part, cols, db, dbOff, cols);
        for (int j = 1; j < blocks; j++) {
            FloatElementwise.binary(BinaryOp.ADD, dw, dwOff, part, 2 * j * cols, dw, dwOff, cols);
            FloatElementwise.binary(BinaryOp.ADD, db, dbOff, part, (2 * j + 1) * cols, db, dbOff, cols);
        }
    }
}
