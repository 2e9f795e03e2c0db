package io.simdgrad.simd;

/**
 * Reductions and row-wise softmax on {@code float} arrays: sums, dot products, sums of squares,
 * max/min and their indices over a range, a strided range, or each row or column of a 2-D block;
 * softmax, log-softmax and logsumexp over the rows of a block. Validates the arguments once,
 * splits work of {@link Parallel#ELEMENTWISE_THRESHOLD} elements or more over up to
 * {@link Simd#maxThreads()} threads, and calls {@link VectorFloatReductions} (or, under
 * {@code -Dsimdgrad.simd=scalar}, {@link ScalarFloatReductions}).
 *
 * <h2>Summation order</h2>
 * {@link #reduce} with SUM (contiguous or strided), {@link #dot}, {@link #sumSquares} and
 * {@link #reduceRows} with SUM add in
 * one order, defined by element index alone, so their results are the same bits for any thread
 * count and any vector width (128, 256 or 512 bits):
 * <ol>
 *   <li>A range of n elements is cut into chunks of {@link #CHUNK} elements (the last may be
 *       shorter); with n &lt;= CHUNK there is one chunk.</li>
 *   <li>In a chunk of length m, {@link #PARTIALS} = P partial sums start at +0; partial j adds
 *       element {@code b*P + j} of each full block b, blocks in order ({@code m - m % P} elements).
 *       Then {@code p[j] += p[j + h]} for {@code j < h}, with h = P/2, P/4, ..., 1. Then the
 *       remaining {@code m % P} elements are added to {@code p[0]} one by one in index order.</li>
 *   <li>Chunk results combine in a fixed pairwise tree: chunk k and chunk k + w for every k that
 *       is a multiple of 2w, with w = 1, 2, 4, ... (threads compute chunks; the tree never
 *       depends on how many).</li>
 * </ol>
 * Dot products and sums of squares accumulate with {@code fma(a_i, b_i, acc)} in the partials
 * and the tail alike; the trees add. P is {@code 4 * 512 / Float.SIZE}: a multiple of every
 * lane count up to 512 bits, so each vector lane holds one partial and every width adds the
 * same numbers in the same order. Against the exact sum the error is at most about
 * {@code (n/P + log2 n + P) * u * sum |a_i|} (u = ulp(1)/2), below the {@code n * u * sum |a_i|}
 * of the sequential loop of {@link ScalarFloatReductions}; the tests hold the two within
 * {@code (n + 2P) * ulp(1) * sum |a_i|} of each other, not bit for bit. Max, min, the arg-forms
 * and the column sums (each column added in row order from +0) are exact in both.
 *
 * <h2>Special values</h2>
 * Sums follow IEEE arithmetic (a NaN, or +inf with -inf, gives NaN); a sum of nothing is +0.
 * MAX and MIN return NaN if any element is NaN and treat -0 as less than +0
 * ({@link Math#max}); {@link #argReduce} (MAX, MIN) returns the index of the first NaN if
 * there is one, else of the first largest (smallest) element, like torch. Reducing nothing with
 * max, min or an arg-form throws {@link IllegalArgumentException}.
 * Softmax and log-softmax give NaN for a whole row that holds a NaN or +inf or is all -inf;
 * {@link #logSumExpRows} gives -inf for an all -inf row and +inf for a row with +inf (no NaN),
 * as torch does.
 *
 * <p>Outputs of the row and column reductions must not overlap the input block. The softmax
 * outputs may be the input block itself (same array, offset and leading dimension).
 */
public final class FloatReductions {
    /** Partial sums P of the summation order: {@code 4 * 512 / Float.SIZE}. */
    public static final int PARTIALS = VectorFloatReductions.P;
    /** Elements per chunk of the summation order. */
    public static final int CHUNK = VectorFloatReductions.CHUNK;

    private static final FloatReductionKernels SCALAR = new ScalarFloatReductions();
    /** The kernels every call uses: Vector API, or the scalar twin when Simd.SCALAR. */
    static final FloatReductionKernels IMPL = Simd.SCALAR ? SCALAR : VectorKernels.FLOAT_REDUCTIONS;

    /** A thread gets at least this many elements. */
    private static final int PER_THREAD = Parallel.ELEMENTWISE_THRESHOLD / 2;

