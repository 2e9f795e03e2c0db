package io.simdgrad.core.func;

import io.simdgrad.core.DType;
import io.simdgrad.core.Linalg;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.ops.Shapes;

import java.util.function.UnaryOperator;

/**
 * Nonlinear least squares, {@code min_x ½‖r(x)‖²} for a residual function {@code r: ℝⁿ → ℝᵐ}
 * written with {@link Variable} ops: Levenberg–Marquardt on the exact Jacobian from
 * {@link Func#jacfwd} and steps from {@link Linalg#solve} (SciPy's
 * {@code least_squares(method="lm")} solves the same problem; PyTorch has no such helper). With
 * {@code damping(0)} every step is a Gauss–Newton step.
 *
 * <p>Each iteration solves {@code (JᵀJ + μI) h = -Jᵀr} and accepts {@code x + h} when the cost
 * falls; μ follows Nielsen's rule (shrunk by {@code max(1/3, 1 - (2ρ - 1)³)} after a step whose
 * gain ratio is ρ, doubled growth after each rejected step). Runs in float64.
 */
public final class LeastSquares {
    private LeastSquares() {}

    /** Why the iteration stopped. */
    public enum Stop {
        /** {@code max|Jᵀr| <= gtol}: a stationary point. */
        GRADIENT,
        /** The step was below {@code xtol (‖x‖ + xtol)}. */
        STEP,
        /** The cost fell by less than {@code ftol · cost} on an accepted step. */
        COST,
        /** {@code maxIterations} ran out. */
        ITERATIONS
    }

    /** The solution, its cost {@code ½‖r(x)‖²}, the residuals there, the iterations run and why it stopped. */
    public record Result(Tensor x, double cost, Tensor residuals, int iterations, Stop stop) {}

    /** Tolerances and limits; the defaults are SciPy's ({@code 1e-8}) with 100 iterations. */
    public record Options(double gtol, double xtol, double ftol, int maxIterations, double initialDamping) {
        /** Checks the values. */
        public Options {
            if (!(gtol >= 0) || !(xtol >= 0) || !(ftol >= 0)) {
                throw new IllegalArgumentException("LeastSquares: tolerances must be >= 0, got gtol=" + gtol + ", xtol=" + xtol + ", ftol=" + ftol);
            }
            if (maxIterations < 1) throw new IllegalArgumentException("LeastSquares: maxIterations must be >= 1, got " + maxIterations);
            if (!(initialDamping >= 0)) throw new IllegalArgumentException("LeastSquares: initialDamping must be >= 0, got " + initialDamping);
        }

        /** gtol = xtol = ftol = 1e-8, 100 iterations, initial damping 1e-3 · max diag(JᵀJ). */
        public static Options defaults() {
            return new Options(1e-8, 1e-8, 1e-8, 100, 1e-3);
        }

        /** These options with another iteration limit. */
        public Options maxIterations(int n) {
            return new Options(gtol, xtol, ftol, n, initialDamping);
        }

        /** These options with another initial damping factor τ (μ₀ = τ · max diag(JᵀJ)); 0 gives Gauss–Newton. */
        public Options damping(double tau) {
            return new Options(gtol, xtol, ftol, maxIterations, tau);
        }
    }

    /** {@link #levenbergMarquardt(UnaryOperator, Tensor, Options)} with the default options. */
    public static Result levenbergMarquardt(UnaryOperator<Variable> residuals, Tensor x0) {
        return levenbergMarquardt(residuals, x0, Options.defaults());
    }

    /**
     * Minimises {@code ½‖residuals(x)‖²} from {@code x0} (a 1-D tensor; the residuals must be a
     * 1-D tensor too).
     *
     * @throws IllegalArgumentException when x0 or the residuals are not 1-D, or a residual is not finite at x0
     */
    public static Result levenbergMarquardt(UnaryOperator<Variable> residuals, Tensor x0, Options options) {
        if (residuals == null) throw new NullPointerException("levenbergMarquardt: the residual function is null");
        if (x0 == null || x0.dim() != 1) {
            throw new IllegalArgumentException("levenbergMarquardt: x0 must be a 1-D tensor, got "
                    + (x0 == null ? "null" : "shape " + Shapes.str(x0.shape())));
        }
        UnaryOperator<Variable> jac = Func.jacfwd(residuals);
        int n = x0.numel();
        Tensor x = x0.to(DType.FLOAT64).copy();
        Tensor r = evaluate(residuals, x);
        if (!allFinite(r)) throw new IllegalArgumentException("levenbergMarquardt: the residuals are not finite at x0");
        double cost = half(r);
        Tensor j = jac.apply(new Variable(x)).data().to(DType.FLOAT64);
        Tensor a = j.t().matmul(j), g = j.t().matmul(r);
        double mu = options.initialDamping() * Linalg.diagonal(a).max().item(), nu = 2;
        Tensor eye = Tensor.eye(DType.FLOAT64, n, n);
        for (int it = 1; it <= options.maxIterations(); it++) {
            if (g.abs().max().item() <= options.gtol()) return new Result(x, cost, r, it - 1, Stop.GRADIENT);
            Tensor h = Linalg.solve(a.add(eye.mul(mu)), g.neg().unsqueeze(1)).squeeze(1);
            double hn = norm(h), xn = norm(x);
            if (hn <= options.xtol() * (xn + options.xtol())) return new Result(x, cost, r, it - 1, Stop.STEP);
            Tensor xNew = x.add(h);
            Tensor rNew = evaluate(residuals, xNew);
            double costNew = allFinite(rNew) ? half(rNew) : Double.POSITIVE_INFINITY;
            double predicted = 0.5 * h.mul(h.mul(mu).sub(g)).sum().item();
            double rho = predicted > 0 ? (cost - costNew) / predicted : -1;
            if (costNew < cost && (rho > 0 || mu == 0)) {
                boolean small = cost - costNew <= options.ftol() * cost;
                x = xNew;
                r = rNew;
                cost = costNew;
                if (small) return new Result(x, cost, r, it, Stop.COST);
                j = jac.apply(new Variable(x)).data().to(DType.FLOAT64);
                a = j.t().matmul(j);
                g = j.t().matmul(r);
                mu *= Math.max(1.0 / 3, 1 - Math.pow(2 * rho - 1, 3));
                nu = 2;
            } else if (mu == 0) {
                // Gauss–Newton (no damping) made no progress: a damped step is the only way on
                mu = 1e-3 * Linalg.diagonal(a).max().item();
            } else {
                mu *= nu;
                nu *= 2;
            }
        }
        return new Result(x, cost, r, options.maxIterations(), Stop.ITERATIONS);
    }

    private static Tensor evaluate(UnaryOperator<Variable> residuals, Tensor x) {
        Variable v = residuals.apply(new Variable(x));
        if (v == null || v.data().dim() != 1) {
            throw new IllegalArgumentException("levenbergMarquardt: the residual function must return a 1-D tensor, got "
                    + (v == null ? "null" : "shape " + Shapes.str(v.data().shape())));
        }
        return v.data().to(DType.FLOAT64);
    }

    private static boolean allFinite(Tensor t) {
        for (double d : t.toDoubleArray()) if (!Double.isFinite(d)) return false;
        return true;
    }

    private static double half(Tensor r) {
        return 0.5 * r.mul(r).sum().item();
    }

    private static double norm(Tensor t) {
        return Math.sqrt(t.mul(t).sum().item());
    }
}
