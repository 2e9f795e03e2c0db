package io.simdgrad.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input fails at the call with a message naming the op, the shapes or values, and what was expected; inputs stay untouched. */
class TensorErrorsTest {

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
    }

    @Test
    void broadcastMismatchUsesPyTorchsTextAndBothShapes() {
        Tensor a = Tensor.ones(2, 3), b = Tensor.ones(2, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertMessage(e, "add", "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
                "[2, 3]", "[2, 4]");
    }

    @Test
    void matmulMismatchNamesShapesAndSizes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(3, 5).matmul(Tensor.ones(4, 2)));
        assertEquals("matmul: shapes [3, 5] and [4, 2] cannot be multiplied (5 != 4)", e.getMessage());
    }

    @Test
    void dimOutOfRangeNamesDimAndRank() {
        var e = assertThrows(IndexOutOfBoundsException.class, () -> Tensor.ones(2, 3).sum(2));
        assertMessage(e, "sum", "expected to be in range of [-2, 1], but got 2");
    }

    @Test
    void reshapeWithWrongCountNamesBothCounts() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2, 3).reshape(4, 2));
        assertMessage(e, "reshape", "[4, 2]", "6", "8");
    }

    @Test
    void viewOnIncompatibleLayoutPointsToReshape() {
        Tensor t = Tensor.arange(6).reshape(2, 3).t();
        var e = assertThrows(IllegalArgumentException.class, () -> t.view(6));
        assertMessage(e, "view", "reshape");
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, t.reshape(6).toDoubleArray());
    }

    @Test
    void itemOnNonScalarGivesTheShape() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2, 2).item());
        assertMessage(e, "item", "4 elements", "[2, 2]");
    }

    @Test
    void failedInPlaceOpLeavesTheTensorUntouched() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        int v = a.version();
        var e = assertThrows(IllegalArgumentException.class, () -> a.addInPlace(Tensor.ones(2, 2, 2)));
        assertMessage(e, "addInPlace", "[2, 2]", "[2, 2, 2]");
        assertArrayEquals(new float[] {1, 2, 3, 4}, a.toFloatArray());
        assertEquals(v, a.version());
    }

    @Test
    void mixedFloatDtypesPromoteToDouble() {
        Tensor r = Tensor.of(new float[] {1.5f}).add(Tensor.of(new double[] {0.25}));
        assertEquals(DType.FLOAT64, r.dtype());
        assertEquals(1.75, r.item());
    }

    @Test
    void int64ComparisonsAreExactAndFloatOnesFollowIeee() {
        long big = (1L << 53) + 1; // not representable in a double: a double comparison would call these equal
        Tensor a = Tensor.of(new long[] {1, 5, 3, big}), b = Tensor.of(new long[] {2, 2, 3, big - 1});
        assertArrayEquals(new long[] {0, 1, 0, 1}, a.gt(b).toLongArray());
        assertArrayEquals(new long[] {0, 0, 1, 0}, a.eq(b).toLongArray());
        assertArrayEquals(new long[] {1, 1, 0, 1}, a.ne(b).toLongArray());
        // a broadcast left operand takes the plain loop: NaN is unordered, -0 equals 0
        Tensor left = Tensor.of(new double[] {-0.0}), right = Tensor.of(new double[] {0.0, Double.NaN, -1});
        assertArrayEquals(new double[] {1, 0, 0}, left.eq(right).toDoubleArray());
        assertArrayEquals(new double[] {0, 1, 1}, left.ne(right).toDoubleArray());
        assertArrayEquals(new double[] {1, 0, 1}, left.ge(right).toDoubleArray());
    }

    @Test
    void transposeContiguousEqualsNaiveTranspose() {
        int n = 37, m = 53;
        double[] v = new double[n * m];
        for (int i = 0; i < v.length; i++) v[i] = i * 0.5;
        Tensor t = Tensor.of(v, n, m).transpose(0, 1).contiguous();
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) assertEquals(v[j * m + i], t.get(i, j));
    }

    @Test
    void creationFunctionsMatchTorch() {
        assertArrayEquals(new double[] {0, 1, 2, 3}, Tensor.arange(4).toDoubleArray());
        assertArrayEquals(new double[] {1, 1.5, 2, 2.5}, Tensor.arange(1, 3, 0.5).toDoubleArray());
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, Tensor.linspace(DType.FLOAT64, 0, 1, 5).toDoubleArray());
        assertArrayEquals(new double[] {1, 0, 0, 1}, Tensor.eye(2).toDoubleArray());
        assertEquals(0, Tensor.ones(3).reshape(3).sum(0, false).dim());
        assertEquals(0, Tensor.ones(1, 1).reshape().dim());
        Tensor a = Tensor.randn(new Generator(7), 1000), b = Tensor.randn(new Generator(7), 1000);
        assertArrayEquals(a.toFloatArray(), b.toFloatArray());
        assertTrue(Math.abs(a.mean().item()) < 0.1 && Math.abs(a.std().item() - 1) < 0.1);
    }
}
