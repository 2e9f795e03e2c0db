package io.simdgrad.core.ops;

import io.simdgrad.core.DType;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.core.engine.Storage;
import io.simdgrad.simd.ReduceOp;

import java.util.Arrays;
import java.util.Locale;

/**
 * Sorting and selection along a dim. Each op that picks elements ({@code max(dim)},
 * {@code sort}, {@code topk}, {@code kthvalue}, {@code median(dim)}) is two definitions: an
 * {@link IndexOf} that computes the INT64 indices (no gradient), and {@link IndexOps.Gather} (with
 * the backward node's name) that reads the values at them, whose gradient goes to exactly those
 * indices ({@link IndexOps.ScatterAdd}, a scatter-add into zeros). So the values' gradient routes to the chosen index, as PyTorch's
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
                Ops.argAlong(ReduceOp.MIN, x, out, outer, size, inner);
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
}
