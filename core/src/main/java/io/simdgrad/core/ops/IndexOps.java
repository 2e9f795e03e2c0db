package io.simdgrad.core.ops;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.core.engine.Storage;

import java.util.Arrays;

/**
 * Indexing ops: gather/scatter along a dim, index select/add along a dim, masked fill, one-hot,
 * and the ops that draw from a {@link Generator} (dropout masks, {@code randperm},
 * {@code randint}). Index tensors are INT64 operands, read only inside the op's forward (never
 * into Java), so a compiled step replays on new indices. Every index is checked before the op
 * returns, with PyTorch's message naming the first bad index in row-major order and the size;
 * inputs are never written (the contiguous gather and scatterAdd check as they copy, so only
 * their own result, which is then dropped, may hold partial values); as in PyTorch 2.13, these
 * ops do not wrap negative indices (only {@code takeAlongDim} does).
 *
 * <p>Each op and its transpose are one pair: the VJP of {@link Gather} is {@link ScatterAdd}
 * and the reverse, the VJP of {@link IndexSelect} is {@link IndexAdd} and the reverse, so
 * gradients of gradients follow. Duplicate indices add up in {@code scatterAdd} and
 * {@code indexAdd}, in row-major order of the index (deterministic); in {@code scatter} the last
 * write in that order wins (PyTorch leaves it unspecified).
 */
public final class IndexOps {
    private IndexOps() {}

    /** No index is skipped ({@link IndexSelect#skip}). */
    public static final long NO_SKIP = Long.MIN_VALUE;

    private static void requireIndex(String op, Tensor idx) {
        if (idx.dtype() != DType.INT64) {
            throw new IllegalArgumentException(op + ": Expected dtype int64 for index, got " + idx.dtype()
                    + "; convert indices with to(DType.INT64)");
        }
    }

    /** PyTorch's message for an index outside {@code [0, size)} along {@code dim}. */
    static IndexOutOfBoundsException outOfBounds(String op, long index, int dim, int size) {
        return new IndexOutOfBoundsException(op + ": index " + index + " is out of bounds for dimension " + dim + " with size " + size);
    }

    /** Checks every element of {@code idx} lies in {@code [0, size)} (or is {@code skip}), before any write. */
    private static void checkAll(String op, Tensor idx, int dim, int size, long skip) {
        long[] l = Internals.storage(idx).l;
        if (idx.isContiguous()) {
            for (int i = Internals.offset(idx), end = i + idx.numel(); i < end; i++) {
                long v = l[i];
                if ((v < 0 || v >= size) && v != skip) throw outOfBounds(op, v, dim, size);
            }
            return;
        }
        Walk w = new Walk(Internals.shape(idx), idx);
        for (int i = 0, n = idx.numel(); i < n; i++, w.next()) {
            long v = l[w.off[0]];
            if ((v < 0 || v >= size) && v != skip) throw outOfBounds(op, v, dim, size);
        }
    }

    /** A row-major walk over {@code shape} keeping each tensor's element offset (its strides read over that shape). */
    static final class Walk {
        private final int[] shape;
        private final int[][] strides;
        final int[] off;
        private final int[] pos;

        Walk(int[] shape, Tensor... ts) {
            this.shape = shape;
            this.pos = new int[shape.length];
            this.strides = new int[ts.length][];
            this.off = new int[ts.length];
            for (int k = 0; k < ts.length; k++) {
                strides[k] = Internals.strides(ts[k]);
                off[k] = Internals.offset(ts[k]);
            }
        }

        /** Replaces tensor {@code k}'s stride along {@code dim} (0: the walk stays on one element there). */
        Walk stride(int k, int dim, int stride) {
            strides[k] = strides[k].clone();
            strides[k][dim] = stride;
            return this;
        }

        void next() {
            for (int d = shape.length - 1; d >= 0; d--) {
                for (int k = 0; k < off.length; k++) off[k] += strides[k][d];
                if (++pos[d] < shape[d]) return;
                for (int k = 0; k < off.length; k++) off[k] -= strides[k][d] * shape[d];
                pos[d] = 0;
            }
        }
    }

    private static void copyElement(Storage a, int ai, Storage o, int oi) {
        if (o.f != null) o.f[oi] = a.f[ai];
        else if (o.d != null) o.d[oi] = a.d[ai];
        else o.l[oi] = a.l[ai];
    }

    private static void addElement(Storage a, int ai, Storage o, int oi) {
        if (o.f != null) o.f[oi] += a.f[ai];
        else if (o.d != null) o.d[oi] += a.d[ai];
        else o.l[oi] += a.l[ai];
    }