    private FloatReductions() {}

    /** The plain-loop kernels (no checks, one thread): the oracle and benchmark baseline. */
    public static FloatReductionKernels scalar() {
        return SCALAR;
    }

    /**
     * The Vector API kernels (no checks, one thread).
     *
     * @throws UnsupportedOperationException without {@code --add-modules jdk.incubator.vector}
     */
    public static FloatReductionKernels vector() {
        Simd.requireVectorApi("FloatReductions.vector()");
        return VectorKernels.FLOAT_REDUCTIONS;
    }

    /**
     * The {@code kind} reduction of {@code a[off + k*stride]} for {@code k < n} (stride >= 0):
     * SUM in the summation order above (0 when n == 0; a strided sum gives the same bits as the
     * sum of those elements copied out), MAX / MIN the largest / smallest (NaN if any is NaN;
     * n >= 1).
     */
    public static float reduce(ReduceOp kind, float[] a, int off, int stride, int n) {
        String name = kind.kernelName(stride == 1 ? ReduceOp.FLAT : ReduceOp.STRIDED, false);
        if (kind == ReduceOp.SUM) {
            if (stride == 1) Checks.range(name, "a", a.length, off, n);
            else Checks.strided(name, "a", a.length, off, stride, n);
            return n <= CHUNK ? sumRange(a, off, stride, n) : chunked(n, (s, len) -> sumRange(a, off + s * stride, stride, len));
        }
        nonEmpty(name, a, off, stride, n);
        boolean max = kind == ReduceOp.MAX;
        if (!parallel(n)) return extreme(max, a, off, stride, n);
        float[] c = chunkResults(n, (s, len) -> extreme(max, a, off + s * stride, stride, len));
        return extreme(max, c, 0, 1, chunks(n));
    }

    /**
     * The index k of the first largest ({@code kind} MAX) or smallest (MIN) of
     * {@code a[off + k*stride]}, {@code k < n}, or of the first NaN; n >= 1.
     */
    public static int argReduce(ReduceOp kind, float[] a, int off, int stride, int n) {
        boolean max = argKind(kind);
        nonEmpty(kind.kernelName(stride == 1 ? ReduceOp.FLAT : ReduceOp.STRIDED, true), a, off, stride, n);
        return parallel(n) ? chunkArg(a, off, stride, n, max) : argExtreme(max, a, off, stride, n);
    }

    /** {@code sum_i a[aOff+i] * b[bOff+i]} for {@code i < n}, in the summation order above. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        Checks.range("dot", "a", a.length, aOff, n);
        Checks.range("dot", "b", b.length, bOff, n);
        return n <= CHUNK ? IMPL.dot(a, aOff, b, bOff, n)
                : chunked(n, (s, len) -> IMPL.dot(a, aOff + s, b, bOff + s, len));
    }

    /** {@code sum_i a[off+i]^2} for {@code i < n}, in the summation order above. */
    public static float sumSquares(float[] a, int off, int n) {
        Checks.range("sumSquares", "a", a.length, off, n);
        return n <= CHUNK ? IMPL.sumSquares(a, off, n) : chunked(n, (s, len) -> IMPL.sumSquares(a, off + s, len));
    }

    /**
     * The {@code kind} reduction of each row: {@code out[outOff + r]} of
     * {@code a[off + r*ld + c]}, {@code c < cols}, for {@code r < rows} — SUM in the summation order
     * above (one row on one thread), MAX / MIN the largest / smallest (NaN if any is NaN; cols >= 1
     * unless rows == 0). Modifies {@code out[outOff, outOff+rows)}.
     */
    public static void reduceRows(ReduceOp kind, float[] a, int off, int rows, int cols, int ld, float[] out, int outOff) {
        checkRows(kind.kernelName(ReduceOp.ROWS, false), a, off, rows, cols, ld, out.length, outOff, kind != ReduceOp.SUM);
        if (!parallel((long) rows * cols)) rows(kind, a, off, rows, cols, ld, out, outOff);
        else overRows(rows, cols, (s, e) -> rows(kind, a, off + s * ld, e - s, cols, ld, out, outOff + s));
    }

