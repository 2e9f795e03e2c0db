package io.simdgrad.graph;

import io.simdgrad.core.Tensor;
import io.simdgrad.core.ops.ElementwiseOp;
import io.simdgrad.core.ops.ViewOps;
import io.simdgrad.graph.Graph.Kind;
import io.simdgrad.graph.Graph.Node;
import io.simdgrad.graph.Graph.Step;
import io.simdgrad.graph.Graph.Value;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where every value of a compiled graph lives. Each input gets a buffer of its own (a replay
 * copies or binds the caller's tensor there); params and consts are their tensors; a view is made
 * once over its base's buffer; an in-place node's result is its param target. Each other node
 * result gets a contiguous buffer: a buffer whose value (and every view of it) has had its last
 * use is reused by a later result of the same dtype and size, and an elementwise step whose
 * operand dies at that step writes over that operand. Inputs, params, consts and returned values
 * are never reused.
 */
final class BufferPlan {
    private final Map<Value, Tensor> buffers = new IdentityHashMap<>();
    private final Tensor[] inputBuffers;
    private int count, inPlaceSteps;
    private long bytes;

    private BufferPlan(Graph g, GraphIndex ix) {
        inputBuffers = new Tensor[g.inputs().size()];
        for (int i = 0; i < inputBuffers.length; i++) {
            Value v = g.inputs().get(i);
            inputBuffers[i] = buffers.computeIfAbsent(v, k -> Tensor.zeros(k.dtype(), k.shapeRef()));
        }
        for (Value v : g.params()) buffers.put(v, v.tensor());
        for (Value v : g.consts()) buffers.put(v, v.tensor());
        Map<String, ArrayDeque<Tensor>> pool = new HashMap<>();
        Map<Integer, List<Value>> dyingAt = ix.dyingAt();
        Set<Value> reused = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Step> steps = g.steps();
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof Node n) {
                Tensor[] in = operands(n);
                if (n.isView()) {
                    Tensor t = ((ViewOps.ViewOp) n.op()).view(in[0]);
                    if (!t.sharesStorageWith(in[0])) {
                        throw new IllegalStateException("compile: " + n + " does not give a view of its operand's buffer");
                    }
                    buffers.put(n.out(), t);
                } else if (n.inPlace()) {
                    if (ix.root(n.in()[0]).kind() != Kind.PARAM) {
                        throw new IllegalStateException("compile: in-place node " + n + " must write into a param, not into "
                                + ix.root(n.in()[0]).kind());
                    }
                    buffers.put(n.out(), in[0]);
                } else {
                    buffers.put(n.out(), resultBuffer(n, i, in, ix, pool, reused));
                }
            }
            for (Value dead : dyingAt.getOrDefault(i, List.of())) {
                if (reused.contains(dead)) continue; // its buffer now holds a live result
                Tensor t = buffers.get(dead);
                if (t != null) pool.computeIfAbsent(key(dead), k -> new ArrayDeque<>()).push(t);
            }
        }
    }

    /** The plan of {@code g}. */
    static BufferPlan of(Graph g, GraphIndex ix) {
        return new BufferPlan(g, ix);
    }

    private Tensor resultBuffer(Node n, int i, Tensor[] in, GraphIndex ix, Map<String, ArrayDeque<Tensor>> pool, Set<Value> reused) {
        Value into = overwritableOperand(n, i, in, ix);
        if (into != null) {
            // the operand's last use: the result overwrites it element by element
            reused.add(into);
            inPlaceSteps++;
            return buffers.get(into);
        }
        ArrayDeque<Tensor> free = pool.get(key(n.out()));
        if (free != null && !free.isEmpty()) return Snapshots.untraced(() -> free.pop().reshape(n.out().shapeRef()));
        count++;
        bytes += (long) n.out().numel() * n.out().dtype().itemSize();
        return Tensor.zeros(n.out().dtype(), n.out().shapeRef());
    }

    private static String key(Value v) {
        return v.dtype() + ":" + v.numel();
    }

    /**
     * The operand of elementwise node {@code n} (step {@code i}) whose buffer the result may
     * take, or null: a node result (not an input, param, const or output), used for the last
     * time here (nor through a view later), of the result's dtype and shape, read directly (not
     * through a view), by an op whose direct kernels read and write each element at the same
     * index ({@link ElementwiseOp#writesOverOperand}), and sharing no memory with another operand
     * unless it is that same tensor ({@code x * x}). Fused chains, GEMMs and other ops are never
     * run in place.
     */
    private static Value overwritableOperand(Node n, int i, Tensor[] in, GraphIndex ix) {
        if (!(n.op() instanceof ElementwiseOp op)) return null;
        for (int k = 0; k < in.length; k++) {
            Value v = n.in()[k];
            if (v.kind() != Kind.NODE || ix.root(v) != v || ix.lastUse(v) != i || v.dtype() != n.out().dtype()
                    || !Arrays.equals(v.shapeRef(), n.out().shapeRef()) || !in[k].isContiguous()) continue;
            boolean alone = true;
            for (int j = 0; j < in.length; j++) {
                alone &= j == k || (in[j] == in[k] ? op.writesOverOperand(j) : !in[j].sharesStorageWith(in[k]));
                alone &= in[j].dtype() == n.out().dtype();
            }
            if (alone && op.writesOverOperand(k)) return v;
        }
        return null;
    }

    /** The tensors of {@code n}'s operands (a fresh array). */
    Tensor[] operands(Node n) {
        Tensor[] in = new Tensor[n.in().length];
        for (int k = 0; k < in.length; k++) in[k] = buffers.get(n.in()[k]);
        return in;
    }

    /** The tensor value {@code v} lives in. */
    Tensor buffer(Value v) {
        return buffers.get(v);
    }

    /** Input {@code i}'s own buffer. */
    Tensor inputBuffer(int i) {
        return inputBuffers[i];
    }

    /** How many intermediate buffers the plan allocated (after reuse). */
    int bufferCount() {
        return count;
    }

    /** The bytes of those buffers. */
    long bufferBytes() {
        return bytes;
    }

    /** How many steps write their result over an operand's buffer. */
    int inPlaceSteps() {
        return inPlaceSteps;
    }
}
