package io.simdgrad.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** README's "Linear algebra" snippet as written there, its comments checked against closed forms. */
class LinalgReadmeTest {
    @Test
    void snippetComputesWhatItsCommentsSay() {
        Variable a = new Variable(Tensor.of(new double[] {4, 2, 2, 3}, 2, 2), true);
        Variable b = new Variable(Tensor.of(new double[] {1, 2}, 2, 1));
        Variable l = Linalg.cholesky(a);                      // [[2, 0], [1, 1.4142]]
        Variable alpha = Linalg.choleskySolve(b, l);          // A⁻¹ b
        Variable nll = b.mul(alpha).sum().add(Linalg.logdet(a)).mul(0.5);
        nll.backward();                                       // a.grad() = ½ (A⁻¹ − α αᵀ)

        assertArrayEquals(new double[] {2, 0, 1, Math.sqrt(2)}, l.data().toDoubleArray(), 1e-15);
        // A⁻¹ = [[3, -2], [-2, 4]] / 8, α = A⁻¹ b = [-1/8, 6/8]
        double[] inv = {3 / 8.0, -2 / 8.0, -2 / 8.0, 4 / 8.0}, al = {-1 / 8.0, 6 / 8.0};
        assertArrayEquals(al, alpha.data().toDoubleArray(), 1e-15);
        double[] want = new double[4];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) want[i * 2 + j] = 0.5 * (inv[i * 2 + j] - al[i] * al[j]);
        assertArrayEquals(want, a.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void decompositionSnippetComputesWhatItsCommentsSay() {
        Tensor s = Tensor.of(new double[] {2, 1, 1, 2}, 2, 2);
        Linalg.Eigh<Tensor> e = Linalg.eigh(s);               // eigenvalues [1, 3], ascending
        Tensor sv = Linalg.svdvals(s);                        // [3, 1], descending
        Tensor t = Tensor.of(new double[] {1, 1, 1, 2, 1, 3}, 3, 2), y = Tensor.of(new double[] {1, 2, 2}, 3);
        Tensor line = Linalg.lstsq(t, y);                     // intercept and slope [0.6667, 0.5]

        assertArrayEquals(new double[] {1, 3}, e.eigenvalues().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {3, 1}, sv.toDoubleArray(), 1e-15);
        // the normal equations of y = c0 + c1 t at t = 1, 2, 3: c1 = 1/2, c0 = mean(y) - 2 c1 = 2/3
        assertArrayEquals(new double[] {2 / 3.0, 0.5}, line.toDoubleArray(), 1e-14);
    }
}