    /**
     * The {@code kind} reduction of each column: {@code out[outOff + c]} of
     * {@code a[off + r*ld + c]}, {@code r < rows}, for {@code c < cols} — SUM adds each column in
     * row order from +0 (vectorised across columns, so exactly the scalar twin's result), MAX / MIN
     * as in {@link #reduceRows} (rows >= 1 unless cols == 0). Modifies {@code out[outOff, outOff+cols)}.
     */
    public static void reduceColumns(ReduceOp kind, float[] a, int off, int rows, int cols, int ld, float[] out, int outOff) {
        checkColumns(kind.kernelName(ReduceOp.COLUMNS, false), a, off, rows, cols, ld, out.length, outOff, kind != ReduceOp.SUM);
        if (!parallel((long) rows * cols)) columns(kind, a, off, rows, cols, ld, out, outOff);
        else overColumns(rows, cols, (s, e) -> columns(kind, a, off + s, rows, e - s, ld, out, outOff + s));
    }

    /** {@code out[outOff + r] =} the column of the first largest (MAX) or smallest (MIN) element, or first NaN, of row r. */
    public static void argReduceRows(ReduceOp kind, float[] a, int off, int rows, int cols, int ld, int[] out, int outOff) {
        boolean max = argKind(kind);
        checkRows(kind.kernelName(ReduceOp.ROWS, true), a, off, rows, cols, ld, out.length, outOff, true);
        if (!parallel((long) rows * cols)) argRows(max, a, off, rows, cols, ld, out, outOff);
        else overRows(rows, cols, (s, e) -> argRows(max, a, off + s * ld, e - s, cols, ld, out, outOff + s));
    }

    /** {@code out[outOff + c] =} the row of the first largest (MAX) or smallest (MIN) element, or first NaN, of column c. */
    public static void argReduceColumns(ReduceOp kind, float[] a, int off, int rows, int cols, int ld, int[] out, int outOff) {
        boolean max = argKind(kind);
        checkColumns(kind.kernelName(ReduceOp.COLUMNS, true), a, off, rows, cols, ld, out.length, outOff, true);
        if (!parallel((long) rows * cols)) argColumns(max, a, off, rows, cols, ld, out, outOff);
        else overColumns(rows, cols, (s, e) -> argColumns(max, a, off + s, rows, e - s, ld, out, outOff + s));
    }

    // ---- kernels by kind (one thread, checked) ---------------------------------------------

    private static float sumRange(float[] a, int off, int stride, int n) {
        return stride == 1 ? IMPL.sum(a, off, n) : IMPL.sumStrided(a, off, stride, n);
    }

    private static float extreme(boolean max, float[] a, int off, int stride, int n) {
        if (stride == 1) return max ? IMPL.max(a, off, n) : IMPL.min(a, off, n);
        return max ? IMPL.maxStrided(a, off, stride, n) : IMPL.minStrided(a, off, stride, n);
    }

    private static int argExtreme(boolean max, float[] a, int off, int stride, int n) {
        if (stride == 1) return max ? IMPL.argmax(a, off, n) : IMPL.argmin(a, off, n);
        return max ? IMPL.argmaxStrided(a, off, stride, n) : IMPL.argminStrided(a, off, stride, n);
    }

    private static void rows(ReduceOp kind, float[] a, int off, int rows, int cols, int ld, float[] out, int outOff) {
        switch (kind) {
            case SUM -> IMPL.sumRows(a, off, rows, cols, ld, out, outOff);
            case MAX -> IMPL.maxRows(a, off, rows, cols, ld, out, outOff);
            case MIN -> IMPL.minRows(a, off, rows, cols, ld, out, outOff);
        }
    }

    private static void columns(ReduceOp kind, float[] a, int off, int rows, int cols, int ld, float[] out, int outOff) {
        switch (kind) {
            case SUM -> IMPL.sumColumns(a, off, rows, cols, ld, out, outOff);
            case MAX -> IMPL.maxColumns(a, off, rows, cols, ld, out, outOff);
            case MIN -> IMPL.minColumns(a, off, rows, cols, ld, out, outOff);
        }
    }

    private static void argRows(boolean max, float[] a, int off, int rows, int cols, int ld, int[] out, int outOff) {
        if (max) IMPL.argmaxRows(a, off, rows, cols, ld, out, outOff);
        else IMPL.argminRows(a, off, rows, cols, ld, out, outOff);
    }

