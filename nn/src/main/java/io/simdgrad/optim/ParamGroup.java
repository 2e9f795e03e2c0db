package io.simdgrad.optim;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters that share hyperparameters, PyTorch's param-group dict ({@code {'params': ...,
 * 'lr': 0.1}}). Options not set here take the optimiser's defaults. The learning rate lives in
 * a 0-d FLOAT64 tensor that schedulers update in place ({@link #lrTensor()}), so a compiled
 * training step reads the current value on every replay instead of freezing a Java double.
 */
public final class ParamGroup {
    private final List<Variable> params;
    private final Map<String, Double> options = new LinkedHashMap<>();
    private Tensor lr;
    private double initialLr = Double.NaN;
    private final Map<String, Tensor> scheduled = new LinkedHashMap<>();

    /** The options a scheduler may change besides lr ({@link OneCycleLR} cycles them): kept in tensors too. */
    static final List<String> SCHEDULABLE = List.of("momentum", "beta1");

    private ParamGroup(List<Variable> params) {
        this.params = List.copyOf(params);
    }

    /** A group of {@code params} with the optimiser's default options. */
    public static ParamGroup of(List<Variable> params) {
        if (params == null) throw new NullPointerException("ParamGroup: params is null");
        return new ParamGroup(params);
    }

    /** Sets option {@code key} (PyTorch's name: {@code lr}, {@code momentum}, {@code weight_decay}, ...) for this group; booleans as 0/1. */
    public ParamGroup set(String key, double value) {
        if (lr != null) throw new IllegalStateException("ParamGroup.set: the group already belongs to an optimizer; write lrTensor() or use a scheduler");
        options.put(key, value);
        return this;
    }

    /** The parameters. */
    public List<Variable> params() {
        return params;
    }

    /** The group's options (defaults filled in), read-only. */
    public Map<String, Double> options() {
        return Collections.unmodifiableMap(options);
    }

    /** Option {@code key}. */
    public double get(String key) {
        Double v = options.get(key);
        if (v == null) throw new IllegalArgumentException("ParamGroup: no option '" + key + "'");
        return v;
    }

    /** Boolean option {@code key}. */
    public boolean flag(String key) {
        return get(key) != 0;
    }

    /** The learning rate tensor (0-d FLOAT64), updated in place by schedulers. */
    public Tensor lrTensor() {
        return lr;
    }

    /**
     * Option {@code key} ({@code momentum} or {@code beta1}, when the optimiser has it) as a 0-d
     * FLOAT64 tensor that the update reads and schedulers write in place; {@link #get(String)}
     * keeps the value the group was built with. Null for other keys.
     */
    public Tensor optionTensor(String key) {
        return key.equals("lr") ? lr : scheduled.get(key);
    }

    /** The current learning rate (a read: inside a compiled function it becomes a guard). */
    public double lr() {
        return lr.item();
    }

    void attach(Map<String, Double> defaults, String optimizer) {
        for (String k : options.keySet()) {
            if (!defaults.containsKey(k)) throw new IllegalArgumentException(optimizer + ": unknown option '" + k + "' (known: " + defaults.keySet() + ")");
        }
        Map<String, Double> merged = new LinkedHashMap<>(defaults);
        merged.putAll(options);
        options.clear();
        options.putAll(merged);
        lr = Tensor.scalar(DType.FLOAT64, get("lr"));
        for (String k : SCHEDULABLE) if (options.containsKey(k)) scheduled.put(k, Tensor.scalar(DType.FLOAT64, get(k)));
    }

    /** PyTorch's {@code group["initial_lr"]}: the learning rate when the first scheduler was built on the group. */
    double initialLr() {
        if (Double.isNaN(initialLr)) initialLr = lr();
        return initialLr;
    }

    /** OneCycleLR's {@code group["initial_lr"] = max_lr / div_factor}. */
    void setInitialLr(double v) {
        initialLr = v;
    }

    void setOptionsFromState(Map<String, Double> loaded) {
        options.putAll(loaded);
    }
}
