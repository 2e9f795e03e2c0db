package io.simdgrad.core;

import io.simdgrad.core.ops.LinalgOps;
import io.simdgrad.core.ops.Shapes;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;

import java.util.Random;

import static io.simdgrad.core.LinalgProperties.abs;
import static io.simdgrad.core.LinalgProperties.assertResidual;
import static io.simdgrad.core.LinalgProperties.dtype;
import static io.simdgrad.core.LinalgProperties.eps;
import static io.simdgrad.core.LinalgProperties.item;
import static io.simdgrad.core.LinalgProperties.mul;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * QR, eigh, SVD, pinv and lstsq, f32 and f64, batched, tall and wide, checked by reconstruction
 * and orthogonality in naive double loops: {@code Q R = A}, {@code QᵀQ = I}, {@code A V = V Λ},
 * {@code U S Vᴴ = A}, the Moore-Penrose conditions, the normal equations.
 *
 * <p>Bounds: Householder QR, the symmetric QR iteration and one-sided Jacobi are backward stable
 * (Higham, Thms 19.4 and 8.x; Demmel-Veselić for Jacobi): the residual of a reconstruction is
 * about {@code c n eps |A|} and the loss of orthogonality about {@code c n eps}, whatever the
 * conditioning, so those are checked against {@code |A|}'s norm with a bound linear in n. Values
 * (eigenvalues, singular values) are perturbed by at most that residual's norm (Weyl), so they are
 * compared to the same absolute bound. Inputs include ill-conditioned matrices (graded singular
 * values down to 1e-12 of the largest) and exactly repeated eigenvalues and singular values, where
 * the vectors are not unique but the residuals must still be small.
 */
class LinalgDecompositionProperties {

    static int size(Random r) {
        int[] edges = {1, 2, 3, 5, 16, 33};
        return r.nextBoolean() ? edges[r.nextInt(edges.length)] : 1 + r.nextInt(40);
    }

