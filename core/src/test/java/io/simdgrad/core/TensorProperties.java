package io.simdgrad.core;

import io.simdgrad.core.ops.Ops;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tensor ops against naive loops over random shapes: broadcasting pairs (with 0-size and size-1
 * dims), non-contiguous operands (permuted and narrowed views), every reduction dim, matmul over
 * random batch shapes. Each property draws one seed and builds its case from it, so a failure
 * report's seed reproduces the case.
 */
public class TensorProperties {

    /** A tensor together with its logical row-major values (the oracle's input). */
    record Case(Tensor t, double[] values) {}

    public static int[] randomShape(Random r, int maxRank, int maxSize) {
        int rank = r.nextInt(maxRank + 1);
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) s[i] = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(maxSize);
        return s;
    }

    /** Drops some leading dims and sets some dims to 1, giving a shape that broadcasts to {@code out}. */
    static int[] broadcastable(Random r, int[] out) {
        int drop = out.length == 0 ? 0 : r.nextInt(out.length + 1);
        int[] s = Arrays.copyOfRange(out, drop, out.length);
        for (int i = 0; i < s.length; i++) if (r.nextInt(3) == 0) s[i] = 1;
        return s;
    }

    static double randomValue(Random r) {
        return Math.round((r.nextDouble() * 8 - 4) * 64) / 64.0 + (r.nextInt(4) == 0 ? 0 : r.nextGaussian() * 1e-3);
    }

    /** A tensor with the given shape and random values, laid out contiguously or as a permuted/narrowed view. */
    static Case randomTensor(Random r, DType dtype, int[] shape) {
        int n = Naive.numel(shape);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = randomValue(r);
            if (dtype == DType.FLOAT32) v[i] = (float) v[i];
        }
        int layout = shape.length == 0 ? 0 : r.nextInt(3);
        Tensor t;
        if (layout == 0) {
            t = build(dtype, v, shape);
        } else if (layout == 1) {
            // a permuted view: store in permuted order, view back
            int[] p = randomPermutation(r, shape.length);
            int[] ps = new int[shape.length];
            for (int k = 0; k < p.length; k++) ps[k] = shape[p[k]];
            double[] stored = new double[n];
            for (int q = 0; q < n; q++) {
                int[] j = Naive.unravel(q, ps);
                int[] i = new int[shape.length];
                for (int k = 0; k < p.length; k++) i[p[k]] = j[k];
                stored[q] = v[Naive.ravelBroadcast(i, shape)];
            }
            t = build(dtype, stored, ps).permute(Ops.inverse(p));
        } else {
            // a narrowed view of a wider tensor: gaps between rows and an offset
            int last = shape.length - 1;
            int[] wide = shape.clone();
            wide[last] += 3;
            Tensor base = build(dtype, new double[Naive.numel(wide)], wide);
            Tensor view = base.narrow(last, 1, shape[last]);
            view.copyInPlace(build(dtype, v, shape));
            t = view;
        }
        return new Case(t, v);
    }

    static int[] randomPermutation(Random r, int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(i);
        java.util.Collections.shuffle(l, r);
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    static Tensor build(DType dtype, double[] v, int[] shape) {
        if (dtype == DType.FLOAT64) return Tensor.of(v.clone(), shape);
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return Tensor.of(f, shape);
    }

    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a)) continue;
            if (e == a) continue;
            assertTrue(Math.abs(e - a) <= tol * Math.max(1, Math.abs(e)),
                    what + ": element " + i + " expected " + e + " got " + a);
        }
    }

    // ------------------------------------------------------------------ broadcasting

    @Property(tries = 300)
    void broadcastBinaryOpsMatchNaiveLoops(@ForAll long seed) {
        Random r = new Random(seed);
        DType dt = r.nextBoolean() ? DType.FLOAT64 : DType.FLOAT32;
        int[] out = randomShape(r, 4, 5);
        int[] sa = broadcastable(r, out), sb = broadcastable(r, out);
        if (r.nextBoolean()) {
            int[] tmp = sa;
            sa = sb;
            sb = tmp;
        }
        Case a = randomTensor(r, dt, sa), b = randomTensor(r, dt, sb);
        // f64: + - * / max min of the same values are exact in both, so equality is required;
        // f32: the oracle rounds the exact double result once to float, as IEEE float ops do.
        check(a, b, "add", Tensor::add, Double::sum, dt);
        check(a, b, "sub", Tensor::sub, (x, y) -> x - y, dt);
        check(a, b, "mul", Tensor::mul, (x, y) -> x * y, dt);
        check(a, b, "div", Tensor::div, (x, y) -> x / y, dt);
        check(a, b, "maximum", Tensor::maximum, Math::max, dt);
        check(a, b, "minimum", Tensor::minimum, Math::min, dt);
        check(a, b, "gt", Tensor::gt, (x, y) -> x > y ? 1 : 0, dt);
        check(a, b, "eq", Tensor::eq, (x, y) -> x == y ? 1 : 0, dt);
        // transcendental: within the kernels' stated 2 ulps of the double result
        double tol = dt == DType.FLOAT32 ? 3 * 0x1p-24 : 3 * 0x1p-53;
        assertClose(Naive.binary(a.values, a.t.shape(), b.values, b.t.shape(), Math::atan2), a.t.atan2(b.t).toDoubleArray(), tol, "atan2");
        assertClose(Naive.binary(a.values, a.t.shape(), b.values, b.t.shape(), Math::hypot), a.t.hypot(b.t).toDoubleArray(), tol, "hypot");
    }

    private static void check(Case a, Case b, String name, java.util.function.BinaryOperator<Tensor> op,
                              DoubleBinaryOperator f, DType dt) {
        double[] expected = Naive.binary(a.values, a.t.shape(), b.values, b.t.shape(), f);
        if (dt == DType.FLOAT32) for (int i = 0; i < expected.length; i++) expected[i] = (float) expected[i];
        Tensor res = op.apply(a.t, b.t);
        assertArrayEquals(Naive.broadcastShape(a.t.shape(), b.t.shape()), res.shape(), name + " shape");
        assertEquals(dt, res.dtype());
        assertArrayEquals(expected, res.toDoubleArray(), name + " " + Arrays.toString(a.t.shape()) + " with " + Arrays.toString(b.t.shape()));
    }

    @Property(tries = 150)
    void scalarOperandsAndInPlaceMatchNaiveLoops(@ForAll long seed) {
        Random r = new Random(seed);
        int[] shape = randomShape(r, 3, 6);
        Case a = randomTensor(r, DType.FLOAT64, shape);
        double s = randomValue(r);
        double[] v = a.values;
        assertArrayEquals(map(v, x -> x + s), a.t.add(s).toDoubleArray());
        assertArrayEquals(map(v, x -> s - x), a.t.rsub(s).toDoubleArray());
        assertArrayEquals(map(v, x -> s / x), a.t.rdiv(s).toDoubleArray());
        assertClose(map(v, x -> Math.pow(Math.abs(s), x)), a.t.rpow(Math.abs(s)).toDoubleArray(), 1e-14, "rpow");
        assertArrayEquals(map(v, x -> x * x), a.t.square().toDoubleArray());
        assertArrayEquals(map(v, x -> -x), a.t.neg().toDoubleArray());
        assertArrayEquals(map(v, x -> Math.max(x, 0)), a.t.relu().toDoubleArray());
        assertArrayEquals(map(v, x -> Math.min(Math.max(x, -1), 1.5)), a.t.clamp(-1, 1.5).toDoubleArray());
        assertClose(map(v, Math::exp), a.t.exp().toDoubleArray(), 1e-14, "exp");
        assertClose(map(v, Math::tanh), a.t.tanh().toDoubleArray(), 1e-14, "tanh");
        assertClose(map(v, x -> 1 / (1 + Math.exp(-x))), a.t.sigmoid().toDoubleArray(), 1e-14, "sigmoid");
        // in place through a (possibly strided) view writes exactly those elements
        Tensor before = a.t.copy();
        int version = a.t.version();
        a.t.addInPlace(s);
        assertArrayEquals(map(before.toDoubleArray(), x -> x + s), a.t.toDoubleArray());
        assertEquals(version + 1, a.t.version());
        Tensor other = randomTensor(r, DType.FLOAT64, broadcastable(r, shape)).t;
        double[] expected = Naive.binary(a.t.toDoubleArray(), shape, other.toDoubleArray(), other.shape(), (x, y) -> x + 0.5 * y);
        a.t.addScaledInPlace(other, 0.5);
        assertArrayEquals(expected, a.t.toDoubleArray());
    }

    private static double[] map(double[] v, java.util.function.DoubleUnaryOperator f) {
        return Arrays.stream(v).map(f).toArray();
    }

    // ------------------------------------------------------------------ reductions

    @Property(tries = 200)
    void reductionsOverEveryDimMatchNaiveLoops(@ForAll long seed) {
        Random r = new Random(seed);
        DType dt = r.nextBoolean() ? DType.FLOAT64 : DType.FLOAT32;
        int[] shape = randomShape(r, 4, 6);
        if (shape.length == 0) shape = new int[] {1 + r.nextInt(5)};
        for (int i = 0; i < shape.length; i++) if (shape[i] == 0) shape[i] = 2;
        Case c = randomTensor(r, dt, shape);
        double tol = dt == DType.FLOAT64 ? 1e-12 : 1e-5;
        for (int d = 0; d < shape.length; d++) {
            int size = shape[d];
            double[] sum = Naive.reduce(c.values, shape, d, Double::sum, 0);
            assertClose(sum, c.t.sum(d).toDoubleArray(), tol, "sum dim " + d);
            assertClose(map(sum, x -> x / size), c.t.mean(d, true).toDoubleArray(), tol, "mean dim " + d);
            assertArrayEquals(Naive.reduce(c.values, shape, d, Math::max, Double.NEGATIVE_INFINITY), c.t.max(d, false).values().toDoubleArray(),
                    "max dim " + d);
            assertArrayEquals(Naive.reduce(c.values, shape, d, Math::min, Double.POSITIVE_INFINITY), c.t.min(d, false).values().toDoubleArray(),
                    "min dim " + d);
            double[] lse = Naive.reduce(c.values, shape, d, (acc, x) -> acc + Math.exp(x), 0);
            assertClose(map(lse, Math::log), c.t.logsumexp(d).toDoubleArray(), dt == DType.FLOAT64 ? 1e-12 : 1e-5, "logsumexp dim " + d);
            int[] keep = shape.clone();
            keep[d] = 1;
            assertArrayEquals(keep, c.t.sum(d, true).shape());
            // argmax: the first index holding the max
            double[] max = Naive.reduce(c.values, shape, d, Math::max, Double.NEGATIVE_INFINITY);
            long[] arg = c.t.argmax(d).toLongArray();
            int inner = 1;
            for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
            for (int o = 0; o < arg.length; o++) {
                int outer = o / inner, j = o % inner;
                int first = -1;
                for (int i = 0; i < size && first < 0; i++) if (c.values[(outer * size + i) * inner + j] == max[o]) first = i;
                assertEquals(first, arg[o], "argmax dim " + d + " at " + o);
            }
        }
        double total = Arrays.stream(c.values).sum();
        assertEquals(total, c.t.sum().item(), tol * Math.max(1, Math.abs(total)) * 10);
        double ss = Arrays.stream(c.values).map(x -> x * x).sum();
        assertEquals(Math.sqrt(ss), c.t.norm().item(), tol * Math.max(1, Math.sqrt(ss)) * 10);
        if (c.values.length > 1) {
            double mean = total / c.values.length;
            double var = Arrays.stream(c.values).map(x -> (x - mean) * (x - mean)).sum() / (c.values.length - 1);
            assertEquals(var, c.t.var().item(), tol * Math.max(1, var) * 10);
        }
    }

    @Property(tries = 100)
    void softmaxRowsSumToOneAndMatchNaive(@ForAll long seed) {
        Random r = new Random(seed);
        int[] shape = randomShape(r, 3, 6);
        if (shape.length == 0) shape = new int[] {3};
        for (int i = 0; i < shape.length; i++) if (shape[i] == 0) shape[i] = 1;
        Case c = randomTensor(r, DType.FLOAT64, shape);
        int d = r.nextInt(shape.length);
        double[] lse = Naive.reduce(c.values, shape, d, (acc, x) -> acc + Math.exp(x), 0);
        Tensor lseT = Tensor.of(map(lse, Math::log), Ops.reducedShape(shape, d, true));
        double[] expected = Naive.binary(c.values, shape, lseT.toDoubleArray(), lseT.shape(), (x, l) -> x - l);
        assertClose(expected, c.t.logSoftmax(d).toDoubleArray(), 1e-12, "logSoftmax dim " + d);
        assertClose(map(expected, Math::exp), c.t.softmax(d).toDoubleArray(), 1e-12, "softmax dim " + d);
    }

    // ------------------------------------------------------------------ matmul

    @Property(tries = 200)
    void matmulFollowsTorchRulesAndMatchesNaiveLoops(@ForAll long seed) {
        Random r = new Random(seed);
        DType dt = r.nextBoolean() ? DType.FLOAT64 : DType.FLOAT32;
        int m = 1 + r.nextInt(7), k = r.nextInt(7), n = 1 + r.nextInt(7);
        int[] batch = randomShape(r, 2, 3);
        int[] ba = broadcastable(r, batch), bb = broadcastable(r, batch);
        boolean aVec = r.nextInt(5) == 0, bVec = r.nextInt(5) == 0;
        int[] sa = aVec ? new int[] {k} : concat(ba, m, k);
        int[] sb = bVec ? new int[] {k} : concat(bb, k, n);
        Case a = randomTensor(r, dt, sa), b = randomTensor(r, dt, sb);
        Tensor res = a.t.matmul(b.t);
        // oracle: expand both to the full batch and loop
        int[] fullBatch = Naive.broadcastShape(aVec ? new int[0] : ba, bVec ? new int[0] : bb);
        int count = Naive.numel(fullBatch);
        int mm = aVec ? 1 : m, nn = bVec ? 1 : n;
        double[] ea = expandTo(a.values, aVec ? new int[] {1, k} : sa, concat(fullBatch, mm, k));
        double[] eb = expandTo(b.values, bVec ? new int[] {k, 1} : sb, concat(fullBatch, k, nn));
        double[] expected = Naive.matmul(ea, eb, count, mm, k, nn, false, false);
        List<Integer> shape = new ArrayList<>();
        for (int s : fullBatch) shape.add(s);
        if (!aVec) shape.add(m);
        if (!bVec) shape.add(n);
        assertArrayEquals(shape.stream().mapToInt(Integer::intValue).toArray(), res.shape(),
                "matmul " + Arrays.toString(sa) + " @ " + Arrays.toString(sb));
        assertClose(expected, res.toDoubleArray(), dt == DType.FLOAT64 ? 1e-12 : 1e-5, "matmul values");
        // a transposed view goes through GEMM's transpose flag, same values
        if (!aVec && !bVec && batch.length == 0 && ba.length == 0 && bb.length == 0) {
            Tensor at = a.t.t().contiguous().t();
            assertClose(expected, at.matmul(b.t).toDoubleArray(), dt == DType.FLOAT64 ? 1e-12 : 1e-5, "matmul transposed view");
        }
    }

    static int[] concat(int[] a, int... b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static double[] expandTo(double[] v, int[] shape, int[] target) {
        double[] r = new double[Naive.numel(target)];
        for (int p = 0; p < r.length; p++) r[p] = v[Naive.ravelBroadcast(Naive.unravel(p, target), shape)];
        return r;
    }

    // ------------------------------------------------------------------ views

    @Property(tries = 150)
    void viewsKeepDataAndShareStorage(@ForAll long seed) {
        Random r = new Random(seed);
        int[] shape = randomShape(r, 4, 5);
        for (int i = 0; i < shape.length; i++) if (shape[i] == 0) shape[i] = 1;
        Case c = randomTensor(r, DType.FLOAT64, shape);
        Tensor t = c.t;
        // permute: element (i0..ik) of the view is element (perm^-1) of the base
        if (shape.length >= 1) {
            int[] p = randomPermutation(r, shape.length);
            Tensor v = t.permute(p);
            assertTrue(v.sharesStorageWith(t));
            for (int q = 0; q < Naive.numel(shape); q++) {
                int[] i = Naive.unravel(q, shape);
                int[] j = new int[shape.length];
                for (int k = 0; k < p.length; k++) j[k] = i[p[k]];
                assertEquals(t.get(i), v.get(j));
            }
            int d = r.nextInt(shape.length);
            int idx = r.nextInt(shape[d]);
            Tensor sel = t.select(d, idx);
            assertTrue(sel.sharesStorageWith(t));
            sel.fillInPlace(42);
            for (int q = 0; q < Naive.numel(shape); q++) {
                int[] i = Naive.unravel(q, shape);
                if (i[d] == idx) assertEquals(42.0, t.get(i));
            }
        }
        // reshape of a contiguous tensor is a view; of a permuted one a copy with the same row-major data
        Tensor flat = t.reshape(-1);
        assertArrayEquals(t.toDoubleArray(), flat.toDoubleArray());
        if (t.isContiguous()) assertTrue(flat.sharesStorageWith(t));
        Tensor u = t.unsqueeze(0).unsqueeze(-1);
        assertEquals(t.dim() + 2, u.dim());
        assertArrayEquals(t.toDoubleArray(), u.squeeze(0).squeeze(-1).toDoubleArray());
        assertArrayEquals(t.toDoubleArray(), t.contiguous().toDoubleArray());
    }

    @Property(tries = 100)
    void catStackSplitRoundTrip(@ForAll long seed) {
        Random r = new Random(seed);
        int[] shape = randomShape(r, 3, 5);
        if (shape.length == 0) shape = new int[] {4};
        Case c = randomTensor(r, DType.FLOAT32, shape);
        int d = r.nextInt(shape.length);
        int size = 1 + r.nextInt(3);
        List<Tensor> parts = c.t.split(size, d);
        Tensor back = Tensor.cat(parts, d);
        assertArrayEquals(c.t.shape(), back.shape());
        assertArrayEquals(c.values, back.toDoubleArray());
        Tensor st = Tensor.stack(List.of(c.t, c.t.mul(2.0)), d);
        assertArrayEquals(c.values, st.select(d, 0).toDoubleArray());
        assertArrayEquals(map(c.values, x -> (float) (2 * x)), st.select(d, 1).toDoubleArray());
    }
}