    private static void argColumns(boolean max, float[] a, int off, int rows, int cols, int ld, int[] out, int outOff) {
        if (max) IMPL.argmaxColumns(a, off, rows, cols, ld, out, outOff);
        else IMPL.argminColumns(a, off, rows, cols, ld, out, outOff);
    }

    private static boolean argKind(ReduceOp kind) {
        if (kind == ReduceOp.SUM) throw new IllegalArgumentException("argReduce: expected MAX or MIN, got SUM (a sum has no index)");
        return kind == ReduceOp.MAX;
    }

    /**
     * Row-wise softmax, stable: {@code out(r,c) = exp(a(r,c) - m_r) / sum_c' exp(a(r,c') - m_r)},
     * {@code m_r} the max of row r, computed as the exponentials times the reciprocal of their
     * sum (as torch does). {@code a(r,c) = a[off + r*lda + c]}, {@code out(r,c) = out[outOff +
     * r*ldOut + c]}; modifies only that block of out, which may be the input block (in place).
     * The tests hold each output of both twins within {@code (8 + 2n + |a(r,c) - m_r|) * ulp(1)}
     * relative of the exact value (n = cols; the sum's rounding and the shift's), or a few
     * smallest normals where it underflows. The vector twin's exponential is written in plain
     * vector arithmetic and its row sums are a fixed lane tree, so its results are the same bits
     * in every JIT tier.
     */
    public static void softmaxRows(float[] a, int off, int rows, int cols, int lda, float[] out, int outOff, int ldOut) {
        checkSoftmax("softmaxRows", a, off, rows, cols, lda, out.length, outOff, ldOut);
        if (!parallel((long) rows * cols)) IMPL.softmaxRows(a, off, rows, cols, lda, out, outOff, ldOut);
        else overRows(rows, cols, (s, e) -> IMPL.softmaxRows(a, off + s * lda, e - s, cols, lda, out, outOff + s * ldOut, ldOut));
    }

    /**
     * Row-wise log-softmax, stable: {@code out(r,c) = (a(r,c) - m_r) - log(sum_c' exp(a(r,c') - m_r))};
     * blocks as in {@link #softmaxRows}, in place allowed.
     */
    public static void logSoftmaxRows(float[] a, int off, int rows, int cols, int lda, float[] out, int outOff, int ldOut) {
        checkSoftmax("logSoftmaxRows", a, off, rows, cols, lda, out.length, outOff, ldOut);
        if (!parallel((long) rows * cols)) IMPL.logSoftmaxRows(a, off, rows, cols, lda, out, outOff, ldOut);
        else overRows(rows, cols, (s, e) -> IMPL.logSoftmaxRows(a, off + s * lda, e - s, cols, lda, out, outOff + s * ldOut, ldOut));
    }

    /**
     * {@code out[outOff + r] = log(sum_c exp(a(r,c) - s_r)) + s_r}, {@code s_r} the row max or 0
     * when that max is infinite; -inf for cols == 0. Modifies {@code out[outOff, outOff+rows)}.
     */
    public static void logSumExpRows(float[] a, int off, int rows, int cols, int lda, float[] out, int outOff) {
        checkRows("logSumExpRows", a, off, rows, cols, lda, out.length, outOff, false);
        if (!parallel((long) rows * cols)) IMPL.logSumExpRows(a, off, rows, cols, lda, out, outOff);
        else overRows(rows, cols, (s, e) -> IMPL.logSumExpRows(a, off + s * lda, e - s, cols, lda, out, outOff + s));
    }

    // ---- threads -------------------------------------------------------------------------

    /** Whether n elements split across threads; when not, callers call the kernel directly (no lambda to allocate). */
    private static boolean parallel(long n) {
        return Parallel.parts(n, PER_THREAD) > 1;
    }

    private static int chunks(int n) {
        return (n - 1) / CHUNK + 1;
    }

    /** Runs {@code body} over the chunk indices {@code [s, e)} of n elements, across threads when large. */
    private static void forChunks(int n, Parallel.Range body) {
        Parallel.run(chunks(n), Parallel.parts(n, PER_THREAD), 1, body);
    }

