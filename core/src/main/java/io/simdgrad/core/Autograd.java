package io.simdgrad.core;

import io.simdgrad.core.engine.Dispatch;
import io.simdgrad.core.ops.Shapes;
import io.simdgrad.core.ops.ViewOps;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    private static final ThreadLocal<boolean[]> ANOMALY = ThreadLocal.withInitial(() -> new boolean[] {false});
    /** Per thread: the leaf gradients of the backward run in progress, added when it completes. */
    private static final ThreadLocal<List<Runnable>> PENDING = new ThreadLocal<>();

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

    /**
     * Anomaly mode on this thread until the returned scope is closed, like PyTorch's
     * {@code torch.autograd.detect_anomaly()}: every node made inside it records the stack trace
     * of the forward call that made it, and a backward run inside it fails as soon as a node's
     * vector-Jacobian product returns a NaN, naming the node, its input shapes and (as the cause)
     * that stack trace; any other error of such a node carries the trace as a suppressed
     * exception. It slows both passes; use it to find where a NaN comes from.
     *
     * <pre>{@code
     * try (var anomaly = Autograd.detectAnomaly()) {
     *     Variable y = x.sqrt().sum();   // nodes record where they were made
     *     y.backward();                  // IllegalStateException naming SqrtBackward0 if a NaN appears
     * }
     * }</pre>
     */
    public static Scope detectAnomaly() {
        boolean[] flag = ANOMALY.get();
        boolean prev = flag[0];
        flag[0] = true;
        return () -> flag[0] = prev;
    }

    /** Whether anomaly mode ({@link #detectAnomaly()}) is on on this thread. */
    public static boolean isAnomalyEnabled() {
        return ANOMALY.get()[0];
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
        Variable dual = ForwardAD.apply(op, in);
        if (dual != null) return dual;
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
     * {@code .grad} (PyTorch's {@code torch.autograd.grad}), with the options by name:
     *
     * <pre>{@code
     * Autograd.grad(List.of(y), List.of(x), GradOptions.create().createGraph(true).allowUnused(true));
     * }</pre>
     *
     * @throws IllegalArgumentException when an input does not require grad, or (without
     *         {@code allowUnused}) the outputs do not depend on it
     */
    public static List<Variable> grad(List<Variable> outputs, List<Variable> inputs, GradOptions options) {
        if (options == null) throw new NullPointerException("grad: options is null (use GradOptions.create())");
        List<Variable> r = grad(outputs, inputs, options.gradOutputs(), options.retainGraph(), options.createGraph(), options.allowUnused());
        if (!options.materializeGrads()) return r;
        List<Variable> m = new ArrayList<>(r);
        for (int i = 0; i < m.size(); i++) {
            if (m.get(i) == null) m.set(i, new Variable(Tensor.zeros(inputs.get(i).dtype(), inputs.get(i).data().shape), false));
        }
        return m;
    }

    /**
     * Gradients of {@code outputs} with respect to {@code inputs}, without touching any
     * {@code .grad}. {@code gradOutputs} may be null when every output has one element.
     * With {@code createGraph} the results carry a graph and can be differentiated again.
     * Prefer {@link #grad(List, List, GradOptions)}, which names its options.
     */
    public static List<Variable> grad(List<Variable> outputs, List<Variable> inputs, List<Tensor> gradOutputs, boolean createGraph) {
        return grad(outputs, inputs, gradOutputs, createGraph, createGraph);
    }

    /** {@link #grad(List, List, List, boolean)} with an explicit {@code retainGraph}; prefer {@link #grad(List, List, GradOptions)}. */
    public static List<Variable> grad(List<Variable> outputs, List<Variable> inputs, List<Tensor> gradOutputs,
                                      boolean retainGraph, boolean createGraph) {
        return grad(outputs, inputs, gradOutputs, retainGraph, createGraph, false);
    }

    /**
     * {@link #grad(List, List, List, boolean, boolean)} that, with {@code allowUnused}, gives null
     * for an input the outputs do not depend on (PyTorch's {@code allow_unused=True}) instead of
     * failing. Prefer {@link #grad(List, List, GradOptions)}.
     */
    public static List<Variable> grad(List<Variable> outputs, List<Variable> inputs, List<Tensor> gradOutputs,
                                      boolean retainGraph, boolean createGraph, boolean allowUnused) {
        Dispatch.checkInputs("grad", outputs.toArray());
        Dispatch.checkInputs("grad", inputs.toArray());
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
                if (allowUnused) {
                    r.add(null);
                    continue;
                }
                throw new IllegalArgumentException("grad: One of the differentiated Tensors appears to not have been used in the graph."
                        + " Pass allowUnused=true (Autograd.grad(outputs, inputs, GradOptions.create().allowUnused(true))) "
                        + "if this is the desired behavior. (shape " + Shapes.str(v.data().shape) + ")");
            }
            // without createGraph g carries no graph already; kept as it is, it keeps its forward-mode tangents
            r.add(createGraph || !g.requiresGrad() ? g : new Variable(g.data(), false));
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
                throw new IllegalStateException("backward: element " + i + " of the outputs does not require grad and does not "
                        + "have a gradFn (it was made from Variables with requiresGrad=false, or inside Autograd.noGrad())");
            }
            Tensor g = gradOutputs == null ? null : gradOutputs.get(i);
            if (g == null) {
                if (out.numel() != 1) {
                        throw new IllegalStateException("grad can be implicitly created only for scalar outputs (output shape "
                            + Shapes.str(out.data().shape) + "): pass the gradient, backward(gradient)");
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
        // grad(): only nodes on a path to a wanted node run (PyTorch's engine prunes so too): a reverse
        // pass through a JVP rule's own ops must not run, nor free, the graph its primals came from
        Set<Node> needed = wanted == null ? null : neededNodes(roots, wanted.keySet());
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
                if (m == null || needed != null && !needed.contains(m)) continue;
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
        for (Node r : roots) {
            if (slots.get(r).deps == 0 && !ready.contains(r) && (needed == null || needed.contains(r))) ready.add(r);
        }
        // leaf gradients are added only once the whole run has succeeded: a run that fails part way
        // leaves every .grad as it was (PyTorch adds as it goes, so there some may be filled)
        List<Runnable> pending = new ArrayList<>();
        List<Runnable> outer = PENDING.get();
        PENDING.set(pending);
        boolean anomaly = isAnomalyEnabled();
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
                    if (wanted == null) accumulateLater(n.leaf, g, createGraph);
                    continue;
                }
                if (needed != null && !leadsOn(n, needed)) continue; // a wanted node with nothing wanted below: not run, not freed
                Variable[] grads;
                try {
                    n.claimSaved(retainGraph);
                    try {
                        grads = n.op.vjp(n, g);
                    } finally {
                        n.doneSaved();
                    }
                    if (anomaly) checkNaN(n, grads);
                } catch (RuntimeException e) {
                    if (anomaly && n.creation() != null && e.getCause() != n.creation()) e.addSuppressed(n.creation());
                    throw e;
                }
                for (int i = 0; i < n.next.length; i++) {
                    Node m = n.next[i];
                    if (m == null || needed != null && !needed.contains(m)) continue;
                    Slot sm = slots.get(m);
                    Variable gi = grads[i];
                    if (gi != null) {
                        // the shape test reads the field: shape() would copy it on every edge
                        if (!Arrays.equals(gi.data().shape, n.inputShape(i))) gi = gi.sumToSize(n.inputShape(i));
                        if (gi.dtype() != n.inputDtype(i)) gi = gi.to(n.inputDtype(i));
                        sm.add(gi);
                    }
                    if (--sm.deps == 0) ready.add(m);
                }
            }
        } finally {
            PENDING.set(outer);
        }
        for (Runnable r : pending) r.run();
    }

    private static boolean leadsOn(Node n, Set<Node> needed) {
        for (Node m : n.next) if (m != null && needed.contains(m)) return true;
        return false;
    }

    /** The nodes reachable from {@code roots} from which some {@code wanted} node is reachable (iterative post-order). */
    private static Set<Node> neededNodes(List<Node> roots, Set<Node> wanted) {
        Map<Node, Boolean> done = new IdentityHashMap<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        ArrayDeque<int[]> next = new ArrayDeque<>();
        for (Node r : roots) {
            if (done.containsKey(r)) continue;
            stack.push(r);
            next.push(new int[1]);
            while (!stack.isEmpty()) {
                Node n = stack.peek();
                int[] at = next.peek();
                if (at[0] < n.next.length) {
                    Node m = n.next[at[0]++];
                    if (m != null && !done.containsKey(m)) {
                        stack.push(m);
                        next.push(new int[1]);
                    }
                    continue;
                }
                stack.pop();
                next.pop();
                boolean reaches = wanted.contains(n);
                for (Node m : n.next) reaches |= m != null && done.get(m);
                done.put(n, reaches);
            }
        }
        Set<Node> r = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<Node, Boolean> e : done.entrySet()) if (e.getValue()) r.add(e.getKey());
        return r;
    }

    /**
     * Adds {@code g} into {@code v}'s {@code .grad} when the backward run in progress on this
     * thread completes (at once outside a run).
     */
    static void accumulateLater(Variable v, Variable g, boolean keepGraph) {
        List<Runnable> pending = PENDING.get();
        if (pending == null) v.accumulate(g, keepGraph);
        else pending.add(() -> v.accumulate(g, keepGraph));
    }

    /** Anomaly mode's check: PyTorch's "Function 'X' returned nan values in its 0th output.", with the input shapes and where X was made. */
    private static void checkNaN(Node n, Variable[] grads) {
        for (int i = 0; i < grads.length; i++) {
            if (grads[i] == null || !grads[i].dtype().isFloatingPoint()) continue;
            double[] v = grads[i].data().toDoubleArray();
            for (double x : v) {
                if (!Double.isNaN(x)) continue;
                StringBuilder shapes = new StringBuilder();
                for (int k = 0; k < n.next.length; k++) shapes.append(k == 0 ? "" : ", ").append(Shapes.str(n.inputShape(k)));
                String where = n.creation() != null ? "; the forward call that created it is this exception's cause"
                        : "; it was created outside Autograd.detectAnomaly(), so no creation trace was recorded";
                throw new IllegalStateException("backward: Function '" + n.name() + "' returned nan values in its " + i
                        + ordinal(i) + " output (inputs of shapes " + shapes + ")" + where, n.creation());
            }
        }
    }

    private static String ordinal(int i) {
        return i % 100 >= 11 && i % 100 <= 13 ? "th" : switch (i % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
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

}