    private static void requireSameDtype(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": Expected self.dtype to be equal to src.dtype, got " + a.dtype() + " and " + b.dtype());
        }
    }

    private static int[] copyOrNull(int[] s) {
        return s == null ? null : s.clone();
    }

    private static String shapeAttr(int[] base) {
        return base == null ? "" : ", base=zeros" + Arrays.toString(base);
    }

    // ------------------------------------------------------------------ gather / scatter

    /**
     * {@code out[i][j][k] = x[i][index[i][j][k]][k]} for {@code dim == 1} (and so on for any dim),
     * PyTorch's {@code torch.gather}: the result has the index's shape; the index has the input's
     * rank and no size larger than the input's outside {@code dim}. Its gradient is
     * {@link ScatterAdd} into zeros of the input's shape.
     *
     * <p>The selecting ops read their values with it too (sort, topk, max/min/median/kthvalue/mode
     * along a dim): {@code node} is the name the backward node takes there ({@code SortBackward0},
     * {@code MaxBackward0}, ...), and {@code squeeze} drops {@code dim} (of size 1 in the index)
     * from the result, as the reductions without keepdim do.
     */
    public record Gather(int dim, String node, boolean squeeze) implements Op {
        /** torch.gather. */
        public Gather(int dim) {
            this(dim, "GatherBackward0", false);
        }
        @Override public String name() { return "gather"; }
        @Override public String attributes() { return "dim=" + dim + (squeeze ? ", squeeze=True" : ""); }
        @Override public String gradFnName(Tensor[] in) { return node; }
        @Override public boolean savesInput(int i) { return i == 1; }
        @Override public int[] shape(Tensor[] in) {
            Tensor x = in[0], idx = in[1];
            requireIndex(name(), idx);
            int d = Shapes.dim(name(), dim, Math.max(1, x.dim()));
            if (idx.dim() != x.dim()) {
                throw new IllegalArgumentException(name() + ": Index tensor must have the same number of dimensions as input tensor (index "
                        + Shapes.str(Internals.shape(idx)) + ", input " + Shapes.str(Internals.shape(x)) + ")");
            }
            for (int k = 0; k < x.dim(); k++) {
                if (k != d && Internals.shape(idx)[k] > Internals.shape(x)[k]) {
                    throw new IllegalArgumentException(name() + ": Size does not match at dimension " + k + " expected index "
                            + Shapes.str(Internals.shape(idx)) + " to be no larger than self " + Shapes.str(Internals.shape(x)) + " apart from dimension " + d);
                }
            }
            if (!squeeze || idx.dim() == 0) return Internals.shape(idx).clone();
            return Ops.reducedShape(Internals.shape(idx), d, false);
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] shape = s.inputShape(0);
            Variable gi = squeeze && shape.length > 0 ? g.unsqueeze(Shapes.dim(name(), dim, shape.length)) : g;
            return new Variable[] {Variable.apply(new ScatterAdd(dim, shape), s.input(1), gi), null};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor x = in[0], idx = in[1];
            if (x.dim() == 0) {
                checkAll(name(), idx, 0, 1, NO_SKIP);
                copyElement(Internals.storage(x), Internals.offset(x), Internals.storage(out), Internals.offset(out));
                return;
            }
            int[] is = Internals.shape(idx);
            // squeezed: the contiguous result read with the index's shape
            Tensor o = squeeze ? Internals.newTensor(Internals.storage(out), is, Shapes.contiguousStrides(is), Internals.offset(out)) : out;
            int d = Shapes.dim(name(), dim, x.dim()), size = Internals.shape(x)[d], st = Internals.strides(x)[d];
            if (alongOneDim(x, idx, d)) {
                gatherContiguous(name(), x, idx, o, d);
                return;
            }
            checkAll(name(), idx, d, size, NO_SKIP);
            Walk w = new Walk(is, idx, x).stride(1, d, 0);
            long[] l = Internals.storage(idx).l;
            for (int i = 0, n = o.numel(); i < n; i++, w.next()) {
                copyElement(Internals.storage(x), w.off[1] + (int) l[w.off[0]] * st, Internals.storage(o), Internals.offset(o) + i);
            }
        }
    }

    /** Whether {@code x} and {@code idx} are contiguous and of one shape but in {@code d} (the selecting ops' case). */
    private static boolean alongOneDim(Tensor x, Tensor idx, int d) {
        if (!x.isContiguous() || !idx.isContiguous()) return false;
        int[] xs = Internals.shape(x), is = Internals.shape(idx);
        for (int k = 0; k < xs.length; k++) if (k != d && xs[k] != is[k]) return false;
        return true;
    }

    /**
     * gather over {@code [outer, size, inner]} blocks without per-element index arithmetic; the
     * float kernels check each index as they read it (one pass), so on a bad index only the
     * result, never an input, holds partial values.
     */
    private static void gatherContiguous(String op, Tensor x, Tensor idx, Tensor out, int d) {
        int[] k = alongShape(x, idx, d);
        int outer = k[0], size = k[1], width = k[2], inner = k[3];
        Storage s = Internals.storage(x), o = Internals.storage(out);
        long[] iv = Internals.storage(idx).l;
        int xo = Internals.offset(x), io = Internals.offset(idx), oo = Internals.offset(out);
        if (s.k != null) {
            int bad = s.k.gatherAlong(s.array, xo, iv, io, o.array, oo, outer, width, size, inner);
            if (bad >= 0) throw outOfBounds(op, iv[io + bad], d, size);
            return;
        }
        checkAll(op, idx, d, size, NO_SKIP);
        for (int b = 0; b < outer; b++) {
            for (int i = 0; i < width; i++) {
                int small = (b * width + i) * inner;
                for (int j = 0; j < inner; j++) copyElement(s, xo + (b * size + (int) iv[io + small + j]) * inner + j, o, oo + small + j);
            }
        }
    }

    /** {@code [outer, size, width, inner]}: x (or self) as {@code [outer, size, inner]}, idx as {@code [outer, width, inner]}. */
    private static int[] alongShape(Tensor x, Tensor idx, int d) {
        int[] is = Internals.shape(idx);
        int inner = 1, outer = 1;
        for (int k = d + 1; k < is.length; k++) inner *= is[k];
        for (int k = 0; k < d; k++) outer *= is[k];
        return new int[] {outer, Internals.shape(x)[d], is[d], inner};
    }

    /** The shape checks of scatter, scatterAdd and scatterReduce (PyTorch's message). */
    private static int checkScatter(String op, int dim, int[] self, Tensor idx, Tensor src) {
        requireIndex(op, idx);
        int d = Shapes.dim(op, dim, Math.max(1, self.length));
        if (idx.dim() != self.length || src.dim() != self.length) {
            throw new IllegalArgumentException(op + ": Index tensor must have the same number of dimensions as self tensor and src "
                    + "(self " + Shapes.str(self) + ", index " + Shapes.str(Internals.shape(idx)) + ", src " + Shapes.str(Internals.shape(src)) + ")");
        }
        for (int k = 0; k < self.length; k++) {
            if ((k != d && Internals.shape(idx)[k] > self[k]) || Internals.shape(idx)[k] > Internals.shape(src)[k]) {
                throw new IllegalArgumentException(op + ": Expected index " + Shapes.str(Internals.shape(idx)) + " to be no larger than self "
                        + Shapes.str(self) + " apart from dimension " + d + " and to be no larger size than src " + Shapes.str(Internals.shape(src)));
            }
        }
        return d;
    }

    /**
     * Writes or adds {@code src[pos]} into {@code out[pos with dim replaced by index[pos]]} for
     * every position of the index, in row-major order (the indices were checked).
     */
    private static void scatterInto(Tensor out, int d, Tensor idx, Tensor src, boolean add) {
        if (out.dim() == 0) {
            if (idx.numel() == 1) {
                if (add) addElement(Internals.storage(src), Internals.offset(src), Internals.storage(out), Internals.offset(out));
                else copyElement(Internals.storage(src), Internals.offset(src), Internals.storage(out), Internals.offset(out));
            }
            return;
        }
        int st = Internals.strides(out)[d];
        Walk w = new Walk(Internals.shape(idx), idx, src, out).stride(2, d, 0);
        long[] l = Internals.storage(idx).l;
        for (int i = 0, n = idx.numel(); i < n; i++, w.next()) {
            int o = w.off[2] + (int) l[w.off[0]] * st;
            if (add) addElement(Internals.storage(src), w.off[1], Internals.storage(out), o);
            else copyElement(Internals.storage(src), w.off[1], Internals.storage(out), o);
        }
    }

    /**
     * {@code self} with {@code out[i][index[i][j]] += src[i][j]} (dim 1; any dim likewise),
     * PyTorch's {@code scatter_add}; duplicate indices add up. With {@code base} non-null the
     * operands are {@code (index, src)} and self is zeros of that shape: the gradient of
     * {@link Gather}.
     */
    public record ScatterAdd(int dim, int[] base) implements Op {
        /** The record with its shape copied. */
        public ScatterAdd {
            base = copyOrNull(base);
        }
        @Override public boolean equals(Object o) {
            return o instanceof ScatterAdd s && s.dim == dim && Arrays.equals(s.base, base);
        }
        @Override public int hashCode() { return dim * 31 + Arrays.hashCode(base); }
        @Override public String toString() { return "ScatterAdd[dim=" + dim + shapeAttr(base) + "]"; }
        @Override public String name() { return "scatterAdd"; }
        @Override public String attributes() { return "dim=" + dim + shapeAttr(base); }
        private int first() { return base == null ? 1 : 0; }
        @Override public boolean savesInput(int i) { return i == first(); }
        @Override public int[] shape(Tensor[] in) {
            int[] self = base == null ? Internals.shape(in[0]) : base;
            if (base == null) requireSameDtype(name(), in[0], in[2]);
            checkScatter(name(), dim, self, in[first()], in[first() + 1]);
            return self.clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[in.length - 1].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable idx = s.input(first());
            Variable gs = s.needsGrad(first() + 1) ? padTo(g.gather(dim, idx), s.inputShape(first() + 1)) : null;
            return base == null ? new Variable[] {g, null, gs} : new Variable[] {null, gs};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor idx = in[first()], src = in[first() + 1];
            int d = checkScatter(name(), dim, Internals.shape(out), idx, src);
            Storage o = Internals.storage(out);
            boolean along = out.dim() > 0 && o.k != null && out.isContiguous() && alongOneDim(out, idx, d) && src.isContiguous()
                    && Arrays.equals(Internals.shape(src), Internals.shape(idx));
            if (!along) checkAll(name(), idx, d, out.dim() == 0 ? 1 : Internals.shape(out)[d], NO_SKIP);
            if (base == null) Ops.CopyInto.copy(in[0], out);
            else Kernels.fill(o, Internals.offset(out), out.numel(), 0);
            if (!along) {
                scatterInto(out, d, idx, src, true);
                return;
            }
            // one pass checks and adds: on a bad index only the result holds partial sums
            int[] k = alongShape(out, idx, d);
            long[] iv = Internals.storage(idx).l;
            int bad = o.k.scatterAddAlong(Internals.storage(src).array, Internals.offset(src), iv, Internals.offset(idx),
                    o.array, Internals.offset(out), k[0], k[2], k[1], k[3]);
            if (bad >= 0) throw outOfBounds(name(), iv[Internals.offset(idx) + bad], d, k[1]);
        }
    }

    /**
     * {@code self} with {@code out[i][index[i][j]] = src[i][j]} (dim 1; any dim likewise),
     * PyTorch's {@code scatter}; of duplicate indices the last in row-major order wins. The
     * gradient: {@code g} with the written places zeroed for self, {@code g.gather(dim, index)}
     * for src (as PyTorch, every duplicate gets it).
     */
    public record Scatter(int dim) implements Op {
        @Override public String name() { return "scatter"; }
        @Override public String attributes() { return "dim=" + dim; }
        @Override public boolean savesInput(int i) { return i == 1; }
        @Override public int[] shape(Tensor[] in) {
            requireSameDtype(name(), in[0], in[2]);
            checkScatter(name(), dim, Internals.shape(in[0]), in[1], in[2]);
            return Internals.shape(in[0]).clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable idx = s.input(1);
            Variable gSelf = s.needsGrad(0) ? g.scatter(dim, idx, new Variable(Tensor.zeros(g.dtype(), idx.shape()))) : null;
            Variable gSrc = s.needsGrad(2) ? g.gather(dim, idx) : null;
            return new Variable[] {gSelf, null, gSrc == null ? null : padTo(gSrc, s.inputShape(2))};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            int d = checkScatter(name(), dim, Internals.shape(out), in[1], in[2]);
            checkAll(name(), in[1], d, out.dim() == 0 ? 1 : Internals.shape(out)[d], NO_SKIP);
            Ops.CopyInto.copy(in[0], out);
            scatterInto(out, d, in[1], in[2], false);
        }
    }

    /** {@code g} (of the index's shape) followed by zeros up to {@code shape} along each dim: src may be larger than the index. */
    static Variable padTo(Variable g, int[] shape) {
        Variable r = g;
        for (int d = 0; d < shape.length; d++) {
            if (r.shape()[d] < shape[d]) {
                r = Variable.cat(java.util.List.of(r, new Variable(Tensor.zeros(g.dtype(), tail(r.shape(), shape, d)))), d);
            }
        }
        return r;
    }

    private static int[] tail(int[] have, int[] want, int d) {
        int[] r = have.clone();
        r[d] = want[d] - have[d];
        return r;
    }

    // ------------------------------------------------------------------ index select / add

    /** The index of indexSelect/indexAdd: 1-D or 0-d (one index), INT64. */
    private static void requireVector(String op, Tensor idx) {
        requireIndex(op, idx);
        if (idx.dim() > 1) throw new IllegalArgumentException(op + ": Index is supposed to be a vector, got shape " + Shapes.str(Internals.shape(idx)));
    }

    /** A contiguous tensor seen as {@code [outer, shape[d], inner]}. */
    private static int[] oki(int[] shape, int d) {
        int outer = 1, inner = 1;
        for (int k = 0; k < d; k++) outer *= shape[k];
        for (int k = d + 1; k < shape.length; k++) inner *= shape[k];
        return new int[] {outer, shape.length == 0 ? 1 : shape[d], inner};
    }

    /**
     * The slices {@code x.select(dim, index[j])} stacked along {@code dim}, PyTorch's
     * {@code index_select}: the result has the input's shape with {@code index.numel()} at
     * {@code dim}. {@code skip} (an index or {@link #NO_SKIP}) is an index whose slices get no
     * gradient ({@code embedding}'s {@code paddingIdx}); the forward selects it as any other.
     */
    public record IndexSelect(int dim, long skip) implements Op {
        @Override public String name() { return "indexSelect"; }
        @Override public String attributes() { return "dim=" + dim + (skip == NO_SKIP ? "" : ", skip=" + skip); }
        @Override public boolean savesInput(int i) { return i == 1; }
        @Override public int[] shape(Tensor[] in) {
            Tensor x = in[0];
            requireVector(name(), in[1]);
            if (x.dim() == 0) throw new IllegalArgumentException(name() + ": expected an input with at least 1 dimension, got a 0-d tensor");
            int d = Shapes.dim(name(), dim, x.dim());
            int[] r = Internals.shape(x).clone();
            r[d] = in[1].numel();
            return r;
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            return new Variable[] {Variable.apply(new IndexAdd(dim, s.inputShape(0), skip), s.input(1), g), null};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor x = in[0].contiguous(), idx = in[1].contiguous();
            int d = Shapes.dim(name(), dim, x.dim());
            int[] k = oki(Internals.shape(x), d);
            int size = k[1], inner = k[2], m = idx.numel();
            long[] l = Internals.storage(idx).l;
            Storage s = Internals.storage(x);
            if (s.k != null) {
                // checked as read, rows split over threads; a bad index leaves only the result partly written
                int bad = s.k.indexSelect(s.array, Internals.offset(x), l, Internals.offset(idx), m, Internals.storage(out).array,
                        Internals.offset(out), k[0], size, inner);
                if (bad >= 0) throw outOfBounds(name(), l[Internals.offset(idx) + bad], d, size);
                return;
            }
            checkAll(name(), idx, d, size, NO_SKIP);
            for (int o = 0; o < k[0]; o++) {
                for (int j = 0; j < m; j++) {
                    Kernels.copy(Internals.storage(x), Internals.offset(x) + (o * size + (int) l[Internals.offset(idx) + j]) * inner, 1,
                            Internals.storage(out), Internals.offset(out) + (o * m + j) * inner, inner);
                }
            }
        }
    }

    /**
     * {@code self} with {@code src.select(dim, j)} added into {@code out.select(dim, index[j])}
     * for each j, PyTorch's {@code index_add}; duplicate indices add up, in order; slices whose
     * index is {@code skip} are not added. With {@code base} non-null the operands are
     * {@code (index, src)} and self is zeros of that shape: the gradient of {@link IndexSelect}.
     */
    public record IndexAdd(int dim, int[] base, long skip) implements Op {
        /** The record with its shape copied. */
        public IndexAdd {
            base = copyOrNull(base);
        }
        @Override public boolean equals(Object o) {
            return o instanceof IndexAdd a && a.dim == dim && a.skip == skip && Arrays.equals(a.base, base);
        }
        @Override public int hashCode() { return (dim * 31 + Arrays.hashCode(base)) * 31 + Long.hashCode(skip); }
        @Override public String toString() { return "IndexAdd[dim=" + dim + shapeAttr(base) + ", skip=" + skip + "]"; }
        @Override public String name() { return "indexAdd"; }
        @Override public String attributes() { return "dim=" + dim + shapeAttr(base) + (skip == NO_SKIP ? "" : ", skip=" + skip); }
        private int first() { return base == null ? 1 : 0; }
        @Override public boolean savesInput(int i) { return i == first(); }
        private int check(Tensor[] in) {
            int[] self = base == null ? Internals.shape(in[0]) : base;
            Tensor idx = in[first()], src = in[first() + 1];
            requireVector(name(), idx);
            if (base == null) requireSameDtype(name(), in[0], src);
            if (self.length == 0) throw new IllegalArgumentException(name() + ": expected an input with at least 1 dimension, got a 0-d tensor");
            int d = Shapes.dim(name(), dim, self.length);
            int[] want = self.clone();
            want[d] = idx.numel();
            if (src.dim() != self.length) {
                throw new IllegalArgumentException(name() + ": Source/destination tensor must have same slice shapes (self "
                        + Shapes.str(self) + ", source " + Shapes.str(Internals.shape(src)) + ")");
            }
            if (Internals.shape(src)[d] != idx.numel()) {
                throw new IllegalArgumentException(name() + ": Number of indices (" + idx.numel() + ") should be equal to source.size(dim): ("
                        + Internals.shape(src)[d] + "), for dim: " + d);
            }
            if (!Arrays.equals(want, Internals.shape(src))) {
                throw new IllegalArgumentException(name() + ": Source/destination tensor must have same slice shapes (self "
                        + Shapes.str(self) + ", source " + Shapes.str(Internals.shape(src)) + ", dim " + d + ")");
            }
            return d;
        }
        @Override public int[] shape(Tensor[] in) {
            check(in);
            return (base == null ? Internals.shape(in[0]) : base).clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[in.length - 1].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable idx = s.input(first());
            Variable gs = null;
            if (s.needsGrad(first() + 1)) {
                gs = g.indexSelect(dim, idx);
                if (skip != NO_SKIP) gs = gs.mul(keptMask(idx, skip, g.dtype(), Shapes.dim(name(), dim, g.dim()), g.dim()));
            }
            return base == null ? new Variable[] {g, null, gs} : new Variable[] {null, gs};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            int d = check(in);
            Tensor idx = in[first()].contiguous(), src = in[first() + 1].contiguous();
            int[] k = oki(Internals.shape(out), d);
            int size = k[1], inner = k[2], m = idx.numel();
            checkAll(name(), idx, d, size, skip);
            if (base == null) Ops.CopyInto.copy(in[0], out);
            else Kernels.fill(Internals.storage(out), Internals.offset(out), out.numel(), 0);
            long[] l = Internals.storage(idx).l;
            Storage o = Internals.storage(out), a = Internals.storage(src);
            for (int p = 0; p < k[0]; p++) {
                for (int j = 0; j < m; j++) {
                    long v = l[Internals.offset(idx) + j];
                    if (v == skip) continue;
                    int so = Internals.offset(src) + (p * m + j) * inner, oo = Internals.offset(out) + (p * size + (int) v) * inner;
                    if (o.k != null) o.k.axpy(1, a.array, so, o.array, oo, inner);
                    else for (int i = 0; i < inner; i++) o.l[oo + i] += a.l[so + i];
                }
            }
        }
    }

    /** 1 where {@code idx != skip}, else 0, in {@code dtype}, shaped to broadcast along {@code dim} of a rank-{@code rank} tensor. */
    private static Variable keptMask(Variable idx, long skip, DType dtype, int dim, int rank) {
        int[] shape = new int[rank];
        Arrays.fill(shape, 1);
        shape[dim] = idx.numel();
        return new Variable(idx.data().ne(skip).to(dtype).reshape(shape));
    }

    // ------------------------------------------------------------------ masks and one-hot

    /**
     * {@code mask != 0 ? value : x} elementwise, broadcasting, PyTorch's {@code masked_fill}
     * (simdgrad has no bool dtype: any non-zero mask element is true). The gradient passes where
     * the mask is 0.
     */
    public record MaskedFill(double value) implements ElementwiseOp {
        @Override public String name() { return "maskedFill"; }
        @Override public String attributes() { return "value=" + value; }
        @Override public int[] shape(Tensor[] in) { return Shapes.broadcast(name(), Internals.shape(in[1]), Internals.shape(in[0])); } // PyTorch names the mask first
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return i == 1; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            return new Variable[] {g.maskedFill(s.input(1), 0), null};
        }
        @Override public void run(Storage[] s, int[] offs, int[] st, int n) {
            Storage x = s[0], m = s[1], o = s[2];
            if (o.l != null) {
                for (int i = 0; i < n; i++) o.l[offs[2] + i] = m.l[offs[1] + i * st[1]] != 0 ? (long) value : x.l[offs[0] + i * st[0]];
            } else {
                for (int i = 0; i < n; i++) o.set(offs[2] + i, m.get(offs[1] + i * st[1]) != 0 ? value : x.get(offs[0] + i * st[0]));
            }
        }
    }

    /**
     * One-hot rows: {@code out[..., c] = (labels[...] == c)} for {@code c < numClasses}, INT64 of
     * shape {@code labels.shape + [numClasses]}, PyTorch's {@code F.one_hot}. The class count is an
     * argument, not read from the labels (that would be a data-dependent shape).
     */
    public record OneHot(int numClasses) implements Op {
        @Override public String name() { return "oneHot"; }
        @Override public String attributes() { return "numClasses=" + numClasses; }
        @Override public boolean differentiable() { return false; }
        @Override public int[] shape(Tensor[] in) {
            if (in[0].dtype() != DType.INT64) {
                throw new IllegalArgumentException(name() + ": one_hot is only applicable to index tensor of dtype int64, got " + in[0].dtype());
            }
            if (numClasses < 1) {
                throw new IllegalArgumentException(name() + ": numClasses must be positive, got " + numClasses
                        + " (PyTorch's -1, inferring it from the labels' values, would make the shape depend on data)");
            }
            int[] r = Arrays.copyOf(Internals.shape(in[0]), in[0].dim() + 1);
            r[in[0].dim()] = numClasses;
            return r;
        }
        @Override public DType dtype(Tensor[] in) { return DType.INT64; }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor t = in[0];
            Walk w = new Walk(Internals.shape(t), t);
            long[] l = Internals.storage(t).l;
            for (int i = 0, n = t.numel(); i < n; i++, w.next()) {
                long v = l[w.off[0]];
                if (v < 0) throw new IllegalArgumentException(name() + ": Class values must be non-negative. (got " + v + ")");
                if (v >= numClasses) {
                    throw new IllegalArgumentException(name() + ": Class values must be smaller than num_classes. (got " + v
                            + ", numClasses " + numClasses + ")");
                }
            }
            Kernels.fill(Internals.storage(out), Internals.offset(out), out.numel(), 0);
            w = new Walk(Internals.shape(t), t);
            for (int i = 0, n = t.numel(); i < n; i++, w.next()) Internals.storage(out).l[Internals.offset(out) + i * numClasses + (int) l[w.off[0]]] = 1;
        }
    }

    // ------------------------------------------------------------------ ops that draw from a generator

    /**
     * The scaled keep-mask of dropout for an input of {@code x}'s shape and dtype: each element
     * {@code 1 / (1 - p)} with probability {@code 1 - p}, else 0 (all 0 for {@code p == 1}),
     * drawn from {@code gen} in row-major order, one {@link Generator#nextFloat} per element, at
     * run time: a replayed graph draws fresh masks and advances the generator as the eager code
     * does. Only the input's shape is read. Stateful: never merged, folded or removed.
     */
    public record DropoutMask(double p, Generator gen) implements Op {
        /** Checks p. */
        public DropoutMask {
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout: dropout probability has to be between 0 and 1, but got " + p);
            java.util.Objects.requireNonNull(gen, "dropout: the generator is null");
        }
        @Override public String name() { return "dropoutMask"; }
        @Override public String attributes() { return "p=" + p + ", generator=" + genId(gen); }
        @Override public boolean differentiable() { return false; }
        @Override public boolean stateful() { return true; }
        @Override public Generator generator() { return gen; }
        @Override public int[] shape(Tensor[] in) {
            if (!in[0].dtype().isFloatingPoint()) throw new IllegalArgumentException("dropout: expected a floating point input, got " + in[0].dtype());
            return Internals.shape(in[0]).clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public void forward(Tensor[] in, Tensor out) {
            Storage o = Internals.storage(out);
            double keep = 1 - p, scale = p == 1 ? 0 : 1 / keep;
            float keepF = (float) keep;
            for (int i = 0, n = out.numel(); i < n; i++) o.set(Internals.offset(out) + i, gen.nextFloat() < keepF ? scale : 0);
        }
    }

    /** A random permutation of {@code 0 .. n-1} (INT64) from {@code gen}, PyTorch's {@code torch.randperm}: Fisher-Yates. Stateful. */
    public record RandPerm(int n, Generator gen) implements Op {
        /** Checks n. */
        public RandPerm {
            if (n < 0) throw new IllegalArgumentException("randperm: Trying to create tensor with negative dimension " + n + ": [" + n + "]");
            java.util.Objects.requireNonNull(gen, "randperm: the generator is null");
        }
        @Override public String name() { return "randperm"; }
        @Override public String attributes() { return "n=" + n + ", generator=" + genId(gen); }
        @Override public boolean differentiable() { return false; }
        @Override public boolean stateful() { return true; }
        @Override public Generator generator() { return gen; }
        @Override public int[] shape(Tensor[] in) { return new int[] {n}; }
        @Override public DType dtype(Tensor[] in) { return DType.INT64; }
        @Override public void forward(Tensor[] in, Tensor out) {
            long[] l = Internals.storage(out).l;
            int o = Internals.offset(out);
            for (int i = 0; i < n; i++) l[o + i] = i;
            for (int i = n - 1; i > 0; i--) {
                int j = (int) gen.nextLong(i + 1L);
                long t = l[o + i];
                l[o + i] = l[o + j];
                l[o + j] = t;
            }
        }
    }

    /** Integers uniform in {@code [low, high)} (INT64) from {@code gen}, PyTorch's {@code torch.randint}. Stateful. */
    public record RandInt(long low, long high, int[] size, Generator gen) implements Op {
        /** Checks the range and copies the shape. */
        public RandInt {
            if (low >= high) {
                throw new IllegalArgumentException("randint: random_ expects 'from' to be less than 'to', but got from=" + low + " >= to=" + high);
            }
            if (high - low <= 0) throw new IllegalArgumentException("randint: the range [" + low + ", " + high + ") is wider than a long");
            java.util.Objects.requireNonNull(gen, "randint: the generator is null");
            size = size.clone();
            Shapes.checkSizes("randint", size);
        }
        @Override public boolean equals(Object o) {
            return o instanceof RandInt r && r.low == low && r.high == high && Arrays.equals(r.size, size) && r.gen == gen;
        }
        @Override public int hashCode() { return Long.hashCode(low * 31 + high) * 31 + Arrays.hashCode(size); }
        @Override public String toString() { return "RandInt[low=" + low + ", high=" + high + ", size=" + Arrays.toString(size) + "]"; }
        @Override public String name() { return "randint"; }
        @Override public String attributes() {
            return "low=" + low + ", high=" + high + ", size=" + Arrays.toString(size) + ", generator=" + genId(gen);
        }
        @Override public boolean differentiable() { return false; }
        @Override public boolean stateful() { return true; }
        @Override public Generator generator() { return gen; }
        @Override public int[] shape(Tensor[] in) { return size.clone(); }
        @Override public DType dtype(Tensor[] in) { return DType.INT64; }
        @Override public void forward(Tensor[] in, Tensor out) {
            long[] l = Internals.storage(out).l;
            for (int i = 0, n = out.numel(); i < n; i++) l[Internals.offset(out) + i] = low + gen.nextLong(high - low);
        }
    }

    /**
     * {@code numSamples} category indices per row of the weights {@code p} ([C] or [N, C]; they need
     * not sum to 1), drawn from {@code gen}: PyTorch's {@code torch.multinomial}. With replacement
     * each draw is {@code u·Σp} looked up in the running sums; without, the categories with the
     * {@code numSamples} largest {@code p_j / E_j} (E_j exponential, the Gumbel top-k draw, which is
     * sequential sampling without replacement; zero weights come last, lowest index first, as
     * PyTorch's). Weights are checked in the forward (negative, NaN, infinite, or a zero row fail with
     * PyTorch's text). Stateful like {@link RandInt}: a replay draws anew. No gradient.
     */
    public record Multinomial(int numSamples, boolean replacement, Generator gen) implements Op {
        /** Checks the count and the generator. */
        public Multinomial {
            if (numSamples <= 0) throw new IllegalArgumentException("multinomial: cannot sample n_sample <= 0 samples (got " + numSamples + ")");
            java.util.Objects.requireNonNull(gen, "multinomial: the generator is null");
        }
        @Override public boolean equals(Object o) {
            return o instanceof Multinomial m && m.numSamples == numSamples && m.replacement == replacement && m.gen == gen;
        }
        @Override public int hashCode() { return numSamples * 31 + Boolean.hashCode(replacement); }
        @Override public String name() { return "multinomial"; }
        @Override public String attributes() {
            return "numSamples=" + numSamples + (replacement ? ", replacement=True" : "") + ", generator=" + genId(gen);
        }
        @Override public boolean differentiable() { return false; }
        @Override public boolean stateful() { return true; }
        @Override public Generator generator() { return gen; }
        @Override public int[] shape(Tensor[] in) {
            Tensor p = in[0];
            if (p.dim() < 1 || p.dim() > 2) throw new IllegalArgumentException(name() + ": prob_dist must be 1 or 2 dim (got shape " + Shapes.str(Internals.shape(p)) + ")");
            if (!p.dtype().isFloatingPoint()) throw new IllegalArgumentException(name() + ": multinomial only supports floating-point dtypes for input, got: Long");
            int c = Internals.shape(p)[p.dim() - 1];
            if (!replacement && numSamples > c) {
                throw new IllegalArgumentException(name() + ": cannot sample n_sample > prob_dist.size(-1) samples without replacement ("
                        + numSamples + " > " + c + ")");
            }
            return p.dim() == 1 ? new int[] {numSamples} : new int[] {Internals.shape(p)[0], numSamples};
        }
        @Override public DType dtype(Tensor[] in) { return DType.INT64; }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor p = in[0].contiguous();
            int c = Internals.shape(p)[p.dim() - 1], rows = p.dim() == 1 ? 1 : Internals.shape(p)[0];
            Storage s = Internals.storage(p);
            double[] w = new double[c];
            for (int r = 0; r < rows; r++) {
                double total = 0;
                for (int j = 0; j < c; j++) {
                    double v = s.get(Internals.offset(p) + r * c + j);
                    if (!(v >= 0) || v == Double.POSITIVE_INFINITY) throw new IllegalArgumentException(name() + ": probability tensor contains either `inf`, `nan` or element < 0");
                    w[j] = v;
                    total += v;
                }
                if (!(total > 0)) throw new IllegalArgumentException(name() + ": invalid multinomial distribution (sum of probabilities <= 0)");
            }
            long[] o = Internals.storage(out).l;
            int oo = Internals.offset(out);
            double[] cdf = new double[c], key = new double[c];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < c; j++) w[j] = s.get(Internals.offset(p) + r * c + j);
                if (replacement) {
                    double acc = 0;
                    for (int j = 0; j < c; j++) cdf[j] = acc += w[j];
                    for (int k = 0; k < numSamples; k++) {
                        double u = gen.nextDouble() * acc;
                        int lo = 0, hi = c - 1; // the first j with cdf[j] > u (a zero weight never is: its cdf equals the one before)
                        while (lo < hi) {
                            int mid = (lo + hi) >>> 1;
                            if (cdf[mid] > u) hi = mid;
                            else lo = mid + 1;
                        }
                        while (w[lo] == 0 && lo > 0) lo--; // u rounded onto a sum: step back to the weight that owns it
                        o[oo + r * numSamples + k] = lo;
                    }
                } else {
                    for (int j = 0; j < c; j++) {
                        double e = -Math.log1p(-gen.nextDouble()); // Exp(1), > 0 except for u == 0
                        key[j] = w[j] == 0 ? 0 : w[j] / Math.max(e, Double.MIN_VALUE);
                    }
                    // the numSamples largest keys, ties (the zero weights) in index order: a partial selection sort
                    boolean[] taken = new boolean[c];
                    for (int k = 0; k < numSamples; k++) {
                        int best = -1;
                        for (int j = 0; j < c; j++) if (!taken[j] && (best < 0 || key[j] > key[best])) best = j;
                        taken[best] = true;
                        o[oo + r * numSamples + k] = best;
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ the rest of the family

    /** Negative indices counted from the end, {@code v < 0 ? v + size : v} (INT64), for takeAlongDim. No gradient. */
    public record WrapIndex(int size) implements ElementwiseOp {
        @Override public String name() { return "wrapIndex"; }
        @Override public String attributes() { return "size=" + size; }
        @Override public boolean differentiable() { return false; }
        @Override public int[] shape(Tensor[] in) {
            requireIndex("takeAlongDim", in[0]);
            return Internals.shape(in[0]).clone();
        }
        @Override public DType dtype(Tensor[] in) { return DType.INT64; }
        @Override public void run(Storage[] s, int[] offs, int[] st, int n) {
            long[] a = s[0].l, o = s[1].l;
            for (int i = 0; i < n; i++) {
                long v = a[offs[0] + i * st[0]];
                o[offs[1] + i] = v < 0 ? v + size : v;
            }
        }
    }

    /** How {@link ScatterReduce} combines the values scattered onto one place. */
    public enum ScatterReduceKind { SUM, PROD, MEAN, AMAX, AMIN }

    /**
     * {@code self} with each {@code src[i][j]} combined into {@code out[i][index[i][j]]} (dim 1;
     * any dim likewise) by {@code reduce}, PyTorch's {@code scatter_reduce}; with
     * {@code includeSelf} false a place written to starts from the scattered values alone. NaN
     * propagates in amax/amin. Floating point only. Gradients: sum and mean as PyTorch;
     * amax/amin shared evenly among the values equal to the result, as
     * PyTorch (whose count includes self's value even with {@code includeSelf} false); prod has none here (PyTorch's rule treats zeros specially: not implemented).
     */
    public record ScatterReduce(int dim, ScatterReduceKind reduce, boolean includeSelf) implements Op {
        @Override public String name() { return "scatterReduce"; }
        @Override public String attributes() { return "dim=" + dim + ", reduce=" + reduce.name().toLowerCase(java.util.Locale.ROOT)
                + (includeSelf ? "" : ", includeSelf=False"); }
        @Override public boolean savesInput(int i) { return true; }
        @Override public boolean savesOutput() { return true; }
        @Override public int[] shape(Tensor[] in) {
            requireSameDtype(name(), in[0], in[2]);
            if (!in[0].dtype().isFloatingPoint()) throw new IllegalArgumentException(name() + ": expected a floating point input, got " + in[0].dtype());
            checkScatter(name(), dim, Internals.shape(in[0]), in[1], in[2]);
            return Internals.shape(in[0]).clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor idx = in[1], src = in[2];
            int d = checkScatter(name(), dim, Internals.shape(out), idx, src);
            checkAll(name(), idx, d, out.dim() == 0 ? 1 : Internals.shape(out)[d], NO_SKIP);
            Ops.CopyInto.copy(in[0], out);
            int n = out.numel();
            int[] count = new int[n];
            if (includeSelf) Arrays.fill(count, 1);
            int st = out.dim() == 0 ? 0 : Internals.strides(out)[d];
            Walk w = new Walk(Internals.shape(idx), idx, src, out);
            if (out.dim() > 0) w.stride(2, d, 0);
            Storage o = Internals.storage(out), a = Internals.storage(src);
            long[] l = Internals.storage(idx).l;
            for (int i = 0, m = idx.numel(); i < m; i++, w.next()) {
                int p = w.off[2] + (int) l[w.off[0]] * st;
                double v = a.get(w.off[1]), cur = o.get(p);
                if (count[p]++ == 0) cur = v; // the first value at a place written to, without self
                else cur = switch (reduce) {
                    case SUM, MEAN -> cur + v;
                    case PROD -> cur * v;
                    case AMAX -> Double.isNaN(cur) || Double.isNaN(v) ? Double.NaN : Math.max(cur, v);
                    case AMIN -> Double.isNaN(cur) || Double.isNaN(v) ? Double.NaN : Math.min(cur, v);
                };
                o.set(p, cur);
            }
            if (reduce == ScatterReduceKind.MEAN) for (int p = 0; p < n; p++) if (count[p] > 1) o.set(p, o.get(p) / count[p]);
        }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable idx = s.input(1), self = s.input(0), src = s.input(2), out = s.output();
            DType t = g.dtype();
            Variable ones = new Variable(Tensor.ones(t, idx.shape()));
            // how many scattered values reached each place, and whether any did
            Variable hits = new Variable(Tensor.zeros(t, s.inputShape(0))).scatterAdd(dim, idx, ones);
            Variable untouched = new Variable(hits.data().eq(0.0));
            Variable selfKept = new Variable(includeSelf ? Tensor.ones(t, s.inputShape(0)) : untouched.data());
            return switch (reduce) {
                case SUM -> new Variable[] {g.mul(selfKept), null, padTo(g.gather(dim, idx), s.inputShape(2))};
                case MEAN -> {
                    Variable count = hits.add(selfKept).maximum(1.0);
                    Variable gc = g.div(count);
                    yield new Variable[] {gc.mul(selfKept), null, padTo(gc.gather(dim, idx), s.inputShape(2))};
                }
                case AMAX, AMIN -> {
                    // as PyTorch: self's value counts among the ties even with includeSelf false, then gets no gradient
                    Variable selfWins = new Variable(self.data().eq(out.data()));
                    Variable srcWins = new Variable(leading(src.data(), idx.shape()).eq(out.data().gather(dim, idx.data())));
                    Variable count = selfWins.scatterAdd(dim, idx, srcWins);
                    Variable gc = g.div(count.maximum(1.0));
                    yield new Variable[] {gc.mul(selfWins).mul(selfKept), null, padTo(gc.gather(dim, idx).mul(srcWins), s.inputShape(2))};
                }
                case PROD -> prodVjp(s, g, idx, self, src, out, untouched);
            };
        }

        /**
         * PyTorch's rule ({@code scatter_reduce_backward}, prod), exact with zeros: self's gradient is
         * {@code g · r' / self'} with self's zeros set to 1 (r' the product over that self'), so a zero
         * self gets the product of its src; src's is {@code g · r / src} gathered, except where a src is
         * the only zero of its place: there {@code g · r''}, with r'' the product with that zero set to 1.
         * As PyTorch's, a second derivative through src is exact only where no place has two src zeros
         * (PyTorch refuses it there; we do not read data to find out, so that capture stays guard-free).
         */
        private Variable[] prodVjp(Op.Saved s, Variable g, Variable idx, Variable self, Variable src, Variable out, Variable untouched) {
            Variable gSelf = null, gSrc = null;
            Variable used = leadingVar(src, idx.shape());
            if (s.needsGrad(0)) {
                Variable maskedSelf = self.maskedFill(new Variable(self.data().eq(0.0)), 1.0);
                gSelf = g.mul(maskedSelf.scatterReduce(dim, idx, used, "prod", includeSelf)).div(maskedSelf);
                if (!includeSelf) gSelf = gSelf.maskedFill(new Variable(untouched.data().eq(0.0)), 0.0);
            }
            if (s.needsGrad(2)) {
                Tensor zero = used.data().eq(0.0);
                Tensor zeros = Tensor.zeros(g.dtype(), s.inputShape(0)).scatterAdd(dim, idx.data(), zero).gather(dim, idx.data());
                Variable single = new Variable(zero.mul(zeros.eq(1.0)));
                Variable alone = self.scatterReduce(dim, idx, used.maskedFill(single, 1.0), "prod", includeSelf);
                Variable divided = g.mul(out).gather(dim, idx).div(used.maskedFill(new Variable(zero), 1.0));
                gSrc = padTo(Variable.where(single, g.mul(alone).gather(dim, idx), divided), s.inputShape(2));
            }
            return new Variable[] {gSelf, null, gSrc};
        }
    }

    /** {@link #leading} for a variable (differentiable: narrows). */
    static Variable leadingVar(Variable t, int[] shape) {
        Variable r = t;
        for (int d = 0; d < shape.length; d++) if (r.shape()[d] != shape[d]) r = r.narrow(d, 0, shape[d]);
        return r;
    }

    /** The leading block of {@code t} with {@code shape} (narrowed along every dim). */
    static Tensor leading(Tensor t, int[] shape) {
        Tensor r = t;
        for (int d = 0; d < shape.length; d++) if (Internals.shape(r)[d] != shape[d]) r = r.narrow(d, 0, shape[d]);
        return r;
    }

    /**
     * {@code self} with slice j of {@code src} along {@code dim} copied to slice {@code index[j]},
     * PyTorch's {@code index_copy}; of duplicate indices the last wins. Gradients: {@code g} with
     * those slices zeroed for self, {@code g.indexSelect(dim, index)} for src.
     */
    public record IndexCopy(int dim) implements Op {
        @Override public String name() { return "indexCopy"; }
        @Override public String attributes() { return "dim=" + dim; }
        @Override public boolean savesInput(int i) { return i == 1; }
        @Override public int[] shape(Tensor[] in) {
            return new IndexAdd(dim, null, NO_SKIP).shape(in);
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable idx = s.input(1);
            Variable gSelf = s.needsGrad(0) ? g.indexCopy(dim, idx, new Variable(Tensor.zeros(g.dtype(), s.inputShape(2)))) : null;
            return new Variable[] {gSelf, null, s.needsGrad(2) ? g.indexSelect(dim, idx) : null};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            shape(in);
            Tensor idx = in[1].contiguous(), src = in[2].contiguous();
            int d = Shapes.dim(name(), dim, out.dim());
            int[] k = oki(Internals.shape(out), d);
            int size = k[1], inner = k[2], m = idx.numel();
            checkAll(name(), idx, d, size, NO_SKIP);
            Ops.CopyInto.copy(in[0], out);
            long[] l = Internals.storage(idx).l;
            for (int p = 0; p < k[0]; p++) {
                for (int j = 0; j < m; j++) {
                    Kernels.copy(Internals.storage(src), Internals.offset(src) + (p * m + j) * inner, 1, Internals.storage(out), Internals.offset(out) + (p * size + (int) l[Internals.offset(idx) + j]) * inner, inner);
                }
            }
        }
    }

    /** The mask broadcast to {@code shape} as a contiguous tensor, for walking it with the result in row-major order. */
    private static Tensor maskLike(String op, Tensor mask, int[] shape) {
        int[] b = Shapes.broadcast(op, Internals.shape(mask), shape);
        if (!Arrays.equals(b, shape)) {
            throw new IllegalArgumentException(op + ": the mask of shape " + Shapes.str(Internals.shape(mask)) + " must broadcast to the input's shape "
                    + Shapes.str(shape));
        }
        return mask.expand(shape).contiguous();
    }

    private static int countTrue(Tensor m) {
        int c = 0;
        for (int i = 0, n = m.numel(); i < n; i++) if (Internals.storage(m).get(Internals.offset(m) + i) != 0) c++;
        return c;
    }

    /**
     * {@code self} with the places where {@code mask} (broadcast to self's shape) is non-zero
     * taking the first elements of {@code source}, in row-major order, PyTorch's
     * {@code masked_scatter}. Gradients: {@code g} with those places zeroed for self; for source,
     * the values of {@code g} at them in its first elements, zeros after ({@link MaskedGather}).
     */
    public record MaskedScatter() implements Op {
        @Override public String name() { return "maskedScatter"; }
        @Override public boolean savesInput(int i) { return i == 1; }
        @Override public int[] shape(Tensor[] in) {
            requireSameDtype(name(), in[0], in[2]);
            maskLike(name(), in[1], Internals.shape(in[0]));
            return Internals.shape(in[0]).clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable mask = s.input(1);
            return new Variable[] {s.needsGrad(0) ? g.maskedFill(mask, 0) : null, null,
                    s.needsGrad(2) ? Variable.apply(new MaskedGather(s.inputShape(2)), g, mask) : null};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor m = maskLike(name(), in[1], Internals.shape(in[0])), src = in[2].contiguous();
            int k = countTrue(m);
            if (k > src.numel()) {
                throw new IllegalArgumentException(name() + ": Number of elements of source < number of ones in mask (" + src.numel() + " < " + k + ")");
            }
            Ops.CopyInto.copy(in[0], out);
            for (int i = 0, j = 0, n = m.numel(); i < n; i++) {
                if (Internals.storage(m).get(Internals.offset(m) + i) != 0) copyElement(Internals.storage(src), Internals.offset(src) + j++, Internals.storage(out), Internals.offset(out) + i);
            }
        }
    }

    /**
     * The elements of {@code g} where {@code mask} (broadcast to g's shape) is non-zero, in
     * row-major order, at the start of a tensor of {@code shape}, zeros after: the gradient of
     * {@link MaskedScatter}'s source, whose own gradient is maskedScatter into zeros.
     */
    public record MaskedGather(int[] shape) implements Op {
        /** The record with its shape copied. */
        public MaskedGather {
            shape = shape.clone();
        }
        @Override public boolean equals(Object o) { return o instanceof MaskedGather m && Arrays.equals(m.shape, shape); }
        @Override public int hashCode() { return Arrays.hashCode(shape); }
        @Override public String toString() { return "MaskedGather[shape=" + Arrays.toString(shape) + "]"; }
        @Override public String name() { return "maskedGather"; }
        @Override public String attributes() { return "shape=" + Arrays.toString(shape); }
        @Override public boolean savesInput(int i) { return i == 1; }
        @Override public int[] shape(Tensor[] in) {
            maskLike(name(), in[1], Internals.shape(in[0]));
            return shape.clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable gg) {
            Variable zeros = new Variable(Tensor.zeros(gg.dtype(), s.inputShape(0)));
            return new Variable[] {Variable.apply(new MaskedScatter(), zeros, s.input(1), gg), null};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor m = maskLike(name(), in[1], Internals.shape(in[0])), g = in[0].contiguous();
            Kernels.fill(Internals.storage(out), Internals.offset(out), out.numel(), 0);
            for (int i = 0, j = 0, n = m.numel(); i < n && j < out.numel(); i++) {
                if (Internals.storage(m).get(Internals.offset(m) + i) != 0) copyElement(Internals.storage(g), Internals.offset(g) + i, Internals.storage(out), Internals.offset(out) + j++);
            }
        }
    }

    // ------------------------------------------------------------------ data-dependent shapes: eager only

    /** Why a compiled graph cannot hold an op whose result's shape depends on its operands' values. */
    static String dataDependent(String op) {
        return op + " has a result whose shape depends on the values of its input, which a compiled graph (fixed shapes) cannot replay; "
                + "call it outside the compiled function, or use a fixed-shape form (maskedFill, where, a mask times the values)";
    }

    /**
     * The elements of {@code x} where {@code mask} (broadcasting with x) is non-zero, 1-D in
     * row-major order, PyTorch's {@code masked_select}. Eager only: capture refuses it
     * ({@link Op#notCapturable}). The gradient is maskedScatter into zeros.
     */
    public record MaskedSelect() implements Op {
        @Override public String name() { return "maskedSelect"; }
        @Override public String notCapturable() { return dataDependent(name()); }
        @Override public boolean savesInput(int i) { return i == 1; }
        @Override public int[] shape(Tensor[] in) {
            int[] b = Shapes.broadcast(name(), Internals.shape(in[1]), Internals.shape(in[0]));
            return new int[] {countTrue(in[1].expand(b).contiguous())};
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] xs = s.inputShape(0);
            Variable mask = s.input(1);
            int[] b = Shapes.broadcast(name(), mask.shape(), xs);
            Variable zeros = new Variable(Tensor.zeros(g.dtype(), b));
            // the gradient of the broadcast input; the engine sums it back to x's shape
            return new Variable[] {Variable.apply(new MaskedScatter(), zeros, mask, g), null};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            int[] b = Shapes.broadcast(name(), Internals.shape(in[1]), Internals.shape(in[0]));
            Tensor m = in[1].expand(b).contiguous(), x = in[0].expand(b).contiguous();
            for (int i = 0, j = 0, n = m.numel(); i < n; i++) {
                if (Internals.storage(m).get(Internals.offset(m) + i) != 0) copyElement(Internals.storage(x), Internals.offset(x) + i, Internals.storage(out), Internals.offset(out) + j++);
            }
        }
    }

    /** The multi-indices of the non-zero elements, INT64 {@code [count, rank]} in row-major order, PyTorch's {@code nonzero}. Eager only. */
    public record Nonzero() implements Op {
        @Override public String name() { return "nonzero"; }
        @Override public String notCapturable() { return dataDependent(name()); }
        @Override public boolean differentiable() { return false; }
        @Override public int[] shape(Tensor[] in) { return new int[] {countTrue(in[0].contiguous()), in[0].dim()}; }
        @Override public DType dtype(Tensor[] in) { return DType.INT64; }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor x = in[0].contiguous();
            int rank = x.dim();
            long[] o = Internals.storage(out).l;
            int[] pos = new int[rank];
            for (int i = 0, j = 0, n = x.numel(); i < n; i++) {
                if (Internals.storage(x).get(Internals.offset(x) + i) != 0) {
                    for (int d = 0; d < rank; d++) o[Internals.offset(out) + j * rank + d] = pos[d];
                    j++;
                }
                for (int d = rank - 1; d >= 0 && ++pos[d] == Internals.shape(x)[d]; d--) pos[d] = 0;
            }
        }
    }

    /** The distinct values, sorted ascending, 1-D, PyTorch's {@code torch.unique} (sorted; NaNs are each distinct, last). Eager only. */
    public record Unique() implements Op {
        @Override public String name() { return "unique"; }
        @Override public String notCapturable() { return dataDependent(name()); }
        @Override public boolean differentiable() { return false; }
        private static double[] sortedValues(Tensor x) {
            Tensor c = x.contiguous();
            double[] v = new double[c.numel()];
            for (int i = 0; i < v.length; i++) v[i] = Internals.storage(c).get(Internals.offset(c) + i);
            Arrays.sort(v); // NaN last, as PyTorch sorts
            return v;
        }
        /** The values straight from storage (not through toLongArray: an op's own read is no user read, no guard). */
        private static long[] longValues(Tensor x) {
            Tensor c = x.contiguous();
            return Arrays.copyOfRange(Internals.storage(c).l, Internals.offset(c), Internals.offset(c) + c.numel());
        }
        private static int distinct(double[] v) {
            int k = 0;
            for (int i = 0; i < v.length; i++) if (i == 0 || Double.isNaN(v[i]) || v[i] != v[i - 1]) k++;
            return k;
        }
        @Override public int[] shape(Tensor[] in) {
            if (in[0].dtype() == DType.INT64) return new int[] {(int) Arrays.stream(longValues(in[0])).distinct().count()};
            return new int[] {distinct(sortedValues(in[0]))};
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public void forward(Tensor[] in, Tensor out) {
            if (in[0].dtype() == DType.INT64) {
                long[] v = Arrays.stream(longValues(in[0])).distinct().sorted().toArray();
                System.arraycopy(v, 0, Internals.storage(out).l, Internals.offset(out), v.length);
                return;
            }
            double[] v = sortedValues(in[0]);
            for (int i = 0, k = 0; i < v.length; i++) {
                if (i == 0 || Double.isNaN(v[i]) || v[i] != v[i - 1]) Internals.storage(out).set(Internals.offset(out) + k++, v[i]);
            }
        }
    }

    /** Names a generator in attributes by identity: the same generator on two captures prints the same. */
    private static String genId(Generator g) {
        return "Generator@" + Integer.toHexString(System.identityHashCode(g));
    }
}
