package io.simdgrad.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The autograd engine and its switches: grad mode ({@link #noGrad()}, {@link #enableGrad()}),
 * {@link #grad} and the backward pass behind {@link Variable#backward()}.
 *
 * <p>Backward counts, for every node reachable from the outputs, how many edges lead into it,
 * then runs nodes from a ready queue as their counts reach zero, so each node runs once with
 * its gradients summed, and a chain of any length runs without recursion. Grad mode is per
 * thread: graphs built and differentiated on different threads are independent.
 */
public final class Autograd {
    private static final ThreadLocal<boolean[]> GRAD_ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private Autograd() {}

    /** A scope that restores the previous grad mode when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Whether ops on this thread record nodes. */
    public static boolean isGradEnabled() {
        return GRAD_ENABLED.get()[0];
    }

    /** Turns recording off on this thread until the returned scope is closed (try-with-resources). */
    public static Scope noGrad() {
        return setGradEnabled(false);
    }

    /** Turns recording on on this thread until the returned scope is closed. */
    public static Scope enableGrad() {
        return setGradEnabled(true);
    }

    private static Scope setGradEnabled(boolean on) {
        boolean[] flag = GRAD_ENABLED.get();
        boolean prev = flag[0];
        flag[0] = on;
        return () -> flag[0] = prev;
    }

    /** Runs {@code op} on the variables' data and records a node when some input requires grad. */
    static Variable apply(Op op, Variable... in) {
        Dispatch.checkInputs(op.name(), in);
        Tensor[] data = new Tensor[in.length];
        boolean needsGrad = false;
        for (int i = 0; i < in.length; i++) {
            data[i] = in[i].data();
            needsGrad |= in[i].requiresGrad();
        }
        Tensor out = op instanceof ViewOps.ViewOp v ? viewOf(v, data) : Dispatch.call(op, data);
        if (!needsGrad || !op.differentiable() || !isGradEnabled()) return new Variable(out, false);
        return new Variable(out, op, in, data);
    }

    private static Tensor viewOf(ViewOps.ViewOp op, Tensor[] data) {
        return Dispatch.view(op, data);
    }

    /**
     * Gradients of {@code outputs} with respect to {@code inputs}, without touching any
     * {@code .grad}. {@code gradOutputs} may be null when every output has one element.
     * With {@code createGraph} the results carry a graph and can be differentiated again.
     */
    public static List<Variable> grad(List<Variable> outputs, List<Variable> inputs, List<Tensor> gradOutputs, boolean createGraph) {
        return grad(outputs, inputs, gradOutputs, createGraph, createGraph);
    }

    /** {@link #grad(List, List, List, boolean)} with an explicit {@code retainGraph}. */
    public static List<Variable> grad(List<Variable> outputs, List<Variable> inputs, List<Tensor> gradOutputs,
                                      boolean retainGraph, boolean createGraph) {
        for (int i = 0; i < inputs.size(); i++) {
            if (!inputs.get(i).requiresGrad()) {
                throw new IllegalArgumentException("grad: One of the differentiated Tensors (input " + i + ") does not require grad");
            }
        }
        Map<Node, Variable> captured = new IdentityHashMap<>();
        Map<Node, Integer> wanted = new IdentityHashMap<>();
        for (Variable v : inputs) wanted.put(v.gradEdge(), 0);
        run(outputs, gradOutputs, retainGraph, createGraph, wanted, captured);
        List<Variable> r = new ArrayList<>(inputs.size());
        for (Variable v : inputs) {
            Variable g = captured.get(v.gradEdge());
            if (g == null) {
                throw new IllegalArgumentException("grad: One of the differentiated Tensors appears to not have been used in the graph."
                        + " (shape " + Shapes.str(v.data().shape) + ")");
            }
            r.add(createGraph ? g : new Variable(g.data(), false));
        }
        return r;
    }

    static void backward(Variable root, Tensor gradient, boolean retainGraph, boolean createGraph) {
        run(List.of(root), gradient == null ? null : Arrays.asList(gradient), retainGraph, createGraph, null, null);
    }

    /**
     * The engine. With {@code wanted == null} gradients accumulate into leaves' {@code .grad};
     * otherwise the gradients arriving at the wanted nodes are put into {@code captured}.
     */
    private static void run(List<Variable> outputs, List<Tensor> gradOutputs, boolean retainGraph, boolean createGraph,
                            Map<Node, Integer> wanted, Map<Node, Variable> captured) {
        if (gradOutputs != null && gradOutputs.size() != outputs.size()) {
            throw new IllegalArgumentException("backward: got " + gradOutputs.size() + " gradients for " + outputs.size() + " outputs");
        }
        // one entry per reachable node: its pending gradient and its count of edges not yet run
        Map<Node, Slot> slots = new IdentityHashMap<>();
        List<Node> roots = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            Variable out = outputs.get(i);
            if (!out.requiresGrad()) {
                throw new IllegalStateException("element " + i + " of tensors does not require grad and does not have a grad_fn");
            }
            Tensor g = gradOutputs == null ? null : gradOutputs.get(i);
            if (g == null) {
                if (out.numel() != 1) {
                    throw new IllegalStateException("grad can be implicitly created only for scalar outputs (output shape "
                            + Shapes.str(out.data().shape) + ")");
                }
                g = Tensor.onesLike(out.data());
            } else if (!Arrays.equals(g.shape, out.data().shape)) {
                throw new IllegalArgumentException("Mismatch in shape: grad_output[" + i + "] has a shape of "
                        + Shapes.str(g.shape) + " and output[" + i + "] has a shape of " + Shapes.str(out.data().shape) + ".");
            }
            Node n = out.gradEdge();
            Variable gv = new Variable(g.dtype() == out.dtype() ? g : g.to(out.dtype()), false);
            slots.computeIfAbsent(n, x -> new Slot()).add(gv);
            roots.add(n);
        }
        // dependency counts over the reachable graph (iterative: deep graphs must not overflow the stack)
        ArrayDeque<Node> stack = new ArrayDeque<>();
        for (Node r : roots) {
            Slot s = slots.get(r);
            if (!s.visited) {
                s.visited = true;
                stack.push(r);
            }
        }
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            for (Node m : n.next) {
                if (m == null) continue;
                Slot c = slots.get(m);
                if (c == null) {
                    c = new Slot();
                    slots.put(m, c);
                }
                if (!c.visited) {
                    c.visited = true;
                    stack.push(m);
                }
                c.deps++;
            }
        }
        ArrayDeque<Node> ready = new ArrayDeque<>();
        for (Node r : roots) if (slots.get(r).deps == 0 && !ready.contains(r)) ready.add(r);
        try (Scope ignored = setGradEnabled(createGraph)) {
            while (!ready.isEmpty()) {
                Node n = ready.poll();
                Slot slot = slots.get(n);
                Variable g = slot.grad;
                slot.grad = null;
                if (g == null) continue;
                g = n.applyPreHooks(g);
                if (wanted != null && wanted.containsKey(n)) captured.put(n, g);
                if (n.leaf != null) {
                    if (wanted == null) n.leaf.accumulate(g, createGraph);
                    continue;
                }
                n.checkSaved();
                Variable[] grads = n.op.vjp(n, g);
                if (!retainGraph) n.release();
                for (int i = 0; i < n.next.length; i++) {
                    Node m = n.next[i];
                    if (m == null) continue;
                    Slot sm = slots.get(m);
                    Variable gi = grads[i];
                    if (gi != null) {
                        gi = sumTo(gi, n.inputShape(i));
                        if (gi.dtype() != n.inputDtype(i)) gi = gi.to(n.inputDtype(i));
                        sm.add(gi);
                    }
                    if (--sm.deps == 0) ready.add(m);
                }
            }
        }
    }

    /** A node's state during one backward run (per run, so concurrent runs over one graph do not meet). */
    private static final class Slot {
        /** The sum of the gradients arrived so far, or null. */
        Variable grad;
        /** Edges into the node from nodes that have not run yet. */
        int deps;
        boolean visited;

        void add(Variable g) {
            grad = grad == null ? g : sum(grad, g);
        }
    }

    private static Variable sum(Variable a, Variable b) {
        return a.add(b);
    }

    /** Sums a broadcast gradient back to {@code shape}: over leading dims, and over dims that were 1. */
    static Variable sumTo(Variable g, int[] shape) {
        int[] gs = g.data().shape;
        if (Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        Variable r = g;
        for (int i = 0; i < lead; i++) r = r.sum(0);
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1 && r.data().shape[i] != 1) r = r.sum(i, true);
        }
        if (!Arrays.equals(r.data().shape, shape)) r = r.reshape(shape);
        return r;
    }
}
