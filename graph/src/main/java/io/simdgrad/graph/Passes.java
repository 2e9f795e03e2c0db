package io.simdgrad.graph;

import io.simdgrad.core.DType;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.engine.Dispatch;
import io.simdgrad.core.ops.Ops;
import io.simdgrad.core.ops.ViewOps;
import io.simdgrad.graph.Graph.Guard;
import io.simdgrad.graph.Graph.Kind;
import io.simdgrad.graph.Graph.Node;
import io.simdgrad.graph.Graph.Step;
import io.simdgrad.graph.Graph.Value;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Graph-to-graph passes. None moves a read of a param across an in-place update of params, so
 * updates stay where the capture saw them relative to every read; none changes any computation
 * (fusion runs the same kernel on each element), so results stay bit for bit those of eager
 * execution.
 */
public final class Passes {
    private Passes() {}

    /**
     * The default pipeline: {@link #foldConstants}, {@link #eliminateCommonSubexpressions},
     * {@link #transposeProducts}, {@link #fuseParamUpdates}, {@link #eliminateDeadCode},
     * {@link #fuseElementwise}.
     */
    public static Graph optimize(Graph g) {
        return fuseElementwise(optimizeUnfused(g));
    }

    /** {@link #optimize} without {@link #fuseElementwise}: one step per op. */
    public static Graph optimizeUnfused(Graph g) {
        return eliminateDeadCode(fuseParamUpdates(transposeProducts(eliminateCommonSubexpressions(foldConstants(g)))));
    }

    /**
     * Computes {@code contiguous(transpose(matmul(x, y)))} of 2-D operands as
     * {@code matmul(transpose(y), transpose(x))}: one GEMM with the transpose flags swapped
     * instead of a GEMM and a transposed copy of its result. Autograd gives this form to the
     * gradient of a weight used as {@code w.t()} (as {@code linear} does): for a 784 x 256 weight
     * the copy alone took ~95 µs, half a GEMM. Exact: each element is the same products summed
     * in the same order (a product's factors commute exactly). A transpose of a transpose is
     * read as the original. The old product is left for {@link #eliminateDeadCode}; the rewrite
     * is skipped when the product or its transpose has another use, or an in-place node runs
     * between the product and the copy (the operands would be read after it).
     */
    public static Graph transposeProducts(Graph g) {
        GraphIndex ix = GraphIndex.of(g);
        int nextId = 0;
        for (Value v : g.inputs()) nextId = Math.max(nextId, v.id() + 1);
        for (Value v : g.params()) nextId = Math.max(nextId, v.id() + 1);
        for (Value v : g.consts()) nextId = Math.max(nextId, v.id() + 1);
        for (Step s : g.steps()) if (s instanceof Node n) nextId = Math.max(nextId, n.out().id() + 1);
        List<Step> out = new ArrayList<>(ix.steps().size());
        boolean changed = false;
        for (Step s : ix.steps()) {
            Node product = s instanceof Node n ? transposedProduct(n, ix) : null;
            if (product == null) {
                out.add(s);
                continue;
            }
            Value yt = transposeOf(product.in()[1], ix, out, nextId++);
            Value xt = transposeOf(product.in()[0], ix, out, nextId++);
            out.add(new Node(((Node) s).out(), product.op(), new Value[] {yt, xt}, false));
            changed = true;
        }
        return changed ? new Graph(g.inputs(), g.params(), g.consts(), out, g.outputs()) : g;
    }

    /**
     * Makes {@code p.addScaledInPlace(x @ y, alpha)} of a contiguous 2-D param {@code p} whose
     * update is the only use of a 2-D product (or of a copy of it in the same layout, see
     * {@link #productBehind}) into one in-place {@link Ops.Addmm} node,
     * {@code addmmInPlace(p, x, y, alpha)}: a GEMM that adds {@code alpha * x @ y} into
     * {@code p} (an SGD step on a weight). Exact when {@link Ops.Addmm#exactForUpdate} holds (it is
     * skipped otherwise). Also skipped when {@code x} or {@code y} is {@code p} or a view of it,
     * or is a param that an in-place node between the product and the update changes (the
     * product now runs at the update's place).
     */
    public static Graph fuseParamUpdates(Graph g) {
        GraphIndex ix = GraphIndex.of(g);
        List<Step> out = new ArrayList<>(ix.steps().size());
        boolean changed = false;
        for (int i = 0; i < ix.steps().size(); i++) {
            Step s = ix.steps().get(i);
            Node mm = s instanceof Node n ? updatedProduct(n, i, ix) : null;
            if (mm == null) {
                out.add(s);
                continue;
            }
            Node u = (Node) s;
            double alpha = ((Ops.AddScaled) u.op()).alpha();
            out.add(new Node(u.out(), new Ops.Addmm(alpha), new Value[] {u.in()[0], mm.in()[0], mm.in()[1]}, true));
            changed = true;
        }
        return changed ? new Graph(g.inputs(), g.params(), g.consts(), out, g.outputs()) : g;
    }

