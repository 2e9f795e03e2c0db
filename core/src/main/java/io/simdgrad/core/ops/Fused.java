package io.simdgrad.core.ops;

import io.simdgrad.core.DType;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.core.engine.Storage;
import io.simdgrad.simd.Parallel;

import java.util.Arrays;
import java.util.List;

/**
 * A chain of {@link ElementwiseOp}s run as one pass: each link takes the previous link's result
 * (the running value) and otherwise the chain's inputs, of the result's element count or single
 * elements, all contiguous and of the result's dtype. The forward walks the result in tiles of
 * {@link #TILE} elements and runs every link's {@link ElementwiseOp#run} on the tile, so the data
 * is read from memory once instead of once per link.
 *
 * <p>Results are bit for bit those of the ops one by one: every element goes through the same
 * run body with the same strides, and tiles start at multiples of {@link #TILE} (a multiple of
 * every lane count), so each element sits in the same lane position, vector body or tail, as in
 * the eager call. From {@link Parallel#ELEMENTWISE_THRESHOLD} elements on, the tiles are split
 * over threads as the eager kernels split their work. Compiled graphs make these
 * ({@code graph}'s fusion pass picks the chains); one thread runs an instance at a time.
 */
public final class Fused implements Op {
    /** Elements per tile: 8 KiB of f32, so a tile of the result and two operands stay in L1. */
    public static final int TILE = 2048;
    /** An operand reference meaning the running value (the previous link's result). */
    public static final int RUNNING = -1;

    /** One link: {@code op} applied to {@code operands}, each {@link #RUNNING} or the index of a chain input. */
    public record Link(ElementwiseOp op, int[] operands) {
        /** A link; the array is copied. */
        public Link {
            operands = operands.clone();
        }

        @Override public boolean equals(Object o) {
            return o instanceof Link l && op.equals(l.op) && Arrays.equals(operands, l.operands);
        }

        @Override public int hashCode() {
            return op.hashCode() * 31 + Arrays.hashCode(operands);
        }

        @Override public String toString() {
            return "Link[" + op + ", " + Arrays.toString(operands) + "]";
        }
    }

    private final Link[] links;
    private final int[] shape;
    private final int numel;
    private final DType dtype;
    /** The calling thread's scratch (no allocation per replay); parallel parts make their own. */
    private final Scratch scratch;

    /** Its links are elementwise: they throw only on int64 operands ({@link ElementwiseOp#throwsOnValues}). */
    @Override
    public boolean throwsOnValues(Tensor[] in) {
        if (dtype == DType.INT64) return true;
        for (Tensor t : in) if (t.dtype() == DType.INT64) return true;
        return false;
    }

    /** The chain; operands of each link are the running value or inputs of {@code shape}'s element count or one element. */
    public Fused(List<Link> links, int[] shape, DType dtype) {
        if (links.isEmpty()) throw new IllegalArgumentException("fused: a chain needs at least one link");
        if (!dtype.isFloatingPoint()) throw new IllegalArgumentException("fused: chains run on float dtypes, got " + dtype);
        this.links = links.toArray(new Link[0]);
        this.shape = shape.clone();
        this.numel = Shapes.numel(shape);
        this.dtype = dtype;
        this.scratch = new Scratch(this.links, dtype);
    }

    /** The links, in order. */
    public List<Link> links() {
        return List.of(links);
    }

    @Override public String name() {
        return "fused";
    }

    @Override public boolean differentiable() {
        return false;
    }

    @Override public int[] shape(Tensor[] in) {
        for (Tensor t : in) {
            if (t.dtype() != dtype || (t.numel() != numel && t.numel() != 1) || !t.isContiguous()) {
                throw new IllegalArgumentException("fused: operand " + t.dtype().shortName() + Arrays.toString(Internals.shape(t))
                        + (t.isContiguous() ? "" : " (strided)") + " does not fit the chain's result " + dtype.shortName()
                        + Arrays.toString(shape));
            }
        }
        return shape.clone();
    }

