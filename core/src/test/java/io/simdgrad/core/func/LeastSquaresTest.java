package io.simdgrad.core.func;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeastSquaresTest {
    /** Residuals of {@code y = a exp(-b x) + c} on 12 points, data made from known parameters without noise. */
    static UnaryOperator<Variable> expModel(double a, double b, double c) {
        int n = 12;
        double[] xs = new double[n], ys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = 4.0 * i / (n - 1);
            ys[i] = a * Math.exp(-b * xs[i]) + c;
        }
        Variable x = new Variable(Tensor.of(xs)), y = new Variable(Tensor.of(ys));
        return t -> t.select(0, 0).mul(x.mul(t.select(0, 1)).neg().exp()).add(t.select(0, 2)).sub(y);
    }

    /** The exact parameters are the oracle: with zero-residual data the minimum is known. */
    @Property(tries = 25)
    void recoversTheParametersOfNoiselessData(@ForAll @DoubleRange(min = 0.5, max = 4) double a,
                                              @ForAll @DoubleRange(min = 0.3, max = 2) double b,
                                              @ForAll @DoubleRange(min = -1, max = 1) double c) {
        var r = LeastSquares.levenbergMarquardt(expModel(a, b, c), Tensor.of(new double[] {1.5, 0.7, 0.2}));
        double[] x = r.x().toDoubleArray();
        assertEquals(a, x[0], 1e-6, r.toString());
        assertEquals(b, x[1], 1e-6, r.toString());
        assertEquals(c, x[2], 1e-6, r.toString());
        assertTrue(r.cost() < 1e-14, "cost " + r.cost());
    }

    @Test
    void rosenbrockAsResidualsReachesItsMinimum() {
        // r = (10 (x2 - x1^2), 1 - x1): cost 0 only at (1, 1), through the curved valley
        UnaryOperator<Variable> rosen = t -> {
            Variable x1 = t.select(0, 0), x2 = t.select(0, 1);
            return Variable.stack(java.util.List.of(x2.sub(x1.square()).mul(10), x1.neg().add(1)), 0);
        };
        var r = LeastSquares.levenbergMarquardt(rosen, Tensor.of(new double[] {-1.2, 1}));
        assertEquals(1, r.x().get(0), 1e-7, r.toString());
        assertEquals(1, r.x().get(1), 1e-7, r.toString());
        assertTrue(r.iterations() < 100, r.toString());
    }

    @Test
    void gaussNewtonSolvesALinearProblemInOneStep() {
        // r = A x - b: Gauss-Newton's first step is the least-squares solution (normal equations)
        Tensor a = Tensor.of(new double[] {1, 0, 1, 1, 1, 2}, 3, 2), b = Tensor.of(new double[] {1, 2, 4});
        Variable av = new Variable(a), bv = new Variable(b);
        var r = LeastSquares.levenbergMarquardt(t -> av.matmul(t).sub(bv), Tensor.zeros(DType.FLOAT64, 2),
                LeastSquares.Options.defaults().damping(0));
        // normal equations by hand: [[3, 3], [3, 5]] x = [7, 10] -> x = (5/6, 3/2)
        assertEquals(5.0 / 6, r.x().get(0), 1e-12);
        assertEquals(1.5, r.x().get(1), 1e-12);
        assertTrue(r.iterations() <= 2, r.toString());
    }

    @Test
    void badInputsAreRefusedNamingTheProblem() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> LeastSquares.levenbergMarquardt(t -> t, Tensor.zeros(DType.FLOAT64, 2, 2)));
        assertTrue(e.getMessage().contains("x0 must be a 1-D tensor, got shape [2, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LeastSquares.levenbergMarquardt(t -> t.sum(), Tensor.zeros(DType.FLOAT64, 2)));
        assertTrue(e.getMessage().contains("must return a 1-D tensor"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LeastSquares.levenbergMarquardt(t -> t.log(), Tensor.of(new double[] {-1, 1})));
        assertTrue(e.getMessage().contains("not finite at x0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LeastSquares.Options.defaults().maxIterations(0));
    }
}