    /** The matmul node whose product the in-place update {@code u} (step {@code i}) adds into a param, when the fusion applies. */
    private static Node updatedProduct(Node u, int i, GraphIndex ix) {
        if (!u.inPlace() || !(u.op() instanceof Ops.AddScaled) || u.in().length != 2) return null;
        Value p = u.in()[0];
        if (p.kind() != Kind.PARAM || p.shapeRef().length != 2 || !p.tensor().isContiguous()) return null;
        Node mm = productBehind(u.in()[1], ix);
        if (mm == null || !Arrays.equals(mm.out().shapeRef(), p.shapeRef())) return null;
        Value x = mm.in()[0], y = mm.in()[1];
        if (x.shapeRef().length != 2 || y.shapeRef().length != 2 || x.dtype() != p.dtype() || y.dtype() != p.dtype()) return null;
        int k = x.shapeRef()[1];
        boolean once = Ops.Addmm.exactForUpdate(p.dtype(), k);
        if (!once) return null;
        Value rx = ix.root(x), ry = ix.root(y);
        if (rx == p || ry == p) return null;
        for (int j = ix.stepOf(mm.out()) + 1; j < i; j++) {
            if (ix.steps().get(j) instanceof Node n && n.inPlace()) {
                Value target = ix.root(n.in()[0]);
                if (target == rx || target == ry) return null;
            }
        }
        return mm;
    }

    /**
     * The matmul whose result {@code v} holds in the same layout, each step used once: the
     * product itself, or a contiguous copy of it and/or an even number of 2-D swaps of it (core
     * computes the gradient of a weight used as {@code w.t()} as {@code (gᵀx)ᵀ}, which its
     * transpose's backward swaps back, and accumulates a copy); null otherwise.
     */
    private static Node productBehind(Value v, GraphIndex ix) {
        Node n = ix.producer(v);
        if (n != null && !n.inPlace() && n.op() == Ops.Copy.INSTANCE && ix.uses(v) == 1) {
            v = n.in()[0];
            n = ix.producer(v);
        }
        int swaps = 0;
        while (n != null && isSwap(n) && ix.uses(v) == 1) {
            swaps++;
            v = n.in()[0];
            n = ix.producer(v);
        }
        return swaps % 2 == 0 && isProduct(n) && ix.uses(v) == 1 ? n : null;
    }

    /** The matmul node whose result {@code n} copies transposed, when the rewrite applies; null otherwise. */
    private static Node transposedProduct(Node n, GraphIndex ix) {
        if (n.inPlace() || n.op() != Ops.Copy.INSTANCE) return null;
        Node view = ix.producer(n.in()[0]);
        if (view == null || !isSwap(view) || ix.uses(view.out()) != 1) return null;
        Node mm = ix.producer(view.in()[0]);
        if (!isProduct(mm) || ix.uses(mm.out()) != 1) return null;
        if (mm.in()[0].shapeRef().length != 2 || mm.in()[1].shapeRef().length != 2) return null;
        for (int i = ix.stepOf(mm.out()) + 1, end = ix.stepOf(n.out()); i < end; i++) {
            if (ix.steps().get(i) instanceof Node between && between.inPlace()) return null;
        }
        return mm;
    }

    /** Whether {@code n} is an out-of-place matmul. */
    private static boolean isProduct(Node n) {
        return n != null && !n.inPlace() && n.op() == Ops.Matmul.INSTANCE;
    }

