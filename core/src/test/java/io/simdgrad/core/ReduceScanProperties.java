package io.simdgrad.core;

import io.simdgrad.core.ops.Ops;
import io.simdgrad.core.ops.ReduceOps;
import io.simdgrad.core.ops.IndexOps;
import io.simdgrad.core.ops.SortOps;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Values of the reductions over several dims, the sorting and selecting ops, the scans and
 * flip/roll/tril/triu against naive loops over explicit indices, on random shapes (size-0 and
 * size-1 dims, 0-d), layouts (permuted and narrowed views) and values full of ties, with NaN,
 * infinities and signed zeros; FLOAT32 and FLOAT64 (INT64 where the op takes it). Also the error
 * messages, PyTorch's texts.
 */
class ReduceScanProperties {

    /** A tensor, its row-major values and its shape. */
    record Input(Tensor t, double[] v, int[] shape) {}

    static int[] shape(Random r, int minRank) {
        int rank = minRank + r.nextInt(5 - minRank);
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) s[i] = r.nextInt(8) == 0 ? 0 : 1 + r.nextInt(4);
        return s;
    }

    /** Values from a small pool (ties), sometimes NaN, infinities and -0.0. */
    static Input input(Random r, DType dt, int[] shape, boolean specials) {
        int n = Naive.numel(shape);
        double[] v = new double[n];
        double[] pool = {-2, -1, -0.5, 0, 0.25, 1, 1.5, 3};
        for (int i = 0; i < n; i++) {
            v[i] = r.nextBoolean() ? pool[r.nextInt(pool.length)] : Math.round((r.nextDouble() * 6 - 3) * 64) / 64.0;
            if (specials && dt != DType.INT64) {
                int c = r.nextInt(20);
                if (c == 0) v[i] = Double.NaN;
                else if (c == 1) v[i] = Double.POSITIVE_INFINITY;
                else if (c == 2) v[i] = Double.NEGATIVE_INFINITY;
                else if (c == 3) v[i] = -0.0;
            }
            if (dt == DType.INT64) v[i] = Math.round(v[i] * 2);
            if (dt == DType.FLOAT32) v[i] = (float) v[i];
        }
        Tensor t = Tensor.of(v.clone(), shape).reshape(shape).to(dt); // reshape: of() with no sizes is 1-D
        t = GradCheckProperties.inRandomLayout(r, t);
        return new Input(t, v, shape);
    }

    static DType dtype(Random r) {
        return r.nextBoolean() ? DType.FLOAT32 : DType.FLOAT64;
    }

    static int[] randomDims(Random r, int rank) {
        List<Integer> ds = new ArrayList<>();
        for (int i = 0; i < rank; i++) if (r.nextBoolean()) ds.add(r.nextBoolean() ? i : i - rank);
        java.util.Collections.shuffle(ds, r);
        return ds.stream().mapToInt(Integer::intValue).toArray();
    }

    // ------------------------------------------------------------------ naive oracles

    /** The values of each output element of a reduction over {@code dims} (empty: all), grouped in row-major order. */
    static List<double[]> groups(double[] v, int[] shape, int[] dims) {
        boolean[] red = new boolean[shape.length];
        if (dims.length == 0) Arrays.fill(red, true);
        for (int d : dims) red[d < 0 ? d + shape.length : d] = true;
        int[] outShape = new int[shape.length];
        for (int i = 0; i < shape.length; i++) outShape[i] = red[i] ? 1 : shape[i];
        int outN = Naive.numel(outShape);
        List<List<Double>> g = new ArrayList<>();
        for (int i = 0; i < outN; i++) g.add(new ArrayList<>());
        for (int p = 0; p < v.length; p++) {
            int[] idx = Naive.unravel(p, shape);
            int o = 0;
            for (int i = 0; i < shape.length; i++) o = o * outShape[i] + (red[i] ? 0 : idx[i]);
            g.get(o).add(v[p]);
        }
        List<double[]> r = new ArrayList<>();
        for (List<Double> l : g) r.add(l.stream().mapToDouble(Double::doubleValue).toArray());
        return r;
    }

    static double[] each(List<double[]> groups, Function<double[], Double> f) {
        double[] r = new double[groups.size()];
        for (int i = 0; i < r.length; i++) r[i] = f.apply(groups.get(i));
        return r;
    }

    static double naiveMax(double[] g, boolean max) {
        double b = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        for (double x : g) {
            if (Double.isNaN(x)) return Double.NaN;
            if (max ? x > b : x < b) b = x;
        }
        return b;
    }

    static double naiveNorm(double[] g, double p) {
        double acc = 0;
        for (double x : g) {
            double a = Math.abs(x);
            if (p == 0) {
                acc += a != 0 ? 1 : 0; // NaN counts as nonzero, as in PyTorch
                continue;
            }
            if (Double.isNaN(a)) return Double.NaN;
            if (p == Double.POSITIVE_INFINITY) acc = Math.max(acc, a);
            else acc += Math.pow(a, p);
        }
        if (p == Double.NEGATIVE_INFINITY) {
            acc = Double.POSITIVE_INFINITY;
            for (double x : g) acc = Math.min(acc, Math.abs(x));
            return acc;
        }
        return Double.isInfinite(p) || p == 0 ? acc : Math.pow(acc, 1 / p);
    }

    /** NaN largest, -0.0 equal to 0.0: PyTorch's sort order. */
    static final Comparator<Double> ORDER = (a, b) -> {
        boolean na = Double.isNaN(a), nb = Double.isNaN(b);
        if (na || nb) return na == nb ? 0 : na ? 1 : -1;
        return a < b ? -1 : a > b ? 1 : 0;
    };

    /** The stable (descending: stable descending) order of a slice. */
    static int[] stableOrder(double[] slice, boolean descending) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < slice.length; i++) idx.add(i);
        Comparator<Integer> c = (i, j) -> ORDER.compare(slice[i], slice[j]);
        idx.sort(descending ? c.reversed() : c); // List.sort is stable
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The slices along {@code d} (row-major over the other dims), as [outer * inner][size]. */
    static double[][] slices(double[] v, int[] shape, int d) {
        int outer = 1, inner = 1, size = shape.length == 0 ? 1 : shape[d];
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
        double[][] r = new double[outer * inner][size];
        for (int o = 0; o < outer; o++) for (int j = 0; j < inner; j++) for (int i = 0; i < size; i++) r[o * inner + j][i] = v[(o * size + i) * inner + j];
        return r;
    }

    /** Per-slice results [outer * inner][width] laid out along d again, row-major. */
    static double[] unslice(double[][] s, int[] shape, int d, int width) {
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
        double[] r = new double[outer * width * inner];
        for (int o = 0; o < outer; o++) for (int j = 0; j < inner; j++) for (int i = 0; i < width; i++) r[(o * width + i) * inner + j] = s[o * inner + j][i];
        return r;
    }

    static void assertValues(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a) : e == a || Math.abs(e - a) <= tol * Math.max(1, Math.abs(e));
            if (!ok) fail(what + " at " + i + ": expected " + e + " but was " + a + "\n expected " + Arrays.toString(expected) + "\n actual   " + Arrays.toString(actual));
        }
    }

    static double tol(DType dt) {
        return dt == DType.FLOAT32 ? 2e-5 : 1e-12;
    }

    // ------------------------------------------------------------------ properties

    @Property(tries = 300, shrinking = ShrinkingMode.OFF)
    void reductionsOverSeveralDimsMatchNaiveLoops(@ForAll long seed) {
        Random r = new Random(seed);
        DType dt = dtype(r);
        Input x = input(r, dt, shape(r, 0), r.nextBoolean());
        int[] dims = randomDims(r, x.shape().length);
        boolean keep = r.nextBoolean();
        List<double[]> g = groups(x.v(), x.shape(), dims);
        String at = " dims " + Arrays.toString(dims) + " of " + x.t();
        double tol = tol(dt);
        assertValues(each(g, a -> Arrays.stream(a).sum()), x.t().sum(dims, keep).toDoubleArray(), tol, "sum" + at);
        assertValues(each(g, a -> Arrays.stream(a).sum() / a.length), x.t().mean(dims, keep).toDoubleArray(), tol, "mean" + at);
        double[] lse = each(g, a -> {
            double m = naiveMax(a, true);
            if (Double.isNaN(m)) return Double.NaN;
            if (Double.isInfinite(m)) return a.length == 0 ? Double.NEGATIVE_INFINITY : m;
            double s = 0;
            for (double q : a) s += Math.exp(q - m);
            return m + Math.log(s);
        });
        assertValues(lse, x.t().logsumexp(dims, keep).toDoubleArray(), tol, "logsumexp" + at);
        double p = new double[] {0, 1, 2, 3, 0.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}[r.nextInt(7)];
        // PyTorch refuses a reduction without identity over an empty dim even when the result has no elements
        boolean nonEmpty = x.v().length > 0 || Arrays.stream(dims).allMatch(d -> x.shape()[d < 0 ? d + x.shape().length : d] > 0) && dims.length > 0;
        if (nonEmpty || !Double.isInfinite(p)) {
            assertValues(each(g, a -> naiveNorm(a, p)), x.t().norm(p, dims, keep).toDoubleArray(), tol, "norm " + p + at);
        }
        if (nonEmpty) {
            assertValues(each(g, a -> naiveMax(a, true)), x.t().amax(dims, keep).toDoubleArray(), 0, "amax" + at);
            assertValues(each(g, a -> naiveMax(a, false)), x.t().amin(dims, keep).toDoubleArray(), 0, "amin" + at);
        }
        assertValues(each(g, a -> Arrays.stream(a).allMatch(q -> q != 0) ? 1.0 : 0.0),
                x.t().op(new ReduceOps.ReduceDims(ReduceOps.Kind.ALL, dims, keep)).toDoubleArray(), 0, "all" + at);
        assertValues(each(g, a -> Arrays.stream(a).anyMatch(q -> q != 0) ? 1.0 : 0.0),
                x.t().op(new ReduceOps.ReduceDims(ReduceOps.Kind.ANY, dims, keep)).toDoubleArray(), 0, "any" + at);
        assertValues(each(g, a -> (double) Arrays.stream(a).filter(q -> q != 0).count()), x.t().countNonzero(dims).toDoubleArray(), 0, "countNonzero" + at);
        double corr = r.nextInt(3) * 0.5;
        double[] var = each(g, a -> {
            double m = Arrays.stream(a).sum() / a.length, s = 0;
            for (double q : a) s += (q - m) * (q - m);
            return s / Math.max(0, a.length - corr);
        });
        assertValues(var, x.t().var(dims, corr, keep).toDoubleArray(), dt == DType.FLOAT32 ? 1e-4 : 1e-10, "var " + corr + at);
        int[] expectedShape = ReduceOps.reduced(x.shape(), ReduceOps.normalize("sum", dims, x.shape().length), keep);
        assertArrayEquals(expectedShape, x.t().sum(dims, keep).shape(), "shape keepdim=" + keep + at);
    }

    @Property(tries = 200, shrinking = ShrinkingMode.OFF)
    void prodAndMedianOfAllAndAlongADimMatchNaiveLoops(@ForAll long seed) {
        Random r = new Random(seed);
        DType dt = r.nextInt(3) == 0 ? DType.INT64 : dtype(r);
        Input x = input(r, dt, shape(r, 1), r.nextBoolean());
        int d = r.nextInt(x.shape().length);
        List<double[]> g = groups(x.v(), x.shape(), new int[] {d});
        if (dt != DType.INT64) {
            assertValues(each(g, a -> Arrays.stream(a).reduce(1, (p, q) -> p * q)), x.t().prod(d, false).toDoubleArray(), tol(dt), "prod dim " + d + " of " + x.t());
            // FLOAT32 products of up to 256 elements may overflow where the double oracle does not
            if (dt == DType.FLOAT64) assertValues(new double[] {Arrays.stream(x.v()).reduce(1, (p, q) -> p * q)}, x.t().prod().toDoubleArray(), tol(dt), "prod of " + x.t());
        }
        if (dt == DType.INT64 && x.v().length == 0) return; // no NaN to return (median() refuses it)
        double[] sorted = x.v().clone();
        boolean nan = Arrays.stream(sorted).anyMatch(Double::isNaN);
        Arrays.sort(sorted);
        double median = sorted.length == 0 || nan ? Double.NaN : sorted[(sorted.length - 1) / 2];
        assertValues(new double[] {median}, x.t().median().toDoubleArray(), 0, "median of " + x.t());
    }

    @Property(tries = 300, shrinking = ShrinkingMode.OFF)
    void sortingAndSelectingMatchANaiveStableSort(@ForAll long seed) {
        Random r = new Random(seed);
        DType dt = r.nextInt(4) == 0 ? DType.INT64 : dtype(r);
        Input x = input(r, dt, shape(r, 0), r.nextBoolean());
        int rank = x.shape().length, d = rank == 0 ? 0 : r.nextInt(rank);
        int[] s1 = rank == 0 ? new int[] {1} : x.shape();
        double[][] sl = slices(x.v(), s1, d);
        int size = s1[d];
        String at = " dim " + d + " of " + x.t();
        boolean desc = r.nextBoolean();
        double[][] order = new double[sl.length][], values = new double[sl.length][];
        for (int i = 0; i < sl.length; i++) {
            int[] o = stableOrder(sl[i], desc);
            order[i] = Arrays.stream(o).asDoubleStream().toArray();
            double[] s = sl[i];
            values[i] = Arrays.stream(o).mapToDouble(j -> s[j]).toArray();
        }
        ValuesIndices<Tensor> sorted = x.t().sort(d, desc);
        assertValues(unslice(values, s1, d, size), sorted.values().toDoubleArray(), 0, "sort values desc=" + desc + at);
        assertValues(unslice(order, s1, d, size), sorted.indices().toDoubleArray(), 0, "sort indices desc=" + desc + at);
        assertEquals(DType.INT64, sorted.indices().dtype());
        int k = rank == 0 ? 1 : r.nextInt(size + 1); // a 0-d tensor's topk(0) holds it still, as PyTorch's
        double[][] topV = new double[sl.length][], topI = new double[sl.length][];
        for (int i = 0; i < sl.length; i++) {
            int[] o = stableOrder(sl[i], desc);
            double[] s = sl[i];
            topI[i] = Arrays.stream(o).limit(k).asDoubleStream().toArray();
            topV[i] = Arrays.stream(o).limit(k).mapToDouble(j -> s[j]).toArray();
        }
        ValuesIndices<Tensor> top = x.t().topk(k, d, desc, true);
        assertValues(unslice(topV, s1, d, k), top.values().toDoubleArray(), 0, "topk " + k + " largest=" + desc + at);
        assertValues(unslice(topI, s1, d, k), top.indices().toDoubleArray(), 0, "topk indices " + k + at);
        if (size == 0) return;
        boolean keep = r.nextBoolean();
        double[] max = new double[sl.length], maxAt = new double[sl.length], minAt = new double[sl.length], med = new double[sl.length], medAt = new double[sl.length];
        double[] kth = new double[sl.length];
        int kk = 1 + r.nextInt(size);
        for (int i = 0; i < sl.length; i++) {
            double[] s = sl[i];
            int bi = 0, si = 0, firstNan = -1;
            for (int j = 0; j < size; j++) {
                if (Double.isNaN(s[j]) && firstNan < 0) firstNan = j;
                if (ORDER.compare(s[j], s[bi]) > 0) bi = j;
                if (ORDER.compare(s[j], s[si]) < 0) si = j;
            }
            maxAt[i] = bi;
            max[i] = s[bi];
            minAt[i] = firstNan >= 0 ? firstNan : si;
            int[] o = stableOrder(s, false);
            medAt[i] = firstNan >= 0 ? firstNan : o[(size - 1) / 2];
            med[i] = s[(int) medAt[i]];
            kth[i] = s[o[kk - 1]];
        }
        ValuesIndices<Tensor> mx = x.t().max(d, keep);
        assertValues(max, mx.values().toDoubleArray(), 0, "max" + at);
        assertValues(maxAt, mx.indices().toDoubleArray(), 0, "max indices (the first; the first NaN)" + at);
        assertValues(minAt, x.t().min(d, keep).indices().toDoubleArray(), 0, "min indices" + at);
        assertValues(minAt, x.t().argmin(d, keep).toDoubleArray(), 0, "argmin" + at);
        ValuesIndices<Tensor> md = x.t().median(d, keep);
        assertValues(med, md.values().toDoubleArray(), 0, "median" + at);
        assertValues(medAt, md.indices().toDoubleArray(), 0, "median indices" + at);
        ValuesIndices<Tensor> kv = x.t().kthvalue(kk, d, keep);
        assertValues(kth, kv.values().toDoubleArray(), 0, "kthvalue " + kk + at);
        // at ties PyTorch's quickselect picks the index (SortFixturesTest): here only that it holds the value
        Tensor picked = x.t().op(new IndexOps.Gather(d, "-", !keep && rank > 0), kv.indices().dim() < rank ? kv.indices().unsqueeze(d) : kv.indices());
        assertValues(kth, picked.toDoubleArray(), 0, "x at kthvalue's indices" + at);
        int[] expected = rank == 0 ? new int[0] : Ops.reducedShape(x.shape(), d, keep);
        assertArrayEquals(expected, mx.values().shape(), "max values shape");
        assertArrayEquals(expected, md.indices().shape(), "median indices shape");
    }

    @Property(tries = 100, shrinking = ShrinkingMode.OFF)
    void topkOfASmallKInALongRowIsTheStableOrdersFirstK(@ForAll long seed) {
        // k * 16 <= size takes the bounded insertion instead of the full sort
        Random r = new Random(seed);
        int size = 16 + r.nextInt(200), k = 1 + r.nextInt(size / 16);
        Input x = input(r, dtype(r), new int[] {1 + r.nextInt(3), size}, r.nextBoolean());
        boolean largest = r.nextBoolean();
        double[][] sl = slices(x.v(), x.shape(), 1);
        double[][] want = new double[sl.length][], wantAt = new double[sl.length][];
        for (int i = 0; i < sl.length; i++) {
            int[] o = stableOrder(sl[i], largest);
            double[] s = sl[i];
            wantAt[i] = Arrays.stream(o).limit(k).asDoubleStream().toArray();
            want[i] = Arrays.stream(o).limit(k).mapToDouble(j -> s[j]).toArray();
        }
        ValuesIndices<Tensor> top = x.t().topk(k, 1, largest, true);
        assertValues(unslice(want, x.shape(), 1, k), top.values().toDoubleArray(), 0, "topk " + k + " largest=" + largest + " of " + x.t());
        assertValues(unslice(wantAt, x.shape(), 1, k), top.indices().toDoubleArray(), 0, "topk indices " + k);
    }

    @Property(tries = 300, shrinking = ShrinkingMode.OFF)
    void scansMatchNaiveLoops(@ForAll long seed) {
        Random r = new Random(seed);
        DType dt = dtype(r);
        Input x = input(r, dt, shape(r, 0), r.nextBoolean());
        int rank = x.shape().length, d = rank == 0 ? 0 : r.nextInt(rank);
        int[] s1 = rank == 0 ? new int[] {1} : x.shape();
        double[][] sl = slices(x.v(), s1, d);
        double[][] sum = new double[sl.length][], prod = new double[sl.length][], lse = new double[sl.length][];
        for (int i = 0; i < sl.length; i++) {
            int n = sl[i].length;
            sum[i] = new double[n];
            prod[i] = new double[n];
            lse[i] = new double[n];
            double a = 0, b = 1;
            for (int j = 0; j < n; j++) {
                a += sl[i][j];
                b *= sl[i][j];
                sum[i][j] = a;
                prod[i][j] = b;
                double m = Double.NEGATIVE_INFINITY, t = 0;
                boolean nan = false;
                for (int q = 0; q <= j; q++) {
                    nan |= Double.isNaN(sl[i][q]);
                    m = Math.max(m, sl[i][q]);
                }
                if (Double.isInfinite(m)) {
                    lse[i][j] = nan ? Double.NaN : m;
                    continue;
                }
                for (int q = 0; q <= j; q++) t += Math.exp(sl[i][q] - m);
                lse[i][j] = nan ? Double.NaN : m + Math.log(t);
            }
        }
        int n = s1[d];
        String at = " dim " + d + " of " + x.t();
        // the running value is a double for both dtypes (as PyTorch's CPU scans): sums and products are exact to the naive loop
        assertValues(roundTo(dt, unslice(sum, s1, d, n)), x.t().cumsum(d).toDoubleArray(), 0, "cumsum" + at);
        assertValues(roundTo(dt, unslice(prod, s1, d, n)), x.t().cumprod(d).toDoubleArray(), 0, "cumprod" + at);
        assertValues(unslice(lse, s1, d, n), x.t().logcumsumexp(d).toDoubleArray(), tol(dt), "logcumsumexp" + at);
    }

    private static double[] roundTo(DType dt, double[] v) {
        if (dt == DType.FLOAT32) for (int i = 0; i < v.length; i++) v[i] = (float) v[i];
        return v;
    }

    @Property(tries = 300, shrinking = ShrinkingMode.OFF)
    void flipRollAndTrianglesMatchNaiveIndexArithmetic(@ForAll long seed) {
        Random r = new Random(seed);
        DType dt = r.nextInt(3) == 0 ? DType.INT64 : dtype(r);
        Input x = input(r, dt, shape(r, 0), true);
        int[] s = x.shape();
        int rank = s.length;
        int[] dims = randomDims(r, rank);
        boolean[] flipped = new boolean[rank];
        for (int d : dims) flipped[d < 0 ? d + rank : d] = true;
        long[] shift = new long[rank];
        int[] rollDims = new int[rank == 0 ? 0 : 1 + r.nextInt(rank)], shifts = new int[rollDims.length];
        for (int i = 0; i < rollDims.length; i++) {
            rollDims[i] = r.nextInt(rank);
            shifts[i] = r.nextInt(11) - 5;
            shift[rollDims[i]] += shifts[i];
        }
        int k = r.nextInt(7) - 3;
        double[] flip = new double[x.v().length], roll = new double[x.v().length], tril = new double[x.v().length], triu = new double[x.v().length];
        for (int p = 0; p < flip.length; p++) {
            int[] idx = Naive.unravel(p, s), f = idx.clone(), o = idx.clone();
            for (int i = 0; i < rank; i++) {
                if (flipped[i]) f[i] = s[i] - 1 - idx[i];
                o[i] = (int) Math.floorMod(idx[i] - shift[i], (long) s[i]);
            }
            flip[p] = x.v()[Naive.ravelBroadcast(f, s)];
            roll[p] = x.v()[Naive.ravelBroadcast(o, s)];
            if (rank >= 2) {
                int i = idx[rank - 2], j = idx[rank - 1];
                tril[p] = j - i <= k ? x.v()[p] : 0;
                triu[p] = j - i >= k ? x.v()[p] : 0;
            }
        }
        String at = " of " + x.t();
        assertValues(flip, x.t().flip(dims).toDoubleArray(), 0, "flip " + Arrays.toString(dims) + at);
        if (rank > 0) assertValues(roll, x.t().roll(shifts, rollDims).toDoubleArray(), 0, "roll " + Arrays.toString(shifts) + Arrays.toString(rollDims) + at);
        if (rank >= 2) {
            assertValues(tril, x.t().tril(k).toDoubleArray(), 0, "tril " + k + at);
            assertValues(triu, x.t().triu(k).toDoubleArray(), 0, "triu " + k + at);
        }
        int sh = r.nextInt(9) - 4;
        double[] flat = new double[x.v().length];
        for (int p = 0; p < flat.length; p++) flat[p] = x.v()[Math.floorMod(p - sh, flat.length)];
        assertValues(flat, x.t().roll(sh).toDoubleArray(), 0, "roll flat " + sh + at);
    }

    @Property(tries = 100, shrinking = ShrinkingMode.OFF)
    void squeezeOfSeveralDimsDropsOnlyThoseOfSize1(@ForAll long seed) {
        Random r = new Random(seed);
        int[] s = shape(r, 0);
        for (int i = 0; i < s.length; i++) if (r.nextBoolean()) s[i] = 1;
        Input x = input(r, DType.FLOAT64, s, false);
        int[] dims = randomDims(r, s.length);
        List<Integer> kept = new ArrayList<>();
        boolean[] named = new boolean[s.length];
        for (int d : dims) named[d < 0 ? d + s.length : d] = true;
        for (int i = 0; i < s.length; i++) if (!(named[i] && s[i] == 1)) kept.add(s[i]);
        Tensor q = x.t().squeeze(dims);
        assertArrayEquals(kept.stream().mapToInt(Integer::intValue).toArray(), q.shape(), "squeeze " + Arrays.toString(dims) + " of " + Arrays.toString(s));
        assertArrayEquals(x.v(), q.toDoubleArray());
    }

    // ------------------------------------------------------------------ errors

    private static void assertMessage(Class<? extends RuntimeException> type, String text, Runnable r) {
        RuntimeException e = assertThrows(type, r::run);
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    @Test
    void badArgumentsFailWithPyTorchsMessages() {
        Tensor x = Tensor.ones(2, 3), empty = Tensor.zeros(0, 3);
        assertMessage(IndexOutOfBoundsException.class, "sum: Dimension out of range (expected to be in range of [-2, 1], but got 3)",
                () -> x.sum(new int[] {0, 3}, false));
        assertMessage(IllegalArgumentException.class, "sum: dim 0 appears multiple times in the list of dims", () -> x.sum(new int[] {0, -2}, false));
        assertMessage(IllegalArgumentException.class, "flip: dim 1 appears multiple times in the list of dims", () -> x.flip(1, 1));
        assertMessage(IndexOutOfBoundsException.class, "amax(): Expected reduction dim 0 to have non-zero size.", () -> empty.amax(0, false));
        assertMessage(IllegalArgumentException.class, "amax(): Expected reduction dim to be specified for input.numel() == 0.",
                () -> empty.amax(new int[0], false));
        assertMessage(IllegalArgumentException.class, "topk: selected index k out of range (k = 4, dim 1 of shape [2, 3] has size 3)",
                () -> x.topk(4, 1, true, true));
        assertMessage(IllegalArgumentException.class, "topk: selected index k out of range", () -> x.topk(-1, 1, true, true));
        assertMessage(IllegalArgumentException.class, "kthvalue(): selected number k out of range for dimension 1", () -> x.kthvalue(0, 1, false));
        assertMessage(IndexOutOfBoundsException.class, "median(): Expected reduction dim 0 to have non-zero size.", () -> empty.median(0, false));
        assertMessage(IndexOutOfBoundsException.class, "argmin(): Expected reduction dim 0 to have non-zero size.", () -> empty.argmin(0));
        assertMessage(IllegalArgumentException.class, "roll: shifts and dimensions must align. shifts: 2, dims:1",
                () -> x.roll(new int[] {1, 2}, new int[] {0}));
        assertMessage(IllegalArgumentException.class, "tril: input tensor must have at least 2 dimensions", () -> Tensor.ones(3).tril());
        assertMessage(IllegalArgumentException.class, "squeeze: dim 0 appears multiple times", () -> x.squeeze(new int[] {0, 0}));
        assertMessage(IllegalArgumentException.class, "linalg.vector_norm cannot compute the inf norm on the dimension 0",
                () -> empty.norm(Double.POSITIVE_INFINITY, 0, false));
        assertMessage(IllegalArgumentException.class, "cumsum: expected a floating point tensor, got INT64", () -> Tensor.of(new long[] {1}).cumsum(0));
        assertMessage(NullPointerException.class, "sum: dims is null", () -> x.sum((int[]) null, false));
    }

    @Test
    void aFailingOpLeavesGradientsAlone() {
        Variable v = new Variable(Tensor.ones(2, 3), true);
        v.sum(new int[] {0, 1}, false).backward();
        Tensor before = v.grad().copy();
        assertThrows(IllegalArgumentException.class, () -> v.topk(7, 1, true, true).values().sum().backward());
        assertArrayEquals(before.toDoubleArray(), v.grad().toDoubleArray());
    }
}
