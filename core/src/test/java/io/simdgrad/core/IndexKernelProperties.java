package io.simdgrad.core;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * scatterAdd and indexSelect against naive index loops over random shapes, dims and dtypes (the
 * contiguous one-pass kernels and the general walk), and a bad index anywhere: the message names
 * the first one in row-major order and the inputs are unchanged.
 */
class IndexKernelProperties {
    /** A random case: x's shape, the dim, the index shape (the index as large as x but in d, or smaller). */
    private record Case(int[] shape, int d, int[] ishape, long[] idx, double[] v, DType dtype) {
        static Case random(Random r, boolean smallerAllowed) {
            int[] shape = TensorProperties.randomShape(r, 4, 5);
            if (shape.length == 0) return null;
            int d = r.nextInt(shape.length);
            if (shape[d] == 0) return null;
            int[] ishape = shape.clone();
            ishape[d] = 1 + r.nextInt(6);
            if (smallerAllowed && r.nextBoolean()) for (int k = 0; k < shape.length; k++) if (k != d && ishape[k] > 1) ishape[k]--;
            long[] idx = new long[numel(ishape)];
            for (int i = 0; i < idx.length; i++) idx[i] = r.nextInt(shape[d]);
            double[] v = new double[numel(shape)];
            for (int i = 0; i < v.length; i++) v[i] = r.nextInt(1000) - 500;
            return new Case(shape, d, ishape, idx, v, DType.values()[r.nextInt(3)]);
        }
    }

    private static int numel(int[] s) {
        int n = 1;
        for (int x : s) n *= x;
        return n;
    }

    /** The flat offset in {@code shape} of the row-major position {@code pos}, with {@code pos[d]} replaced by {@code at}. */
    private static int flat(int[] shape, int[] pos, int d, int at) {
        int f = 0;
        for (int k = 0; k < shape.length; k++) f = f * shape[k] + (k == d ? at : pos[k]);
        return f;
    }

    private static void next(int[] pos, int[] shape) {
        for (int k = shape.length - 1; k >= 0 && ++pos[k] == shape[k]; k--) pos[k] = 0;
    }

    @Property(tries = 300)
    void scatterAddEqualsNaiveLoops(@ForAll long seed) {
        Random r = new Random(seed);
        Case c = Case.random(r, true);
        if (c == null) return;
        int in = c.idx.length;
        double[] s = new double[in];
        for (int i = 0; i < in; i++) s[i] = r.nextInt(1000) - 500;
        double[] expected = c.v.clone();
        int[] pos = new int[c.shape.length];
        for (int i = 0; i < in; i++, next(pos, c.ishape)) expected[flat(c.shape, pos, c.d, (int) c.idx[i])] += s[i];
        Tensor self = Tensor.of(c.v, c.shape).to(c.dtype), src = Tensor.of(s, c.ishape).to(c.dtype);
        if (r.nextBoolean() && c.shape.length >= 2) src = src.transpose(0, 1).contiguous().transpose(0, 1); // strided src: the walk
        Tensor got = self.scatterAdd(c.d, Tensor.of(c.idx, c.ishape), src);
        assertArrayEquals(expected, got.toDoubleArray(), "shape " + Arrays.toString(c.shape) + " dim " + c.d + " index " + Arrays.toString(c.ishape));
        assertArrayEquals(c.v, self.toDoubleArray());
    }

    @Property(tries = 200)
    void indexSelectEqualsNaiveLoops(@ForAll long seed) {
        Random r = new Random(seed);
        Case c = Case.random(r, false);
        if (c == null) return;
        long[] idx = new long[c.ishape[c.d]];
        for (int i = 0; i < idx.length; i++) idx[i] = r.nextInt(c.shape[c.d]);
        int[] oshape = c.shape.clone();
        oshape[c.d] = idx.length;
        double[] expected = new double[numel(oshape)];
        int[] pos = new int[oshape.length];
        for (int i = 0; i < expected.length; i++, next(pos, oshape)) expected[i] = c.v[flat(c.shape, pos, c.d, (int) idx[pos[c.d]])];
        Tensor x = Tensor.of(c.v, c.shape).to(c.dtype);
        Tensor got = x.indexSelect(c.d, Tensor.of(idx, idx.length));
        assertArrayEquals(oshape, got.shape());
        assertArrayEquals(expected, got.toDoubleArray());
        if (idx.length == 0) return;
        // one or two bad indices (negative or too large): the first is named, the input untouched
        int first = Integer.MAX_VALUE;
        for (int t = 1 + r.nextInt(2); t > 0; t--) {
            int at = r.nextInt(idx.length);
            idx[at] = r.nextBoolean() ? -1 - r.nextInt(3) : c.shape[c.d] + r.nextInt(3);
            first = Math.min(first, at);
        }
        Tensor index = Tensor.of(idx, idx.length);
        String want = "indexSelect: index " + idx[first] + " is out of bounds for dimension " + c.d + " with size " + c.shape[c.d];
        assertEquals(want, assertThrows(IndexOutOfBoundsException.class, () -> x.indexSelect(c.d, index)).getMessage());
        assertArrayEquals(c.v, x.toDoubleArray());
        assertArrayEquals(idx, index.toLongArray());
    }

    /** One or two bad indices (negative or too large) at random places: gather and scatterAdd name the first. */
    @Property(tries = 200)
    void badIndexNamesTheFirstAndLeavesInputs(@ForAll long seed) {
        Random r = new Random(seed);
        Case c = Case.random(r, true);
        if (c == null || c.idx.length == 0) return;
        long[] idx = c.idx.clone();
        int first = Integer.MAX_VALUE;
        for (int t = 1 + r.nextInt(2); t > 0; t--) {
            int at = r.nextInt(idx.length);
            idx[at] = r.nextBoolean() ? -1 - r.nextInt(3) : c.shape[c.d] + r.nextInt(3);
            first = Math.min(first, at);
        }
        String want = "index " + idx[first] + " is out of bounds for dimension " + c.d + " with size " + c.shape[c.d];
        Tensor x = Tensor.of(c.v, c.shape).to(c.dtype), index = Tensor.of(idx, c.ishape);
        Tensor src = Tensor.ones(c.dtype, c.ishape);
        assertEquals("gather: " + want, assertThrows(IndexOutOfBoundsException.class, () -> x.gather(c.d, index)).getMessage());
        assertEquals("scatterAdd: " + want, assertThrows(IndexOutOfBoundsException.class, () -> x.scatterAdd(c.d, index, src)).getMessage());
        assertArrayEquals(c.v, x.toDoubleArray());
        assertArrayEquals(idx, index.toLongArray());
        double[] ones = new double[c.idx.length];
        Arrays.fill(ones, 1);
        assertArrayEquals(ones, src.toDoubleArray());
    }
}