    /** Whether {@code n} is a view swapping the two dims of a 2-D value. */
    private static boolean isSwap(Node n) {
        if (n.inPlace() || !(n.op() instanceof ViewOps.Permute pm) || n.in()[0].shapeRef().length != 2) return false;
        int d0 = pm.dims()[0];
        return d0 == 1 || d0 == -1;
    }

    /** {@code v} transposed: the operand of {@code v} when {@code v} is itself a swap, else a new transpose view appended to {@code out}. */
    private static Value transposeOf(Value v, GraphIndex ix, List<Step> out, int id) {
        Node p = ix.producer(v);
        if (p != null && isSwap(p)) return p.in()[0];
        int[] s = v.shapeRef();
        Value t = new Value(id, new int[] {s[1], s[0]}, v.dtype(), Kind.NODE, null);
        out.add(new Node(t, new ViewOps.Permute(new int[] {1, 0}, "transpose"), new Value[] {v}, false));
        return t;
    }

    /**
     * Fuses chains of elementwise ops (unary, with a scalar, or binary with an operand of the
     * result's size or a single element; one float dtype; each link's input used by that link
     * only) into one node named {@code fused} that runs the whole chain over tiles of 2048
     * elements, so the data is read once. Each element goes through the same kernel at the same
     * lane position as in the unfused op, so results are bit for bit equal. A chain does not
     * extend across an in-place node.
     */
    public static Graph fuseElementwise(Graph g) {
        return Fusion.fuse(g);
    }

    /**
     * Removes nodes whose values reach no output, guard or in-place node (in-place nodes write
     * params and {@linkplain Op#stateful stateful} nodes advance a generator: they always stay),
     * and the params and consts nothing uses any more. Inputs stay: they are the call's signature.
     */
    public static Graph eliminateDeadCode(Graph g) {
        Set<Value> live = Collections2.identitySet();
        live.addAll(g.outputs());
        List<Step> steps = g.steps();
        boolean[] keep = new boolean[steps.size()];
        for (int i = steps.size() - 1; i >= 0; i--) {
            Step s = steps.get(i);
            if (s instanceof Guard gd) {
                keep[i] = true;
                live.add(gd.value());
            } else {
                Node n = (Node) s;
                if (n.inPlace() || n.op().stateful() || live.contains(n.out())) {
                    keep[i] = true;
                    live.addAll(Arrays.asList(n.in()));
                }
            }
        }
        List<Step> kept = new ArrayList<>();
        for (int i = 0; i < keep.length; i++) if (keep[i]) kept.add(steps.get(i));
        return new Graph(g.inputs(), filter(g.params(), live), filter(g.consts(), live), kept, g.outputs());
    }

    private static List<Value> filter(List<Value> vs, Set<Value> live) {
        List<Value> r = new ArrayList<>();
        for (Value v : vs) if (live.contains(v)) r.add(v);
        return r;
    }

    /**
     * Replaces a node by an earlier one with an equal op (value equality of the op records'
     * components, arrays compared by content: kind and attributes) and the same operands. In-place and {@linkplain Op#stateful stateful} nodes are never
     * merged; guards on merged values are kept.
     */
    public static Graph eliminateCommonSubexpressions(Graph g) {
        Map<Value, Value> subst = new IdentityHashMap<>();
        Map<Key, Value> seen = new HashMap<>();
        List<Step> steps = new ArrayList<>();
        for (Step s : g.steps()) {
            if (s instanceof Guard gd) {
                steps.add(new Guard(sub(subst, gd.value()), gd.expectedRef()));
                continue;
            }
            Node n = (Node) s;
            Value[] in = subAll(subst, n.in());
            if (!n.inPlace() && !n.op().stateful()) {
                Key k = new Key(n.op(), idsOf(in));
                Value prev = seen.get(k);
                if (prev != null && Arrays.equals(prev.shapeRef(), n.out().shapeRef()) && prev.dtype() == n.out().dtype()) {
                    subst.put(n.out(), prev);
                    continue;
                }
                seen.put(k, n.out());
            }
            steps.add(new Node(n.out(), n.op(), in, n.inPlace()));
        }
        return new Graph(g.inputs(), g.params(), g.consts(), steps, subList(subst, g.outputs()));
    }

    private record Key(Op op, List<Integer> in) {
        @Override public boolean equals(Object o) {
            return o instanceof Key k && sameOp(op, k.op) && in.equals(k.in);
        }

        @Override public int hashCode() {
            return opHash(op) * 31 + in.hashCode();
        }
    }

