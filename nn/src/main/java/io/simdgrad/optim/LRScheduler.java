package io.simdgrad.optim;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A learning-rate schedule, PyTorch's {@code torch.optim.lr_scheduler.LRScheduler}: built after
 * the optimiser (which sets epoch 0, as PyTorch's constructor does), {@link #step()} once per
 * epoch or batch after {@code optimizer.step()}.
 *
 * <p><b>Compile-safe.</b> The epoch and every value that changes are tensors updated in place
 * by ops, and each group's learning rate is written into its {@link ParamGroup#lrTensor()}: a
 * compiled step that calls {@code scheduler.step()} replays the schedule exactly. Schedules that
 * need a cosine mostly take it from a table computed once in Java with PyTorch's formula (so the
 * values are PyTorch's to the rounding of its Python floats), looked up with a mask (an exact
 * select); {@link CosineAnnealingWarmRestarts}, whose cycles grow, takes {@code cos} of a 0-d tensor.
 */
public abstract class LRScheduler {
    final Optimizer optimizer;
    final double[] baseLrs;
    /** PyTorch's {@code last_epoch}, a 0-d FLOAT64 tensor. */
    final Tensor lastEpoch = Tensor.scalar(DType.FLOAT64, 0);
    private final Map<String, Tensor> state = new LinkedHashMap<>();

    LRScheduler(Optimizer optimizer) {
        this.optimizer = optimizer;
        List<ParamGroup> groups = optimizer.paramGroups();
        baseLrs = new double[groups.size()];
        // PyTorch's base_lrs come from group["initial_lr"], set by the first scheduler: a second one sees the same bases
        for (int i = 0; i < baseLrs.length; i++) baseLrs[i] = groups.get(i).initialLr();
        state.put("last_epoch", lastEpoch);
    }

    /** Registers a state tensor (saved by {@link #stateDict()}). */
    final Tensor keep(String name, Tensor t) {
        state.put(name, t);
        return t;
    }

    /** Advances one epoch and writes the new learning rates, PyTorch's {@code step()}. */
    public void step() {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            lastEpoch.addInPlace(1);
            advance();
        }
    }

    /** The update after {@code lastEpoch} was incremented, with ops only (runs under no-grad). */
    abstract void advance();

    /**
     * Group {@code g}'s learning rate at epoch 0 from the base rates, what PyTorch's
     * {@code step(0)} sets ({@link SequentialLR} at a milestone): the base rate unless the schedule
     * starts elsewhere.
     */
    double epoch0Lr(int g) {
        return baseLrs[g];
    }

    /** The state tensors by name (the schedule's own; {@link SequentialLR} saves and restores them). */
    final Map<String, Tensor> stateTensors() {
        return state;
    }

    /** Tensors of the optimiser this schedule writes besides the learning rates, with their values at epoch 0 (OneCycleLR's momentum). */
    List<Map.Entry<Tensor, Double>> writesAtEpoch0() {
        return List.of();
    }

    /** The learning-rate tensors of the groups. */
    final Tensor lr(int group) {
        return optimizer.paramGroups().get(group).lrTensor();
    }

    final int groups() {
        return baseLrs.length;
    }

    /** PyTorch's {@code get_last_lr()} (reads the tensors: a guard inside a compiled function). */
    public List<Double> getLastLr() {
        List<Double> out = new ArrayList<>();
        for (ParamGroup g : optimizer.paramGroups()) out.add(g.lr());
        return out;
    }

    /** PyTorch's {@code last_epoch} (a read). */
    public long lastEpoch() {
        return (long) lastEpoch.item();
    }

    /** Copies of the schedule's state tensors ({@code last_epoch} and the schedule's counters). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, t) -> out.put(k, t.copy()));
        return out;
    }

    /** Loads a {@link #stateDict()} in place; checks every key and shape first. */
    public void loadStateDict(Map<String, Tensor> sd) {
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor t = sd.get(e.getKey());
            if (t == null || !Arrays.equals(t.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ".loadStateDict: missing or misshapen \"" + e.getKey() + "\"");
            }
        }
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            state.forEach((k, t) -> t.copyInPlace(sd.get(k)));
        }
    }

    // ------------------------------------------------------------------ exact table lookups

    /** A FLOAT64 vector. */
    static Tensor table(double[] values) {
        return Tensor.of(values, values.length);
    }

    /** {@code 0, 1, ..., n-1} in FLOAT64 (the index set a lookup compares against). */
    static Tensor positions(int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return table(a);
    }

    /** {@code table[index]} (index a 0-d FLOAT64 holding an integer in range): a mask select and a sum of zeros, exact. */
    static Tensor lookup(Tensor table, Tensor positions, Tensor index) {
        return Tensor.where(positions.eq(index), table, ZERO).sum();
    }

    static final Tensor ZERO = Tensor.scalar(DType.FLOAT64, 0);
}
