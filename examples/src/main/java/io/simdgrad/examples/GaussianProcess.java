package io.simdgrad.examples;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Linalg;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;

import java.io.PrintStream;
import java.util.List;

/**
 * Gaussian-process regression whose kernel hyperparameters are fitted by gradient descent on the
 * negative log marginal likelihood, {@code ½ yᵀK⁻¹y + ½ log det K + (n/2) log 2π}, with the
 * squared-exponential kernel {@code K = s² exp(-(xᵢ - xⱼ)² / 2ℓ²) + σ² I}: Cholesky,
 * choleskySolve and logdet, differentiated through. Run with
 * {@code ./mvnw -q -pl examples -am compile exec:exec -Dexample=io.simdgrad.examples.GaussianProcess}.
 */
public final class GaussianProcess {
    private GaussianProcess() {}

    /** {@code n} points x in [0, 5] and y = sin(x) + N(0, noise²), as [n, 1] FLOAT64 tensors. */
    public static List<Tensor> data(int n, double noise, long seed) {
        Generator g = new Generator(seed);
        Tensor x = Tensor.rand(DType.FLOAT64, g, n, 1).mul(5.0);
        Tensor y = x.sin().add(Tensor.randn(DType.FLOAT64, g, n, 1).mul(noise));
        return List.of(x, y);
    }

    /** The negative log marginal likelihood for log-hyperparameters (log ℓ, log s, log σ), each 0-d. */
    public static Variable nll(List<Variable> logParams, Tensor x, Tensor y) {
        int n = x.size(0);
        Variable lengthscale = logParams.get(0).exp(), signal = logParams.get(1).exp(), noise = logParams.get(2).exp();
        Variable d2 = new Variable(x.sub(x.t()).square());
        Variable k = d2.div(lengthscale.square().mul(-2.0)).exp().mul(signal.square())
                .add(new Variable(Tensor.eye(DType.FLOAT64, n, n)).mul(noise.square()));
        Variable yv = new Variable(y);
        Variable alpha = Linalg.choleskySolve(yv, Linalg.cholesky(k));
        return yv.mul(alpha).sum().add(Linalg.logdet(k)).mul(0.5).add(0.5 * n * Math.log(2 * Math.PI));
    }

    /**
     * Fits the hyperparameters by {@code steps} of Adam (β = 0.9, 0.999; the three gradients differ
     * in scale by orders of magnitude, which plain gradient descent handles badly); prints progress
     * and returns the loss before each step.
     */
    public static double[] fit(PrintStream out, List<Variable> logParams, Tensor x, Tensor y, int steps, double lr) {
        double[] losses = new double[steps], m = new double[logParams.size()], v = new double[logParams.size()];
        for (int s = 0; s < steps; s++) {
            Variable loss = nll(logParams, x, y);
            loss.backward();
            losses[s] = loss.item();
            for (int i = 0; i < logParams.size(); i++) {
                Variable p = logParams.get(i);
                double g = p.grad().item();
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                double step = lr * (m[i] / (1 - Math.pow(0.9, s + 1))) / (Math.sqrt(v[i] / (1 - Math.pow(0.999, s + 1))) + 1e-8);
                p.data().addInPlace(-step);
                p.zeroGrad();
            }
            if (s % 50 == 0 || s == steps - 1) {
                out.printf("step %3d  nll %.4f  lengthscale %.3f  signal %.3f  noise %.3f%n", s, losses[s],
                        Math.exp(logParams.get(0).item()), Math.exp(logParams.get(1).item()), Math.exp(logParams.get(2).item()));
            }
        }
        return losses;
    }

    /** Starting log-hyperparameters: ℓ = s = σ = 1. */
    public static List<Variable> init() {
        return List.of(new Variable(Tensor.scalar(0.0), true), new Variable(Tensor.scalar(0.0), true), new Variable(Tensor.scalar(0.0), true));
    }

    /** Runs the example. */
    public static void main(String[] args) {
        List<Tensor> d = data(60, 0.1, 3);
        fit(System.out, init(), d.get(0), d.get(1), 300, 0.05);
    }
}
