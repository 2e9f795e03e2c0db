package io.simdgrad.core;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;

import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

import static io.simdgrad.core.GradCheckProperties.ANY;
import static io.simdgrad.core.GradCheckProperties.leaf;
import static io.simdgrad.core.GradCheckProperties.make;
import static io.simdgrad.core.GradCheckProperties.op;

/**
 * Every op of {@link Linalg} passes {@link GradCheck#gradcheck} and {@link GradCheck#gradgradcheck}
 * (float64 central differences) on random well-conditioned matrices: n from 1 to 4, batch dims
 * {@code []}, {@code [2]} or {@code [2, 1]} (broadcast against the other operand's), strided
 * inputs. The matrices are built inside the checked function from a free leaf M with entries in
 * (-1, 1), as {@code M + n I} (strictly diagonally dominant by rows and columns: nonsingular, a
 * positive determinant, condition number at most ~4n, and partial pivoting picks the diagonal,
 * so the pivots do not change under the finite-difference steps), its rows permuted by a
 * constant permutation where the LU's pivoting is under test, or {@code M Mᵀ + n I} (symmetric
 * positive-definite) for Cholesky. Symmetric inputs go through the symmetrisation, as PyTorch's
 * own gradchecks of {@code cholesky} do: its gradient is defined for symmetric perturbations.
 */
class LinalgGradCheckProperties {

    static final GradCheckProperties.Values UNIT = GradCheckProperties.uniform(-1, 1);

