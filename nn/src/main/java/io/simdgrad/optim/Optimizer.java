package io.simdgrad.optim;

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

/**
 * An optimiser over parameter groups, PyTorch's {@code torch.optim.Optimizer}. Subclasses follow
 * PyTorch's single-tensor ("for-loop") update rules step for step.
 *
 * <p><b>Compile-safe.</b> Every value that changes between steps (step counts, moments, the
 * learning rate, the powers of β in Adam's bias corrections) is a tensor created when the
 * optimiser is built and updated in place by ops; the only Java numbers that reach ops are the
 * fixed hyperparameters. So a {@code Graphs.compile}d training step that calls {@link #step()}
 * replays with the right step count and learning rate on every call, bit for bit equal to eager
 * code, and never trips compile's changed-constant check. (PyTorch creates state lazily on the
 * first step; here it exists from the start, so the first step is not a different program.)
 */
public abstract class Optimizer {
    private final String name;
    private final List<ParamGroup> groups;
    private final Map<Variable, Map<String, Tensor>> state = new IdentityHashMap<>();

    /** Groups get {@code defaults} for the options they do not set; {@link #initState} runs for every parameter. */
    // validate and initState read only the group (subclasses keep no fields of their own): calling them here is safe
    @SuppressWarnings("this-escape")
    protected Optimizer(String name, Map<String, Double> defaults, List<ParamGroup> groups) {
        this.name = name;
        if (groups.isEmpty()) throw new IllegalArgumentException(name + ": optimizer got an empty parameter list");
        Set<Variable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ParamGroup g : groups) {
            if (g.lrTensor() != null) throw new IllegalArgumentException(name + ": a param group belongs to one optimizer");
            g.attach(defaults, name);
            validate(g);
            for (Variable p : g.params()) {
                if (p == null) throw new NullPointerException(name + ": a parameter is null");
                if (!p.isLeaf() || !p.requiresGrad()) throw new IllegalArgumentException(name + ": can't optimize a non-leaf Variable or one that does not require grad");
                if (!seen.add(p)) throw new IllegalArgumentException(name + ": some parameters appear in more than one parameter group");
            }
        }
        this.groups = List.copyOf(groups);
        for (ParamGroup g : groups) {
            for (Variable p : g.params()) state.put(p, Collections.unmodifiableMap(initState(g, p)));
        }
    }

    static List<ParamGroup> single(List<Variable> params) {
        return List.of(ParamGroup.of(params));
    }

    /** Checks a group's options (PyTorch's {@code Invalid learning rate: -1.0} and friends). */
    protected abstract void validate(ParamGroup g);

    /** The state tensors of one parameter, made once (zeros), updated in place by {@link #update}. */
    protected abstract Map<String, Tensor> initState(ParamGroup g, Variable p);

    /** One update of {@code p} with gradient {@code grad}, under no-grad, written with in-place ops only. */
    protected abstract void update(ParamGroup g, Tensor p, Tensor grad, Map<String, Tensor> s);

    /** PyTorch's {@code step()}: updates every parameter that has a gradient. */
    public void step() {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            for (ParamGroup g : groups) {
                for (Variable p : g.params()) {
                    Tensor grad = p.grad();
                    if (grad != null) update(g, p.data(), grad, state.get(p));
                }
            }
        }
    }

    /** Sets every parameter's gradient to null, PyTorch's {@code zero_grad()} (set_to_none=True). */
    public void zeroGrad() {
        for (ParamGroup g : groups) for (Variable p : g.params()) p.zeroGrad();
    }

    /** The parameter groups, PyTorch's {@code param_groups}. */
    public List<ParamGroup> paramGroups() {
        return groups;
    }

    /** The state tensors of {@code p} (read-only map; the tensors are the optimiser's own). */
    public Map<String, Tensor> state(Variable p) {
        Map<String, Tensor> s = state.get(p);
        if (s == null) throw new IllegalArgumentException(name + ".state: not one of this optimizer's parameters");
        return s;
    }

    /** The optimiser's name ({@code Adam}). */
    public String name() {
        return name;
    }

    /** A 0-d FLOAT64 zero, the type of every counter and scalar state. */
    protected static Tensor counter() {
        return Tensor.scalar(DType.FLOAT64, 0);
    }

    /**
     * The state as tensors under PyTorch's layout flattened to keys: {@code state.<i>.<name>} (i
     * numbers the parameters across groups in order, as PyTorch's state dict does) and
     * {@code param_groups.<g>.<option>} (0-d FLOAT64; booleans 0/1). The state tensors are copies.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        int i = 0;
        for (ParamGroup g : groups) {
            for (Variable p : g.params()) {
                int k = i++;
                state.get(p).forEach((n, t) -> out.put("state." + k + "." + n, t.copy()));
            }
        }
        for (int gi = 0; gi < groups.size(); gi++) {
            ParamGroup g = groups.get(gi);
            for (Map.Entry<String, Double> e : g.options().entrySet()) {
                Tensor live = g.optionTensor(e.getKey());
                out.put("param_groups." + gi + "." + e.getKey(), live != null ? live.copy() : Tensor.scalar(DType.FLOAT64, e.getValue()));
            }
        }
        return out;
    }

    /**
     * Loads a {@link #stateDict()} of an optimiser of the same kind over parameters of the same
     * shapes, in place (compiled steps keep their references). Everything is checked before the
     * first write.
     */
    public void loadStateDict(Map<String, Tensor> sd) {
        Map<String, Tensor> own = stateDict();
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor t = sd.get(e.getKey());
            if (t == null) errors.add("missing key \"" + e.getKey() + "\"");
            else if (!Arrays.equals(t.shape(), e.getValue().shape())) errors.add("size mismatch for " + e.getKey());
        }
        for (String k : sd.keySet()) if (!own.containsKey(k)) errors.add("unexpected key \"" + k + "\"");
        if (!errors.isEmpty()) throw new IllegalArgumentException(name + ".loadStateDict: " + String.join(", ", errors));
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            int i = 0;
            for (ParamGroup g : groups) {
                for (Variable p : g.params()) {
                    int k = i++;
                    state.get(p).forEach((n, t) -> t.copyInPlace(sd.get("state." + k + "." + n)));
                }
            }
            for (int gi = 0; gi < groups.size(); gi++) {
                ParamGroup g = groups.get(gi);
                Map<String, Double> loaded = new LinkedHashMap<>();
                for (String opt : g.options().keySet()) loaded.put(opt, sd.get("param_groups." + gi + "." + opt).item());
                g.setOptionsFromState(loaded);
                for (String opt : g.options().keySet()) {
                    Tensor live = g.optionTensor(opt);
                    if (live != null) live.copyInPlace(sd.get("param_groups." + gi + "." + opt));
                }
            }
        }
    }

    // ------------------------------------------------------------------ shared update pieces

    /** {@code grad}, negated when maximizing, plus {@code weightDecay * p} (PyTorch's {@code grad.add(param, alpha=wd)}). */
    static Tensor decayed(ParamGroup g, Tensor p, Tensor grad, boolean applyDecay) {
        Tensor d = g.flag("maximize") ? grad.neg() : grad;
        double wd = g.get("weight_decay");
        return applyDecay && wd != 0 ? d.add(p.mul(wd)) : d;
    }

    static void checkNonNegative(String optimizer, ParamGroup g, String key, String label) {
        double v = g.get(key);
        if (!(v >= 0)) throw new IllegalArgumentException(optimizer + ": Invalid " + label + " value: " + v);
    }

    static Map<String, Double> options(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            m.put((String) kv[i], v instanceof Boolean b ? (b ? 1.0 : 0.0) : ((Number) v).doubleValue());
        }
        return m;
    }
}
