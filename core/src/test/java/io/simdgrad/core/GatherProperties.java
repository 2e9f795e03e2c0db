package io.simdgrad.core;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** gather against naive index loops: the contiguous fast path (index of x's shape but in dim) and the general walk. */
class GatherProperties {
    @Property(tries = 300)
    void gatherEqualsNaiveLoops(@ForAll long seed) {
        Random r = new Random(seed);
        int[] shape = TensorProperties.randomShape(r, 4, 5);
        int rank = shape.length;
        if (rank == 0) return;
        int d = r.nextInt(rank);
        if (shape[d] == 0) return;
        int[] ishape = shape.clone();
        ishape[d] = 1 + r.nextInt(4);
        boolean smaller = r.nextBoolean();             // the general path: an index smaller than x outside d
        if (smaller) for (int k = 0; k < rank; k++) if (k != d && ishape[k] > 1) ishape[k]--;
        int n = 1, in = 1;
        for (int s : shape) n *= s;
        for (int s : ishape) in *= s;
        long[] idx = new long[in];
        for (int i = 0; i < in; i++) idx[i] = r.nextInt(shape[d]);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextInt(1000) - 500;
        DType dtype = DType.values()[r.nextInt(3)];
        Tensor x = Tensor.of(v, shape).to(dtype);
        if (r.nextBoolean() && rank >= 2) x = x.transpose(0, rank - 1).contiguous().transpose(0, rank - 1); // strided x
        Tensor index = Tensor.of(idx, ishape);
        double[] expected = new double[in];
        int[] pos = new int[rank];
        for (int i = 0; i < in; i++) {
            int flat = 0;
            for (int k = 0; k < rank; k++) flat = flat * shape[k] + (k == d ? (int) idx[i] : pos[k]);
            expected[i] = v[flat];
            for (int k = rank - 1; k >= 0 && ++pos[k] == ishape[k]; k--) pos[k] = 0;
        }
        Tensor got = x.gather(d, index);
        assertArrayEquals(ishape, got.shape());
        assertArrayEquals(expected, got.toDoubleArray(), "shape " + java.util.Arrays.toString(shape) + " dim " + d + " index " + java.util.Arrays.toString(ishape));
    }
}