    /** Sum of the elements {@code [start, start + len)} of a range, one chunk at a time. */
    @FunctionalInterface
    interface ChunkSum {
        float of(int start, int len);
    }

    /**
     * Combines the chunk sums of a range of n elements in the fixed pairwise tree: the first
     * {@code 2^j * CHUNK} elements (largest such block shorter than n) plus the rest, recursively.
     * This is the tree that adds chunk results k and k + w for k a multiple of 2w, w = 1, 2, 4...
     */
    static float chunkTree(int start, int n, ChunkSum chunk) {
        if (n <= CHUNK) return chunk.of(start, n);
        int left = Integer.highestOneBit((n - 1) / CHUNK) * CHUNK;
        return chunkTree(start, left, chunk) + chunkTree(start + left, n - left, chunk);
    }

    /** The summation order's chunk tree over chunk sums computed on up to maxThreads threads. */
    private static float chunked(int n, ChunkSum chunk) {
        float[] c = chunkResults(n, chunk);
        return chunkTree(0, n, (start, len) -> c[start / CHUNK]);
    }

    /** The result of {@code chunk} for every chunk of n elements, computed across threads. */
    private static float[] chunkResults(int n, ChunkSum chunk) {
        float[] c = new float[chunks(n)];
        forChunks(n, (s, e) -> {
            for (int k = s; k < e; k++) c[k] = chunk.of(k * CHUNK, Math.min(CHUNK, n - k * CHUNK));
        });
        return c;
    }

    /** First arg-max (or min) over chunks: the first chunk whose extreme is NaN, or the first best. */
    private static int chunkArg(float[] a, int off, int stride, int n, boolean max) {
        int[] at = new int[chunks(n)];
        float[] v = new float[at.length];
        forChunks(n, (s, e) -> {
            for (int k = s; k < e; k++) {
                int start = k * CHUNK, len = Math.min(CHUNK, n - start), o = off + start * stride;
                int i = argExtreme(max, a, o, stride, len);
                at[k] = start + i;
                v[k] = a[o + i * stride];
            }
        });
        int k = argExtreme(max, v, 0, 1, v.length);
        return at[k];
    }

    private static void overRows(int rows, int cols, Parallel.Range body) {
        Parallel.run(rows, Parallel.parts((long) rows * cols, PER_THREAD), 1, body);
    }

    /** Column pieces start at multiples of PARTIALS, a multiple of the column kernels' strips. */
    private static void overColumns(int rows, int cols, Parallel.Range body) {
        Parallel.run(cols, Parallel.parts((long) rows * cols, PER_THREAD), PARTIALS, body);
    }

    // ---- checks --------------------------------------------------------------------------

    private static void nonEmpty(String kernel, float[] a, int off, int stride, int n) {
        Checks.strided(kernel, "a", a.length, off, stride, n);
        if (n == 0) throw new IllegalArgumentException(kernel + ": cannot reduce an empty range (n = 0)");
    }

    private static void checkRows(String kernel, float[] a, int off, int rows, int cols, int ld,
                                  int outLength, int outOff, boolean needsElements) {
        Checks.block(kernel, "a", a.length, off, rows, cols, ld);
        Checks.range(kernel, "out", outLength, outOff, rows);
        if (needsElements && rows > 0 && cols == 0) {
            throw new IllegalArgumentException(kernel + ": cannot reduce empty rows (" + rows + " x 0)");
        }
    }

    private static void checkColumns(String kernel, float[] a, int off, int rows, int cols, int ld,
                                     int outLength, int outOff, boolean needsElements) {
        Checks.block(kernel, "a", a.length, off, rows, cols, ld);
        Checks.range(kernel, "out", outLength, outOff, cols);
        if (needsElements && cols > 0 && rows == 0) {
            throw new IllegalArgumentException(kernel + ": cannot reduce empty columns (0 x " + cols + ")");
        }
    }

    private static void checkSoftmax(String kernel, float[] a, int off, int rows, int cols, int lda,
                                     int outLength, int outOff, int ldOut) {
        Checks.block(kernel, "a", a.length, off, rows, cols, lda);
        Checks.block(kernel, "out", outLength, outOff, rows, cols, ldOut);
    }
}
