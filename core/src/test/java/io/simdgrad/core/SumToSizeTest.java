package io.simdgrad.core;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SumToSizeTest {
    /** Sums of small integers are exact in float64, so the naive accumulation is an oracle whatever the order. */
    @Property(tries = 200)
    void sumsBroadcastDimsLikeNaiveLoops(@ForAll long seed) {
        Random r = new Random(seed);
        int[] shape = TensorProperties.randomShape(r, 4, 4);
        int lead = r.nextInt(shape.length + 1);
        int[] target = Arrays.copyOfRange(shape, lead, shape.length);
        for (int i = 0; i < target.length; i++) if (r.nextBoolean()) target[i] = 1;
        int n = 1;
        for (int s : shape) n *= s;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextInt(7) - 3;
        Tensor x = Tensor.of(v, shape);
        int tn = 1;
        for (int s : target) tn *= s;
        double[] expected = new double[tn];
        int[] idx = new int[shape.length];
        for (int i = 0; i < n; i++) {
            int t = 0;
            for (int d = 0; d < target.length; d++) t = t * target[d] + (target[d] == 1 ? 0 : idx[lead + d]);
            expected[t] += v[i];
            for (int d = shape.length - 1; d >= 0 && ++idx[d] == shape[d]; d--) idx[d] = 0;
        }
        Tensor got = x.sumToSize(target);
        assertArrayEquals(target, got.shape());
        assertArrayEquals(expected, got.toDoubleArray());
        Variable xv = new Variable(x, true);
        Variable y = xv.sumToSize(target);
        y.mul(new Variable(Tensor.ones(DType.FLOAT64, target), false)).sum().backward();
        assertTrue(Arrays.stream(xv.grad().toDoubleArray()).allMatch(g -> g == 1.0));
    }

    @Test
    void equalShapeIsItselfAndANonBroadcastableSizeIsRefused() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 2, 3);
        assertSame(x, x.sumToSize(2, 3));
        var e = assertThrows(IllegalArgumentException.class, () -> x.sumToSize(2));
        assertTrue(e.getMessage().contains("sumToSize: size [2] is not expandable to size [2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.sumToSize(1, 2, 3, 4));
    }
}
