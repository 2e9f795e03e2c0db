package io.simdgrad.graph;

import io.simdgrad.core.DType;
import io.simdgrad.core.Op;
import io.simdgrad.core.Ops;
import io.simdgrad.core.RawArrays;
import io.simdgrad.core.Tensor;
import io.simdgrad.graph.Graph.Guard;
import io.simdgrad.graph.Graph.Node;
import io.simdgrad.graph.Graph.Step;
import io.simdgrad.graph.Graph.Value;
import io.simdgrad.simd.BinaryOp;
import io.simdgrad.simd.DoubleElementwise;
import io.simdgrad.simd.FloatElementwise;
import io.simdgrad.simd.Parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fusion of elementwise chains: {@link Ops.Unary}, {@link Ops.BinaryScalar} and {@link Ops.Binary}
 * nodes of one float dtype, each taking the previous link's result (which nothing else uses) and
 * otherwise operands of the result's size or single elements, become one {@link Fused} node. Its
 * forward runs the whole chain over tiles of {@link #TILE} elements, calling the same {@code simd}
 * kernel per link that the eager op calls, with the tile of the result as the running value, so
 * the data is read from memory once instead of once per link.
 *
 * <p>Results are bit for bit those of the unfused ops: every element goes through the same
 * kernel, and tiles start at multiples of {@link #TILE} (a multiple of every lane count), so each
 * element sits in the same lane position, vector body or tail, as in the eager call. From
 * {@link Parallel#ELEMENTWISE_THRESHOLD} elements on, the tiles are split over threads as the
 * eager kernels split their work.
 */
final class Fusion {
    /** Elements per tile: 8 KiB of f32, so a tile of the result and two operands stay in L1. */
    static final int TILE = 2048;

    private Fusion() {}

    /** Where a link reads an operand: the running tile, or input {@code k} of the fused node. */
    private static final int RUNNING = -1;

    /** One link: {@code op} applied to operands {@code a} (and {@code b} for binary ops). */
    record Link(Op op, int a, int b) {}

    /** The fused chain as an op: inputs are the chain's operands (distinct values), in first-use order. */
    static final class Fused implements Op {
        private final Link[] links;
        private final int[] shape;
        private final DType dtype;

        Fused(Link[] links, int[] shape, DType dtype) {
            this.links = links;
            this.shape = shape.clone();
            this.dtype = dtype;
        }

        List<Link> links() {
            return List.of(links);
        }

        @Override public String name() {
            return "fused";
        }

        @Override public int[] shape(Tensor[] in) {
            int n = numel(shape);
            for (Tensor t : in) {
                if (t.dtype() != dtype || (t.numel() != n && t.numel() != 1)) {
                    throw new IllegalArgumentException("fused: operand " + t.dtype().shortName() + Arrays.toString(t.shape())
                            + " does not fit the chain's result " + dtype.shortName() + Arrays.toString(shape));
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
                sb.append(i > 0 ? ", " : "").append(l.op.name()).append('(').append(ref(l.a));
                if (l.op instanceof Ops.Binary) sb.append(", ").append(ref(l.b));
                if (!l.op.attributes().isEmpty()) sb.append(", ").append(l.op.attributes());
                sb.append(')');
            }
            return sb.append(']').toString();
        }

        private static String ref(int k) {
            return k == RUNNING ? "@" : "#" + k;
        }

        @Override public void forward(Tensor[] in, Tensor out) {
            int n = out.numel();
            boolean direct = true;
            for (Tensor t : in) direct &= !t.sharesStorageWith(out);
            // an operand sharing the result's memory would be overwritten by the first link: run into a scratch tile
            boolean toOut = direct;
            // the eager kernels' split: same threshold, pieces start at multiples of TILE
            int parts = n < Parallel.ELEMENTWISE_THRESHOLD ? 1 : Parallel.parts(n, Parallel.ELEMENTWISE_THRESHOLD / 2);
            if (parts <= 1) tiles(in, out, toOut, 0, n); // no lambda: a replay on small tensors allocates nothing here
            else Parallel.run(n, parts, TILE, (from, to) -> tiles(in, out, toOut, from, to));
        }

        /** Runs the chain over the tiles of [from, to). */
        private void tiles(Tensor[] in, Tensor out, boolean toOut, int from, int to) {
            int oo = out.storageOffset();
            if (dtype == DType.FLOAT32) {
                float[] o = RawArrays.floats(out);
                float[] dst = toOut ? o : new float[Math.min(to - from, TILE)];
                for (int s = from; s < to; s += TILE) {
                    int len = Math.min(TILE, to - s), d = toOut ? oo + s : 0;
                    for (Link l : links) floatLink(l, in, s, dst, d, len);
                    if (!toOut) System.arraycopy(dst, 0, o, oo + s, len);
                }
            } else {
                double[] o = RawArrays.doubles(out);
                double[] dst = toOut ? o : new double[Math.min(to - from, TILE)];
                for (int s = from; s < to; s += TILE) {
                    int len = Math.min(TILE, to - s), d = toOut ? oo + s : 0;
                    for (Link l : links) doubleLink(l, in, s, dst, d, len);
                    if (!toOut) System.arraycopy(dst, 0, o, oo + s, len);
                }
            }
        }

        // the kernel calls mirror core's Kernels: a full operand -> array kernel, a single element -> scalar kernel
        private static void floatLink(Link l, Tensor[] in, int s, float[] dst, int d, int len) {
            float[] a = l.a == RUNNING ? dst : RawArrays.floats(in[l.a]);
            boolean aOne = l.a != RUNNING && in[l.a].numel() == 1;
            int ao = l.a == RUNNING ? d : in[l.a].storageOffset() + (aOne ? 0 : s);
            if (l.op instanceof Ops.Unary u) {
                FloatElementwise.unary(u.kind(), a, ao, dst, d, len);
            } else if (l.op instanceof Ops.BinaryScalar bs) {
                if (bs.reversed()) FloatElementwise.scalarBinary(bs.kind(), (float) bs.scalar(), a, ao, dst, d, len);
                else FloatElementwise.binaryScalar(bs.kind(), a, ao, (float) bs.scalar(), dst, d, len);
            } else {
                BinaryOp op = ((Ops.Binary) l.op).kind();
                float[] b = l.b == RUNNING ? dst : RawArrays.floats(in[l.b]);
                boolean bOne = l.b != RUNNING && in[l.b].numel() == 1;
                int bo = l.b == RUNNING ? d : in[l.b].storageOffset() + (bOne ? 0 : s);
                if (bOne) FloatElementwise.binaryScalar(op, a, ao, b[bo], dst, d, len);
                else if (aOne) FloatElementwise.scalarBinary(op, a[ao], b, bo, dst, d, len);
                else FloatElementwise.binary(op, a, ao, b, bo, dst, d, len);
            }
        }

        private static void doubleLink(Link l, Tensor[] in, int s, double[] dst, int d, int len) {
            double[] a = l.a == RUNNING ? dst : RawArrays.doubles(in[l.a]);
            boolean aOne = l.a != RUNNING && in[l.a].numel() == 1;
            int ao = l.a == RUNNING ? d : in[l.a].storageOffset() + (aOne ? 0 : s);
            if (l.op instanceof Ops.Unary u) {
                DoubleElementwise.unary(u.kind(), a, ao, dst, d, len);
            } else if (l.op instanceof Ops.BinaryScalar bs) {
                if (bs.reversed()) DoubleElementwise.scalarBinary(bs.kind(), bs.scalar(), a, ao, dst, d, len);
                else DoubleElementwise.binaryScalar(bs.kind(), a, ao, bs.scalar(), dst, d, len);
            } else {
                BinaryOp op = ((Ops.Binary) l.op).kind();
                double[] b = l.b == RUNNING ? dst : RawArrays.doubles(in[l.b]);
                boolean bOne = l.b != RUNNING && in[l.b].numel() == 1;
                int bo = l.b == RUNNING ? d : in[l.b].storageOffset() + (bOne ? 0 : s);
                if (bOne) DoubleElementwise.binaryScalar(op, a, ao, b[bo], dst, d, len);
                else if (aOne) DoubleElementwise.scalarBinary(op, a[ao], b, bo, dst, d, len);
                else DoubleElementwise.binary(op, a, ao, b, bo, dst, d, len);
            }
        }
    }

    private static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** A chain being collected: its nodes in order. */
    private static final class Chain {
        final List<Node> nodes = new ArrayList<>();
    }

    /**
     * The graph with every chain of two or more fusable nodes replaced by one {@link Fused} node
     * at the place of the chain's last node. A chain never extends across an in-place node (which
     * may change a param a later link reads).
     */
    static Graph fuse(Graph g) {
        Map<Value, Integer> uses = new IdentityHashMap<>();
        Map<Value, Node> defs = new IdentityHashMap<>();
        for (Step s : g.steps()) {
            if (s instanceof Guard gd) {
                uses.merge(gd.value(), 1, Integer::sum);
            } else {
                Node n = (Node) s;
                defs.put(n.out(), n);
                for (Value v : distinct(n.in())) uses.merge(v, 1, Integer::sum);
            }
        }
        for (Value v : g.outputs()) uses.merge(v, 1, Integer::sum);
        Map<Value, Chain> open = new IdentityHashMap<>();
        Map<Node, Chain> chainOf = new IdentityHashMap<>();
        for (Step s : g.steps()) {
            if (!(s instanceof Node n)) continue;
            if (n.inPlace()) {
                open.clear();
                continue;
            }
            if (!fusable(n, defs)) continue;
            Chain c = null;
            for (Value v : n.in()) {
                Chain prev = open.get(v);
                if (prev != null && uses.get(v) == 1 && v.numel() == n.out().numel()) {
                    c = prev;
                    open.remove(v);
                    break;
                }
            }
            if (c == null) c = new Chain();
            c.nodes.add(n);
            chainOf.put(n, c);
            open.put(n.out(), c);
        }
        List<Step> steps = new ArrayList<>();
        boolean changed = false;
        for (Step s : g.steps()) {
            Chain c = s instanceof Node n ? chainOf.get(n) : null;
            if (c == null || c.nodes.size() < 2) {
                steps.add(s);
            } else if (c.nodes.get(c.nodes.size() - 1) == s) {
                steps.add(fusedNode(c));
                changed = true;
            }
        }
        return changed ? new Graph(g.inputs(), g.params(), g.consts(), steps, g.outputs()) : g;
    }

    private static Node fusedNode(Chain c) {
        List<Value> ins = new ArrayList<>();
        Link[] links = new Link[c.nodes.size()];
        Value running = null;
        for (int i = 0; i < links.length; i++) {
            Node n = c.nodes.get(i);
            int a = operand(n.in()[0], running, ins);
            int b = n.in().length > 1 ? operand(n.in()[1], running, ins) : RUNNING;
            links[i] = new Link(n.op(), a, b);
            running = n.out();
        }
        Value out = c.nodes.get(links.length - 1).out();
        return new Node(out, new Fused(links, out.shapeRef(), out.dtype()), ins.toArray(new Value[0]), false);
    }

    private static int operand(Value v, Value running, List<Value> ins) {
        if (v == running) return RUNNING;
        for (int k = 0; k < ins.size(); k++) if (ins.get(k) == v) return k;
        ins.add(v);
        return ins.size() - 1;
    }

    /**
     * An elementwise float node whose operands all have its dtype, hold its element count or a
     * single element, and live in contiguous memory (inputs, op results, contiguous params and
     * consts; not views, whose layout the pass does not see).
     */
    private static boolean fusable(Node n, Map<Value, Node> defs) {
        Op op = n.op();
        if (!(op instanceof Ops.Unary || op instanceof Ops.BinaryScalar || op instanceof Ops.Binary)) return false;
        DType dt = n.out().dtype();
        int numel = n.out().numel();
        if ((dt != DType.FLOAT32 && dt != DType.FLOAT64) || numel < 2) return false;
        for (Value v : n.in()) {
            if (v.dtype() != dt || (v.numel() != numel && v.numel() != 1)) return false;
            switch (v.kind()) {
                case INPUT -> { }
                case PARAM, CONST -> {
                    if (!v.tensor().isContiguous()) return false;
                }
                case NODE -> {
                    Node d = defs.get(v);
                    if (d == null || d.isView() || d.inPlace()) return false;
                }
            }
        }
        return true;
    }

    private static List<Value> distinct(Value[] vs) {
        List<Value> r = new ArrayList<>();
        for (Value v : vs) if (!r.contains(v)) r.add(v);
        return r;
    }
}
