package io.simdgrad.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;

/**
 * The blocked factorizations and solves of {@link FloatLinalg} against their unblocked twins
 * (the textbook loops), on sizes around the panel width (1, NB-1, NB, NB+1, 2NB+3, ...), with
 * offsets and padded leading dimensions, and the pivots compared exactly.
 *
 * <p>Tolerance: both forms are backward stable; they differ only in the order in which each
 * element's dot products are summed, so an element differs by at most about
 * {@code 2 n ulp(1) |L||Lᵀ|}-sized terms, amplified by the substitution (by the matrices'
 * conditioning; the test matrices are diagonally dominant, cond <= ~4). We allow
 * {@code 8 (n + 2) ulp(1)} relative to the largest magnitude of the result.
 */
class FloatLinalgTest {
    private static final double EPS = Math.ulp((float) 1);

    static int size(SplittableRandom r) {
        int nb = FloatLinalg.NB;
        int[] edges = {1, 2, nb - 1, nb, nb + 1, 2 * nb + 3};
        return r.nextBoolean() ? edges[r.nextInt(edges.length)] : 1 + r.nextInt(3 * nb);
    }

    /** An n x n matrix at offset off with leading dim lda: entries in (-1, 1), plus diag on the diagonal. */
    static float[] matrix(SplittableRandom r, int n, int off, int lda, double diag) {
        float[] a = new float[off + n * lda + 3];
        for (int i = 0; i < a.length; i++) a[i] = (float) (2 * r.nextDouble() - 1);
        for (int i = 0; i < n; i++) a[off + i * lda + i] += (float) diag;
        return a;
    }

