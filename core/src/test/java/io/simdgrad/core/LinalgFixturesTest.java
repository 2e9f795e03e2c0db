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
 * differences amplified once more by the backward's own solves.
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
