package io.simdgrad.examples;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Linalg;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.func.Func;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Fits {@code y = a exp(-b x) + c} to noisy data by Newton's method on the mean squared error,
 * with the exact gradient and Hessian from the function transforms:
 * {@code theta <- theta - H(theta)^-1 g(theta)}, halving the step while it does not lower the
 * loss (by more than its rounding). Run with {@code ./mvnw -pl examples -am -q compile exec:exec -Dexample=io.simdgrad.examples.ExpFitNewton}.
 */
public final class ExpFitNewton {
    private ExpFitNewton() {}

    /** The fit's result: the parameters (a, b, c), the final loss and gradient, and the Newton steps taken. */
    public record Fit(double[] theta, double loss, double[] grad, int steps) {}

    public static void main(String[] args) {
        run(System.out);
    }

    /** The data: 12 points of {@code 2.5 exp(-1.3 x) + 0.5} on [0, 4] plus noise of deviation 0.05. */
    static Tensor[] data() {
        int n = 12;
        double[] x = new double[n], y = new double[n];
        Tensor noise = Tensor.randn(DType.FLOAT64, new Generator(2026), n);
        for (int i = 0; i < n; i++) {
            x[i] = 4.0 * i / (n - 1);
            y[i] = 2.5 * Math.exp(-1.3 * x[i]) + 0.5 + 0.05 * noise.get(i);
        }
        return new Tensor[] {Tensor.of(x), Tensor.of(y)};
    }

    /** The mean squared error of the model with parameters {@code theta = (a, b, c)}. */
    static UnaryOperator<Variable> loss(Tensor x, Tensor y) {
        Variable xs = new Variable(x), ys = new Variable(y);
        return theta -> theta.select(0, 0).mul(xs.mul(theta.select(0, 1)).neg().exp()).add(theta.select(0, 2)).sub(ys).square().mean();
    }

    /** Runs the fit from (1.5, 0.7, 0.2), printing each step. */
    public static Fit run(PrintStream out) {
        Tensor[] d = data();
        UnaryOperator<Variable> loss = loss(d[0], d[1]);
        UnaryOperator<Variable> grad = Func.grad(loss), hessian = Func.hessian(loss);
        double[] theta = {1.5, 0.7, 0.2};
        int step = 0;
        for (; step < 50; step++) {
            Variable t = new Variable(Tensor.of(theta));
            double l = loss.apply(t).item();
            double[] g = grad.apply(t).data().toDoubleArray();
            out.printf(Locale.ROOT, "step %2d  loss %.12f  theta (%.6f, %.6f, %.6f)  |grad| %.3e%n", step, l, theta[0], theta[1], theta[2], norm(g));
            if (norm(g) < 1e-12) break;
            // the Newton direction H^-1 g (torch.linalg.solve)
            double[] dir = Linalg.solve(hessian.apply(t).data(), Tensor.of(g)).toDoubleArray();
            double scale = 1;
            double[] next = theta.clone();
            for (int halvings = 0; halvings < 30; halvings++, scale /= 2) {
                for (int i = 0; i < 3; i++) next[i] = theta[i] - scale * dir[i];
                // near the optimum the decrease is below the loss's rounding: allow a few ulps of it
                if (loss.apply(new Variable(Tensor.of(next))).item() <= l + 8 * Math.ulp(l)) break;
            }
            theta = next;
        }
        Variable t = new Variable(Tensor.of(theta));
        Fit fit = new Fit(theta, loss.apply(t).item(), grad.apply(t).data().toDoubleArray(), step);
        out.printf(Locale.ROOT, "fit: y = %.6f exp(-%.6f x) + %.6f  (data from 2.5, 1.3, 0.5 plus noise)%n", theta[0], theta[1], theta[2]);
        return fit;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }
}