    /** Each record op class's component accessors, for value equality that compares arrays by content. */
    private static final ClassValue<Method[]> COMPONENTS = new ClassValue<>() {
        @Override protected Method[] computeValue(Class<?> c) {
            var rc = c.getRecordComponents();
            var m = new Method[rc.length];
            for (int i = 0; i < m.length; i++) {
                m[i] = rc[i].getAccessor();
                m[i].setAccessible(true);
            }
            return m;
        }
    };

    /** The op's record components ({@code int[]} dims, shapes...), or null for an op that is not a record. */
    private static Object[] components(Op op) {
        if (!op.getClass().isRecord()) return null;
        Method[] m = COMPONENTS.get(op.getClass());
        Object[] v = new Object[m.length];
        try {
            for (int i = 0; i < m.length; i++) v[i] = m[i].invoke(op);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cse: cannot read the components of " + op, e);
        }
        return v;
    }

    /**
     * Whether two op definitions are the same op: a record's equality compares array components
     * by identity, so two {@code sum(dims=[0, 1])} records would differ; here arrays compare by
     * content (records nested in components too, through their own equals).
     */
    static boolean sameOp(Op a, Op b) {
        if (a == b) return true;
        if (a.getClass() != b.getClass()) return false;
        Object[] ca = components(a);
        return ca == null ? a.equals(b) : Arrays.deepEquals(ca, components(b));
    }

    private static int opHash(Op op) {
        Object[] c = components(op);
        return c == null ? op.hashCode() : op.getClass().hashCode() * 31 + Arrays.deepHashCode(c);
    }

    private static List<Integer> idsOf(Value[] in) {
        List<Integer> r = new ArrayList<>(in.length);
        for (Value v : in) r.add(v.id());
        return r;
    }

    /**
     * Computes at compile time every node whose operands are all consts (not in-place nodes),
     * with the same op definition eager code runs, and makes its value a const (same id);
     * {@linkplain Op#stateful stateful} nodes (a dropout mask, randperm) are never folded.
     * Guards on folded values always pass and are dropped.
     */
    public static Graph foldConstants(Graph g) {
        Map<Value, Value> subst = new IdentityHashMap<>();
        List<Value> consts = new ArrayList<>(g.consts());
        List<Step> steps = new ArrayList<>();
        for (Step s : g.steps()) {
            if (s instanceof Guard gd) {
                Value v = sub(subst, gd.value());
                if (v.kind() != Kind.CONST) steps.add(new Guard(v, gd.expectedRef()));
                continue;
            }
            Node n = (Node) s;
            Value[] in = subAll(subst, n.in());
            boolean allConst = !n.inPlace() && !n.op().stateful(); // a stateful op draws anew on each run
            for (Value v : in) allConst &= v.kind() == Kind.CONST;
            if (allConst) {
                Tensor[] t = new Tensor[in.length];
                for (int i = 0; i < in.length; i++) t[i] = in[i].tensor();
                Tensor r = Snapshots.untraced(() -> n.op() instanceof ViewOps.ViewOp v ? v.view(t[0]).copy() : Dispatch.call(n.op(), t));
                Value c = new Value(n.out().id(), n.out().shapeRef(), n.out().dtype(), Kind.CONST, r);
                consts.add(c);
                subst.put(n.out(), c);
                continue;
            }
            steps.add(new Node(n.out(), n.op(), in, n.inPlace()));
        }
        return new Graph(g.inputs(), g.params(), consts, steps, subList(subst, g.outputs()));
    }

    private static Value sub(Map<Value, Value> subst, Value v) {
        Value r = subst.get(v);
        return r == null ? v : r;
    }

    private static Value[] subAll(Map<Value, Value> subst, Value[] vs) {
        Value[] r = new Value[vs.length];
        for (int i = 0; i < vs.length; i++) r[i] = sub(subst, vs[i]);
        return r;
    }

    private static List<Value> subList(Map<Value, Value> subst, List<Value> vs) {
        List<Value> r = new ArrayList<>(vs.size());
        for (Value v : vs) r.add(sub(subst, v));
        return r;
    }

    /** Identity sets (values compare by identity). */
    static final class Collections2 {
        private Collections2() {}

        static <T> Set<T> identitySet() {
            return java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        }
    }
}
