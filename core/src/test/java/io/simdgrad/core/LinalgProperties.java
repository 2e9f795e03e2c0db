package io.simdgrad.core;

import io.simdgrad.core.ops.Shapes;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values of {@link Linalg}'s factorizations and solves, f32 and f64, batched, on sizes around the
 * kernels' panel width (1 .. 140: one panel, a full one, one and a bit, two and a bit), checked
 * by reconstruction against naive double loops: {@code L Lᵀ = A}, {@code P L U = A},
 * {@code A X = B}, {@code A inv(A) = I}, {@code det} against a naive Gaussian elimination.
 *
 * <p>The bound: a backward-stable factorization or solve (Cholesky; LU with partial pivoting,
 * whose growth factor is small for random matrices; substitution) leaves a residual
 * {@code |A - L Lᵀ|} or {@code |A X - B|} of about {@code c n eps |A| |X|} (Higham, Accuracy and
 * Stability, Thms 8.5, 9.3, 10.3), so it is checked relative to {@code |A| |X|} with a bound
 * that grows with n; the error of X itself is that residual times the condition number, so
 * forward comparisons ({@code A inv(A) = I} is a residual, the determinant is not) are scaled by
 * a condition bound of the random test matrices ({@code M + n I} with M in (-1, 1): strictly
 * diagonally dominant, cond <= ~4, independent of n).
 */
class LinalgProperties {

    static double eps(DType dt) {
        return dt == DType.FLOAT32 ? 0x1p-23 : 0x1p-52;
    }

    static DType dtype(Random r) {
        return r.nextBoolean() ? DType.FLOAT32 : DType.FLOAT64;
    }

    /** Sizes near the panel width 64 more often than not. */
    static int size(Random r) {
        int[] edges = {1, 2, 3, 7, 63, 64, 65, 129};
        return r.nextBoolean() ? edges[r.nextInt(edges.length)] : 1 + r.nextInt(140);
    }

    static int[] batch(Random r) {
        return r.nextInt(3) == 0 ? new int[] {2} : new int[0];
    }

    /** Random values in (-1, 1) plus {@code diag} on the diagonal, as doubles [count][n*n]. */
    static double[][] matrices(Random r, int count, int n, double diag) {
        double[][] a = new double[count][n * n];
        for (double[] m : a) {
            for (int i = 0; i < n * n; i++) m[i] = 2 * r.nextDouble() - 1;
            for (int i = 0; i < n; i++) m[i * n + i] += diag;
        }
        return a;
    }

    static Tensor tensor(DType dt, double[][] v, int[] batch, int rows, int cols) {
        double[] flat = new double[v.length * rows * cols];
        for (int t = 0; t < v.length; t++) System.arraycopy(v[t], 0, flat, t * rows * cols, rows * cols);
        Tensor x = Tensor.of(flat, TensorProperties.concat(batch, rows, cols));
        return x.to(dt);
    }

    /** Item t of a [..., r, c] tensor as doubles. */
    static double[] item(Tensor x, int t) {
        int r = x.size(-2), c = x.size(-1);
        double[] all = x.contiguous().toDoubleArray();
        double[] m = new double[r * c];
        System.arraycopy(all, t * r * c, m, 0, r * c);
        return m;
    }