    static void assertClose(float[] want, float[] got, double tol, String what) {
        double max = 0;
        for (float v : want) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - got[i]) <= tol * Math.max(max, 1), what + ": element " + i + " is " + got[i] + ", twin gives " + want[i]);
        }
    }

    @Property(tries = 30, shrinking = ShrinkingMode.OFF)
    void potrfMatchesItsUnblockedTwinOnTheLowerTriangle(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = size(r), off = r.nextInt(3), lda = n + r.nextInt(3);
        float[] a = matrix(r, n, off, lda, 0);
        // A = M Mᵀ + n I on the lower triangle, the strict upper triangle left as garbage (never read, used as workspace)
        float[] m = a.clone();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int p = 0; p < n; p++) s += m[off + i * lda + p] * m[off + j * lda + p];
                a[off + i * lda + j] = (float) (s / n + (i == j ? 1 : 0));
            }
        }
        float[] b = a.clone();
        assertEquals(0, FloatLinalg.potrf(n, a, off, lda));
        assertEquals(0, FloatLinalg.potrfUnblocked(n, b, off, lda));
        // compare the lower triangles (the blocked form uses the strict upper one as workspace)
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                a[off + i * lda + j] = 0;
                b[off + i * lda + j] = 0;
            }
        }
        assertClose(b, a, 8 * (n + 2) * EPS, "potrf n=" + n);
    }

    @Example
    void potrfReportsTheFirstLeadingMinorThatIsNotPositiveDefinite() {
        int n = 2 * FloatLinalg.NB + 5;
        float[] a = new float[n * n];
        for (int i = 0; i < n; i++) a[i * n + i] = 1;
        a[(n - 3) * n + n - 3] = -1; // the leading minor of order n - 2 is the first not positive-definite
        assertEquals(n - 2, FloatLinalg.potrf(n, a.clone(), 0, n));
        assertEquals(n - 2, FloatLinalg.potrfUnblocked(n, a.clone(), 0, n));
        a[0] = Float.NaN;
        assertEquals(1, FloatLinalg.potrf(n, a, 0, n), "NaN is not positive");
    }

    @Property(tries = 40, shrinking = ShrinkingMode.OFF)
    void trsmMatchesItsUnblockedTwin(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int m = size(r), n = 1 + r.nextInt(90), off = r.nextInt(3), lda = m + r.nextInt(3), ldb = n + r.nextInt(3);
        boolean upper = r.nextBoolean(), trans = r.nextBoolean(), unit = r.nextBoolean();
        float[] a = matrix(r, m, off, lda, m);
        float[] b = new float[ldb * m + 2];
        for (int i = 0; i < b.length; i++) b[i] = (float) (2 * r.nextDouble() - 1);
        float[] c = b.clone();
        FloatLinalg.trsm(upper, trans, unit, m, n, a, off, lda, b, 1, ldb);
        FloatLinalg.trsmUnblocked(upper, trans, unit, m, n, a, off, lda, c, 1, ldb);
        assertClose(c, b, 8 * (m + 2) * EPS, "trsm m=" + m + " n=" + n + " upper=" + upper + " trans=" + trans + " unit=" + unit);
    }

    @Property(tries = 30, shrinking = ShrinkingMode.OFF)
    void getrfMatchesItsUnblockedTwinAndGetrsSolves(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = size(r), off = r.nextInt(3), lda = n + r.nextInt(3);
        // a dominant diagonal in a random row order: pivoting moves every row, and both forms pick the same pivots
        float[] a0 = matrix(r, n, off, lda, 3 * n);
        float[] a = a0.clone();
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            for (int c = 0; c < n; c++) {
                float t = a[off + i * lda + c];
                a[off + i * lda + c] = a[off + j * lda + c];
                a[off + j * lda + c] = t;
            }
        }
        float[] b = a.clone(), orig = a.clone();
        int[] p = new int[n + 1], q = new int[n + 1];
        assertEquals(0, FloatLinalg.getrf(n, a, off, lda, p, 1));
        assertEquals(0, FloatLinalg.getrfUnblocked(n, b, off, lda, q, 1));
        assertEquals(java.util.Arrays.toString(q), java.util.Arrays.toString(p), "pivots");
        assertClose(b, a, 8 * (n + 2) * EPS, "getrf n=" + n);
        for (boolean trans : new boolean[] {false, true}) {
            // op(A) x = op(A) 1 must give x = 1
            float[] rhs = new float[n];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int c = 0; c < n; c++) s += trans ? orig[off + c * lda + i] : orig[off + i * lda + c];
                rhs[i] = (float) s;
            }
            FloatLinalg.getrs(trans, n, 1, a, off, lda, p, 1, rhs, 0, 1);
            for (int i = 0; i < n; i++) assertEquals(1, rhs[i], 16 * (n + 2) * EPS, "getrs trans=" + trans + " x[" + i + "]");
        }
    }

    @Example
    void getrfReportsTheFirstZeroPivotAndKeepsGoing() {
        float[] a = {1, 2, 0, 2, 4, 0, 0, 0, 1};
        int[] p = new int[3];
        assertEquals(2, FloatLinalg.getrf(3, a, 0, 3, p, 0));
        assertThrows(IllegalArgumentException.class, () -> FloatLinalg.permuteRows(false, 3, 1, new int[] {0, 5, 2}, 0, new float[3], 0, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> FloatLinalg.potrf(3, new float[8], 0, 3));
    }

    /** Sizes around the QR panel width QB (1, QB-1, QB, QB+1, 2QB+3, ...). */
    static int qrSize(SplittableRandom r) {
        int qb = FloatLinalg.QB;
        int[] edges = {1, 2, qb - 1, qb, qb + 1, 2 * qb + 3};
        return r.nextBoolean() ? edges[r.nextInt(edges.length)] : 1 + r.nextInt(3 * qb);
    }

    /**
     * The blocked QR and Q formation against their unblocked twins: the same reflectors applied
     * in another grouping (block reflectors through GEMM), so equal to rounding; the matrices have
     * full rank and cond <= ~4 (diagonally dominant), and the tolerance is that of the LU tests.
     */
    @Property(tries = 30, shrinking = ShrinkingMode.OFF)
    void geqrfAndOrgqrMatchTheirUnblockedTwins(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int m = qrSize(r), n = qrSize(r), k = Math.min(m, n), off = r.nextInt(3), lda = n + r.nextInt(3);
        float[] a = new float[off + m * lda + 3];
        for (int i = 0; i < a.length; i++) a[i] = (float) (2 * r.nextDouble() - 1);
        for (int i = 0; i < k; i++) a[off + i * lda + i] += (float) Math.max(m, n);
        float[] orig = a.clone(), b = a.clone(), ta = new float[k + 1], tb = new float[k + 1];
        FloatLinalg.geqrf(m, n, a, off, lda, ta, 1);
        FloatLinalg.geqrfUnblocked(m, n, b, off, lda, tb, 1);
        double tol = 8 * (Math.max(m, n) + 2) * EPS;
        assertClose(b, a, tol * Math.max(m, n), "geqrf " + m + "x" + n);
        assertClose(tb, ta, tol, "tau " + m + "x" + n);
        int qc = r.nextBoolean() ? m : k;
        float[] qa = new float[m * qc], qb = new float[m * qc];
        FloatLinalg.orgqr(m, qc, k, b, off, lda, tb, 1, qa, 0, qc);
        FloatLinalg.orgqrUnblocked(m, qc, k, b, off, lda, tb, 1, qb, 0, qc);
        assertClose(qb, qa, tol, "orgqr " + m + "x" + qc);
        // and Q R = A for the original A (an independent check of both): |Q R - A| <= tol |A|, backward stable
        float[] want = new float[m * n], got = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p <= Math.min(j, k - 1); p++) sum += (double) qa[i * qc + p] * a[off + p * lda + j];
                want[i * n + j] = orig[off + i * lda + j];
                got[i * n + j] = (float) sum;
            }
        }
        assertClose(want, got, tol, "Q R = A " + m + "x" + n);
    }
}
