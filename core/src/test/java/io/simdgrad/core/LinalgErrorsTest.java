package io.simdgrad.core;

import io.simdgrad.core.engine.Dispatch;
import io.simdgrad.core.ops.LinalgOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link Linalg}'s errors carry PyTorch 2.13's texts (taken from torch, with Java's dtype names
 * and API names), and a failing call leaves its inputs and every gradient as they were.
 */
class LinalgErrorsTest {
    static final Tensor INDEFINITE = Tensor.of(new double[] {1, 2, 2, 1}, 2, 2);
    static final Tensor SINGULAR = Tensor.of(new double[] {1, 2, 2, 4}, 2, 2);

    static void fails(Class<? extends Throwable> type, String message, Executable call) {
        assertEquals(message, assertThrows(type, call).getMessage());
    }

    @Test
    void notPositiveDefinite() {
        fails(ArithmeticException.class, "linalg.cholesky: The factorization could not be completed because the input is not "
                + "positive-definite (the leading minor of order 2 is not positive-definite).", () -> Linalg.cholesky(INDEFINITE));
        Tensor batch = Tensor.stack(java.util.List.of(Tensor.eye(DType.FLOAT64, 2, 2), INDEFINITE), 0);
        fails(ArithmeticException.class, "linalg.cholesky: (Batch element 1): The factorization could not be completed because the input "
                + "is not positive-definite (the leading minor of order 2 is not positive-definite).", () -> Linalg.cholesky(batch));
    }

