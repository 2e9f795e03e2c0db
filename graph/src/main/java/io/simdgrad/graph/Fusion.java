package io.simdgrad.graph;

import io.simdgrad.core.DType;
import io.simdgrad.core.ops.ElementwiseOp;
import io.simdgrad.core.ops.Fused;
import io.simdgrad.graph.Graph.Node;
import io.simdgrad.graph.Graph.Step;
import io.simdgrad.graph.Graph.Value;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fusion of elementwise chains: {@link ElementwiseOp} nodes of one float dtype, each taking the
 * previous link's result (which nothing else uses) and otherwise operands of the result's size
 * or single elements, become one {@link Fused} node, core's tile-wise form of the chain. The
 * pass only picks chains; what a link computes is the op's own {@link ElementwiseOp#run}.
 */
final class Fusion {
    private Fusion() {}

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
        GraphIndex ix = GraphIndex.of(g);
        Map<Value, Chain> open = new IdentityHashMap<>();
        Map<Node, Chain> chainOf = new IdentityHashMap<>();
        for (Step s : g.steps()) {
            if (!(s instanceof Node n)) continue;
            if (n.inPlace()) {
                open.clear();
                continue;
            }
            if (!fusable(n, ix)) continue;
            Chain c = null;
            for (Value v : n.in()) {
                Chain prev = open.get(v);
                if (!writesOverAll(n, v)) continue; // the link's result goes over the running value
                if (prev != null && ix.usingSteps(v) == 1 && v.numel() == n.out().numel()) {
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
        List<Fused.Link> links = new ArrayList<>(c.nodes.size());
        Value running = null;
        for (Node n : c.nodes) {
            int[] refs = new int[n.in().length];
            for (int k = 0; k < refs.length; k++) refs[k] = operand(n.in()[k], running, ins);
            links.add(new Fused.Link((ElementwiseOp) n.op(), refs));
            running = n.out();
        }
        Value out = c.nodes.get(c.nodes.size() - 1).out();
        return new Node(out, new Fused(links, out.shapeRef(), out.dtype()), ins.toArray(new Value[0]), false);
    }

    private static int operand(Value v, Value running, List<Value> ins) {
        if (v == running) return Fused.RUNNING;
        for (int k = 0; k < ins.size(); k++) if (ins.get(k) == v) return k;
        ins.add(v);
        return ins.size() - 1;
    }

    /**
     * An elementwise float node whose operands all have its dtype, hold its element count or a
     * single element, and live in contiguous memory (inputs, op results, contiguous params and
     * consts; not views, whose layout the pass does not see).
     */
    private static boolean fusable(Node n, GraphIndex ix) {
        if (!(n.op() instanceof ElementwiseOp)) return false;
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
                    Node d = ix.producer(v);
                    if (d == null || d.isView() || d.inPlace()) return false;
                }
            }
        }
        return true;
    }

    /** Whether the op may write over every operand position that holds {@code v}. */
    private static boolean writesOverAll(Node n, Value v) {
        for (int k = 0; k < n.in().length; k++) if (n.in()[k] == v && !((ElementwiseOp) n.op()).writesOverOperand(k)) return false;
        return true;
    }
}