    @Override public DType dtype(Tensor[] in) {
        return dtype;
    }

    /** {@code chain=[mul(@, scalar=1.5), add(@, #1), relu(@)]}: {@code @} the running value, {@code #k} input k. */
    @Override public String attributes() {
        StringBuilder sb = new StringBuilder("chain=[");
        for (int i = 0; i < links.length; i++) {
            Link l = links[i];
            sb.append(i > 0 ? ", " : "").append(l.op.name()).append('(');
            for (int k = 0; k < l.operands.length; k++) sb.append(k > 0 ? ", " : "").append(ref(l.operands[k]));
            if (!l.op.attributes().isEmpty()) sb.append(", ").append(l.op.attributes());
            sb.append(')');
        }
        return sb.append(']').toString();
    }

    private static String ref(int k) {
        return k == RUNNING ? "@" : "#" + k;
    }

    @Override public void forward(Tensor[] in, Tensor out) {
        boolean direct = true;
        for (Tensor t : in) direct &= !t.sharesStorageWith(out);
        // an operand sharing the result's memory would be overwritten by the first link: run into a scratch tile
        boolean toOut = direct;
        int n = out.numel();
        int parts = n < Parallel.ELEMENTWISE_THRESHOLD ? 1 : Parallel.parts(n, Parallel.ELEMENTWISE_THRESHOLD / 2);
        if (parts <= 1) tiles(scratch, in, out, toOut, 0, n); // no lambda: a replay on small tensors allocates nothing here
        else Parallel.run(n, parts, TILE, (from, to) -> tiles(new Scratch(links, dtype), in, out, toOut, from, to));
    }

    /** Per link, the run's storages, offsets and strides; a tile to run into when the result cannot be written directly. */
    private static final class Scratch {
        final Storage[][] s;
        final int[][] offs;
        final int[][] st;
        Storage tile;

        Scratch(Link[] links, DType dtype) {
            s = new Storage[links.length][];
            offs = new int[links.length][];
            st = new int[links.length][];
            for (int i = 0; i < links.length; i++) {
                int k = links[i].operands.length + 1;
                s[i] = new Storage[k];
                offs[i] = new int[k];
                st[i] = new int[k];
            }
        }
    }

    /** Runs the chain over the tiles of [from, to). */
    private void tiles(Scratch sc, Tensor[] in, Tensor out, boolean toOut, int from, int to) {
        Storage dst = Internals.storage(out);
        int base = Internals.offset(out);
        if (!toOut) {
            if (sc.tile == null) sc.tile = Storage.allocate(dtype, Math.min(TILE, Math.max(to - from, 1)));
            dst = sc.tile;
        }
        for (int s0 = from; s0 < to; s0 += TILE) {
            int len = Math.min(TILE, to - s0), d = toOut ? base + s0 : 0;
            for (int li = 0; li < links.length; li++) {
                Link l = links[li];
                Storage[] s = sc.s[li];
                int[] offs = sc.offs[li], st = sc.st[li];
                int last = l.operands.length;
                for (int k = 0; k < last; k++) {
                    int ref = l.operands[k];
                    if (ref == RUNNING) {
                        s[k] = dst;
                        offs[k] = d;
                        st[k] = 1;
                    } else {
                        Tensor t = in[ref];
                        boolean one = t.numel() == 1 && numel != 1;
                        s[k] = Internals.storage(t);
                        offs[k] = Internals.offset(t) + (one ? 0 : s0);
                        st[k] = one ? 0 : 1;
                    }
                }
                s[last] = dst;
                offs[last] = d;
                st[last] = 1;
                l.op.run(s, offs, st, len);
            }
            if (!toOut) dst.k.copy(dst.array, 0, Internals.storage(out).array, base + s0, len);
        }
        for (Storage[] s : sc.s) Arrays.fill(s, null); // keep no caller's tensor alive
    }
}
