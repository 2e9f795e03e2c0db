package io.simdgrad.examples;

import io.simdgrad.core.GradCheck;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GP example's gradient is the finite-difference one, and the fit finds the data's noise level. */
class GaussianProcessTest {
    @Test
    void gradientMatchesFiniteDifferencesAndTheFitFindsTheNoise() {
        List<Tensor> d = GaussianProcess.data(25, 0.1, 3);
        Variable[] p = {new Variable(Tensor.scalar(0.2), true), new Variable(Tensor.scalar(-0.1), true), new Variable(Tensor.scalar(-1.0), true)};
        assertTrue(GradCheck.gradcheck(xs -> GaussianProcess.nll(xs, d.get(0), d.get(1)), p));
        List<Variable> params = GaussianProcess.init();
        double[] losses = GaussianProcess.fit(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), params,
                d.get(0), d.get(1), 300, 0.05);
        assertTrue(losses[losses.length - 1] < losses[0] - 5, "the negative log likelihood falls: " + losses[0] + " -> " + losses[losses.length - 1]);
        double noise = Math.exp(params.get(2).item());
        assertTrue(noise > 0.04 && noise < 0.3, "the fitted noise is near the data's 0.1: " + noise);
    }
}
