package io.simdgrad.core;

import io.simdgrad.core.ops.LinalgOps;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Values, gradients and Hessian-vector products of {@link Linalg}'s functions against PyTorch
 * 2.13's ({@code core/src/test/python/make_linalg_fixtures.py}, float64, random matrices with
 * condition numbers up to ~100): within 1e-9 relative, which is n eps cond(A)-sized rounding
 * differences amplified once more by the backward's own solves. Decompositions that are not
 * unique are compared where they are (QR with LAPACK's signs, eigenvalues, singular values) and
 * otherwise through functions invariant under each eigenvector's or singular pair's sign
 * ({@code V∘V}, {@code U diag(1, 2, ..) Vᴴ}); their gradients are gaps-sized amplifications of
 * the same rounding (random Gaussian matrices: smallest gaps ~0.05 here).
 */
class LinalgFixturesTest {
    private static final double TOL = 1e-9;

    private static final Map<String, Function<List<Variable>, Variable>> FUNCTIONS = new LinkedHashMap<>();

    static Variable eye(int n) {
        return new Variable(Tensor.eye(DType.FLOAT64, n, n));
    }

    static Variable spd(Variable m) {
        int n = m.size(-1);
        return m.matmul(Linalg.mT(m)).add(eye(n).mul(n));
    }

    static Variable shifted(Variable a) {
        return a.add(eye(a.size(-1)).mul(3));
    }

    static {
        FUNCTIONS.put("cholesky", x -> Linalg.cholesky(spd(x.get(0))));
        FUNCTIONS.put("cholesky_upper", x -> Linalg.cholesky(spd(x.get(0)), true));
        FUNCTIONS.put("solve_triangular_lower_left", x -> Linalg.solveTriangular(shifted(x.get(0)), x.get(1), false));
        FUNCTIONS.put("solve_triangular_upper_right_unit", x -> Linalg.solveTriangular(x.get(0), x.get(1), true, false, true));
        FUNCTIONS.put("cholesky_solve", x -> Linalg.choleskySolve(x.get(1), Linalg.cholesky(spd(x.get(0)))));
        FUNCTIONS.put("cholesky_solve_tril_input", x -> {
            // tril: only the lower triangle of L is read, so masking it is what a tril would do
            Variable mask = new Variable(Tensor.ones(DType.FLOAT64, 3, 3)).mul(LinalgOps.mask(DType.FLOAT64, 3, false, 0));
            return Linalg.choleskySolve(x.get(1), x.get(0).mul(mask).add(eye(3).mul(3)));
        });
        FUNCTIONS.put("solve", x -> Linalg.solve(x.get(0), x.get(1)));
        FUNCTIONS.put("solve_vector", x -> Linalg.solve(x.get(0), x.get(1)));
        FUNCTIONS.put("inv", x -> Linalg.inv(x.get(0)));
        FUNCTIONS.put("det", x -> Linalg.det(x.get(0)));
        FUNCTIONS.put("slogdet", x -> {
            Linalg.SignLogAbsDet<Variable> s = Linalg.slogdet(x.get(0));
            return s.logabsdet().mul(s.sign());
        });
        FUNCTIONS.put("logdet", x -> Linalg.logdet(spd(x.get(0))));
        FUNCTIONS.put("lu_factor", x -> Linalg.luFactor(x.get(0)).LU());
        FUNCTIONS.put("lu", x -> {
            Linalg.PLU<Variable> f = Linalg.lu(x.get(0));
            return Variable.cat(List.of(f.L(), f.U()), -1);
        });
        FUNCTIONS.put("lu_solve", x -> {
            Linalg.LuFactors<Variable> f = Linalg.luFactor(x.get(0));
            return Linalg.luSolve(f.LU(), f.pivots(), x.get(1));
        });
        Function<Linalg.QR<Variable>, Variable> qr = f -> LinalgGradCheckProperties.flat(f.Q(), f.R());
        FUNCTIONS.put("qr_tall", x -> qr.apply(Linalg.qr(x.get(0))));
        FUNCTIONS.put("qr_wide", x -> qr.apply(Linalg.qr(x.get(0))));
        FUNCTIONS.put("qr_complete_square", x -> qr.apply(Linalg.qr(x.get(0), "complete")));
        FUNCTIONS.put("eigh", x -> {
            Linalg.Eigh<Variable> e = Linalg.eigh(sym(x.get(0)));
            Variable v = e.eigenvectors();
            return LinalgGradCheckProperties.flat(e.eigenvalues(), v.mul(v), LinalgGradCheckProperties.pairs(v, Linalg.mT(v)));
        });
        FUNCTIONS.put("eigvalsh", x -> Linalg.eigvalsh(sym(x.get(0))));
        Function<Linalg.SVD<Variable>, Variable> svd = f -> LinalgGradCheckProperties.flat(f.S(), LinalgGradCheckProperties.pairs(f.U(), f.Vh()),
                f.U().mul(f.U()), f.Vh().mul(f.Vh()));
        FUNCTIONS.put("svd_tall", x -> svd.apply(Linalg.svd(x.get(0), false)));
        FUNCTIONS.put("svd_wide", x -> svd.apply(Linalg.svd(x.get(0), false)));
        FUNCTIONS.put("svdvals", x -> Linalg.svdvals(x.get(0)));
        FUNCTIONS.put("pinv_tall", x -> Linalg.pinv(x.get(0)));
        FUNCTIONS.put("pinv_wide", x -> Linalg.pinv(x.get(0)));
        FUNCTIONS.put("pinv_hermitian", x -> Linalg.pinv(spd(x.get(0)), 0, -1, true));
        FUNCTIONS.put("lstsq_tall", x -> Linalg.lstsq(x.get(0), x.get(1)));
        FUNCTIONS.put("lstsq_wide", x -> Linalg.lstsq(x.get(0), x.get(1)));
        FUNCTIONS.put("matrix_norm_fro", x -> Linalg.matrixNorm(x.get(0), "fro"));
        FUNCTIONS.put("matrix_norm_nuc", x -> Linalg.matrixNorm(x.get(0), "nuc"));
        FUNCTIONS.put("matrix_norm_2", x -> Linalg.matrixNorm(x.get(0), 2));
        FUNCTIONS.put("matrix_norm_m2", x -> Linalg.matrixNorm(x.get(0), -2));
        FUNCTIONS.put("matrix_norm_1", x -> Linalg.matrixNorm(x.get(0), 1));
        FUNCTIONS.put("matrix_norm_m1", x -> Linalg.matrixNorm(x.get(0), -1));
        FUNCTIONS.put("matrix_norm_inf", x -> Linalg.matrixNorm(x.get(0), Double.POSITIVE_INFINITY));
        FUNCTIONS.put("matrix_norm_minf", x -> Linalg.matrixNorm(x.get(0), Double.NEGATIVE_INFINITY));
        FUNCTIONS.put("vector_norm_3", x -> Linalg.vectorNorm(x.get(0), 3, new int[] {-1}, false));
        FUNCTIONS.put("cross", x -> Linalg.cross(x.get(0), x.get(1)));
        FUNCTIONS.put("outer", x -> Linalg.outer(x.get(0), x.get(1)));
        FUNCTIONS.put("trace", x -> Linalg.trace(x.get(0)));
        FUNCTIONS.put("diagonal", x -> Linalg.diagonal(x.get(0), 1, 1, 2));
        FUNCTIONS.put("diag_embed", x -> Linalg.diagEmbed(x.get(0), -1, -2, -1));
        FUNCTIONS.put("diag_vector", x -> Linalg.diag(x.get(0), 1));
        FUNCTIONS.put("diag_matrix", x -> Linalg.diag(x.get(0), -1));
    }

    static Variable sym(Variable m) {
        return m.add(Linalg.mT(m)).mul(0.5);
    }

    @TestFactory
    List<DynamicTest> valuesGradientsAndSecondDerivativesMatchPyTorch() throws IOException {
        List<TorchGradFixturesTest.Fixture> fixtures = TorchGradFixturesTest.load("/fixtures/linalg_fixtures.txt");
        assertEquals(FUNCTIONS.keySet(), new LinkedHashSet<>(fixtures.stream().map(TorchGradFixturesTest.Fixture::name).toList()),
                "every fixture has a function and every function a fixture");
        return fixtures.stream()
                .map(f -> DynamicTest.dynamicTest(f.name(), () -> TorchGradFixturesTest.check(f, FUNCTIONS.get(f.name()), TOL)))
                .toList();
    }
}
