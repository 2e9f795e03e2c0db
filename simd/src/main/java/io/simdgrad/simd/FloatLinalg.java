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

    // ------------------------------------------------------------------ QR (Householder)

    /** The Euclidean norm of n elements at {@code stride}, scaled by the largest magnitude (no square overflows or underflows). */
    private static float nrm2(float[] x, int off, int stride, int n) {
        float scale = 0;
        for (int i = 0; i < n; i++) {
            float v = Math.abs(x[off + i * stride]);
            if (v > scale || v != v) scale = v;
        }
        if (scale == 0 || scale != scale || Float.isInfinite(scale)) return scale;
        float s = 0;
        for (int i = 0; i < n; i++) {
            float v = x[off + i * stride] / scale;
            s = Math.fma(v, v, s);
        }
        return scale * (float) Math.sqrt(s);
    }

    /**
     * Makes the reflector {@code H = I - tau v vᵀ} (v[0] = 1) with {@code H x = beta e1} from the
     * {@code len} elements of x at {@code stride}, as LAPACK's {@code larfg}: beta = -sign(x0) |x|
     * is written at x[0], v[1..] over x[1..]; returns tau (0 when x[1..] is zero: H = I).
     */
    private static float householder(int len, float[] x, int off, int stride) {
        if (len <= 1) return 0;
        float alpha = x[off], xnorm = nrm2(x, off + stride, stride, len - 1);
        if (xnorm == 0) return 0;
        float beta = (float) -Math.copySign(Math.hypot(alpha, xnorm), alpha);
        float tau = (beta - alpha) / beta, scale = 1 / (alpha - beta);
        for (int i = 1; i < len; i++) x[off + i * stride] *= scale;
        x[off] = beta;
        return tau;
    }

    /**
     * C := (I - tau v vᵀ) C for the rows x cols block C, v[0] = 1 implied and v[i] at
     * {@code v[vOff + i*vStride]} for {@code i >= 1}: {@code w = vᵀ C}, then {@code C -= tau v w}, both as
     * row axpys (C is row-major). {@code w} holds cols elements of workspace.
     */
    private static void reflectLeft(int rows, int cols, float tau, float[] v, int vOff, int vStride,
                                    float[] c, int cOff, int ldc, float[] w) {
        if (tau == 0 || cols == 0) return;
        System.arraycopy(c, cOff, w, 0, cols);
        for (int i = 1; i < rows; i++) axpy(v[vOff + i * vStride], c, cOff + i * ldc, w, 0, cols);
        axpy(-tau, w, 0, c, cOff, cols);
        for (int i = 1; i < rows; i++) axpy(-tau * v[vOff + i * vStride], w, 0, c, cOff + i * ldc, cols);
    }

    /** The panel width of the blocked QR: one block reflector (three GEMMs) per QB columns. */
    static final int QB = 32;

    /**
     * Householder QR of the m x n matrix at {@code a}, in place, as LAPACK's {@code geqrf}:
     * {@code A = Q R} with {@code Q = H_0 H_1 ... H_{k-1}}, k = min(m, n), {@code H_j = I - tau_j v_j v_jᵀ};
     * R is written on and above the diagonal, v_j below it in column j (v_j[j] = 1 not stored),
     * tau_j at {@code tau[tauOff + j]}. R's diagonal has LAPACK's signs (-sign of the pivot column's
     * leading element), so Q and R agree with LAPACK's for matrices of full rank. Blocked: each
     * panel of {@value #QB} columns is factored by {@link #geqrfUnblocked}'s loop and applied to the
     * trailing columns as one block reflector {@code I - V T Vᵀ} (LAPACK's {@code larft}/{@code larfb}),
     * three GEMMs.
     */
    public static void geqrf(int m, int n, float[] a, int off, int lda, float[] tau, int tauOff) {
        Checks.block("geqrf", "A", a.length, off, m, n, lda);
        int k = Math.min(m, n);
        Checks.range("geqrf", "tau", tau.length, tauOff, k);
        float[] w = new float[Math.max(n, 1)];
        if (k <= QB) {
            geqrfRange(m, n, 0, k, n, a, off, lda, tau, tauOff, w);
            return;
        }
        float[] vd = new float[Math.multiplyExact(m, QB)], t = new float[QB * QB];
        float[] w1 = new float[Math.multiplyExact(QB, n)], w2 = new float[QB * n];
        for (int j0 = 0; j0 < k; j0 += QB) {
            int kb = Math.min(QB, k - j0), end = j0 + kb, rows = m - j0;
            geqrfRange(m, n, j0, end, end, a, off, lda, tau, tauOff, w);
            if (end >= n) break;
            blockReflector(rows, kb, a, off + j0 * lda + j0, lda, tau, tauOff + j0, vd, t);
            applyBlock(true, rows, n - end, kb, vd, t, a, off + j0 * lda + end, lda, w1, w2);
        }
    }

    /** {@link #geqrf} as the textbook column-by-column loop: the oracle of the tests. */
    public static void geqrfUnblocked(int m, int n, float[] a, int off, int lda, float[] tau, int tauOff) {
        Checks.block("geqrfUnblocked", "A", a.length, off, m, n, lda);
        int k = Math.min(m, n);
        Checks.range("geqrfUnblocked", "tau", tau.length, tauOff, k);
        geqrfRange(m, n, 0, k, n, a, off, lda, tau, tauOff, new float[Math.max(n, 1)]);
    }

    /** Reflectors for columns [j0, j1), each applied to the columns after it up to {@code last} (exclusive). */
    private static void geqrfRange(int m, int n, int j0, int j1, int last, float[] a, int off, int lda, float[] tau, int tauOff, float[] w) {
        for (int j = j0; j < j1; j++) {
            int dj = off + j * lda + j;
            float t = householder(m - j, a, dj, lda);
            tau[tauOff + j] = t;
            if (j + 1 < last) reflectLeft(m - j, last - j - 1, t, a, dj, lda, a, dj + 1, lda, w);
        }
    }

    /**
     * The block reflector {@code H_0 ... H_{kb-1} = I - V T Vᵀ} of kb reflectors stored as geqrf
     * leaves them at {@code a} (rows x kb, v_j from row j): V written dense (unit diagonal, zeros
     * above) into {@code vd} (rows x kb), T (kb x kb upper triangular) into {@code t}, as LAPACK's
     * {@code larft} (forward, columnwise): {@code T[0:i, i] = -tau_i T[0:i, 0:i] V[:, 0:i]ᵀ v_i}.
     */
    private static void blockReflector(int rows, int kb, float[] a, int aOff, int lda, float[] tau, int tauOff, float[] vd, float[] t) {
        for (int r = 0; r < rows; r++) {
            for (int p = 0; p < kb; p++) vd[r * kb + p] = r == p ? 1 : r > p ? a[aOff + r * lda + p] : 0;
        }
        java.util.Arrays.fill(t, 0, kb * kb, (float) 0);
        float[] z = new float[kb];
        for (int i = 0; i < kb; i++) {
            float ti = tau[tauOff + i];
            t[i * kb + i] = ti;
            if (i == 0 || ti == 0) continue;
            java.util.Arrays.fill(z, 0, i, (float) 0);
            for (int r = i; r < rows; r++) axpy(vd[r * kb + i], vd, r * kb, z, 0, i); // z = V[:, 0:i]ᵀ v_i
            for (int p = 0; p < i; p++) t[p * kb + i] = -ti * dot(t, p * kb + p, z, p, i - p);
        }
    }

    /** C := (I - V op(T) Vᵀ) C for the rows x cols block C, op(T) = Tᵀ when {@code trans} (applying Qᵀ), else T (Q): three GEMMs. */
    private static void applyBlock(boolean trans, int rows, int cols, int kb, float[] vd, float[] t, float[] c, int cOff, int ldc,
                                   float[] w1, float[] w2) {
        if (cols == 0 || rows == 0) return;
        FloatGemm.gemm(true, false, kb, cols, rows, (float) 1, vd, 0, kb, c, cOff, ldc, (float) 0, w1, 0, cols);
        FloatGemm.gemm(trans, false, kb, cols, kb, (float) 1, t, 0, kb, w1, 0, cols, (float) 0, w2, 0, cols);
        FloatGemm.gemm(false, false, rows, cols, kb, (float) -1, vd, 0, kb, w2, 0, cols, (float) 1, c, cOff, ldc);
    }

    /**
     * The first {@code qc} columns ({@code k <= qc <= m}) of {@code Q = H_0 ... H_{k-1}} from {@link #geqrf}'s
     * reflectors at {@code a} and {@code tau}, written to the m x qc matrix at {@code q}, as LAPACK's
     * {@code orgqr}: backward accumulation (a reflector from column j touches only rows and columns
     * from j), one block reflector per {@value #QB} reflectors.
     */
    public static void orgqr(int m, int qc, int k, float[] a, int off, int lda, float[] tau, int tauOff,
                             float[] q, int qOff, int ldq) {
        orgqrChecked("orgqr", true, m, qc, k, a, off, lda, tau, tauOff, q, qOff, ldq);
    }

    /** {@link #orgqr} one reflector at a time: the oracle of the tests. */
    public static void orgqrUnblocked(int m, int qc, int k, float[] a, int off, int lda, float[] tau, int tauOff,
                                      float[] q, int qOff, int ldq) {
        orgqrChecked("orgqrUnblocked", false, m, qc, k, a, off, lda, tau, tauOff, q, qOff, ldq);
    }

    private static void orgqrChecked(String name, boolean blocked, int m, int qc, int k, float[] a, int off, int lda, float[] tau,
                                     int tauOff, float[] q, int qOff, int ldq) {
        if (k > qc || qc > m || k < 0) {
            throw new IllegalArgumentException(name + ": expected 0 <= k <= qc <= m, got k=" + k + ", qc=" + qc + ", m=" + m);
        }
        Checks.block(name, "A", a.length, off, m, k, lda);
        Checks.range(name, "tau", tau.length, tauOff, k);
        Checks.block(name, "Q", q.length, qOff, m, qc, ldq);
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(q, qOff + i * ldq, qOff + i * ldq + qc, (float) 0);
            if (i < qc) q[qOff + i * ldq + i] = 1;
        }
        if (!blocked || k <= QB) {
            float[] w = new float[Math.max(qc, 1)];
            for (int j = k - 1; j >= 0; j--) {
                reflectLeft(m - j, qc - j, tau[tauOff + j], a, off + j * lda + j, lda, q, qOff + j * ldq + j, ldq, w);
            }
            return;
        }
        float[] vd = new float[Math.multiplyExact(m, QB)], t = new float[QB * QB];
        float[] w1 = new float[Math.multiplyExact(QB, qc)], w2 = new float[QB * qc];
        for (int j0 = (k - 1) / QB * QB; j0 >= 0; j0 -= QB) {
            int kb = Math.min(QB, k - j0), rows = m - j0;
            blockReflector(rows, kb, a, off + j0 * lda + j0, lda, tau, tauOff + j0, vd, t);
            applyBlock(false, rows, qc - j0, kb, vd, t, q, qOff + j0 * ldq + j0, ldq, w1, w2);
        }
    }

    // ------------------------------------------------------------------ symmetric eigenproblem

    /**
     * Eigenvalues (ascending, into {@code w}) and, with {@code vectors}, orthonormal eigenvectors
     * (written over A as columns: {@code A[i][j] = V[i][j]}) of the symmetric n x n matrix whose
     * lower triangle is at {@code a} (the strict upper triangle is not read), as LAPACK's
     * {@code syev}: Householder reduction to tridiagonal form, then the implicit QL iteration
     * with Wilkinson-like shifts (EISPACK's {@code tql2}). Rotations act on rows of Vᵀ, so every
     * inner loop runs along a contiguous row.
     *
     * @return 0, or l + 1 when the iteration for eigenvalue l did not converge in 30 n sweeps
     *         (A is then unchanged)
     */
    public static int syev(boolean vectors, int n, float[] a, int off, int lda, float[] w, int wOff) {
        Checks.block("syev", "A", a.length, off, n, n, lda);
        Checks.range("syev", "w", w.length, wOff, n);
        if (n == 0) return 0;
        float[] z = new float[Math.multiplyExact(n, n)], d = new float[n], e = new float[n], tau = new float[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                float v = a[off + i * lda + j];
                z[i * n + j] = v;
                z[j * n + i] = v;
            }
        }
        sytrd(n, z, d, e, tau);
        int last = Math.max(0, n - 2);
        for (int k = last; k < n; k++) {
            d[k] = z[k * n + k];
            e[k] = k + 1 < n ? z[k * n + k + 1] : 0;
        }
        float[] vt = null;
        if (vectors) {
            // Q = diag(1, Q'), Q' = H_0 ... H_{n-3} acting on indices 1.., is orgqr's Q of the reflectors laid out as
            // geqrf leaves them (v_k down column k of G = z[0:n-1, 1:n]ᵀ): block reflectors, three GEMMs each
            int r = n - 1;
            float[] g = new float[r * r], qm = new float[r * r];
            if (r > 0) {
                FloatLayout.transpose(z, 1, r, r, n, g, 0, r);
                orgqr(r, r, Math.max(0, n - 2), g, 0, r, tau, 0, qm, 0, r);
            }
            vt = z; // z's reflectors are no longer needed: Vᵀ := Qᵀ
            java.util.Arrays.fill(vt, 0, n * n, (float) 0);
            vt[0] = 1;
            if (r > 0) FloatLayout.transpose(qm, 0, r, r, r, vt, n + 1, n);
        }
        int info = tql2(n, d, e, vt);
        if (info != 0) return info;
        // ascending order (selection: equal values keep their order)
        for (int i = 0; i < n; i++) {
            int best = i;
            for (int j = i + 1; j < n; j++) if (d[j] < d[best]) best = j;
            if (best != i) {
                float tmp = d[i];
                d[i] = d[best];
                d[best] = tmp;
                if (vt != null) swapRows(vt, i * n, best * n, n);
            }
        }
        System.arraycopy(d, 0, w, wOff, n);
        if (vt != null) FloatLayout.transpose(vt, 0, n, n, n, a, off, lda);
        return 0;
    }

    /**
     * Reduces the full symmetric n x n matrix z (both triangles stored) to tridiagonal form
     * {@code Qᵀ z Q}, {@code Q = H_0 ... H_{n-3}}, as LAPACK's {@code sytrd}/{@code latrd}: d[k] and
     * e[k] (k < n-2) get the diagonal and off-diagonal, v_k is left in row k from column k+2
     * (v_k[0] = 1 at column k+1 implied), tau[k] its factor. Blocked: within a panel of
     * {@value #QB} reflectors only the panel's rows are updated (from the panel's V and W, with
     * {@code z := z - V Wᵀ - W Vᵀ} in effect), and the rest of the matrix once per panel by two
     * GEMMs, so half the flops run in GEMM; the other half is the product of the untouched trailing
     * matrix with each new v (row dots).
     */
    private static void sytrd(int n, float[] z, float[] d, float[] e, float[] tau) {
        int nb = QB;
        // the panel's reflectors and W as rows of length n (zero before their first element)
        float[] vt = new float[Math.multiplyExact(nb, n)], wt = new float[Math.multiplyExact(nb, n)];
        float[] p = new float[n], y1 = new float[nb], y2 = new float[nb];
        for (int k0 = 0; k0 + 2 < n; k0 += nb) {
            int kb = Math.min(nb, n - 2 - k0), k1 = k0 + kb;
            java.util.Arrays.fill(vt, 0, kb * n, (float) 0);
            java.util.Arrays.fill(wt, 0, kb * n, (float) 0);
            for (int j = 0; j < kb; j++) {
                int i = k0 + j, ri = i * n, len = n - i;
                // row i of z - V Wᵀ - W Vᵀ (the panel's earlier reflectors), from the diagonal on
                for (int q = 0; q < j; q++) {
                    FloatElementwise.axpy(-wt[q * n + i], vt, q * n + i, z, ri + i, len);
                    FloatElementwise.axpy(-vt[q * n + i], wt, q * n + i, z, ri + i, len);
                }
                float t = householder(len - 1, z, ri + i + 1, 1);
                d[i] = z[ri + i];
                e[i] = z[ri + i + 1];
                tau[i] = t;
                int r = len - 1, vo = j * n + i + 1; // v_i = vt[j][i+1 ..], r long
                vt[vo] = 1;
                System.arraycopy(z, ri + i + 2, vt, vo + 1, r - 1);
                if (t == 0) continue; // H = I: w = 0
                // p = (z - V Wᵀ - W Vᵀ) v on the trailing block: z's part by row dots, the panel's by 2j dots and axpys
                for (int c = 0; c < r; c++) p[c] = FloatReductions.dot(z, (i + 1 + c) * n + i + 1, vt, vo, r);
                for (int q = 0; q < j; q++) {
                    y1[q] = FloatReductions.dot(wt, q * n + i + 1, vt, vo, r);
                    y2[q] = FloatReductions.dot(vt, q * n + i + 1, vt, vo, r);
                }
                for (int q = 0; q < j; q++) {
                    FloatElementwise.axpy(-y1[q], vt, q * n + i + 1, p, 0, r);
                    FloatElementwise.axpy(-y2[q], wt, q * n + i + 1, p, 0, r);
                }
                // w = t p - (t/2) (t p . v) v
                for (int c = 0; c < r; c++) p[c] *= t;
                float kk = t / 2 * FloatReductions.dot(p, 0, vt, vo, r);
                for (int c = 0; c < r; c++) wt[vo + c] = Math.fma(-kk, vt[vo + c], p[c]);
            }
            // the trailing matrix from row and column k1: z -= V Wᵀ + W Vᵀ
            int r = n - k1, at = k1 * n + k1;
            FloatGemm.gemm(true, false, r, r, kb, (float) -1, vt, k1, n, wt, k1, n, (float) 1, z, at, n);
            FloatGemm.gemm(true, false, r, r, kb, (float) -1, wt, k1, n, vt, k1, n, (float) 1, z, at, n);
        }
    }

    /**
     * The implicit QL iteration on the symmetric tridiagonal matrix with diagonal d and
     * off-diagonal e (e[i] between i and i+1, e[n-1] = 0): d becomes the eigenvalues; each
     * plane rotation of columns i, i+1 of V is applied to rows i, i+1 of {@code vt} (when not null).
     */
    private static int tql2(int n, float[] d, float[] e, float[] vt) {
        float eps = Math.ulp((float) 1), f = 0, tst1 = 0;
        float[] cs = new float[n], ss = new float[n];
        for (int l = 0; l < n; l++) {
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n - 1 && !(Math.abs(e[m]) <= eps * tst1)) m++;
            int iter = 0;
            while (m > l && Math.abs(e[l]) > eps * tst1) {
                if (++iter > 30 * n) return l + 1;
                float g = d[l];
                float p = (d[l + 1] - g) / (2 * e[l]);
                float r = (float) Math.copySign(Math.hypot(p, 1), p);
                d[l] = e[l] / (p + r);
                d[l + 1] = e[l] * (p + r);
                float dl1 = d[l + 1], h = g - d[l];
                for (int i = l + 2; i < n; i++) d[i] -= h;
                f += h;
                p = d[m];
                float c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0, el1 = e[l + 1];
                for (int i = m - 1; i >= l; i--) {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[i];
                    h = c * p;
                    r = (float) Math.hypot(p, e[i]);
                    e[i + 1] = s * r;
                    s = e[i] / r;
                    c = p / r;
                    p = c * d[i] - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    cs[i] = c;
                    ss[i] = s;
                }
                // the sweep's rotations in one pass over rows l..m of Vᵀ
                if (vt != null) FloatElementwise.rotateRows(cs, ss, l, m - l, vt, l * n, n, n);
                p = -s * s2 * c3 * el1 * e[l] / dl1;
                e[l] = s * p;
                d[l] = c * p;
            }
            d[l] += f;
            e[l] = 0;
        }
        return 0;
    }

    // ------------------------------------------------------------------ singular value decomposition

    /** The largest number of one-sided Jacobi sweeps before {@link #gesvd} reports no convergence. */
    static final int MAX_SWEEPS = 80;

    /**
     * The singular value decomposition {@code A = U diag(s) Vᵀ} of the m x n matrix at {@code a}
     * (not modified), k = min(m, n): the singular values, descending, into {@code s}; with
     * {@code u} not null, the first {@code uCols} (k or m) left singular vectors as the columns of
     * the m x uCols matrix at {@code u}; with {@code vt} not null, the first {@code vtRows} (k or n)
     * right singular vectors as the rows of the vtRows x n matrix at {@code vt} (LAPACK's
     * {@code gesvd} with jobu/jobvt 'S' or 'A'). By one-sided Jacobi (Hestenes) on the columns of
     * A (of Aᵀ when {@code m < n}), stored as rows so every dot and rotation runs along a contiguous row:
     * accurate to a few ulps relative to each singular value's own size, not only to the largest.
     * Vectors for zero singular values and the extra columns of a full U (rows of a full Vᵀ) are an
     * orthonormal completion by Householder QR. Signs of a pair (u_i, v_i) are arbitrary.
     *
     * An infinite element makes every output NaN (as PyTorch's results are then).
     *
     * @return 0, 1 when the rotations had not converged after {@value #MAX_SWEEPS} sweeps, or -1
     *         (nothing written) when A contains NaN
     */
    public static int gesvd(int m, int n, float[] a, int off, int lda, float[] s, int sOff,
                            float[] u, int uOff, int ldu, int uCols, float[] vt, int vtOff, int ldvt, int vtRows) {
        Checks.block("gesvd", "A", a.length, off, m, n, lda);
        int k = Math.min(m, n);
        Checks.range("gesvd", "s", s.length, sOff, k);
        if (u != null) {
            if (uCols != k && uCols != m) throw new IllegalArgumentException("gesvd: uCols must be " + k + " or " + m + ", got " + uCols);
            Checks.block("gesvd", "U", u.length, uOff, m, uCols, ldu);
        }
        if (vt != null) {
            if (vtRows != k && vtRows != n) throw new IllegalArgumentException("gesvd: vtRows must be " + k + " or " + n + ", got " + vtRows);
            Checks.block("gesvd", "Vt", vt.length, vtOff, vtRows, n, ldvt);
        }
        // LAPACK's gesdd (PyTorch's driver) reports NaN input; an infinity gives NaN values, as torch returns them
        boolean inf = false;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float v = a[off + i * lda + j];
                if (v != v) return -1;
                if (Float.isInfinite(v)) inf = true;
            }
        }
        if (inf) {
            java.util.Arrays.fill(s, sOff, sOff + k, Float.NaN);
            if (u != null) for (int i = 0; i < m; i++) java.util.Arrays.fill(u, uOff + i * ldu, uOff + i * ldu + uCols, Float.NaN);
            if (vt != null) for (int i = 0; i < vtRows; i++) java.util.Arrays.fill(vt, vtOff + i * ldvt, vtOff + i * ldvt + n, Float.NaN);
            return 0;
        }
        boolean tall = m >= n;
        int len = Math.max(m, n); // the rows rotated: A's columns (tall) or rows (wide), k of them, each of length len
        boolean vectors = u != null || vt != null;
        float[] wr = new float[Math.multiplyExact(k, len)];
        if (tall) FloatLayout.transpose(a, off, m, n, lda, wr, 0, len);
        else for (int i = 0; i < m; i++) System.arraycopy(a, off + i * lda, wr, i * len, n);
        float[] rv = null;
        if (vectors) {
            rv = new float[k * k];
            for (int i = 0; i < k; i++) rv[i * k + i] = 1;
        }
        int info = jacobi(k, len, wr, rv);
        if (info != 0) return info;
        // singular values, descending (equal values keep their order), rows permuted alike
        float[] sv = new float[k];
        for (int i = 0; i < k; i++) sv[i] = nrm2(wr, i * len, 1, len);
        for (int i = 0; i < k; i++) {
            int best = i;
            for (int j = i + 1; j < k; j++) if (sv[j] > sv[best]) best = j;
            if (best != i) {
                float t = sv[i];
                sv[i] = sv[best];
                sv[best] = t;
                swapRows(wr, i * len, best * len, len);
                if (rv != null) swapRows(rv, i * k, best * k, k);
            }
        }
        System.arraycopy(sv, 0, s, sOff, k);
        if (!vectors) return 0;
        // the rotated rows normalised are the singular vectors of the long side; completed to `rows` of them
        boolean fullLong = tall ? u != null && uCols == m : vt != null && vtRows == n;
        int rows = fullLong ? len : k;
        float[] lv = orthonormalRows(wr, sv, k, len, rows);
        // tall: U = lvᵀ, Vᵀ = rv; wide: U = rvᵀ, Vᵀ = lv
        if (tall) {
            if (u != null) FloatLayout.transpose(lv, 0, uCols, m, len, u, uOff, ldu);
            if (vt != null) for (int i = 0; i < k; i++) System.arraycopy(rv, i * k, vt, vtOff + i * ldvt, k);
        } else {
            if (u != null) FloatLayout.transpose(rv, 0, k, k, k, u, uOff, ldu);
            if (vt != null) for (int i = 0; i < vtRows; i++) System.arraycopy(lv, i * len, vt, vtOff + i * ldvt, n);
        }
        return 0;
    }

    /**
     * Cyclic one-sided Jacobi on the {@code cnt} rows of length {@code len} of {@code w}: rotates
     * pairs of rows until every pair is orthogonal to working precision
     * ({@code |w_i . w_j| <= len eps |w_i| |w_j|}, the rounding error of the dot itself); each rotation is applied to the same rows of
     * {@code rv} (cnt x cnt) when not null. The rows are scaled by a power of two first (exact)
     * so that no squared norm overflows, and scaled back.
     */
    private static int jacobi(int cnt, int len, float[] w, float[] rv) {
        float big = 0;
        for (int i = 0; i < cnt * len; i++) {
            float v = Math.abs(w[i]);
            if (v > big || v != v) big = v;
        }
        if (big == 0 || big != big || Float.isInfinite(big)) return 0;
        int shift = -Math.getExponent(big);
        for (int i = 0; i < cnt * len; i++) w[i] = Math.scalb(w[i], shift);
        // a computed dot is off by up to len eps |w_i| |w_j|: asking for less than that may never be met
        float tol = Math.ulp((float) 1) * Math.max(1, len);
        boolean rotated = true;
        int sweeps = 0;
        float[] norms = new float[cnt], cs = new float[1], ss = new float[1];
        while (rotated) {
            if (++sweeps > MAX_SWEEPS) return 1;
            rotated = false;
            // squared norms afresh each sweep, updated exactly within it (a rotation moves t·γ from one to the other)
            for (int i = 0; i < cnt; i++) norms[i] = FloatReductions.sumSquares(w, i * len, len);
            for (int i = 0; i + 1 < cnt; i++) {
                for (int j = i + 1; j < cnt; j++) {
                    int xi = i * len, xj = j * len;
                    float alpha = norms[i], beta = norms[j];
                    float gamma = FloatReductions.dot(w, xi, w, xj, len);
                    // the product of the norms, not of the squares: that underflows for two small rows
                    if (!(Math.abs(gamma) > tol * (Math.sqrt(alpha) * Math.sqrt(beta))) || alpha == 0 || beta == 0) continue;
                    rotated = true;
                    float zeta = (beta - alpha) / (2 * gamma);
                    float t = (float) (Math.copySign(1, zeta) / (Math.abs(zeta) + Math.hypot(1, zeta)));
                    float c = (float) (1 / Math.sqrt(1 + (double) t * t)), sn = c * t;
                    cs[0] = c;
                    ss[0] = sn;
                    FloatElementwise.rotateRows(cs, ss, 0, 1, w, xi, xj - xi, len);
                    norms[i] = Math.max(0, alpha - t * gamma);
                    norms[j] = beta + t * gamma;
                    if (rv != null) FloatElementwise.rotateRows(cs, ss, 0, 1, rv, i * cnt, (j - i) * cnt, cnt);
                }
            }
        }
        for (int i = 0; i < cnt * len; i++) w[i] = Math.scalb(w[i], -shift);
        return 0;
    }

    /**
     * {@code rows} orthonormal rows of length len: row {@code i < cnt} is w_i / sv_i where sv_i is a
     * normal number; the others (zero singular values, and rows cnt .. rows-1) complete them, as
     * the columns of Q beyond the good ones in the full Householder QR of the good ones.
     */
    private static float[] orthonormalRows(float[] w, float[] sv, int cnt, int len, int rows) {
        float[] out = new float[Math.multiplyExact(rows, len)];
        int good = 0;
        boolean[] ok = new boolean[cnt];
        for (int i = 0; i < cnt; i++) {
            ok[i] = sv[i] >= Float.MIN_NORMAL;
            if (ok[i]) {
                good++;
                float inv = 1 / sv[i];
                for (int c = 0; c < len; c++) out[i * len + c] = w[i * len + c] * inv;
            }
        }
        if (good == rows) return out;
        // G = the good rows as columns (len x good); Q = its full QR's Q; Q's columns good.. fill the gaps
        float[] g = new float[Math.multiplyExact(len, Math.max(good, 1))], tau = new float[Math.max(good, 1)];
        for (int i = 0, col = 0; i < cnt; i++) {
            if (!ok[i]) continue;
            for (int c = 0; c < len; c++) g[c * good + col] = out[i * len + c];
            col++;
        }
        float[] q = new float[Math.multiplyExact(len, len)];
        if (good > 0) geqrf(len, good, g, 0, good, tau, 0);
        orgqr(len, len, good, g, 0, Math.max(good, 1), tau, 0, q, 0, len);
        int next = good;
        for (int i = 0; i < rows; i++) {
            if (i < cnt && ok[i]) continue;
            for (int c = 0; c < len; c++) out[i * len + c] = q[c * len + next];
            next++;
        }
        return out;
    }
}
