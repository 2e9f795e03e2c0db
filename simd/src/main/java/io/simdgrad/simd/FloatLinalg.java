package io.simdgrad.simd;

/**
 * Dense factorizations and triangular solves on row-major {@code float} matrices, in place, as
 * LAPACK's {@code potrf}, {@code trsm}, {@code getrf} and {@code getrs}. Each blocked method works
 * on panels of {@value #NB} columns and hands the trailing update, where the O(n³) work is, to
 * {@link FloatGemm} (packed, vectorized, threaded for large sizes); only the O(n² · NB) work inside
 * a panel runs as row dot products and axpys. Each has an unblocked twin ({@code *Unblocked}: the
 * textbook loop, the oracle of the tests); the two agree to rounding, not bit for bit (the blocked
 * form sums in another order). Results do not depend on the thread count (GEMM's do not).
 *
 * <p>Matrices are {@code a[off + i*lda + j]}; arguments are checked at each public entry.
 */
public final class FloatLinalg {
    /** The panel width: one GEMM update of the trailing matrix per NB columns. */
    public static final int NB = 64;

    private FloatLinalg() {}

    // ------------------------------------------------------------------ Cholesky

    /**
     * The lower Cholesky factor {@code L} (A = L Lᵀ) of the symmetric n x n matrix whose lower
     * triangle is stored at {@code a}, written over that lower triangle, as LAPACK's
     * {@code potrf('L')}. The strict upper triangle is not read but is used as workspace (the
     * trailing update is one full GEMM, faster than a triangle's worth of small ones): its
     * contents are undefined afterwards.
     *
     * @return 0 on success, else the order {@code k} (1-based) of the first leading minor that
     *         is not positive-definite (its pivot was {@code <= 0} or NaN); the lower triangle
     *         is then partly overwritten
     */
    public static int potrf(int n, float[] a, int off, int lda) {
        Checks.block("potrf", "A", a.length, off, n, n, lda);
        float[] y = null; // A21 transposed: kb x below, so its solve and the update run on long rows
        for (int k0 = 0; k0 < n; k0 += NB) {
            int kb = Math.min(NB, n - k0), below = n - k0 - kb;
            int dk = off + k0 * lda + k0;
            int info = potrfUnblockedRange(kb, a, dk, lda);
            if (info != 0) return k0 + info;
            if (below == 0) break;
            if (y == null) y = new float[NB * (n - NB)];
            int p = dk + kb * lda; // A21's first element
            // Y = A21^T, Y := L11^-1 Y (so A21 := A21 L11^-T), A21 = Y^T
            FloatLayout.transpose(a, p, below, kb, lda, y, 0, below);
            trsm(false, false, false, kb, below, a, dk, lda, y, 0, below);
            FloatLayout.transpose(y, 0, kb, below, below, a, p, lda);
            // A22 -= Y^T Y: one GEMM over the whole trailing square (its strict upper part is workspace)
            FloatGemm.gemm(true, false, below, below, kb, (float) -1, y, 0, below, y, 0, below,
                    (float) 1, a, p + kb, lda);
        }
        return 0;
    }

    /** {@link #potrf} as the textbook row-oriented loop: the oracle of the tests. */
    public static int potrfUnblocked(int n, float[] a, int off, int lda) {
        Checks.block("potrfUnblocked", "A", a.length, off, n, n, lda);
        return potrfUnblockedRange(n, a, off, lda);
    }