    static int[] batch(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> new int[0];
            case 1 -> new int[] {2};
            default -> new int[] {2, 1};
        };
    }

    static int[] shape(int[] batch, int... last) {
        return TensorProperties.concat(batch, last);
    }

    static Variable eye(int n) {
        return new Variable(Tensor.eye(DType.FLOAT64, n, n));
    }

    /** M + n I: strictly diagonally dominant. */
    static Variable dominant(Variable m) {
        int n = m.size(-1);
        return m.add(eye(n).mul(n));
    }

    /** M Mᵀ + n I: symmetric positive-definite. */
    static Variable spd(Variable m) {
        int n = m.size(-1);
        return m.matmul(Linalg.mT(m)).add(eye(n).mul(n));
    }

    /** A constant random permutation matrix. */
    static Variable permutation(Random r, int n) {
        int[] p = TensorProperties.randomPermutation(r, n);
        Tensor t = Tensor.zeros(DType.FLOAT64, n, n);
        for (int i = 0; i < n; i++) t.storage.set(i * n + p[i], 1);
        return new Variable(t);
    }

    static GradCheckProperties.Case square(Random r, String params, UnaryOperator<Variable> f) {
        int n = 1 + r.nextInt(4);
        Variable m = leaf(r, UNIT, shape(batch(r), n, n));
        return make(params + "n=" + n, xs -> f.apply(xs.get(0)), m);
    }

    /** {@code f} of {@code P (M + n I)} for a constant random permutation P: the pivoting is exercised. */
    static GradCheckProperties.Case permuted(Random r, UnaryOperator<Variable> f) {
        long seed = r.nextLong();
        return square(r, "", m -> f.apply(permutation(new Random(seed), m.size(-1)).matmul(dominant(m))));
    }

    static final List<GradCheckProperties.OpTest> LINALG = List.of(
            op("cholesky", r -> square(r, "", m -> Linalg.cholesky(spd(m)))),
            op("cholesky(upper)", r -> square(r, "", m -> Linalg.cholesky(spd(m), true))),
            op("solveTriangular", r -> {
                int n = 1 + r.nextInt(4), k = 1 + r.nextInt(3);
                boolean upper = r.nextBoolean(), left = r.nextBoolean(), unit = r.nextBoolean();
                int[] ab = batch(r), bb = r.nextBoolean() ? ab : batch(r);
                Variable a = leaf(r, UNIT, shape(ab, n, n)), b = leaf(r, ANY, left ? shape(bb, n, k) : shape(bb, k, n));
                return make("upper=" + upper + ", left=" + left + ", unit=" + unit,
                        xs -> Linalg.solveTriangular(dominant(xs.get(0)), xs.get(1), upper, left, unit), a, b);
            }),
            op("choleskySolve", r -> {
                int n = 1 + r.nextInt(4), k = 1 + r.nextInt(3);
                boolean upper = r.nextBoolean();
                int[] ab = batch(r);
                Variable m = leaf(r, UNIT, shape(ab, n, n)), b = leaf(r, ANY, shape(ab, n, k));
                return make("upper=" + upper, xs -> Linalg.choleskySolve(xs.get(1), Linalg.cholesky(spd(xs.get(0)), upper), upper), m, b);
            }),
            op("solve", r -> {
                int n = 1 + r.nextInt(4), k = 1 + r.nextInt(3);
                int[] ab = batch(r), bb = r.nextBoolean() ? ab : batch(r);
                boolean vector = r.nextInt(3) == 0;
                Variable a = leaf(r, UNIT, shape(ab, n, n)), b = leaf(r, ANY, vector ? new int[] {n} : shape(bb, n, k));
                Variable p = permutation(r, n);
                return make("vector=" + vector, xs -> Linalg.solve(p.matmul(dominant(xs.get(0))), xs.get(1)), a, b);
            }),
            op("inv", r -> square(r, "", m -> Linalg.inv(dominant(m)))),
            op("det", r -> permuted(r, m -> Linalg.det(m))),
            op("slogdet", r -> permuted(r, m -> {
                Linalg.SignLogAbsDet<Variable> s = Linalg.slogdet(m.neg());
                return s.logabsdet().mul(s.sign());
            })),
            op("logdet", r -> square(r, "", m -> Linalg.logdet(dominant(m)))),
            op("luFactor", r -> permuted(r, m -> Linalg.luFactor(m).LU())),
            op("lu", r -> permuted(r, m -> {
                Linalg.PLU<Variable> f = Linalg.lu(m);
                return Variable.cat(List.of(f.L(), f.U(), f.P()), -1);
            })),
            op("luSolve", r -> {
                int n = 1 + r.nextInt(4), k = 1 + r.nextInt(3);
                int[] ab = batch(r);
                Variable a = leaf(r, UNIT, shape(ab, n, n)), b = leaf(r, ANY, shape(ab, n, k));
                Variable p = permutation(r, n);
                return make("", xs -> {
                    Linalg.LuFactors<Variable> f = Linalg.luFactor(p.matmul(dominant(xs.get(0))));
                    return Linalg.luSolve(f.LU(), f.pivots(), xs.get(1));
                }, a, b);
            }));

    /** M + s D with D = diag(1, 2, .., k) on the leading k x k block (k = min(m, n)), s = 3 max(m, n): well separated, non-zero singular values. */
    static Variable graded(Variable m) {
        int rows = m.size(-2), cols = m.size(-1), k = Math.min(rows, cols);
        Tensor d = Tensor.zeros(DType.FLOAT64, rows, cols);
        for (int i = 0; i < k; i++) d.storage.set(i * cols + i, 3.0 * Math.max(rows, cols) * (i + 1));
        return m.add(new Variable(d));
    }

    /** (M + Mᵀ)/2 + 3n diag(1, .., n): symmetric, eigenvalues more than n apart (Gershgorin). */
    static Variable symmetricGraded(Variable m) {
        return graded(m.add(Linalg.mT(m)).mul(0.5));
    }

    /** The row-major elements of each variable, one after the other (a function of several results). */
    static Variable flat(Variable... vs) {
        return Variable.cat(java.util.Arrays.stream(vs).map(v -> v.reshape(-1)).toList(), 0);
    }

    /** {@code U diag(c) Vh} for c = 1, 2, ..: invariant under a common sign of each pair of singular vectors. */
    static Variable pairs(Variable u, Variable vh) {
        int k = vh.size(-2);
        Tensor c = Tensor.zeros(DType.FLOAT64, k);
        for (int i = 0; i < k; i++) c.storage.set(i, i + 1);
        return u.mul(new Variable(c)).matmul(vh);
    }

    /** A random m x n leaf (m, n in 1 .. 4; {@code tall}: m >= n) over random batch dims, graded. */
    static GradCheckProperties.Case rect(Random r, Boolean tall, java.util.function.UnaryOperator<Variable> f) {
        int m = 1 + r.nextInt(4), n = 1 + r.nextInt(4);
        if (tall != null && tall != (m >= n)) {
            int t = m;
            m = n;
            n = t;
        }
        if (tall != null && !tall && m == n) n++;
        Variable a = leaf(r, UNIT, shape(batch(r), m, n));
        return make(m + "x" + n, xs -> f.apply(graded(xs.get(0))), a);
    }

    static final List<GradCheckProperties.OpTest> DECOMPOSITIONS = List.of(
            op("qr(tall)", r -> rect(r, true, a -> {
                Linalg.QR<Variable> f = Linalg.qr(a);
                return flat(f.Q(), f.R());
            })),
            op("qr(wide)", r -> rect(r, false, a -> {
                Linalg.QR<Variable> f = Linalg.qr(a, r.nextBoolean() ? "complete" : "reduced");
                return flat(f.Q(), f.R());
            })),
            op("eigh", r -> square(r, "", m -> {
                Linalg.Eigh<Variable> e = Linalg.eigh(symmetricGraded(m));
                Variable v = e.eigenvectors();
                return flat(e.eigenvalues(), v.mul(v), pairs(v, Linalg.mT(v)));
            })),
            op("eigvalsh", r -> square(r, "", m -> Linalg.eigvalsh(symmetricGraded(m)))),
            op("svd", r -> rect(r, null, a -> {
                Linalg.SVD<Variable> f = Linalg.svd(a, false);
                return flat(f.S(), pairs(f.U(), f.Vh()), f.U().mul(f.U()), f.Vh().mul(f.Vh()));
            })),
            op("svd(full)", r -> rect(r, null, a -> {
                Linalg.SVD<Variable> f = Linalg.svd(a, true);
                int k = f.S().size(-1);
                return flat(f.S(), pairs(f.U().narrow(-1, 0, k), f.Vh().narrow(-2, 0, k)));
            })),
            op("svdvals", r -> rect(r, null, Linalg::svdvals)),
            op("pinv", r -> rect(r, null, Linalg::pinv)),
            op("pinv(hermitian)", r -> square(r, "", m -> Linalg.pinv(symmetricGraded(m), 0, -1, true))),
            op("lstsq", r -> {
                boolean tall = r.nextBoolean();
                int m = 1 + r.nextInt(4), n = 1 + r.nextInt(4), k = 1 + r.nextInt(2);
                if (tall != (m >= n)) {
                    int t = m;
                    m = n;
                    n = t;
                }
                int[] ab = batch(r);
                boolean vector = r.nextInt(3) == 0;
                Variable a = leaf(r, UNIT, shape(ab, m, n)), b = vector ? leaf(r, ANY, shape(ab, m)) : leaf(r, ANY, shape(ab, m, k));
                return make(m + "x" + n, xs -> Linalg.lstsq(graded(xs.get(0)), xs.get(1)), a, b);
            }),
            op("matrixNorm", r -> {
                Object[] ords = {"fro", "nuc", 2.0, -2.0, 1.0, -1.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
                Object ord = ords[r.nextInt(ords.length)];
                return rect(r, null, a -> ord instanceof String s ? Linalg.matrixNorm(a, s) : Linalg.matrixNorm(a, (Double) ord));
            }),
            op("vectorNorm", r -> {
                Variable x = leaf(r, GradCheckProperties.NONZERO, shape(batch(r), 3));
                return make("", xs -> Linalg.vectorNorm(xs.get(0), 3, new int[] {-1}, false), x);
            }),
            op("cross", r -> {
                int[] b = batch(r);
                Variable x = leaf(r, ANY, shape(b, 3)), y = leaf(r, ANY, shape(b, 3));
                return make("", xs -> Linalg.cross(xs.get(0), xs.get(1)), x, y);
            }),
            op("outer", r -> {
                Variable x = leaf(r, ANY, 1 + r.nextInt(4)), y = leaf(r, ANY, 1 + r.nextInt(4));
                return make("", xs -> Linalg.outer(xs.get(0), xs.get(1)), x, y);
            }),
            op("trace", r -> {
                Variable x = leaf(r, ANY, 1 + r.nextInt(4), 1 + r.nextInt(4));
                return make("", xs -> Linalg.trace(xs.get(0)), x);
            }),
            op("diagonal", r -> {
                int m = 1 + r.nextInt(4), n = 1 + r.nextInt(4), off = r.nextInt(n + m - 1) - (m - 1);
                Variable x = leaf(r, ANY, 2, m, n);
                boolean swap = r.nextBoolean();
                return make("offset=" + off, xs -> Linalg.diagonal(xs.get(0), off, swap ? 2 : 1, swap ? 1 : 2), x);
            }),
            op("diagEmbed", r -> {
                int off = r.nextInt(5) - 2;
                Variable x = leaf(r, ANY, shape(batch(r), 1 + r.nextInt(3)));
                return make("offset=" + off, xs -> Linalg.diagEmbed(xs.get(0), off, 0, -1), x);
            }),
            op("diag", r -> {
                boolean vector = r.nextBoolean();
                Variable x = vector ? leaf(r, ANY, 1 + r.nextInt(4)) : leaf(r, ANY, 1 + r.nextInt(4), 1 + r.nextInt(4));
                return make(vector ? "vector" : "matrix", xs -> Linalg.diag(xs.get(0), vector ? 1 : -1), x);
            }));

    @Property(tries = 40, shrinking = ShrinkingMode.OFF)
    void decompositionsNormsAndDiagonalsPassGradcheckAndGradgradcheck(@ForAll long seed) {
        GradCheckProperties.checkAll(DECOMPOSITIONS, seed);
    }

    @Property(tries = 60, shrinking = ShrinkingMode.OFF)
    void linalgOpsPassGradcheckAndGradgradcheck(@ForAll long seed) {
        GradCheckProperties.checkAll(LINALG, seed);
    }
}
