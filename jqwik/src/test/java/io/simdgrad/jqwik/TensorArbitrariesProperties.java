package io.simdgrad.jqwik;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The arbitraries against their contracts, checked with rules written here: shape bounds, the
 * broadcasting rule, dtypes, value ranges, layouts that do not overlap, labels in range.
 */
class TensorArbitrariesProperties {
    @Property(tries = 200)
    void shapesStayInTheirBounds(@ForAll("smallShapes") int[] shape) {
        assertTrue(shape.length <= 3, () -> "dims of " + java.util.Arrays.toString(shape));
        for (int s : shape) assertTrue(s >= 0 && s <= 4, "side " + s);
    }

    @Provide
    Arbitrary<int[]> smallShapes() {
        return TensorArbitraries.shapes(0, 3, 0, 4);
    }

    /** Each operand follows the broadcasting rule against the result, and the result is their broadcast. */
    @Property(tries = 200)
    void broadcastableShapesBroadcastToTheirResult(@ForAll("triples") BroadcastShapes b) {
        int[] result = b.result();
        int[] expected = new int[0];
        for (int[] in : b.inputs()) {
            assertTrue(in.length <= result.length, b::toString);
            for (int i = 1; i <= in.length; i++) {
                int s = in[in.length - i];
                assertTrue(s == 1 || s == result[result.length - i], b::toString);
            }
            expected = broadcast(expected, in);
        }
        // The result may have leading dims no operand has, or sizes every operand set to 1.
        for (int i = 1; i <= expected.length; i++) {
            int e = expected[expected.length - i];
            assertTrue(e == result[result.length - i] || e == 1, b::toString);
        }
        Tensor sum = Tensor.zeros(b.input(0));
        for (int i = 1; i < b.inputs().size(); i++) sum = sum.add(Tensor.zeros(b.input(i)));
        assertArrayEquals(expected, sum.shape(), () -> "core broadcasts " + b + " differently");
    }

    @Provide
    Arbitrary<BroadcastShapes> triples() {
        return TensorArbitraries.broadcastableShapes(3, 4, 0, 4);
    }

    private static int[] broadcast(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] r = new int[n];
        for (int i = 1; i <= n; i++) {
            int x = i <= a.length ? a[a.length - i] : 1, y = i <= b.length ? b[b.length - i] : 1;
            r[n - i] = x == 1 ? y : x;
        }
        return r;
    }

    @Property(tries = 200)
    void nonContiguousViewsAreStridedAndDoNotOverlap(@ForAll("views") Tensor t) {
        assertEquals(DType.FLOAT32, t.dtype());
        boolean strideable = false;
        for (int s : t.shape()) strideable |= s > 1;
        if (strideable) assertFalse(t.isContiguous(), () -> Describe.tensor(t));
        Set<Long> addresses = new HashSet<>();
        int[] index = new int[t.dim()];
        for (int e = 0; e < t.numel(); e++) {
            long address = t.storageOffset();
            for (int d = 0, rest = e; d < t.dim(); d++) {
                int below = 1;
                for (int q = d + 1; q < t.dim(); q++) below *= t.size(q);
                index[d] = rest / below;
                rest %= below;
                address += (long) index[d] * t.strides()[d];
            }
            assertTrue(addresses.add(address), () -> "two elements at one address: " + Describe.tensor(t));
            double v = t.get(index);
            assertTrue(v >= -3 && v <= 3, () -> "value " + v);
        }
    }

    @Provide
    Arbitrary<Tensor> views() {
        return TensorArbitraries.tensors(DType.FLOAT32, TensorArbitraries.shapes(0, 4, 0, 5)).values(-3, 3).nonContiguous();
    }

    /** Special values show up, in both float dtypes, and everything else stays in the range. */
    @Property(tries = 100)
    void specialValuesOrValuesInRange(@ForAll("specials") Tensor t) {
        for (double v : t.toDoubleArray()) {
            assertTrue(Double.isNaN(v) || Double.isInfinite(v) || Math.abs(v) <= 1 || Math.abs(v) >= Float.MAX_VALUE,
                    () -> "value " + v);
        }
    }

    @Provide
    Arbitrary<Tensor> specials() {
        return net.jqwik.api.Arbitraries.of(DType.FLOAT32, DType.FLOAT64).flatMap(d ->
                TensorArbitraries.tensors(d, TensorArbitraries.shapes(1, 2, 1, 8)).values(-1, 1).withSpecialValues().anyLayout());
    }

    @Property(tries = 100)
    void labelsAreClassIndices(@ForAll("labels") Tensor labels) {
        assertEquals(DType.INT64, labels.dtype());
        assertArrayEquals(new int[] {7}, labels.shape());
        for (long l : labels.toLongArray()) assertTrue(l >= 0 && l < 3, "label " + l);
    }

    @Provide
    Arbitrary<Tensor> labels() {
        return TensorArbitraries.labels(7, 3);
    }
}
