package io.simdgrad.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cases GradCheckProperties found, kept as plain tests (each names the seed that found it). */
class GradRegressionsTest {

    private static Variable leaf(int[] shape, double... v) {
        return new Variable(Tensor.of(v, shape), true);
    }

    /** matmul with two broadcast batch dims, one of them 1 on the left (seed -284): GEMM operands could not be formed. */
    @Test
    void matmulWithTwoBroadcastBatchDims() {
        Variable a = leaf(new int[] {3, 1, 1, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        Variable b = leaf(new int[] {2, 3, 1}, 1, 0, -1, 0.5, 2, 1);
        Variable c = a.matmul(b);
        assertArrayEquals(new int[] {3, 2, 1, 1}, c.shape());
        // row i of a times column j of b: [1 2 3].[1 0 -1] = -2, [1 2 3].[.5 2 1] = 7.5, ...
        assertArrayEquals(new double[] {-2, 7.5, -2, 18, -2, 28.5}, c.data().toDoubleArray(), 1e-12);
        assertTrue(GradCheck.gradcheck(xs -> xs.get(0).matmul(xs.get(1)), a, b));
        assertTrue(GradCheck.gradgradcheck(xs -> xs.get(0).matmul(xs.get(1)), a, b));
    }

    /**
     * A copy of a tensor expanded along its last dim (column stride 0) took the transpose path
     * with leading dimension 0 (seeds -582, -745): sum's and expand's gradients could not be read.
     */
    @Test
    void copyOfATensorExpandedAlongItsLastDim() {
        Tensor one = Tensor.of(new double[] {5}, 1, 1).expand(1, 3);
        assertArrayEquals(new double[] {5, 5, 5}, one.contiguous().toDoubleArray());
        Tensor col = Tensor.of(new float[] {1, 2}, 2, 1).expand(2, 3).transpose(0, 1);
        assertArrayEquals(new float[] {1, 2, 1, 2, 1, 2}, col.contiguous().toFloatArray());
        Variable x = leaf(new int[] {1, 3}, 1, 2, 3);
        assertTrue(GradCheck.gradcheck(xs -> xs.get(0).sum(1, true), x));
        assertTrue(GradCheck.gradgradcheck(xs -> xs.get(0).unsqueeze(0).expand(3, 1, 3).mul(xs.get(0)), x));
    }

    /**
     * matmul of a matrix whose rows are broadcast (row stride 0), as the gradient of sum(0) is
     * (seed 87723): GEMM was given a leading dimension the storage does not have.
     */
    @Test
    void matmulOfRowBroadcastOperands() {
        Tensor rows = Tensor.of(new double[] {1, 2, 3}, 1, 3).expand(3, 3);
        Tensor cols = Tensor.of(new double[] {1, 2, 3}, 3, 1).expand(3, 3);
        Tensor m = Tensor.of(new double[] {1, 0, 0, 0, 2, 0, 0, 0, 3}, 3, 3);
        assertArrayEquals(new double[] {1, 4, 9, 1, 4, 9, 1, 4, 9}, rows.matmul(m).toDoubleArray(), 0);
        assertArrayEquals(new double[] {1, 2, 3, 2, 4, 6, 3, 6, 9}, cols.matmul(m).toDoubleArray(), 0);
        assertArrayEquals(new double[] {1, 1, 1, 4, 4, 4, 9, 9, 9}, m.matmul(rows.t()).toDoubleArray(), 0);
        Variable a = leaf(new int[] {3, 3}, 0.5, -1, 2, 1.5, 0.25, -0.75, 1, 2, -2);
        Variable b = leaf(new int[] {3, 3}, 1, -0.5, 0.3, 0.7, 2, -1, -1.2, 0.4, 0.9);
        assertTrue(GradCheck.gradcheck(xs -> xs.get(0).matmul(xs.get(1)).sum(0, true), a, b));
        assertTrue(GradCheck.gradgradcheck(xs -> xs.get(0).matmul(xs.get(1)).sum(1, true), a, b));
    }
}
