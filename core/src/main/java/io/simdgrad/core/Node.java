package io.simdgrad.core;

import io.simdgrad.core.ops.Shapes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A node of the autograd graph, PyTorch's {@code grad_fn}: the op that produced a variable, what
 * it saved for its vector-Jacobian product, and the nodes of its inputs ({@link #nextFunctions()}).
 * A leaf that requires grad is reached through an {@code AccumulateGrad} node that adds into its
 * {@code .grad}.
 */
public final class Node implements Op.Saved {
    final Op op;
    private final String name;
    /** Per input: the node its gradient flows to, or null when the input needs no gradient. */
    final Node[] next;
    /** For AccumulateGrad nodes: the leaf. */
    final Variable leaf;
    private Variable[] savedInputs;
    private int[] savedVersions;
    private Variable savedOutput;
    private int savedOutputVersion;
    private final int[][] inputShapes;
    private final DType[] inputDtypes;
    private final boolean savedAnything;
    /** Set by the first run that frees the saved values: a later claim fails. */
    private boolean released;
    /** Backward runs between claim and done: the values are dropped only when none is left. */
    private int inUse;
    private List<UnaryOperator<Variable>> preHooks;
    /** Where the forward op ran, when the node was made inside {@link Autograd#detectAnomaly()}; else null. */
    private final Throwable creation;

    /** An op node for {@code out = op(in)}. */
    Node(Op op, Variable[] in, Tensor[] data, Variable out) {
        this.op = op;
        this.name = op.gradFnName(data);
        this.leaf = null;
        int n = in.length;
        next = new Node[n];
        inputShapes = new int[n][];
        inputDtypes = new DType[n];
        boolean saves = false;
        for (int i = 0; i < n; i++) {
            Variable v = in[i];
            next[i] = v.requiresGrad() ? v.gradEdge() : null;
            inputShapes[i] = data[i].shape;
            inputDtypes[i] = data[i].dtype();
            if (op.savesInput(i)) {
                if (savedInputs == null) {
                    savedInputs = new Variable[n];
                    savedVersions = new int[n];
                }
                savedInputs[i] = v;
                savedVersions[i] = data[i].version();
                saves = true;
            }
        }
        if (op.savesOutput()) {
            savedOutput = out;
            savedOutputVersion = out.data().version();
            saves = true;
        }
        savedAnything = saves;
        creation = Autograd.isAnomalyEnabled() ? new Throwable(name + " was created here (Autograd.detectAnomaly())") : null;
    }

    /** The AccumulateGrad node of a leaf. */
    Node(Variable leaf) {
        this.op = null;
        this.name = "AccumulateGrad";
        this.leaf = leaf;
        this.next = new Node[0];
        this.inputShapes = new int[0][];
        this.inputDtypes = new DType[0];
        this.savedAnything = false;
        this.creation = null;
    }

    /** PyTorch's class name of this node, e.g. {@code MulBackward0} or {@code AccumulateGrad}. */
    public String name() {
        return name;
    }

    /** The op this node differentiates (null for AccumulateGrad). */
    public Op op() {
        return op;
    }

    /** The nodes the gradient flows to, one per input (null entries for inputs that need none). */
    public List<Node> nextFunctions() {
        List<Node> l = new ArrayList<>(next.length);
        Collections.addAll(l, next);
        return Collections.unmodifiableList(l);
    }

    /** The leaf variable of an AccumulateGrad node, else null. */
    public Variable variable() {
        return leaf;
    }

    synchronized void addPreHook(UnaryOperator<Variable> hook) {
        if (preHooks == null) preHooks = new ArrayList<>(1);
        preHooks.add(hook);
    }

    /**
     * Runs the hooks registered on this node's gradient in order; a non-null result replaces the
     * gradient and must keep its shape and dtype (PyTorch: "hook 'hook' has changed the size of
     * value"), checked here, where every kind of hook returns.
     */
    Variable applyPreHooks(Variable g) {
        List<UnaryOperator<Variable>> hooks = preHooks;
        if (hooks == null) return g;
        for (int k = 0; k < hooks.size(); k++) {
            Variable r = hooks.get(k).apply(g);
            if (r == null) continue;
            Tensor was = g.data(), got = r.data();
            if (!java.util.Arrays.equals(was.shape, got.shape)) {
                throw new IllegalStateException("registerHook: hook " + k + " on the gradient of " + name + " has changed the size "
                        + "of value: it returned shape " + Shapes.str(got.shape) + " for a gradient of shape " + Shapes.str(was.shape)
                        + " (a hook returns a tensor of the gradient's shape, or null to keep it)");
            }
            if (was.dtype() != got.dtype()) {
                throw new IllegalStateException("registerHook: hook " + k + " on the gradient of " + name + " has changed the type "
                        + "of value (was " + was.dtype() + " got " + got.dtype() + ")");
            }
            g = r;
        }
        return g;
    }

    /**
     * Takes what this node saved for one backward run: checks that the values are still there
     * and unmodified (PyTorch's messages, in Java terms) and, without {@code retain}, frees them
     * in the same step, so that of two runs racing over one graph exactly one gets them and the
     * other the "second time" error. The values themselves are dropped at {@link #doneSaved()}
     * of the last run using them, so a run that retains and one that frees can overlap.
     */
    synchronized void claimSaved(boolean retain) {
        if (released && savedAnything) {
            throw new IllegalStateException("Trying to backward through the graph a second time (or directly access saved tensors "
                    + "after they have already been freed). Saved intermediate values of the graph are freed when you call "
                    + "backward() or Autograd.grad(). Pass retainGraph=true (backward(gradient, true, createGraph) or "
                    + "Autograd.grad(outputs, inputs, GradOptions.create().retainGraph(true))) if you need to backward through the graph "
                    + "a second time or if you need to access saved tensors after calling backward. (node " + name + ")");
        }
        if (savedInputs != null) {
            for (int i = 0; i < savedInputs.length; i++) {
                if (savedInputs[i] != null) checkVersion(savedInputs[i], savedVersions[i]);
            }
        }
        if (savedOutput != null) checkVersion(savedOutput, savedOutputVersion);
        inUse++;
        if (!retain && savedAnything) released = true;
    }

    /** Ends a run's use of the saved values (after its VJP, also when it failed); the last one out drops freed values. */
    synchronized void doneSaved() {
        inUse--;
        if (released && inUse == 0) {
            savedInputs = null;
            savedOutput = null;
        }
    }

    /** The stack trace of this node's creation (made inside anomaly mode), or null. */
    Throwable creation() {
        return creation;
    }

    private static void checkVersion(Variable v, int expected) {
        Tensor t = v.data();
        if (t.version() == expected) return;
        String producer = v.gradFn() != null ? ", which is output 0 of " + v.gradFn().name() + "," : "";
        throw new IllegalStateException("one of the variables needed for gradient computation has been modified by an inplace "
                + "operation: [" + t.dtype() + " " + Shapes.str(t.shape) + "]" + producer + " is at version " + t.version()
                + "; expected version " + expected + " instead. Hint: enable anomaly detection to find the operation that "
                + "failed to compute its gradient, with try (var scope = Autograd.detectAnomaly()) { ... }. (the last in-place "
                + "write was " + t.storage.lastInPlaceOp() + ")");
    }

    @Override
    public Variable input(int i) {
        if (savedInputs == null || savedInputs[i] == null) {
            throw new IllegalStateException(name + ": input " + i + " was not saved for backward");
        }
        return savedInputs[i];
    }

    @Override
    public Variable output() {
        if (savedOutput == null) throw new IllegalStateException(name + ": the result was not saved for backward");
        return savedOutput;
    }

    @Override
    public int[] inputShape(int i) {
        return inputShapes[i];
    }

    @Override
    public DType inputDtype(int i) {
        return inputDtypes[i];
    }

    @Override
    public boolean needsGrad(int i) {
        return next[i] != null;
    }

    @Override
    public int inputCount() {
        return next.length;
    }

    /** As PyTorch prints a grad_fn: {@code <AddBackward0 object at 0x...>}. */
    @Override
    public String toString() {
        return "<" + name + " object at 0x" + Integer.toHexString(System.identityHashCode(this)) + ">";
    }

    /** Op name to PyTorch's node name ({@code mul} to {@code MulBackward0}), built once per name: every recorded op asks. */
    private static final java.util.concurrent.ConcurrentHashMap<String, String> BACKWARD_NAMES =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** PyTorch's name of the backward node of the op named {@code opName}: {@code mul} gives {@code MulBackward0}. */
    public static String backwardName(String opName) {
        String r = BACKWARD_NAMES.get(opName);
        if (r != null) return r;
        r = Character.toUpperCase(opName.charAt(0)) + opName.substring(1) + "Backward0";
        // op names are a small fixed set, but ops outside core could make many: bound the cache
        if (BACKWARD_NAMES.size() < 1024) BACKWARD_NAMES.putIfAbsent(opName, r);
        return r;
    }
}
