package io.simdgrad.examples;

import io.simdgrad.core.Tensor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Newton's method with func.hessian reaches the least-squares fit: the gradient of the loss,
 * computed here independently with plain double loops and central differences, vanishes there,
 * and the loss is below that of the data's generating parameters (a least-squares optimum is).
 */
class ExpFitNewtonTest {

    private static double loss(double[] t, double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double r = t[0] * Math.exp(-t[1] * x[i]) + t[2] - y[i];
            s += r * r;
        }
        return s / x.length;
    }

    @Test
    void newtonConvergesToTheLeastSquaresFit() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ExpFitNewton.Fit fit = ExpFitNewton.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
        Tensor[] d = ExpFitNewton.data();
        double[] x = d[0].toDoubleArray(), y = d[1].toDoubleArray(), t = fit.theta();
        for (int k = 0; k < 3; k++) {
            double[] p = t.clone(), m = t.clone();
            p[k] += 1e-6;
            m[k] -= 1e-6;
            double g = (loss(p, x, y) - loss(m, x, y)) / 2e-6;
            assertTrue(Math.abs(g) < 1e-8, "d loss / d theta_" + k + " = " + g + "\n" + buf);
        }
        assertTrue(loss(t, x, y) <= loss(new double[] {2.5, 1.3, 0.5}, x, y), buf.toString());
        assertTrue(fit.steps() < 20, "Newton converges quadratically near the optimum: " + fit.steps() + " steps\n" + buf);
        assertTrue(Math.abs(t[0] - 2.5) < 0.2 && Math.abs(t[1] - 1.3) < 0.2 && Math.abs(t[2] - 0.5) < 0.1, buf.toString());
    }
}
