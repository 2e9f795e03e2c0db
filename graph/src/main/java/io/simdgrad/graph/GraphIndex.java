package io.simdgrad.graph;

import io.simdgrad.graph.Graph.Guard;
import io.simdgrad.graph.Graph.Kind;
import io.simdgrad.graph.Graph.Node;
import io.simdgrad.graph.Graph.Step;
import io.simdgrad.graph.Graph.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the passes, fusion and the buffer plan need to know of a graph's values, computed in one
 * scan: the step that produces each value, how often it is named (by operands, and by distinct
 * steps), the root whose memory it is (through views and in-place results), and the last step
 * that touches each root's memory. The graph is immutable, so the index stays valid for it.
 */
final class GraphIndex {
    /** The step index of a returned value's last use: after every step. */
    static final int RETURNED = Integer.MAX_VALUE;

    private final List<Step> steps;
    private final Map<Value, Integer> at = new IdentityHashMap<>();
    private final Map<Value, Integer> operandUses = new IdentityHashMap<>();
    private final Map<Value, Integer> stepUses = new IdentityHashMap<>();
    private final Map<Value, Value> root = new IdentityHashMap<>();
    private final Map<Value, Integer> lastUse = new IdentityHashMap<>();

    private GraphIndex(Graph g) {
        steps = g.steps();
        for (Value v : g.inputs()) root.put(v, v);
        for (Value v : g.params()) root.put(v, v);
        for (Value v : g.consts()) root.put(v, v);
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof Guard gd) {
                operandUses.merge(gd.value(), 1, Integer::sum);
                stepUses.merge(gd.value(), 1, Integer::sum);
                lastUse.put(root(gd.value()), i);
                continue;
            }
            Node n = (Node) steps.get(i);
            at.put(n.out(), i);
            Value[] in = n.in();
            for (int k = 0; k < in.length; k++) {
                operandUses.merge(in[k], 1, Integer::sum);
                boolean first = true;
                for (int j = 0; j < k; j++) first &= in[j] != in[k];
                if (first) stepUses.merge(in[k], 1, Integer::sum);
            }
            root.put(n.out(), n.isView() || n.inPlace() ? root(in[0]) : n.out());
            for (Value v : in) lastUse.put(root(v), i);
            lastUse.putIfAbsent(root(n.out()), i);
        }
        for (Value v : g.outputs()) {
            operandUses.merge(v, 1, Integer::sum);
            stepUses.merge(v, 1, Integer::sum);
            lastUse.put(root(v), RETURNED);
        }
    }

    /** The index of {@code g}. */
    static GraphIndex of(Graph g) {
        return new GraphIndex(g);
    }

    /** The graph's steps. */
    List<Step> steps() {
        return steps;
    }

    /** The index of the step that defines {@code v}, or -1 for an input, param or const. */
    int stepOf(Value v) {
        Integer i = at.get(v);
        return i == null ? -1 : i;
    }

    /** The node that defines {@code v}, or null for an input, param or const. */
    Node producer(Value v) {
        Integer i = at.get(v);
        return i == null ? null : (Node) steps.get(i);
    }

    /** How many operands, guards and outputs name {@code v} ({@code x * x} counts twice). */
    int uses(Value v) {
        return operandUses.getOrDefault(v, 0);
    }

    /** How many steps and outputs read {@code v} ({@code x * x} counts once). */
    int usingSteps(Value v) {
        return stepUses.getOrDefault(v, 0);
    }

    /** The value whose memory {@code v} is: through views and in-place results to their base. */
    Value root(Value v) {
        Value r = root.get(v);
        return r == null ? v : r;
    }

    /** The last step that touches {@code root}'s memory (through it or any view or in-place alias), {@link #RETURNED} for a returned value. */
    int lastUse(Value root) {
        return lastUse.getOrDefault(root, -1);
    }

    /** Per step index, the node results whose memory is dead after it (never inputs, params, consts or returned values). */
    Map<Integer, List<Value>> dyingAt() {
        Map<Integer, List<Value>> r = new HashMap<>();
        for (Map.Entry<Value, Integer> e : lastUse.entrySet()) {
            if (e.getKey().kind() == Kind.NODE && e.getValue() != RETURNED) r.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
        }
        return r;
    }
}