    /** A random m x n matrix: uniform (-1, 1), or graded (singular values 1 .. 1e-12 by an orthogonal mix), or of rank 1. */
    static double[] matrix(Random r, int m, int n, int kind) {
        double[] a = new double[m * n];
        for (int i = 0; i < a.length; i++) a[i] = 2 * r.nextDouble() - 1;
        if (kind == 1) {
            // scale columns geometrically: condition number up to 1e12 (in f32 the small ones drown in rounding, still backward stable)
            for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) a[i * n + j] *= Math.pow(1e-12, n == 1 ? 0 : (double) j / (n - 1));
        } else if (kind == 2) {
            double[] u = new double[m], v = new double[n];
            for (int i = 0; i < m; i++) u[i] = 2 * r.nextDouble() - 1;
            for (int j = 0; j < n; j++) v[j] = 2 * r.nextDouble() - 1;
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) a[i * n + j] = u[i] * v[j];
        }
        return a;
    }

    static Tensor batchOf(DType dt, double[][] items, int[] batch, int m, int n) {
        return LinalgProperties.tensor(dt, items, batch, m, n);
    }

    static double frob(double[] a) {
        double s = 0;
        for (double v : a) s += v * v;
        return Math.sqrt(s);
    }

    static double[] transpose(double[] a, int m, int n) {
        double[] t = new double[m * n];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
        return t;
    }

    static double[] eye(int n) {
        double[] e = new double[n * n];
        for (int i = 0; i < n; i++) e[i * n + i] = 1;
        return e;
    }

    /** |want - got| <= tol elementwise, an absolute bound. */
    static void near(double[] want, double[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - got[i]) <= tol, what + ": element " + i + " is " + got[i] + ", expected " + want[i] + " within " + tol);
        }
    }

    static double[] ones(int n) {
        double[] o = new double[n];
        java.util.Arrays.fill(o, 1);
        return o;
    }

    record Draw(DType dt, int m, int n, int[] batch, int count, double[][] a, Tensor t) {
        static Draw of(Random r, boolean square) {
            DType dt = dtype(r);
            int m = size(r), n = square ? m : size(r);
            int[] batch = r.nextInt(3) == 0 ? new int[] {2} : new int[0];
            int count = Shapes.numel(batch), kind = r.nextInt(4) == 0 ? 1 + r.nextInt(2) : 0;
            double[][] a = new double[count][];
            for (int t = 0; t < count; t++) a[t] = matrix(r, m, n, kind);
            Tensor x = batchOf(dt, a, batch, m, n);
            if (r.nextBoolean()) x = x.transpose(-2, -1).contiguous().transpose(-2, -1); // a strided .mT layout
            return new Draw(dt, m, n, batch, count, a, x);
        }
    }

    @Property(tries = 60, shrinking = ShrinkingMode.OFF)
    void qrReconstructsWithOrthonormalQ(@ForAll long seed) {
        Random r = new Random(seed);
        Draw d = Draw.of(r, false);
        boolean complete = r.nextBoolean();
        Linalg.QR<Tensor> f = Linalg.qr(d.t, complete ? "complete" : "reduced");
        int m = d.m, n = d.n, k = Math.min(m, n), qc = complete ? m : k;
        assertEquals(Shapes.str(TensorProperties.concat(d.batch, m, qc)), Shapes.str(f.Q().shape()));
        assertEquals(Shapes.str(TensorProperties.concat(d.batch, qc, n)), Shapes.str(f.R().shape()));
        double tol = 8 * (Math.max(m, n) + 2) * eps(d.dt);
        Tensor rOnly = Linalg.qr(d.t, "r").R();
        for (int t = 0; t < d.count; t++) {
            double[] q = item(f.Q(), t), rr = item(f.R(), t), a = item(d.t, t);
            for (int i = 0; i < qc; i++) for (int j = 0; j < Math.min(i, n); j++) assertEquals(0.0, rr[i * n + j], "R is upper triangular");
            double scale = frob(a);
            near(a, mul(q, rr, m, qc, n, false), tol * Math.max(scale, Double.MIN_NORMAL), "Q R = A (" + d.dt + ", " + m + "x" + n + ")");
            near(eye(qc), mul(transpose(q, m, qc), q, qc, m, qc, false), tol, "QᵀQ = I");
            near(java.util.Arrays.copyOf(rr, k * n), item(rOnly, t), 0, "mode r gives the same R");
        }
    }

    @Property(tries = 60, shrinking = ShrinkingMode.OFF)
    void eighDiagonalizesWithOrthonormalVectors(@ForAll long seed) {
        Random r = new Random(seed);
        DType dt = dtype(r);
        int n = size(r);
        int[] batch = r.nextInt(3) == 0 ? new int[] {2} : new int[0];
        int count = Shapes.numel(batch), kind = r.nextInt(4);
        double[][] a = new double[count][];
        for (int t = 0; t < count; t++) {
            double[] m = matrix(r, n, n, kind == 3 ? 0 : kind);
            double[] s = new double[n * n];
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) s[i * n + j] = (m[i * n + j] + m[j * n + i]) / 2;
            if (kind == 3) {
                // a repeated eigenvalue: Q diag(1, 1, .., 1, 2, ..) Qᵀ from eigh of s itself
                Tensor v = Linalg.eigh(Tensor.of(s, n, n)).eigenvectors();
                double[] q = v.toDoubleArray(), lam = new double[n * n];
                for (int i = 0; i < n; i++) lam[i * n + i] = i < (n + 1) / 2 ? 1 : 2;
                s = mul(mul(q, lam, n, n, n, false), q, n, n, n, true);
            }
            // only the lower triangle may be read: garbage above it
            for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) s[i * n + j] = 1e3 * (2 * r.nextDouble() - 1);
            a[t] = s;
        }
        Tensor at = batchOf(dt, a, batch, n, n);
        Linalg.Eigh<Tensor> e = Linalg.eigh(at);
        Tensor vals = Linalg.eigvalsh(at);
        double tol = 16 * (n + 2) * eps(dt);
        for (int t = 0; t < count; t++) {
            double[] s = item(at, t);
            for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) s[i * n + j] = s[j * n + i];
            double[] v = item(e.eigenvectors(), t), lam = item(e.eigenvalues().unsqueeze(-1), t), lv = item(vals.unsqueeze(-1), t);
            double scale = Math.max(frob(s), Double.MIN_NORMAL);
            for (int i = 0; i + 1 < n; i++) assertTrue(lam[i] <= lam[i + 1], "ascending eigenvalues");
            double[] vl = new double[n * n];
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) vl[i * n + j] = v[i * n + j] * lam[j];
            near(mul(s, v, n, n, n, false), vl, tol * scale, "A V = V Λ (" + dt + ", n=" + n + ")");
            near(eye(n), mul(transpose(v, n, n), v, n, n, n, false), tol, "VᵀV = I");
            near(lam, lv, tol * scale, "eigvalsh = eigh's eigenvalues");
        }
    }

    @Property(tries = 60, shrinking = ShrinkingMode.OFF)
    void svdReconstructsWithOrthonormalFactors(@ForAll long seed) {
        Random r = new Random(seed);
        Draw d = Draw.of(r, false);
        boolean full = r.nextBoolean();
        int m = d.m, n = d.n, k = Math.min(m, n), uc = full ? m : k, vr = full ? n : k;
        Linalg.SVD<Tensor> f = Linalg.svd(d.t, full);
        Tensor sv = Linalg.svdvals(d.t);
        double tol = 16 * (Math.max(m, n) + 2) * eps(d.dt);
        for (int t = 0; t < d.count; t++) {
            double[] u = item(f.U(), t), s = item(f.S().unsqueeze(-1), t), vh = item(f.Vh(), t), a = item(d.t, t);
            double scale = Math.max(frob(a), Double.MIN_NORMAL);
            for (int i = 0; i < k; i++) {
                assertTrue(s[i] >= 0, "non-negative singular values");
                if (i > 0) assertTrue(s[i - 1] >= s[i], "descending singular values");
            }
            double[] us = new double[m * k];
            for (int i = 0; i < m; i++) for (int j = 0; j < k; j++) us[i * k + j] = u[i * uc + j] * s[j];
            double[] vhk = java.util.Arrays.copyOf(vh, k * n);
            near(a, mul(us, vhk, m, k, n, false), tol * scale, "U S Vh = A (" + d.dt + ", " + m + "x" + n + ", full=" + full + ")");
            near(eye(uc), mul(transpose(u, m, uc), u, uc, m, uc, false), tol, "UᵀU = I");
            near(eye(vr), mul(vh, vh, vr, n, vr, true), tol, "Vh Vhᵀ = I");
            near(s, item(sv.unsqueeze(-1), t), tol * scale, "svdvals = svd's S");
        }
    }

    @Property(tries = 40, shrinking = ShrinkingMode.OFF)
    void pinvSatisfiesMoorePenroseAndLstsqTheNormalEquations(@ForAll long seed) {
        Random r = new Random(seed);
        DType dt = DType.FLOAT64;
        int m = size(r), n = size(r), k = 1 + r.nextInt(3);
        boolean rank1 = r.nextInt(4) == 0;
        double[] a = matrix(r, m, n, rank1 ? 2 : 0);
        Tensor at = Tensor.of(a, m, n);
        double[] p = Linalg.pinv(at).toDoubleArray();
        double tol = 1e-8; // random full-rank matrices of these sizes: cond < 1e4 or so, errors ~ cond^2 eps
        double[] apa = mul(mul(a, p, m, n, m, false), a, m, m, n, false), pap = mul(mul(p, a, n, m, n, false), p, n, n, m, false);
        near(a, apa, tol * frob(a), "A P A = A (" + m + "x" + n + ")");
        near(p, pap, tol * Math.max(1, frob(p)), "P A P = P");
        double[] ap = mul(a, p, m, n, m, false), pa = mul(p, a, n, m, n, false);
        near(ap, transpose(ap, m, m), tol, "A P symmetric");
        near(pa, transpose(pa, n, n), tol, "P A symmetric");
        if (rank1) return;
        double[] b = matrix(r, m, k, 0);
        double[] x = Linalg.lstsq(at, Tensor.of(b, m, k)).toDoubleArray();
        // the least-squares (m >= n) or minimum-norm (m < n) solution is pinv(A) B
        near(mul(p, b, n, m, k, false), x, 1e-7, "lstsq = pinv(A) B (" + m + "x" + n + ")");
        double[] herm = new double[m * m];
        double[] aat = mul(a, a, m, n, m, true);
        System.arraycopy(aat, 0, herm, 0, m * m);
        Tensor ph = Linalg.pinv(Tensor.of(herm, m, m), 0, -1, true), pg = Linalg.pinv(Tensor.of(herm, m, m));
        if (m <= n) near(pg.toDoubleArray(), ph.toDoubleArray(), 1e-6 * Math.max(1, frob(pg.toDoubleArray())), "hermitian pinv = pinv");
    }

    @Property(tries = 40, shrinking = ShrinkingMode.OFF)
    void normsDiagonalsCrossOuterTraceMatchNaiveLoops(@ForAll long seed) {
        Random r = new Random(seed);
        int m = size(r), n = size(r);
        double[] a = matrix(r, m, n, 0);
        Tensor at = Tensor.of(a, m, n);
        double[] colSums = new double[n], rowSums = new double[m];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
            colSums[j] += Math.abs(a[i * n + j]);
            rowSums[i] += Math.abs(a[i * n + j]);
        }
        double tol = 1e-12 * Math.max(m, n);
        assertEquals(java.util.Arrays.stream(colSums).max().orElseThrow(), Linalg.matrixNorm(at, 1).item(), tol);
        assertEquals(java.util.Arrays.stream(colSums).min().orElseThrow(), Linalg.matrixNorm(at, -1).item(), tol);
        assertEquals(java.util.Arrays.stream(rowSums).max().orElseThrow(), Linalg.matrixNorm(at, Double.POSITIVE_INFINITY).item(), tol);
        assertEquals(java.util.Arrays.stream(rowSums).min().orElseThrow(), Linalg.matrixNorm(at, Double.NEGATIVE_INFINITY).item(), tol);
        assertEquals(frob(a), Linalg.matrixNorm(at).item(), tol);
        double[] s = Linalg.svdvals(at).toDoubleArray();
        assertEquals(java.util.Arrays.stream(s).sum(), Linalg.matrixNorm(at, "nuc").item(), tol);
        assertEquals(s[0], Linalg.matrixNorm(at, 2).item(), tol);
        assertEquals(s[s.length - 1], Linalg.matrixNorm(at, -2).item(), tol);
        assertEquals(frob(a), Linalg.vectorNorm(at).item(), tol);
        // diagonal / diag_embed / diag / trace at a random offset
        int off = r.nextInt(n + m + 1) - m;
        int len = LinalgOps.diagLength(m, n, off);
        double[] want = new double[len];
        for (int i = 0; i < len; i++) want[i] = a[(i + Math.max(0, -off)) * n + i + Math.max(0, off)];
        near(want, Linalg.diagonal(at, off, 0, 1).toDoubleArray(), 0, "diagonal offset " + off);
        near(want, Linalg.diagonal(at.t(), off, 1, 0).toDoubleArray(), 0, "diagonal of the transpose, dims swapped");
        Tensor emb = Linalg.diagEmbed(Tensor.of(want, len), off, 0, 1);
        int side = len + Math.abs(off);
        double[] e = emb.toDoubleArray();
        assertEquals(side * side, e.length);
        for (int i = 0; i < side; i++) for (int j = 0; j < side; j++) {
            int d = j - i;
            int idx = Math.min(i, j);
            assertEquals(d == off ? want[idx] : 0.0, e[i * side + j], "diag_embed at " + i + "," + j);
        }
        if (m == n) {
            double tr = 0;
            for (int i = 0; i < n; i++) tr += a[i * n + i];
            assertEquals(tr, Linalg.trace(at).item(), tol);
        }
        double[] x = matrix(r, 1, 3, 0), y = matrix(r, 1, 3, 0);
        double[] c = {x[1] * y[2] - x[2] * y[1], x[2] * y[0] - x[0] * y[2], x[0] * y[1] - x[1] * y[0]};
        near(c, Linalg.cross(Tensor.of(x, 3), Tensor.of(y, 3)).toDoubleArray(), 1e-15, "cross");
        double[] o = Linalg.outer(Tensor.of(x, 3), Tensor.of(y, 3)).toDoubleArray();
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) assertEquals(x[i] * y[j], o[i * 3 + j], "outer");
    }
}
