package io.simdgrad.core.ops;

import io.simdgrad.core.DType;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.core.engine.Storage;

import java.util.Arrays;
import java.util.Locale;

/**
 * Sorting and selection along a dim. Each op that picks elements ({@code max(dim)},
 * {@code sort}, {@code topk}, {@code kthvalue}, {@code median(dim)}) is two definitions: an
 * {@link IndexOf} that computes the INT64 indices (no gradient), and a {@link TakeAlong} that
 * reads the values at them, whose gradient goes to exactly those indices ({@link PutAlong}, a
 * scatter-add into zeros). So the values' gradient routes to the chosen index, as PyTorch's
 * {@code value_selecting_reduction_backward}, and capture records the indices as a value of the
 * graph, recomputed on every replay.
 *
 * <p>Order: NaN sorts as the largest value (all NaNs equal), {@code -0.0} equals {@code 0.0}, and
 * sorts are stable (equal values keep their order, descending too), as PyTorch's
 * {@code sort(stable=True)}. {@code argmin}/{@code max}/{@code min} pick the first extreme (the
 * first NaN); {@code median(dim)} the lower median of the stable order (the first NaN when there
 * is one); {@code kthvalue} runs PyTorch's quickselect, so ties resolve to the same index as
 * PyTorch's. {@code topk} takes the first k of the stable order: the same values as PyTorch, but
 * among equal values PyTorch's order depends on its partial sort, ours on the position.
 */
public final class SortOps {
    private SortOps() {}

    /** Which indices an {@link IndexOf} computes. */
    public enum Kind {
        /** {@code argmin}: the first smallest (the first NaN). */ ARGMIN,
        /** {@code argsort}: the stable order. */ ARGSORT,
        /** {@code topk}: the first k of the stable order. */ TOPK,
        /** {@code kthvalue}: PyTorch's quickselect for the k-th smallest. */ KTHVALUE,
        /** {@code median}: position (n - 1) / 2 of the stable order, or the first NaN. */ MEDIAN
    }

    /**
     * INT64 indices along {@code dim}. {@code k} is topk's count or kthvalue's rank (1-based);
     * {@code flag} is argsort's {@code descending} and topk's {@code largest}; {@code keepdim}
     * applies to the reducing kinds (argmin, kthvalue, median).
     */
    public record IndexOf(Kind kind, int dim, int k, boolean flag, boolean keepdim) implements Op {
        @Override public String name() { return kind.name().toLowerCase(Locale.ROOT); }
        @Override public String attributes() {
            String a = "dim=" + dim;
            if (kind == Kind.TOPK || kind == Kind.KTHVALUE) a = "k=" + k + ", " + a;
            if (kind == Kind.ARGSORT && flag) a += ", descending=True";
            if (kind == Kind.TOPK && !flag) a += ", largest=False";
            if (reduces() && keepdim) a += ", keepdim=True";
            return a;
        }
        @Override public boolean differentiable() { return false; }
        @Override public DType dtype(Tensor[] in) { return DType.INT64; }

        private boolean reduces() {
            return kind == Kind.ARGMIN || kind == Kind.KTHVALUE || kind == Kind.MEDIAN;
        }

