package io.simdgrad.nn;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A layer or a model, PyTorch's {@code torch.nn.Module}: it owns named parameters (leaf
 * {@link Variable}s that require grad), buffers (tensors such as running statistics) and child
 * modules, in registration order. Names are dotted paths as PyTorch makes them
 * ({@code features.0.weight}), so {@link #stateDict()} has PyTorch's keys.
 *
 * <p>A subclass registers what it owns in its constructor and reads parameters with
 * {@link #param(String)} in {@link #forward(Variable)} (not from fields: {@link #to(DType)} replaces
 * them).
 */
public abstract class Module {
    /** A module with no parameters, buffers or submodules yet; subclasses register theirs. */
    protected Module() {}

    private final Map<String, Variable> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** The forward computation, PyTorch's {@code forward}. */
    public Variable forward(Variable x) {
        throw new UnsupportedOperationException(name() + ".forward: this module does not take one input");
    }

    /** {@link #forward(Variable)} on a tensor that needs no gradient. */
    public final Variable forward(Tensor x) {
        return forward(new Variable(x));
    }

    // ------------------------------------------------------------------ registration

    /** Registers (or replaces) parameter {@code name}; {@code null} registers an absent one, as PyTorch's {@code bias=None}. */
    protected final Variable registerParameter(String name, Variable p) {
        checkName("registerParameter", name, params);
        if (p != null && (!p.isLeaf() || !p.requiresGrad())) {
            throw new IllegalArgumentException(name() + ".registerParameter: parameter '" + name
                    + "' must be a leaf Variable that requires grad");
        }
        params.put(name, p);
        return p;
    }

    /** Registers (or replaces) buffer {@code name} (saved in the state dict, not trained). */
    protected final Tensor registerBuffer(String name, Tensor t) {
        checkName("registerBuffer", name, buffers);
        buffers.put(name, t);
        return t;
    }

    /** Registers child module {@code name}, PyTorch's {@code add_module}; returns it. */
    public final <M extends Module> M addModule(String name, M m) {
        checkName("addModule", name, children);
        if (m == null) throw new NullPointerException(name() + ".addModule: module '" + name + "' is null");
        children.put(name, m);
        return m;
    }

    private void checkName(String what, String name, Map<String, ?> own) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(name() + "." + what + ": name can't be empty or contain \".\", got \"" + name + "\"");
        }
        boolean elsewhere = (own != params && params.containsKey(name)) || (own != buffers && buffers.containsKey(name))
                || (own != children && children.containsKey(name));
        if (elsewhere) throw new IllegalArgumentException(name() + "." + what + ": attribute '" + name + "' already exists");
    }

    /** The parameter registered as {@code name} (null if registered absent). */
    public final Variable param(String name) {
        if (!params.containsKey(name)) throw new IllegalArgumentException(name() + ": no parameter '" + name + "'");
        return params.get(name);
    }

    /** The buffer registered as {@code name}. */
    public final Tensor buffer(String name) {
        if (!buffers.containsKey(name)) throw new IllegalArgumentException(name() + ": no buffer '" + name + "'");
        return buffers.get(name);
    }

    /** The child registered as {@code name}. */
    public final Module child(String name) {
        Module m = children.get(name);
        if (m == null) throw new IllegalArgumentException(name() + ": no submodule '" + name + "'");
        return m;
    }

    // ------------------------------------------------------------------ traversal

    /** The direct children in registration order, PyTorch's {@code children()}. */
    public final List<Module> children() {
        return List.copyOf(children.values());
    }

    /** The direct children by name, PyTorch's {@code named_children()}. */
    public final Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /** Every parameter of this module and its descendants, each once, PyTorch's {@code parameters()}. */
    public final List<Variable> parameters() {
        return List.copyOf(namedParameters().values());
    }

    /**
     * Parameters by dotted name ({@code 0.weight}, {@code encoder.fc.bias}) in PyTorch's order (own
     * parameters, then each child's); a parameter shared by two modules is listed once, under its
     * first name.
     */
    public final Map<String, Variable> namedParameters() {
        Map<String, Variable> out = new LinkedHashMap<>();
        Set<Variable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        walk("", (prefix, m) -> m.params.forEach((k, v) -> {
            if (v != null && seen.add(v)) out.put(prefix + k, v);
        }));
        return out;
    }

    /** Buffers by dotted name, PyTorch's {@code named_buffers()}. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        walk("", (prefix, m) -> m.buffers.forEach((k, v) -> {
            if (v != null) out.put(prefix + k, v);
        }));
        return out;
    }

    /** Every buffer, PyTorch's {@code buffers()}. */
    public final List<Tensor> buffers() {
        return List.copyOf(namedBuffers().values());
    }

    /** This module and its descendants, pre-order, PyTorch's {@code modules()}. */
    public final List<Module> modules() {
        List<Module> out = new ArrayList<>();
        walk("", (prefix, m) -> out.add(m));
        return out;
    }

    private interface Visitor {
        void visit(String prefix, Module m);
    }

    // iterative pre-order (deep models must not overflow the stack)
    private void walk(String prefix, Visitor v) {
        ArrayList<Map.Entry<String, Module>> stack = new ArrayList<>();
        stack.add(Map.entry(prefix, this));
        while (!stack.isEmpty()) {
            Map.Entry<String, Module> e = stack.removeLast();
            Module m = e.getValue();
            v.visit(e.getKey(), m);
            List<Map.Entry<String, Module>> kids = new ArrayList<>(m.children.entrySet());
            for (int i = kids.size() - 1; i >= 0; i--) stack.add(Map.entry(e.getKey() + kids.get(i).getKey() + ".", kids.get(i).getValue()));
        }
    }

    // ------------------------------------------------------------------ modes and mutation

    /** Sets training mode here and in every descendant (dropout, batch norm use it), PyTorch's {@code train()}. */
    public final Module train(boolean mode) {
        for (Module m : modules()) m.training = mode;
        return this;
    }

    /** {@code train(true)}. */
    public final Module train() {
        return train(true);
    }

    /** {@code train(false)}, PyTorch's {@code eval()}. */
    public final Module eval() {
        return train(false);
    }

    /** Whether this module is in training mode. */
    public final boolean isTraining() {
        return training;
    }

    /** Sets every parameter's gradient to null, PyTorch's {@code zero_grad()} (set_to_none=True). */
    public final void zeroGrad() {
        for (Variable p : parameters()) p.zeroGrad();
    }

    /** Calls {@code fn} on every descendant and then this module (children first, as PyTorch's {@code apply}); returns this. */
    public final Module apply(Consumer<Module> fn) {
        List<Module> all = modules();
        for (int i = all.size() - 1; i >= 0; i--) fn.accept(all.get(i));
        return this;
    }

    /**
     * Converts every floating-point parameter and buffer to {@code dtype}, PyTorch's
     * {@code to(dtype)}: the parameters become new leaves (build optimisers after this call).
     */
    public final Module to(DType dtype) {
        if (!dtype.isFloatingPoint()) throw new IllegalArgumentException(name() + ".to: nn.Module.to only accepts floating point dtypes, but got desired dtype=" + dtype);
        for (Module m : modules()) {
            m.params.replaceAll((k, v) -> v == null || v.dtype() == dtype ? v : new Variable(v.data().to(dtype), true));
            m.buffers.replaceAll((k, t) -> t == null || !t.dtype().isFloatingPoint() || t.dtype() == dtype ? t : t.to(dtype));
        }
        return this;
    }

    // ------------------------------------------------------------------ state

    /**
     * Parameters' and buffers' tensors by PyTorch's keys (each module's parameters, then its
     * buffers, then its children's), PyTorch's {@code state_dict()}. The tensors are the module's
     * own (not copies), as PyTorch's are.
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        walk("", (prefix, m) -> {
            m.params.forEach((k, v) -> {
                if (v != null) out.put(prefix + k, v.data());
            });
            m.buffers.forEach((k, t) -> {
                if (t != null) out.put(prefix + k, t);
            });
        });
        return out;
    }

    /** {@code loadStateDict(state, true)}. */
    public final void loadStateDict(Map<String, Tensor> state) {
        loadStateDict(state, true);
    }

    /**
     * Copies {@code state} into the parameters and buffers in place (converting dtypes), PyTorch's
     * {@code load_state_dict}. Everything is checked before the first copy: a shape mismatch, and
     * with {@code strict} a missing or unexpected key, throws with PyTorch's text and changes nothing.
     * Returns the missing and unexpected keys (empty when strict succeeded).
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                errors.add("size mismatch for " + e.getKey() + ": copying a param with shape " + size(src.shape())
                        + " from checkpoint, the shape in current model is " + size(e.getValue().shape()) + ".");
            }
        }
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        List<String> all = new ArrayList<>();
        if (strict) {
            if (!missing.isEmpty()) all.add("Missing key(s) in state_dict: " + quoted(missing) + ". ");
            if (!unexpected.isEmpty()) all.add("Unexpected key(s) in state_dict: " + quoted(unexpected) + ". ");
        }
        all.addAll(errors);
        if (!all.isEmpty()) {
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + name() + ":\n\t" + String.join("\n\t", all));
        }
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src != null) e.getValue().copyInPlace(src);
            }
        }
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    /** The keys {@link #loadStateDict(Map, boolean)} did not find and did not expect, PyTorch's {@code _IncompatibleKeys}. */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {}

    private static String quoted(List<String> keys) {
        StringBuilder b = new StringBuilder();
        for (String k : keys) b.append(b.isEmpty() ? "" : ", ").append('"').append(k).append('"');
        return b.toString();
    }

    private static String size(int[] shape) {
        StringBuilder b = new StringBuilder("torch.Size([");
        for (int i = 0; i < shape.length; i++) b.append(i == 0 ? "" : ", ").append(shape[i]);
        return b.append("])").toString();
    }

    // ------------------------------------------------------------------ printing

    /** The class name PyTorch prints ({@code Linear}). */
    public String name() {
        return getClass().getSimpleName();
    }

    /** The arguments printed inside the parentheses, PyTorch's {@code extra_repr()}. */
    public String extraRepr() {
        return "";
    }

    /** The module as PyTorch prints it: {@code Sequential(\n  (0): Linear(in_features=4, out_features=3, bias=True)\n)}. */
    @Override
    public String toString() {
        List<String> extra = extraRepr().isEmpty() ? List.of() : List.of(extraRepr().split("\n", -1));
        List<String> lines = new ArrayList<>(extra);
        for (String line : childLines()) lines.add(line);
        StringBuilder b = new StringBuilder(name()).append('(');
        if (!lines.isEmpty()) {
            if (extra.size() == 1 && children.isEmpty()) b.append(extra.get(0));
            else b.append("\n  ").append(String.join("\n  ", lines)).append('\n');
        }
        return b.append(')').toString();
    }

    /** The {@code (name): child} lines; {@link ModuleList} folds repeated children as PyTorch does. */
    List<String> childLines() {
        List<String> out = new ArrayList<>();
        children.forEach((k, m) -> out.add("(" + k + "): " + indent(m.toString())));
        return out;
    }

    /** PyTorch's {@code _addindent(s, 2)}: every line but the first indented by two spaces. */
    static String indent(String s) {
        return s.replace("\n", "\n  ");
    }
}
