package io.simdgrad.core;

import io.simdgrad.core.engine.Dispatch;
import io.simdgrad.core.ops.Ops;
import io.simdgrad.core.ops.Shapes;
import io.simdgrad.simd.BinaryOp;
import io.simdgrad.simd.UnaryOp;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The classes of the hardening issue as properties: shape products and narrow bounds near the
 * int and long limits against exact (BigInteger / long) arithmetic, in-place writes into random
 * strided layouts against a naive address enumeration, and every op on random zero-element views.
 * Each property draws one seed and builds its case from it.
 */
class HardeningProperties {
    private static final int[] NEAR_LIMITS = {0, 1, 2, 3, 641, 46340, 46341, 65535, 65536, 65537, 6700417,
        1 << 30, Shapes.MAX_NUMEL, Shapes.MAX_NUMEL + 1, Integer.MAX_VALUE - 1, Integer.MAX_VALUE};

    private static int nearLimit(Random r) {
        return r.nextInt(4) == 0 ? r.nextInt(Integer.MAX_VALUE) : NEAR_LIMITS[r.nextInt(NEAR_LIMITS.length)];
    }

    // 1: every shape product is exact; a count past the limit is refused, whatever the entry

    @Property(tries = 500)
    void shapeProductsAreExact(@ForAll long seed) {
        Random r = new Random(seed);
        int[] shape = new int[1 + r.nextInt(5)];
        for (int i = 0; i < shape.length; i++) shape[i] = nearLimit(r);
        BigInteger exact = Shapes.exactNumel(shape);
        boolean fits = exact.compareTo(BigInteger.valueOf(Shapes.MAX_NUMEL)) <= 0;
        if (fits) {
            assertEquals(exact.intValueExact(), Shapes.numel(shape));
            Tensor e = Tensor.ones(1).expand(shape);  // a view: no allocation
            assertEquals(exact.intValueExact(), e.numel());
            if (exact.signum() > 0) {
                int[] st = Shapes.contiguousStrides(shape);
                BigInteger acc = BigInteger.ONE;
                for (int i = shape.length - 1; i >= 0; i--) {
                    assertEquals(acc.intValueExact(), st[i]);
                    acc = acc.multiply(BigInteger.valueOf(shape[i]));
                }
            }
        } else {
            assertThrows(IllegalArgumentException.class, () -> Shapes.numel(shape));
            assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(shape));
            assertThrows(IllegalArgumentException.class, () -> Tensor.full(DType.INT64, 1, shape));
            assertThrows(IllegalArgumentException.class, () -> Tensor.ones(1).expand(shape));
            assertThrows(IllegalArgumentException.class, () -> new Variable(Tensor.ones(1), true).expand(shape));
        }
        if (exact.signum() != 0) {
            assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[0], shape));
            assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0).reshape(shape));
        } else {
            assertEquals(0, Tensor.of(new double[0], shape).numel());
            assertEquals(0, Tensor.zeros(0).reshape(shape).sum().item());
        }
    }

    // 2: narrow's bounds in exact arithmetic

    @Property(tries = 500)
    void narrowBoundsAreExact(@ForAll long seed) {
        Random r = new Random(seed);
        int size = r.nextBoolean() ? r.nextInt(8) : nearLimit(r) % (Shapes.MAX_NUMEL + 1);
        int start = r.nextBoolean() ? r.nextInt(17) - 8 : (r.nextBoolean() ? 1 : -1) * nearLimit(r);
        int length = r.nextBoolean() ? r.nextInt(9) - 1 : nearLimit(r);
        long s = start < 0 ? (long) start + size : start;
        boolean valid = start >= -size && start <= size && length >= 0 && s + length <= size;
        Tensor t = Tensor.arange(Math.min(size, 8)).expand(1, Math.min(size, 8));
        Tensor base = size <= 8 ? t.select(0, 0) : Tensor.ones(1).expand(size);
        Variable v = new Variable(base, true);
        if (valid) {
            Tensor n = base.narrow(0, start, length);
            assertArrayEquals(new int[] {length}, n.shape());
            assertArrayEquals(new int[] {length}, v.narrow(0, start, length).shape());
            if (size <= 8) {
                for (int i = 0; i < length; i++) assertEquals(s + i, n.get(i));
            }
        } else {
            Class<? extends RuntimeException> any = RuntimeException.class;
            RuntimeException e = assertThrows(any, () -> base.narrow(0, start, length));
            assertTrue(e instanceof IndexOutOfBoundsException || e instanceof IllegalArgumentException, e.toString());
            assertTrue(e.getMessage().startsWith("narrow: "), e.getMessage());
            assertThrows(any, () -> v.narrow(0, start, length));
        }
    }

    // 12: in-place writes refuse exactly the layouts that reach one element twice

    @Property(tries = 400)
    void inPlaceWritesRefuseOverlapAndOnlyOverlap(@ForAll long seed) {
        Random r = new Random(seed);
        int rank = 1 + r.nextInt(3);
        int[] size = new int[rank], stride = new int[rank];
        for (int i = 0; i < rank; i++) {
            size[i] = 1 + r.nextInt(4);
            stride[i] = r.nextInt(6);
        }
        int offset = r.nextInt(3);
        long last = offset;
        for (int i = 0; i < rank; i++) last += (long) (size[i] - 1) * stride[i];
        float[] data = new float[(int) last + 1 + r.nextInt(3)];
        for (int i = 0; i < data.length; i++) data[i] = i;
        Tensor storage = Tensor.of(data.clone());
        Tensor view = storage.asStrided(size, stride, offset);
        // the oracle: enumerate every index's address
        List<Integer> addresses = new ArrayList<>();
        int[] ix = new int[rank];
        for (int k = 0; k < Shapes.numel(size); k++) {
            int at = offset;
            for (int i = 0; i < rank; i++) at += ix[i] * stride[i];
            addresses.add(at);
            for (int i = rank - 1; i >= 0 && ++ix[i] == size[i]; i--) ix[i] = 0;
        }
        Set<Integer> distinct = new HashSet<>(addresses);
        boolean overlaps = distinct.size() != addresses.size();
        Tensor other = Tensor.arange(Shapes.numel(size)).reshape(size);
        if (overlaps) {
            for (Runnable write : List.<Runnable>of(() -> view.addInPlace(other), () -> view.copyInPlace(other),
                    () -> view.mulInPlace(2), () -> view.addScaledInPlace(other, 2), () -> view.subInPlace(other))) {
                RuntimeException e = assertThrows(IllegalArgumentException.class, write::run);
                assertTrue(e.getMessage().contains("more than one element of the written-to tensor refers to a single memory location"));
            }
            assertArrayEquals(data, storage.toFloatArray());
            assertEquals(0, storage.version());
        } else {
            view.addInPlace(other);
            float[] want = data.clone();
            float[] o = other.toFloatArray();
            for (int k = 0; k < addresses.size(); k++) want[addresses.get(k)] += o[k];
            assertArrayEquals(want, storage.toFloatArray());
        }
    }

    // 13: zero-element views, wherever they were taken, are empty to every op, eager and in backward

    @Property(tries = 300)
    void zeroElementViewsAreEmptyToEveryOp(@ForAll long seed) {
        Random r = new Random(seed);
        int rank = 2 + r.nextInt(2);
        int[] shape = new int[rank];
        for (int i = 0; i < rank; i++) shape[i] = 1 + r.nextInt(4);
        int zeroDim = r.nextInt(rank);
        shape[zeroDim] = 0;
        DType dtype = r.nextBoolean() ? DType.FLOAT32 : DType.FLOAT64;
        Variable base = new Variable(Tensor.zeros(dtype, shape), true);
        Variable v = base;
        // select or narrow along a dim that has elements, at any position up to its end
        for (int step = 0; step < 2; step++) {
            int d = r.nextInt(v.dim());
            int n = v.shape()[d];
            if (n == 0 || v.dim() < 2) continue;
            v = r.nextBoolean() ? v.select(d, r.nextInt(n)) : v.narrow(d, r.nextInt(n + 1), 0 + r.nextInt(1));
        }
        if (r.nextBoolean()) v = v.transpose(0, v.dim() - 1);
        if (r.nextBoolean()) v = v.unsqueeze(r.nextInt(v.dim() + 1));
        Tensor t = v.data();
        assertEquals(0, t.numel());
        assertEquals(0, t.storageOffset());
        List<Tensor> results = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) results.add(Dispatch.call(Ops.Unary.of(op), t));
        for (BinaryOp op : BinaryOp.values()) {
            results.add(Dispatch.call(Ops.Binary.of(op), t, t));
            results.add(Dispatch.call(Ops.Binary.of(op), t, Tensor.ones(dtype, 1)));
        }
        results.addAll(List.of(t.copy(), t.contiguous(), t.reshape(-1), t.clamp(0, 1), t.gt(t), t.mul(2), t.to(DType.INT64),
                Tensor.where(t, t, t), Tensor.cat(List.of(t, t), 0), t.softmax(-1), t.logSoftmax(0)));
        for (Tensor x : results) {
            assertEquals(0, x.numel(), x::toString);
            assertEquals(0, x.toDoubleArray().length);
        }
        // a reduction over a dim with elements keeps the empty dims; over the 0-size dim it gives 0 (sum) or nan (mean)
        for (int d = 0; d < t.dim(); d++) {
            for (double x : t.sum(d).toDoubleArray()) assertEquals(0.0, x);
            for (double x : t.mean(d, true).toDoubleArray()) assertTrue(Double.isNaN(x));
        }
        assertEquals(0.0, t.sum().item());
        assertTrue(Double.isNaN(t.mean().item()), "PyTorch: the mean of no elements is nan");
        assertTrue(t.toString().startsWith("tensor([]"), t.toString());
        Tensor flat = t.reshape(-1);
        assertEquals(0.0, flat.dot(flat).item());
        int[] ts = t.shape();
        Tensor m = t.reshape(-1, 1);                        // [0, 1] @ [1, 3] = [0, 3]; [1, 0] @ [0, 3] = zeros [1, 3]
        assertEquals(0, m.matmul(Tensor.ones(dtype, 1, 3)).numel());
        assertArrayEquals(new double[3], m.t().matmul(Tensor.ones(dtype, 0, 3)).toDoubleArray());
        Tensor target = Tensor.zeros(dtype, ts);
        target.copyInPlace(t);
        target.addInPlace(t);
        v.sum().add(v.mul(v).sum()).backward();
        assertArrayEquals(shape, base.grad().shape());
        assertEquals(0, base.grad().numel());
    }
}
