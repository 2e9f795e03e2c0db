package io.simdgrad.core;

import io.simdgrad.core.ops.Shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forward-mode automatic differentiation, PyTorch's {@code torch.autograd.forward_ad}: inside a
 * {@link #dualLevel()} a variable made by {@link #makeDual} carries a tangent, and every op
 * applied to it computes the tangent of its result with the op's Jacobian-vector product
 * ({@link Op#jvp}), as it computes the value: one pass, no graph to walk back.
 *
 * <pre>{@code
 * try (ForwardAD.Level level = ForwardAD.dualLevel()) {
 *     Variable x = ForwardAD.makeDual(x0, v);      // x0 with tangent v
 *     Variable y = x.sin().mul(x);                 // y's tangent is J v, computed alongside
 *     Tensor jv = ForwardAD.tangent(y).data();
 * }
 * }</pre>
 *
 * <p>Tangents are {@link Variable}s computed with ops, so they are differentiable themselves:
 * a reverse pass through a tangent, or a tangent of a gradient (forward-over-reverse, the
 * Hessian-vector product), needs nothing more. Levels nest (a {@code jvp} of a {@code jvp}): an
 * op whose inputs carry tangents at level k computes its value and its level-k tangent with
 * levels k and above hidden, so the ops of the rule carry the tangents of the levels below
 * (JAX's rule: the innermost transform processes an op first, in terms of the outer ones).
 * Levels are per thread, like grad mode.
 */
public final class ForwardAD {
    private ForwardAD() {}

    /** Levels open on any thread: while 0, ops skip the per-thread lookup. */
    private static volatile int openAnywhere;

    private static final ThreadLocal<List<Map<Variable, Variable>>> LEVELS = ThreadLocal.withInitial(ArrayList::new);

    /** An open dual level; closing it drops every tangent made in it. */
    public interface Level extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Opens a new innermost dual level on this thread (PyTorch's {@code forward_ad.dual_level()}),
     * to close in try-with-resources; levels close in the reverse order they were opened.
     */
    public static Level dualLevel() {
        List<Map<Variable, Variable>> levels = LEVELS.get();
        Map<Variable, Variable> map = new IdentityHashMap<>();
        levels.add(map);
        synchronized (ForwardAD.class) {
            openAnywhere++;
        }
        boolean[] closed = {false};
        return () -> {
            if (closed[0]) return;
            List<Map<Variable, Variable>> ls = LEVELS.get();
            if (ls.isEmpty() || ls.get(ls.size() - 1) != map) {
                throw new IllegalStateException("ForwardAD: dual levels must be closed in the reverse order they were opened "
                        + "(and on the thread that opened them)");
            }
            ls.remove(ls.size() - 1);
            map.clear();
            closed[0] = true;
            synchronized (ForwardAD.class) {
                openAnywhere--;
            }
        };
    }

    /**
     * A variable with {@code primal}'s value that carries {@code tangent} at the innermost open
     * level (PyTorch's {@code forward_ad.make_dual}). Gradients flow from it to {@code primal}
     * when that requires grad; the tangents {@code primal} has at outer levels are kept.
     *
     * @throws IllegalStateException when no level is open
     * @throws IllegalArgumentException when the tangent's shape or dtype differs from the primal's
     */
    public static Variable makeDual(Variable primal, Variable tangent) {
        if (primal == null) throw new NullPointerException("makeDual: primal is null");
        if (tangent == null) throw new NullPointerException("makeDual: tangent is null");
        List<Map<Variable, Variable>> levels = LEVELS.get();
        if (levels.isEmpty()) {
            throw new IllegalStateException("makeDual: no dual level is open; use try (var level = ForwardAD.dualLevel()) { ... }");
        }
        if (!Arrays.equals(primal.data().shape, tangent.data().shape)) {
            throw new IllegalArgumentException("makeDual: Trying to set a forward gradient that has a different size than that of "
                    + "the original Tensor, this is not supported. Tensor is of size " + Shapes.str(primal.data().shape)
                    + " while the given forward gradient is of size " + Shapes.str(tangent.data().shape) + ".");
        }
        if (primal.dtype() != tangent.dtype()) {
            throw new IllegalArgumentException("makeDual: expected the tangent to have the primal's dtype " + primal.dtype()
                    + ", got " + tangent.dtype());
        }
        if (!primal.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("makeDual: expected a floating point primal, got " + primal.dtype());
        }
        Variable dual = alias(primal, false);
        levels.get(levels.size() - 1).put(dual, tangent);
        return dual;
    }

    /** The tangent {@code v} carries at the innermost open level, or null (a zero tangent, or no level open). */
    public static Variable tangent(Variable v) {
        if (openAnywhere == 0) return null;
        List<Map<Variable, Variable>> levels = LEVELS.get();
        return levels.isEmpty() ? null : levels.get(levels.size() - 1).get(v);
    }

    /** Whether some dual level is open on this thread (and visible: not hidden by a JVP rule in progress). */
    public static boolean isActive() {
        return openAnywhere != 0 && !LEVELS.get().isEmpty();
    }

    /**
     * Whether {@code v} carries a tangent at any visible level: a function of it must then stay
     * differentiable in forward mode (function transforms use this to decide whether a gradient
     * needs its graph).
     */
    public static boolean hasTangent(Variable v) {
        if (openAnywhere == 0) return false;
        for (Map<Variable, Variable> m : LEVELS.get()) if (m.containsKey(v)) return true;
        return false;
    }

    /**
     * A new variable with {@code v}'s data and every tangent {@code v} carries: an identity view of
     * {@code v} when it requires grad (gradients flow through it to {@code v}), else a new leaf
     * that requires grad when {@code requiresGrad}. Function transforms differentiate with respect
     * to such an alias, so that the input itself stays untouched and outer transforms still see it.
     */
    public static Variable alias(Variable v, boolean requiresGrad) {
        if (v.requiresGrad()) {
            int[] id = new int[v.dim()];
            for (int i = 0; i < id.length; i++) id[i] = i;
            return v.permute(id); // a recorded view: the tangents follow through apply
        }
        return copyTangents(v, new Variable(v.data(), requiresGrad));
    }

    /** {@code v} cut from the autograd graph (as {@link Variable#detach()}) but keeping every tangent it carries. */
    public static Variable detach(Variable v) {
        return copyTangents(v, new Variable(v.data(), false));
    }

    private static Variable copyTangents(Variable from, Variable to) {
        if (openAnywhere != 0) {
            for (Map<Variable, Variable> m : LEVELS.get()) {
                Variable t = m.get(from);
                if (t != null) m.put(to, t);
            }
        }
        return to;
    }

    // ------------------------------------------------------------------ the op hook

    /**
     * Runs {@code op} when an input carries a tangent at some visible level (else returns null and
     * the caller runs it as usual): at the innermost such level k, with levels k and above hidden,
     * computes the value and the tangent by {@link Op#jvp}, then records the tangent at level k.
     */
    static Variable apply(Op op, Variable[] in) {
        if (openAnywhere == 0) return null;
        List<Map<Variable, Variable>> levels = LEVELS.get();
        int k = levels.size() - 1;
        for (; k >= 0; k--) {
            Map<Variable, Variable> m = levels.get(k);
            boolean any = false;
            for (Variable v : in) any |= m.containsKey(v);
            if (any) break;
        }
        if (k < 0) return null;
        Map<Variable, Variable> level = levels.get(k);
        Variable[] t = new Variable[in.length];
        for (int i = 0; i < in.length; i++) t[i] = level.get(in[i]);
        List<Map<Variable, Variable>> hidden = new ArrayList<>(levels.subList(k, levels.size()));
        levels.subList(k, levels.size()).clear();
        Variable out, tan = null;
        try {
            out = Autograd.apply(op, in);
            if (op.differentiable() && out.dtype().isFloatingPoint()) {
                tan = op.jvp(new Primals(in, out, t), t);
                if (tan != null) tan = fit(op, tan, out);
            }
        } finally {
            boolean leaked = levels.size() != k;
            while (levels.size() > k) levels.remove(levels.size() - 1);
            levels.addAll(hidden);
            if (leaked) throw new IllegalStateException(op.name() + ": a dual level opened inside its JVP rule was not closed");
        }
        if (tan != null) level.put(out, tan);
        return out;
    }

    /** A rule's tangent in the result's shape and dtype (a rule may return it broadcastable, as an elementwise sum gives it). */
    private static Variable fit(Op op, Variable tan, Variable out) {
        int[] want = out.data().shape, got = tan.data().shape;
        if (!Arrays.equals(want, got)) {
            int[] b;
            try {
                b = Shapes.broadcast(op.name(), got, want);
            } catch (IllegalArgumentException e) {
                b = null;
            }
            if (b == null || !Arrays.equals(b, want)) {
                throw new IllegalStateException(op.name() + ": its JVP rule returned a tangent of shape " + Shapes.str(got)
                        + " for a result of shape " + Shapes.str(want));
            }
            tan = tan.expand(want);
        }
        return tan.dtype() == out.dtype() ? tan : tan.to(out.dtype());
    }

    /** An op's inputs and result as its rules see them: {@link Op.Saved} over live variables. */
    private record Primals(Variable[] in, Variable out, Variable[] tangents) implements Op.Saved {
        @Override public Variable input(int i) { return in[i]; }
        @Override public Variable output() { return out; }
        @Override public int[] inputShape(int i) { return in[i].data().shape; }
        @Override public DType inputDtype(int i) { return in[i].dtype(); }
        @Override public boolean needsGrad(int i) { return tangents[i] != null; }
        @Override public int inputCount() { return in.length; }
    }

    /** {@code s} with only input {@code only} needing a gradient. */
    private record Only(Op.Saved s, int only) implements Op.Saved {
        @Override public Variable input(int i) { return s.input(i); }
        @Override public Variable output() { return s.output(); }
        @Override public int[] inputShape(int i) { return s.inputShape(i); }
        @Override public DType inputDtype(int i) { return s.inputDtype(i); }
        @Override public boolean needsGrad(int i) { return i == only; }
        @Override public int inputCount() { return s.inputCount(); }
    }

    // ------------------------------------------------------------------ rules shared by many ops

    /**
     * The default JVP of every op, from its VJP alone (the "double-VJP" trick): the VJP
     * {@code u -> Jᵀu} is linear in {@code u}, so {@code J t} is the gradient with respect to
     * {@code u} of {@code <Jᵀu, t>}, taken by a reverse pass through the VJP's own ops at a dummy
     * {@code u = 0}. Exact for any op whose VJP is written with ops; about two VJPs of work.
     */
    static Variable byDoubleVjp(Op op, Op.Saved s, Variable[] t) {
        Variable out = s.output();
        boolean graph = Autograd.isGradEnabled();
        try (Autograd.Scope ignored = Autograd.enableGrad()) {
            Variable u = new Variable(Tensor.zeros(out.dtype(), out.data().shape), true);
            Variable[] g = op.vjp(s, u);
            Variable dot = null;
            for (int i = 0; i < t.length; i++) {
                if (t[i] == null || i >= g.length || g[i] == null) continue;
                Variable gi = Arrays.equals(g[i].data().shape, s.inputShape(i)) ? g[i] : g[i].sumToSize(s.inputShape(i));
                if (gi.dtype() != t[i].dtype()) gi = gi.to(t[i].dtype());
                Variable term = gi.mul(t[i]).sum();
                dot = dot == null ? term : dot.add(term);
            }
            if (dot == null || !dot.requiresGrad()) return null;
            return Autograd.grad(List.of(dot), List.of(u), null, graph, graph, true).get(0);
        }
    }

    /**
     * The JVP of an elementwise op: its Jacobian with respect to each operand is diagonal (on the
     * broadcast result), so {@code J_i t_i} is the VJP's part for operand i at the cotangent
     * {@code t_i} (broadcast to the result), and the tangent is their sum. Needs the VJP to return
     * the part in the result's broadcast shape (the engine sums it back), as elementwise VJPs do.
     */
    static Variable elementwise(Op op, Op.Saved s, Variable[] t) {
        int[] shape = s.output().data().shape;
        Variable r = null;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == null) continue;
            Variable ti = Arrays.equals(t[i].data().shape, shape) ? t[i] : t[i].expand(shape);
            Variable[] g = op.vjp(new Only(s, i), ti);
            if (g[i] == null) continue;
            r = r == null ? g[i] : r.add(g[i]);
        }
        return r;
    }

    /** The JVP of an op linear in all its inputs (views, sums, copies, cat): the op applied to the tangents (zeros where none). */
    static Variable linear(Op op, Op.Saved s, Variable[] t) {
        Variable[] ts = new Variable[t.length];
        for (int i = 0; i < t.length; i++) {
            ts[i] = t[i] != null ? t[i] : new Variable(Tensor.zeros(s.inputDtype(i), s.inputShape(i)), false);
        }
        return Variable.apply(op, ts);
    }
}
