package io.simdgrad.graph;

import io.simdgrad.core.Dispatch;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.ViewOps;
import io.simdgrad.graph.Graph.Guard;
import io.simdgrad.graph.Graph.Kind;
import io.simdgrad.graph.Graph.Node;
import io.simdgrad.graph.Graph.Step;
import io.simdgrad.graph.Graph.Value;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
     * {@link #eliminateDeadCode}, {@link #fuseElementwise}.
     */
    public static Graph optimize(Graph g) {
        return fuseElementwise(optimizeUnfused(g));
    }

    /** {@link #optimize} without {@link #fuseElementwise}: one step per op. */
    public static Graph optimizeUnfused(Graph g) {
        return eliminateDeadCode(eliminateCommonSubexpressions(foldConstants(g)));
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
     * params: they always stay), and the params and consts nothing uses any more. Inputs stay:
     * they are the call's signature.
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
                if (n.inPlace() || live.contains(n.out())) {
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
     * Replaces a node by an earlier one with an equal op (record equality: kind and attributes)
     * and the same operands. In-place nodes are never merged; guards on merged values are kept.
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
            if (!n.inPlace()) {
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
            return o instanceof Key k && Objects.equals(op, k.op) && in.equals(k.in);
        }

        @Override public int hashCode() {
            return op.hashCode() * 31 + in.hashCode();
        }
    }

    private static List<Integer> idsOf(Value[] in) {
        List<Integer> r = new ArrayList<>(in.length);
        for (Value v : in) r.add(v.id());
        return r;
    }

    /**
     * Computes at compile time every node whose operands are all consts (not in-place nodes),
     * with the same op definition eager code runs, and makes its value a const (same id).
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
            boolean allConst = !n.inPlace();
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