        @Override public int[] shape(Tensor[] in) {
            Tensor x = in[0];
            int d = Shapes.dim(name(), dim, x.dim());
            int size = x.dim() == 0 ? 1 : Internals.shape(x)[d];
            switch (kind) {
                case TOPK -> {
                    if (k < 0 || k > size) {
                        throw new IllegalArgumentException("topk: selected index k out of range (k = " + k + ", dim " + d
                                + " of shape " + Shapes.str(Internals.shape(x)) + " has size " + size + ")");
                    }
                }
                case KTHVALUE -> {
                    if (k < 1 || k > size) {
                        throw new IllegalArgumentException("kthvalue(): selected number k out of range for dimension " + d
                                + " (k = " + k + ", shape " + Shapes.str(Internals.shape(x)) + ")");
                    }
                }
                case ARGMIN, MEDIAN -> {
                    if (size == 0) {
                        throw new IndexOutOfBoundsException(name() + "(): Expected reduction dim " + d + " to have non-zero size. (shape "
                                + Shapes.str(Internals.shape(x)) + ")");
                    }
                }
                case ARGSORT -> { }
            }
            if (x.dim() == 0) return new int[0];
            if (kind == Kind.ARGSORT) return Internals.shape(x).clone();
            if (kind == Kind.TOPK) {
                int[] r = Internals.shape(x).clone();
                r[d] = k;
                return r;
            }
            return Ops.reducedShape(Internals.shape(x), d, keepdim);
        }

        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor x = in[0].contiguous();
            int d = x.dim() == 0 ? 0 : Shapes.dim(name(), dim, x.dim());
            int size = x.dim() == 0 ? 1 : Internals.shape(x)[d], inner = 1, outer = 1;
            for (int i = d + 1; i < x.dim(); i++) inner *= Internals.shape(x)[i];
            for (int i = 0; i < d; i++) outer *= Internals.shape(x)[i];
            Storage s = Internals.storage(x);
            long[] o = Internals.storage(out).l;
            int oo = Internals.offset(out);
            if (outer * inner == 0 || out.numel() == 0) return;
            if (kind == Kind.ARGMIN && s.k != null) {
                int[] idx = new int[outer * inner];
                if (inner == 1) s.k.argminRows(s.array, Internals.offset(x), outer, size, size, idx, 0);
                else for (int b = 0; b < outer; b++) s.k.argminColumns(s.array, Internals.offset(x) + b * size * inner, size, inner, inner, idx, b * inner);
                for (int i = 0; i < idx.length; i++) o[oo + i] = idx[i];
                return;
            }
            long[] keys = new long[size], tmpKeys = new long[size];
            int[] idx = new int[size], tmpIdx = new int[size];
            int width = kind == Kind.ARGSORT ? size : kind == Kind.TOPK ? k : 1;
            for (int b = 0; b < outer; b++) {
                for (int j = 0; j < inner; j++) {
                    int base = Internals.offset(x) + b * size * inner + j;
                    boolean descending = (kind == Kind.ARGSORT || kind == Kind.TOPK) && flag;
                    for (int i = 0; i < size; i++) {
                        long key = key(s, base + i * inner);
                        keys[i] = descending ? ~key : key; // ~ reverses the order of longs exactly
                        idx[i] = i;
                    }
                    int at = oo + b * width * inner + j;
                    switch (kind) {
                        case ARGMIN -> o[oo + b * inner + j] = firstSmallest(keys, size); // int64 input
                        case ARGSORT, TOPK -> {
                            if (kind == Kind.TOPK && (long) k * 16 <= size) firstK(keys, idx, size, k);
                            else mergeSort(keys, idx, tmpKeys, tmpIdx, size);
                            for (int i = 0; i < width; i++) o[at + i * inner] = idx[i];
                        }
                        case MEDIAN -> {
                            int nan = firstNan(s, base, inner, size);
                            if (nan >= 0) {
                                o[oo + b * inner + j] = nan;
                            } else {
                                mergeSort(keys, idx, tmpKeys, tmpIdx, size);
                                o[oo + b * inner + j] = idx[(size - 1) / 2];
                            }
                        }
                        case KTHVALUE -> {
                            quickSelect(keys, idx, size, k - 1);
                            o[oo + b * inner + j] = idx[k - 1];
                        }
                    }
                }
            }
        }
    }

    /**
     * A long whose signed order is the elements' order: NaN above +infinity (every NaN alike),
     * {@code -0.0} as {@code 0.0}; an INT64 element is its own key.
     */
    static long key(Storage s, int i) {
        if (s.l != null) return s.l[i];
        double v = s.get(i);
        if (v == 0) v = 0.0; // -0.0 == 0.0
        if (Double.isNaN(v)) v = Double.NaN; // one NaN
        long bits = Double.doubleToLongBits(v);
        return bits ^ ((bits >> 63) & Long.MAX_VALUE);
    }

    private static int firstSmallest(long[] keys, int n) {
        int at = 0;
        for (int i = 1; i < n; i++) if (keys[i] < keys[at]) at = i;
        return at;
    }

    private static int firstNan(Storage s, int base, int inner, int n) {
        if (s.l != null) return -1;
        for (int i = 0; i < n; i++) if (Double.isNaN(s.get(base + i * inner))) return i;
        return -1;
    }

    /**
     * The first {@code k} of the stable ascending order into {@code keys[0..k)}, {@code idx[0..k)}:
     * a sorted buffer of the best k so far, which a later element enters only when strictly
     * smaller than its last (so equal keys keep their order). O(n) for most inputs when k is small
     * (topk(10) of 1000 x 1000: 65 to 4.9 ms, SortScanBench).
     */
    static void firstK(long[] keys, int[] idx, int n, int k) {
        if (k == 0) return;
        int filled = 0;
        for (int i = 0; i < n; i++) {
            long key = keys[i];
            if (filled == k && key >= keys[k - 1]) continue;
            int j = filled == k ? k - 1 : filled++;
            while (j > 0 && keys[j - 1] > key) {
                keys[j] = keys[j - 1];
                idx[j] = idx[j - 1];
                j--;
            }
            keys[j] = key;
            idx[j] = i;
        }
    }

    /** Stable ascending sort of {@code keys[0..n)}, carrying {@code idx} along (top-down merge sort, insertion sort below 16). */
    static void mergeSort(long[] keys, int[] idx, long[] tk, int[] ti, int n) {
        sortRange(keys, idx, tk, ti, 0, n);
    }

    private static void sortRange(long[] k, int[] x, long[] tk, int[] ti, int lo, int hi) {
        if (hi - lo < 16) {
            for (int i = lo + 1; i < hi; i++) {
                long kv = k[i];
                int xv = x[i], j = i - 1;
                while (j >= lo && k[j] > kv) {
                    k[j + 1] = k[j];
                    x[j + 1] = x[j];
                    j--;
                }
                k[j + 1] = kv;
                x[j + 1] = xv;
            }
            return;
        }
        int mid = (lo + hi) >>> 1;
        sortRange(k, x, tk, ti, lo, mid);
        sortRange(k, x, tk, ti, mid, hi);
        if (k[mid - 1] <= k[mid]) return;
        System.arraycopy(k, lo, tk, lo, hi - lo);
        System.arraycopy(x, lo, ti, lo, hi - lo);
        int a = lo, b = mid, o = lo;
        while (a < mid && b < hi) {
            if (tk[b] < tk[a]) {
                k[o] = tk[b];
                x[o++] = ti[b++];
            } else {
                k[o] = tk[a];
                x[o++] = ti[a++];
            }
        }
        while (a < mid) {
            k[o] = tk[a];
            x[o++] = ti[a++];
        }
        while (b < hi) {
            k[o] = tk[b];
            x[o++] = ti[b++];
        }
    }

    /**
     * Moves the element of rank {@code k} (0-based) to position k, with PyTorch's CPU quickselect
     * for {@code kthvalue} (Sedgewick's partition with a median-of-three pivot, from TH): the same
     * sequence of swaps, so among equal values the same index lands at k.
     */
    static void quickSelect(long[] a, int[] x, int n, int k) {
        int lo = 0, hi = n - 1;
        while (true) {
            if (hi <= lo) return;
            if (hi == lo + 1) {
                if (a[lo] > a[hi]) swap(a, x, lo, hi);
                return;
            }
            swap(a, x, (lo + hi) >>> 1, lo + 1);
            if (a[lo + 1] > a[hi]) swap(a, x, lo + 1, hi);
            if (a[lo] > a[hi]) swap(a, x, lo, hi);
            if (a[lo + 1] > a[lo]) swap(a, x, lo + 1, lo);
            int i = lo + 1, j = hi;
            long pivot = a[lo];
            while (true) {
                do i++; while (pivot > a[i]);
                do j--; while (a[j] > pivot);
                if (j < i) break;
                swap(a, x, i, j);
            }
            swap(a, x, lo, j);
            if (j <= k) lo = i;
            if (j >= k) hi = j - 1;
        }
    }

    private static void swap(long[] a, int[] x, int i, int j) {
        long t = a[i];
        a[i] = a[j];
        a[j] = t;
        int u = x[i];
        x[i] = x[j];
        x[j] = u;
    }

    /**
     * {@code out[..., i, ...] = x[..., index[..., i, ...], ...]} along {@code dim}, for an INT64
     * {@code index} of x's rank whose other sizes equal x's (torch.gather restricted to what
     * the selecting ops need). Its gradient is {@link PutAlong}; {@code node} is the name the
     * backward node takes ({@code MaxBackward0}, {@code SortBackward0}, ...); {@code squeeze}
     * drops {@code dim} (of size 1) from the result, as the reductions without keepdim do.
     */
    public record TakeAlong(int dim, String node, boolean squeeze) implements Op {
        @Override public String name() { return "takeAlong"; }
        @Override public String attributes() { return "dim=" + dim + (squeeze ? ", squeeze=True" : ""); }
        @Override public String gradFnName(Tensor[] in) { return node; }
        @Override public int[] shape(Tensor[] in) {
            checkIndex(name(), dim, Internals.shape(in[0]), in[1]);
            if (!squeeze || in[1].dim() == 0) return Internals.shape(in[1]).clone();
            return Ops.reducedShape(Internals.shape(in[1]), Shapes.dim(name(), dim, in[1].dim()), false);
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return i == 1; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] shape = s.inputShape(0);
            Variable gi = squeeze && shape.length > 0 ? g.unsqueeze(Shapes.dim(name(), dim, shape.length)) : g;
            return new Variable[] {gi.op(new PutAlong(dim, shape), s.input(1)), null};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            move(in[0], in[1], out, dim, false);
        }
    }

    /**
     * Zeros of {@code shape} with {@code src} added at {@code index} along {@code dim}
     * (torch.zeros(shape).scatter_add(dim, index, src)): the gradient of {@link TakeAlong}, and
     * its own gradient is TakeAlong again.
     */
    public record PutAlong(int dim, int[] shape) implements Op {
        @Override public boolean equals(Object o) { return o instanceof PutAlong p && p.dim == dim && Arrays.equals(p.shape, shape); }
        @Override public int hashCode() { return Arrays.hashCode(shape) * 31 + dim; }
        @Override public String toString() { return "PutAlong[dim=" + dim + ", shape=" + Arrays.toString(shape) + "]"; }
        @Override public String name() { return "putAlong"; }
        @Override public String attributes() { return "dim=" + dim + ", shape=" + Arrays.toString(shape); }
        @Override public String gradFnName(Tensor[] in) { return "ScatterAddBackward0"; }
        @Override public int[] shape(Tensor[] in) {
            if (!Arrays.equals(Internals.shape(in[0]), Internals.shape(in[1]))) {
                throw new IllegalArgumentException("putAlong: src " + Shapes.str(Internals.shape(in[0])) + " and index " + Shapes.str(Internals.shape(in[1]))
                        + " must have one shape");
            }
            checkIndex(name(), dim, shape, in[1]);
            return shape.clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return i == 1; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            return new Variable[] {g.op(new TakeAlong(dim, "GatherBackward0", false), s.input(1)), null};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Kernels.fill(Internals.storage(out), Internals.offset(out), out.numel(), 0);
            move(in[0], in[1], out, dim, true);
        }
    }

    /** Checks an index tensor against the indexed shape: INT64, same rank, other sizes equal, every value in range. */
    private static void checkIndex(String op, int dim, int[] shape, Tensor index) {
        if (index.dtype() != DType.INT64) {
            throw new IllegalArgumentException(op + ": Expected dtype int64 for index, got " + index.dtype());
        }
        int r = shape.length;
        int d = Shapes.dim(op, dim, r);
        boolean ok = index.dim() == r;
        for (int i = 0; ok && i < r; i++) ok = i == d || Internals.shape(index)[i] == shape[i];
        if (!ok) {
            throw new IllegalArgumentException(op + ": index " + Shapes.str(Internals.shape(index)) + " must have the sizes of " + Shapes.str(shape)
                    + " except in dimension " + d);
        }
        int size = r == 0 ? 1 : shape[d];
        Tensor c = index.contiguous();
        long[] v = Internals.storage(c).l;
        for (int i = 0, n = c.numel(); i < n; i++) {
            long ix = v[Internals.offset(c) + i];
            if (ix < -size || ix >= size) {
                throw new IndexOutOfBoundsException(op + ": index " + ix + " is out of bounds for dimension " + d + " with size " + size);
            }
        }
    }

    /** take: {@code out[p] = x[p with index[p] along d]}; put: {@code out[p with index[p]] += x[p]}. */
    private static void move(Tensor x, Tensor index, Tensor out, int dim, boolean put) {
        Tensor src = x.contiguous(), ix = index.contiguous();
        int r = ix.dim();
        int d = r == 0 ? 0 : Shapes.dim("takeAlong", dim, r);
        int[] big = put ? Internals.shape(out) : Internals.shape(src);
        int size = r == 0 ? 1 : big[d], width = r == 0 ? 1 : Internals.shape(ix)[d], inner = 1, outer = 1;
        for (int i = d + 1; i < r; i++) inner *= Internals.shape(ix)[i];
        for (int i = 0; i < d; i++) outer *= Internals.shape(ix)[i];
        Storage s = Internals.storage(src), o = Internals.storage(out);
        long[] iv = Internals.storage(ix).l;
        for (int b = 0; b < outer; b++) {
            for (int i = 0; i < width; i++) {
                int small = b * width * inner + i * inner;
                for (int j = 0; j < inner; j++) {
                    long v = iv[Internals.offset(ix) + small + j];
                    int at = (int) (v < 0 ? v + size : v);
                    int wide = b * size * inner + at * inner + j;
                    if (s.l != null && o.l != null) {
                        if (put) o.l[Internals.offset(out) + wide] += s.l[Internals.offset(src) + small + j];
                        else o.l[Internals.offset(out) + small + j] = s.l[Internals.offset(src) + wide];
                    } else if (put) {
                        int t = Internals.offset(out) + wide;
                        o.set(t, o.get(t) + s.get(Internals.offset(src) + small + j));
                    } else {
                        o.set(Internals.offset(out) + small + j, s.get(Internals.offset(src) + wide));
                    }
                }
            }
        }
    }
}