    /**
     * A dot product of in-panel rows (at most NB terms in the blocked kernels), in one fixed order
     * with four accumulators: the checked facade's entry costs more than such a short dot.
     */
    private static float dot(float[] x, int xo, float[] y, int yo, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 = Math.fma(x[xo + i], y[yo + i], s0);
            s1 = Math.fma(x[xo + i + 1], y[yo + i + 1], s1);
            s2 = Math.fma(x[xo + i + 2], y[yo + i + 2], s2);
            s3 = Math.fma(x[xo + i + 3], y[yo + i + 3], s3);
        }
        for (; i < n; i++) s0 = Math.fma(x[xo + i], y[yo + i], s0);
        return (s0 + s1) + (s2 + s3);
    }

    private static int potrfUnblockedRange(int n, float[] a, int off, int lda) {
        for (int j = 0; j < n; j++) {
            int rj = off + j * lda;
            float d = a[rj + j] - dot(a, rj, a, rj, j);
            if (!(d > 0)) return j + 1;
            float ljj = (float) Math.sqrt(d);
            a[rj + j] = ljj;
            for (int i = j + 1; i < n; i++) {
                int ri = off + i * lda;
                a[ri + j] = (a[ri + j] - dot(a, ri, a, rj, j)) / ljj;
            }
        }
        return 0;
    }

    // ------------------------------------------------------------------ triangular solve

    /**
     * Solves {@code op(A) X = B} for X, written over the m x n matrix B, where A is m x m
     * triangular ({@code upper}: only its upper triangle is read, else only the lower),
     * {@code op(A) = Aᵀ} when {@code transA}, and with {@code unit} the diagonal is taken as ones
     * and not read; as BLAS {@code trsm} with side = left. A singular A gives infinities or NaN,
     * as BLAS does. B must not overlap A.
     */
    public static void trsm(boolean upper, boolean transA, boolean unit, int m, int n,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb) {
        Checks.block("trsm", "A", a.length, aOff, m, m, lda);
        Checks.block("trsm", "B", b.length, bOff, m, n, ldb);
        if (m == 0 || n == 0) return;
        boolean forward = upper == transA; // op(A) lower: solve from the first row down
        if (forward) {
            for (int i0 = 0; i0 < m; i0 += NB) {
                int ib = Math.min(NB, m - i0), r0 = i0 + ib;
                trsmRange(forward, transA, unit, i0, r0, n, a, aOff, lda, b, bOff, ldb);
                if (r0 < m) {
                    // B[r0:, :] -= op(A)[r0:, i0:r0] X[i0:r0, :]
                    FloatGemm.gemm(transA, false, m - r0, n, ib, (float) -1, a, aOff + (transA ? i0 * lda + r0 : r0 * lda + i0), lda,
                            b, bOff + i0 * ldb, ldb, (float) 1, b, bOff + r0 * ldb, ldb);
                }
            }
        } else {
            for (int e = m; e > 0; e -= NB) {
                int s = Math.max(0, e - NB);
                trsmRange(forward, transA, unit, s, e, n, a, aOff, lda, b, bOff, ldb);
                if (s > 0) {
                    // B[:s, :] -= op(A)[:s, s:e] X[s:e, :]
                    FloatGemm.gemm(transA, false, s, n, e - s, (float) -1, a, aOff + (transA ? s * lda : s), lda,
                            b, bOff + s * ldb, ldb, (float) 1, b, bOff, ldb);
                }
            }
        }
    }

    /** {@link #trsm} as the textbook substitution loop: the oracle of the tests. */
    public static void trsmUnblocked(boolean upper, boolean transA, boolean unit, int m, int n,
                                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb) {
        Checks.block("trsmUnblocked", "A", a.length, aOff, m, m, lda);
        Checks.block("trsmUnblocked", "B", b.length, bOff, m, n, ldb);
        if (m == 0 || n == 0) return;
        trsmRange(upper == transA, transA, unit, 0, m, n, a, aOff, lda, b, bOff, ldb);
    }

    /** Substitution over rows [s, e) of X using only the diagonal block op(A)[s:e, s:e]. */
    private static void trsmRange(boolean forward, boolean transA, boolean unit, int s, int e, int n,
                                  float[] a, int aOff, int lda, float[] b, int bOff, int ldb) {
        for (int t = 0; t < e - s; t++) {
            int i = forward ? s + t : e - 1 - t;
            int bi = bOff + i * ldb;
            int lo = forward ? s : i + 1, hi = forward ? i : e;
            for (int p = lo; p < hi; p++) {
                float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                if (aip != 0) axpy(-aip, b, bOff + p * ldb, b, bi, n);
            }
            if (!unit) {
                float d = a[aOff + i * lda + i];
                for (int j = 0; j < n; j++) b[bi + j] /= d;
            }
        }
    }

    private static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        for (int j = 0; j < n; j++) y[yo + j] = Math.fma(alpha, x[xo + j], y[yo + j]);
    }

    // ------------------------------------------------------------------ LU

    /**
     * LU factorization with partial pivoting of the n x n matrix at {@code a}, in place, as
     * LAPACK's {@code getrf}: {@code P A = L U}, with the unit lower L below the diagonal and U
     * on and above it; {@code piv[pivOff + i]} (0-based) is the row that row i was swapped with
     * at step i. A zero pivot does not stop the factorization (U is then singular).
     *
     * @return 0, or the 1-based index of the first exactly zero diagonal element of U
     */
    public static int getrf(int n, float[] a, int off, int lda, int[] piv, int pivOff) {
        Checks.block("getrf", "A", a.length, off, n, n, lda);
        Checks.range("getrf", "piv", piv.length, pivOff, n);
        int info = 0;
        for (int k0 = 0; k0 < n; k0 += NB) {
            int kb = Math.min(NB, n - k0), r0 = k0 + kb, rest = n - r0;
            int panelInfo = getf2(n, k0, kb, a, off, lda, piv, pivOff);
            if (info == 0 && panelInfo != 0) info = panelInfo;
            if (rest == 0) break;
            // U12 := L11^-1 A12, then A22 -= L21 U12
            trsm(false, false, true, kb, rest, a, off + k0 * lda + k0, lda, a, off + k0 * lda + r0, lda);
            FloatGemm.gemm(false, false, rest, rest, kb, (float) -1, a, off + r0 * lda + k0, lda, a, off + k0 * lda + r0, lda,
                    (float) 1, a, off + r0 * lda + r0, lda);
        }
        return info;
    }

    /** {@link #getrf} as the textbook right-looking loop (one panel of n columns): the oracle of the tests. */
    public static int getrfUnblocked(int n, float[] a, int off, int lda, int[] piv, int pivOff) {
        Checks.block("getrfUnblocked", "A", a.length, off, n, n, lda);
        Checks.range("getrfUnblocked", "piv", piv.length, pivOff, n);
        return getf2(n, 0, n, a, off, lda, piv, pivOff);
    }

    /**
     * Factors the panel of columns [k0, k0+kb), rows [k0, n), swapping whole rows (so the
     * columns left and right of the panel get the same interchanges, as {@code laswp} would).
     */
    private static int getf2(int n, int k0, int kb, float[] a, int off, int lda, int[] piv, int pivOff) {
        int info = 0, end = k0 + kb;
        for (int j = k0; j < end; j++) {
            int p = j;
            float best = Math.abs(a[off + j * lda + j]);
            for (int i = j + 1; i < n; i++) {
                float v = Math.abs(a[off + i * lda + j]);
                if (v > best || (best != best && v == v)) { // NaN is no pivot while a number is left
                    best = v;
                    p = i;
                }
            }
            piv[pivOff + j] = p;
            if (p != j) swapRows(a, off + j * lda, off + p * lda, n);
            int rj = off + j * lda;
            float d = a[rj + j];
            if (d == 0) {
                if (info == 0) info = j + 1;
                continue;
            }
            for (int i = j + 1; i < n; i++) {
                int ri = off + i * lda;
                float lij = a[ri + j] / d;
                a[ri + j] = lij;
                if (lij != 0) axpy(-lij, a, rj + j + 1, a, ri + j + 1, end - j - 1);
            }
        }
        return info;
    }

    private static void swapRows(float[] a, int r, int s, int n) {
        for (int j = 0; j < n; j++) {
            float t = a[r + j];
            a[r + j] = a[s + j];
            a[s + j] = t;
        }
    }

    /**
     * Solves {@code op(A) X = B} from {@link #getrf}'s factors, written over the n x m matrix B,
     * as LAPACK's {@code getrs}: without {@code transA}, {@code X = U^-1 L^-1 P B}; with it,
     * {@code X = Pᵀ L^-T U^-T B}.
     */
    public static void getrs(boolean transA, int n, int m, float[] lu, int luOff, int ldlu, int[] piv, int pivOff,
                             float[] b, int bOff, int ldb) {
        Checks.block("getrs", "LU", lu.length, luOff, n, n, ldlu);
        Checks.range("getrs", "piv", piv.length, pivOff, n);
        Checks.block("getrs", "B", b.length, bOff, n, m, ldb);
        for (int i = 0; i < n; i++) {
            int p = piv[pivOff + i];
            if (p < 0 || p >= n) throw new IllegalArgumentException("getrs: pivot " + i + " is " + p + ", expected in [0, " + n + ")");
        }
        if (!transA) {
            permuteRows(false, n, m, piv, pivOff, b, bOff, ldb);
            trsm(false, false, true, n, m, lu, luOff, ldlu, b, bOff, ldb);
            trsm(true, false, false, n, m, lu, luOff, ldlu, b, bOff, ldb);
        } else {
            trsm(true, true, false, n, m, lu, luOff, ldlu, b, bOff, ldb);
            trsm(false, true, true, n, m, lu, luOff, ldlu, b, bOff, ldb);
            permuteRows(true, n, m, piv, pivOff, b, bOff, ldb);
        }
    }

    /**
     * Applies the interchanges {@code piv} (0-based, as {@link #getrf} leaves them) to the rows of
     * the n x m matrix B: in order (B := P B) or, with {@code inverse}, in reverse (B := Pᵀ B).
     */
    public static void permuteRows(boolean inverse, int n, int m, int[] piv, int pivOff, float[] b, int bOff, int ldb) {
        Checks.range("permuteRows", "piv", piv.length, pivOff, n);
        Checks.block("permuteRows", "B", b.length, bOff, n, m, ldb);
        for (int t = 0; t < n; t++) {
            int i = inverse ? n - 1 - t : t, p = piv[pivOff + i];
            if (p < 0 || p >= n) throw new IllegalArgumentException("permuteRows: pivot " + i + " is " + p + ", expected in [0, " + n + ")");
            if (p != i) swapRows(b, bOff + i * ldb, bOff + p * ldb, m);
        }
    }
}