    /** PyTorch 2.13 (LAPACK gesdd) raises for NaN input in svd, svdvals and pinv, naming linalg.svd; an infinity gives NaN. */
    @Test
    void svdOfNonFiniteInput() {
        for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor nan = Tensor.of(new double[] {1, 2, 3, Double.NaN, 5, 6}, 2, 3).to(dt);
            String text = "The algorithm failed to converge because the input matrix contained non-finite values.";
            fails(ArithmeticException.class, "linalg.svd: " + text, () -> Linalg.svd(nan, false));
            fails(ArithmeticException.class, "linalg.svd: " + text, () -> Linalg.svd(nan, true));
            fails(ArithmeticException.class, "linalg.svd: " + text, () -> Linalg.svdvals(nan));
            fails(ArithmeticException.class, "linalg.svd: " + text, () -> Linalg.pinv(nan));
            Tensor batch = Tensor.stack(java.util.List.of(Tensor.ones(dt, 2, 3), nan), 0);
            fails(ArithmeticException.class, "linalg.svd: (Batch element 1): " + text, () -> Linalg.svdvals(batch));
            Tensor inf = Tensor.of(new double[] {1, 2, Double.POSITIVE_INFINITY, 4}, 2, 2).to(dt);
            Tensor s = Linalg.svdvals(inf);
            for (int i = 0; i < 2; i++) assertEquals(Double.NaN, s.toDoubleArray()[i], "svdvals of an infinite input, as torch");
            Tensor u = Linalg.svd(inf, false).U();
            assertEquals(Double.NaN, u.toDoubleArray()[0]);
        }
    }

    @Test
    void singular() {
        Tensor b = Tensor.ones(DType.FLOAT64, 2, 1);
        fails(ArithmeticException.class, "torch.linalg.solve: The solver failed because the input matrix is singular.",
                () -> Linalg.solve(SINGULAR, b));
        Tensor batch = Tensor.stack(java.util.List.of(Tensor.eye(DType.FLOAT64, 2, 2), SINGULAR), 0);
        fails(ArithmeticException.class, "torch.linalg.solve: (Batch element 1): The solver failed because the input matrix is singular.",
                () -> Linalg.solve(batch, Tensor.ones(DType.FLOAT64, 2, 2, 1)));
        fails(ArithmeticException.class, "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the "
                + "input matrix is singular.", () -> Linalg.inv(SINGULAR));
        fails(ArithmeticException.class, "linalg.inv: (Batch element 1): The diagonal element 2 is zero, the inversion could not be "
                + "completed because the input matrix is singular.", () -> Linalg.inv(batch));
        fails(ArithmeticException.class, "torch.linalg.lu_factor: U[2,2] is zero and using it on lu_solve would result in a division by "
                + "zero. If you still want to perform the factorization, consider calling Linalg.lu(A) or Linalg.luFactor(A, false)",
                () -> Linalg.luFactor(SINGULAR));
        // what PyTorch gives for singular input where it does not fail
        assertEquals(-0.0, Linalg.det(SINGULAR).item(), "-0.0, as torch (one interchange)");
        assertEquals(0.0, Linalg.slogdet(SINGULAR).sign().item());
        assertEquals(Double.NEGATIVE_INFINITY, Linalg.slogdet(SINGULAR).logabsdet().item());
        assertEquals(Double.NEGATIVE_INFINITY, Linalg.logdet(SINGULAR).item());
        assertEquals(Double.NaN, Linalg.logdet(Tensor.of(new double[] {0, 1, 1, 0}, 2, 2)).item(), "a negative determinant");
    }

    @Test
    void shapesAndDtypes() {
        Tensor wide = Tensor.zeros(DType.FLOAT64, 3, 4);
        fails(IllegalArgumentException.class, "linalg.cholesky: A must be batches of square matrices, but they are 3 by 4 matrices",
                () -> Linalg.cholesky(wide));
        fails(IllegalArgumentException.class, "linalg.cholesky: The input tensor A must have at least 2 dimensions.",
                () -> Linalg.cholesky(Tensor.zeros(3)));
        fails(IllegalArgumentException.class, "linalg.cholesky: Expected a floating point tensor as input. Got INT64",
                () -> Linalg.cholesky(Tensor.zeros(DType.INT64, 3, 3)));
        fails(IllegalArgumentException.class, "linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 2x1)",
                () -> Linalg.solve(Tensor.eye(3), Tensor.ones(2, 1)));
        fails(IllegalArgumentException.class, "linalg.solve: A must be batches of square matrices, but they are 3 by 4 matrices",
                () -> Linalg.solve(Tensor.zeros(3, 4), Tensor.ones(3, 1)));
        fails(IllegalArgumentException.class, "linalg.solve: Expected A and B to have the same dtype, but found A of type FLOAT32 and "
                + "B of type FLOAT64 instead", () -> Linalg.solve(Tensor.eye(3), Tensor.ones(DType.FLOAT64, 3, 1)));
        fails(IllegalArgumentException.class, "linalg.solve_triangular: Incompatible shapes of A and B for the equation XA = B (3x3 and "
                + "3x2)", () -> Linalg.solveTriangular(Tensor.eye(3), Tensor.ones(3, 2), false, false, false));
        fails(IllegalArgumentException.class, "linalg.det: A must be batches of square matrices, but they are 3 by 4 matrices",
                () -> Linalg.det(Tensor.zeros(3, 4)));
        fails(IllegalArgumentException.class, "Incompatible matrix sizes for cholesky_solve: each A matrix is 3 by 3 but each b matrix "
                + "is 2 by 1", () -> Linalg.choleskySolve(Tensor.ones(2, 1), Tensor.zeros(3, 3)));
        fails(IllegalArgumentException.class, "linalg.solve: The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0",
                () -> Linalg.solve(Tensor.zeros(2, 3, 3), Tensor.ones(3, 3, 1)), true);
        fails(IllegalArgumentException.class, "linalg.lu_permute: pivots must be in [1, 3] (1-based, as luFactor returns them), got 4 at "
                + "element 1", () -> Linalg.luSolve(Tensor.eye(3), Tensor.of(new long[] {1, 4, 3}, 3), Tensor.ones(3, 1)));
    }

    static void fails(Class<? extends Throwable> type, String prefix, Executable call, boolean startsWith) {
        String m = assertThrows(type, call).getMessage();
        assertEquals(prefix, m.substring(0, Math.min(m.length(), prefix.length())), m);
    }

    @Test
    void aFailingCallLeavesInputsAndGradientsUntouched() {
        Variable a = new Variable(INDEFINITE.copy(), true);
        Variable x = new Variable(Tensor.of(new double[] {4, 1, 1, 3}, 2, 2), true);
        Linalg.cholesky(x).sum().backward();
        double[] gx = x.grad().toDoubleArray();
        assertThrows(ArithmeticException.class, () -> Linalg.cholesky(a.add(x.mul(0))).sum().backward());
        assertArrayEquals(INDEFINITE.toDoubleArray(), a.data().toDoubleArray());
        assertArrayEquals(gx, x.grad().toDoubleArray());
        assertNull(a.grad());
        // a gradient that needs a singular inverse fails inside backward: no .grad is written
        Variable s = new Variable(SINGULAR.copy(), true);
        assertThrows(ArithmeticException.class, () -> Linalg.det(s).backward());
        assertNull(s.grad());
    }

    @Test
    void decompositionsAndHelpers() {
        fails(IllegalArgumentException.class, "linalg.eigh: A must be batches of square matrices, but they are 3 by 4 matrices",
                () -> Linalg.eigh(Tensor.zeros(3, 4)));
        fails(IllegalArgumentException.class, "linalg.eigvalsh: Expected a floating point tensor as input. Got INT64",
                () -> Linalg.eigvalsh(Tensor.zeros(DType.INT64, 3, 3)));
        fails(IllegalArgumentException.class, "linalg.svd: The input tensor A must have at least 2 dimensions.", () -> Linalg.svd(Tensor.zeros(3)));
        fails(IllegalArgumentException.class, "linalg.qr: The input tensor A must have at least 2 dimensions.", () -> Linalg.qr(Tensor.zeros(3)));
        fails(IllegalArgumentException.class, "qr received unrecognized mode 'x' but expected one of 'reduced' (default), 'r', or 'complete'",
                () -> Linalg.qr(Tensor.zeros(3, 3), "x"));
        fails(IllegalArgumentException.class, "linalg.pinv: A must be batches of square matrices, but they are 3 by 4 matrices",
                () -> Linalg.pinv(Tensor.zeros(3, 4), 0, -1, true));
        fails(IllegalArgumentException.class, "linalg.cross: inputs dimension -1 must have length 3. Got 4 and 4",
                () -> Linalg.cross(Tensor.zeros(2, 4), Tensor.zeros(2, 4)));
        fails(IllegalArgumentException.class, "outer: Expected 1-D argument self, but got 2-D", () -> Linalg.outer(Tensor.zeros(2, 2), Tensor.zeros(2)));
        fails(IllegalArgumentException.class, "trace: expected a matrix, but got tensor with dim 3", () -> Linalg.trace(Tensor.zeros(2, 2, 2)));
        fails(IllegalArgumentException.class, "diagonal: diagonal dimensions cannot be identical 1, 1",
                () -> Linalg.diagonal(Tensor.zeros(2, 2), 0, 1, 1));
        fails(IllegalArgumentException.class, "torch.linalg.lstsq: input.size(-2) should match other.size(-2) ([3, 2] and [4, 1])",
                () -> Linalg.lstsq(Tensor.zeros(3, 2), Tensor.zeros(4, 1)));
        fails(IllegalArgumentException.class, "linalg.matrix_norm: Order 3 not supported.", () -> Linalg.matrixNorm(Tensor.zeros(3, 3), 3));
        fails(IllegalArgumentException.class, "linalg.matrix_norm: The input tensor A must have at least 2 dimensions.",
                () -> Linalg.matrixNorm(Tensor.zeros(3), "fro"));
        // not differentiable where PyTorch's is not: mode "r" has no Q, "complete" with m > n has undetermined columns
        Variable sq = new Variable(Tensor.of(new double[] {2, 1, 1, 3}, 2, 2), true);
        fails(IllegalStateException.class, "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use "
                + "Linalg.qr(A, \"reduced\") if you are going to differentiate through linalg.qr.", () -> Linalg.qr(sq, "r").R().sum().backward());
        Variable tall = new Variable(Tensor.of(new double[] {1, 2, 3, 4, 5, 7}, 3, 2), true);
        fails(IllegalStateException.class, "The QR decomposition is not differentiable when mode='complete' and nrows > ncols.",
                () -> Linalg.qr(tall, "complete").Q().sum().backward());
        assertNull(sq.grad());
        assertNull(tall.grad());
    }

    @Test
    void aFailingOpLeavesTheGivenOutputBufferUntouched() {
        Tensor out = Tensor.full(DType.FLOAT64, 7.0, 2, 2);
        assertThrows(ArithmeticException.class, () -> Dispatch.into(new LinalgOps.Cholesky(), out, INDEFINITE));
        assertArrayEquals(new double[] {7, 7, 7, 7}, out.toDoubleArray());
        Tensor x = Tensor.full(DType.FLOAT64, 7.0, 2, 1);
        assertThrows(ArithmeticException.class, () -> Dispatch.into(new LinalgOps.Solve(), x, SINGULAR, Tensor.ones(DType.FLOAT64, 2, 1)));
        assertArrayEquals(new double[] {7, 7}, x.toDoubleArray());
        // and a successful call still writes it
        Dispatch.into(new LinalgOps.Cholesky(), out, Tensor.eye(DType.FLOAT64, 2, 2));
        assertArrayEquals(new double[] {1, 0, 0, 1}, out.toDoubleArray());
    }
}
