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

    @Property(tries = 60, shrinking = ShrinkingMode.OFF)
    void linalgOpsPassGradcheckAndGradgradcheck(@ForAll long seed) {
        GradCheckProperties.checkAll(LINALG, seed);
    }
}