    static double[] mul(double[] a, double[] b, int m, int k, int n, boolean transB) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * (transB ? b[j * k + p] : b[p * n + j]);
                c[i * n + j] = s;
            }
        }
        return c;
    }

    static double[] abs(double[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = Math.abs(a[i]);
        return r;
    }

    /** Checks |got - want| <= tol * scale elementwise (scale: |A||X| of the same shape), naming the worst. */
    static void assertResidual(double[] want, double[] got, double[] scale, double tol, String what) {
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]);
            assertTrue(err <= tol * (scale[i] + Double.MIN_NORMAL), what + ": element " + i + " is " + got[i] + ", expected " + want[i]
                    + " (error " + err + " > " + tol + " * " + scale[i] + ")");
        }
    }

    @Property(tries = 40, shrinking = ShrinkingMode.OFF)
    void choleskyReconstructs(@ForAll long seed) {
        Random r = new Random(seed);
        DType dt = dtype(r);
        int n = size(r);
        int[] batch = batch(r);
        int count = Shapes.numel(batch);
        double[][] m = matrices(r, count, n, 0);
        double[][] a = new double[count][];
        for (int t = 0; t < count; t++) {
            a[t] = mul(m[t], m[t], n, n, n, true);
            for (int i = 0; i < n; i++) a[t][i * n + i] += n;
        }
        Tensor at = tensor(dt, a, batch, n, n);
        Tensor l = Linalg.cholesky(at);
        for (int t = 0; t < count; t++) {
            double[] lt = item(l, t), aq = item(at, t);
            for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) assertEquals(0.0, lt[i * n + j], "upper triangle of L");
            double[] llt = mul(lt, lt, n, n, n, true), scale = mul(abs(lt), abs(lt), n, n, n, true);
            assertResidual(aq, llt, scale, 4 * (n + 2) * eps(dt), "L L^T = A (" + dt + ", n=" + n + ")");
        }
    }

    @Property(tries = 40, shrinking = ShrinkingMode.OFF)
    void solveTriangularSatisfiesItsEquation(@ForAll long seed) {
        Random r = new Random(seed);
        DType dt = dtype(r);
        int n = size(r), k = 1 + r.nextInt(70);
        boolean upper = r.nextBoolean(), left = r.nextBoolean(), unit = r.nextBoolean(), transposed = r.nextBoolean();
        int[] batch = batch(r);
        int count = Shapes.numel(batch);
        double[][] a = matrices(r, count, n, n), b = matrices(r, count, left ? 1 : 1, 0);
        double[][] bv = new double[count][n * k];
        for (double[] row : bv) for (int i = 0; i < row.length; i++) row[i] = 2 * r.nextDouble() - 1;
        Tensor at = tensor(dt, a, batch, n, n);
        if (transposed) at = at.transpose(-2, -1).contiguous().transpose(-2, -1); // a strided .mT layout, read in place
        Tensor bt = left ? tensor(dt, bv, batch, n, k) : tensor(dt, bv, batch, k, n);
        Tensor x = Linalg.solveTriangular(at, bt, upper, left, unit);
        for (int t = 0; t < count; t++) {
            double[] tri = item(at, t);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) if (upper ? j < i : j > i) tri[i * n + j] = 0;
                if (unit) tri[i * n + i] = 1;
            }
            double[] xt = item(x, t), bq = item(bt, t);
            double[] got = left ? mul(tri, xt, n, n, k, false) : mul(xt, tri, k, n, n, false);
            double[] scale = left ? mul(abs(tri), abs(xt), n, n, k, false) : mul(abs(xt), abs(tri), k, n, n, false);
            assertResidual(bq, got, scale, 4 * (n + 2) * eps(dt), "solveTriangular upper=" + upper + " left=" + left + " unit=" + unit
                    + " (" + dt + ", n=" + n + ", k=" + k + ")");
        }
    }

    @Property(tries = 40, shrinking = ShrinkingMode.OFF)
    void luReconstructsAndSolveInvDetAgree(@ForAll long seed) {
        Random r = new Random(seed);
        DType dt = dtype(r);
        int n = size(r), k = 1 + r.nextInt(5);
        int[] batch = batch(r);
        int count = Shapes.numel(batch);
        // no diagonal shift here: pivoting then has work to do (random matrices are well enough conditioned for a residual check)
        double[][] a = matrices(r, count, n, 0);
        Tensor at = tensor(dt, a, batch, n, n);
        Linalg.PLU<Tensor> f = Linalg.lu(at);
        double tol = 8 * (n + 2) * eps(dt);
        // the backward error of LU and of solves through it is bounded by |P||L||U|, not |A| (Higham, Thm 9.3 and 9.4):
        // partial pivoting's growth makes |L||U| larger than |A|, so the solve residuals are scaled by it too
        double[][] luScale = new double[count][];
        for (int t = 0; t < count; t++) {
            double[] p = item(f.P(), t), l = item(f.L(), t), u = item(f.U(), t), aq = item(at, t);
            double[] lu = mul(l, u, n, n, n, false), plu = mul(p, lu, n, n, n, false);
            double[] scale = mul(p, mul(abs(l), abs(u), n, n, n, false), n, n, n, false);
            luScale[t] = scale;
            assertResidual(aq, plu, scale, tol, "P L U = A (" + dt + ", n=" + n + ")");
            for (int i = 0; i < n * n; i++) assertTrue(Math.abs(l[i]) <= 1, "partial pivoting keeps |L| <= 1");
        }
        double[][] bv = new double[count][n * k];
        for (double[] row : bv) for (int i = 0; i < row.length; i++) row[i] = 2 * r.nextDouble() - 1;
        Tensor bt = tensor(dt, bv, batch, n, k);
        Tensor x = Linalg.solve(at, bt), inv = Linalg.inv(at);
        Linalg.LuFactors<Tensor> lf = Linalg.luFactor(at);
        Tensor x2 = Linalg.luSolve(lf.LU(), lf.pivots(), bt);
        assertTrue(x.allclose(x2, 0, 0), "solve and luSolve(luFactor) run the same factorization and substitutions");
        for (int t = 0; t < count; t++) {
            double[] aq = item(at, t), xt = item(x, t), it = item(inv, t);
            assertResidual(item(bt, t), mul(aq, xt, n, n, k, false), mul(luScale[t], abs(xt), n, n, k, false), tol, "A X = B");
            double[] eye = new double[n * n];
            for (int i = 0; i < n; i++) eye[i * n + i] = 1;
            assertResidual(eye, mul(aq, it, n, n, n, false), mul(luScale[t], abs(it), n, n, n, false), tol, "A inv(A) = I");
        }
    }

    @Property(tries = 40, shrinking = ShrinkingMode.OFF)
    void detAndSlogdetMatchNaiveElimination(@ForAll @IntRange(min = 1, max = 40) int n, @ForAll long seed) {
        Random r = new Random(seed);
        double[][] a = matrices(r, 1, n, 0);
        double want = naiveDet(a[0].clone(), n);
        Tensor at = tensor(DType.FLOAT64, a, new int[0], n, n);
        double det = Linalg.det(at).item();
        Linalg.SignLogAbsDet<Tensor> s = Linalg.slogdet(at);
        // det's relative error is about n eps cond(A) (each factor's is n eps): random matrices of this size have cond < 1e4 or so
        double tol = 1e-9;
        assertEquals(want, det, tol * Math.abs(want), "det, n=" + n);
        assertEquals(Math.signum(want), s.sign().item(), "slogdet sign");
        assertEquals(Math.log(Math.abs(want)), s.logabsdet().item(), tol * Math.max(1, Math.abs(Math.log(Math.abs(want)))), "logabsdet");
    }

    /** Gaussian elimination with partial pivoting in plain loops: an independent determinant. */
    static double naiveDet(double[] a, int n) {
        double det = 1;
        for (int j = 0; j < n; j++) {
            int p = j;
            for (int i = j + 1; i < n; i++) if (Math.abs(a[i * n + j]) > Math.abs(a[p * n + j])) p = i;
            if (p != j) {
                det = -det;
                for (int c = 0; c < n; c++) {
                    double tmp = a[j * n + c];
                    a[j * n + c] = a[p * n + c];
                    a[p * n + c] = tmp;
                }
            }
            det *= a[j * n + j];
            for (int i = j + 1; i < n; i++) {
                double f = a[i * n + j] / a[j * n + j];
                for (int c = j; c < n; c++) a[i * n + c] -= f * a[j * n + c];
            }
        }
        return det;
    }
}
