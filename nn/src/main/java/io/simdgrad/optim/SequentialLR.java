package io.simdgrad.optim;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Schedules one after another, PyTorch's {@code SequentialLR(optimizer, schedulers, milestones)}:
 * epoch {@code e} is stepped by scheduler {@code bisect_right(milestones, e)}; at a milestone the
 * next scheduler starts from its epoch 0 (PyTorch's {@code step(0)}: its state as built, its
 * learning rate at epoch 0 from the base rates). Building it resets the learning rates to the
 * epoch 0 of the scheduler that runs first, as PyTorch does. Not nested, and not over
 * {@link ReduceLROnPlateau}.
 *
 * <p><b>Compile-safe.</b> Which scheduler is active is a tensor, not a Java branch: every step
 * runs every scheduler and keeps, tensor by tensor, the active one's result (or its epoch-0 values
 * at a milestone) and the others' previous values. The sub-schedulers' state is part of
 * {@link #stateDict()} ({@code schedulers.<i>.<name>}).
 */
public final class SequentialLR extends LRScheduler {
    private final List<LRScheduler> schedulers;
    private final int[] milestones;
    private final Tensor milestoneTensor;
    /** Per scheduler: the tensors it writes and their values at its epoch 0. */
    private final List<List<Map.Entry<Tensor, Tensor>>> writes = new ArrayList<>();

    /** {@code schedulers} over this optimizer, switching at the (increasing) {@code milestones}, one fewer than schedulers. */
    public SequentialLR(Optimizer optimizer, List<LRScheduler> schedulers, int[] milestones) {
        super(optimizer);
        if (schedulers.isEmpty()) throw new IllegalArgumentException("SequentialLR: expects at least one scheduler, but got no scheduler.");
        for (int i = 0; i < schedulers.size(); i++) {
            LRScheduler s = schedulers.get(i);
            if (s.optimizer != optimizer) {
                throw new IllegalArgumentException("SequentialLR: expects all schedulers to belong to the same optimizer, but got scheduler "
                        + s.getClass().getSimpleName() + " at index " + i + " has " + s.optimizer.name() + ", which is different from "
                        + optimizer.name() + ".");
            }
            if (s instanceof ReduceLROnPlateau || s instanceof SequentialLR) {
                throw new IllegalArgumentException("SequentialLR: does not support `" + s.getClass().getSimpleName() + "` scheduler as it "
                        + "needs its own step arguments or nesting (scheduler at index " + i + ")");
            }
            if (s.lastEpoch.item() != 0) throw new IllegalArgumentException("SequentialLR: scheduler at index " + i + " was already stepped");
        }
        if (milestones.length != schedulers.size() - 1) {
            throw new IllegalArgumentException("SequentialLR: Sequential Schedulers expects number of schedulers provided to be one more than the "
                    + "number of milestone points, but got number of schedulers " + schedulers.size() + " and the number of milestones to be equal to "
                    + milestones.length);
        }
        for (int i = 1; i < milestones.length; i++) {
            if (milestones[i] < milestones[i - 1]) throw new IllegalArgumentException("SequentialLR: milestones must be increasing, got "
                    + java.util.Arrays.toString(milestones));
        }
        this.schedulers = List.copyOf(schedulers);
        this.milestones = milestones.clone();
        double[] m = new double[milestones.length];
        for (int i = 0; i < m.length; i++) m[i] = milestones[i];
        milestoneTensor = table(m);
        for (int i = 0; i < schedulers.size(); i++) {
            LRScheduler s = schedulers.get(i);
            List<Map.Entry<Tensor, Tensor>> w = new ArrayList<>();
            for (Map.Entry<String, Tensor> e : s.stateTensors().entrySet()) {
                w.add(Map.entry(e.getValue(), e.getValue().copy()));
                keep("schedulers." + i + "." + e.getKey(), e.getValue());
            }
            for (int g = 0; g < groups(); g++) w.add(Map.entry(lr(g), Tensor.scalar(DType.FLOAT64, s.epoch0Lr(g))));
            for (Map.Entry<Tensor, Double> e : s.writesAtEpoch0()) w.add(Map.entry(e.getKey(), Tensor.scalar(DType.FLOAT64, e.getValue())));
            writes.add(w);
        }
        int first = 0; // PyTorch's bisect_right(milestones, 0): a milestone at 0 starts with the second scheduler
        while (first < milestones.length && milestones[first] <= 0) first++;
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            for (Map.Entry<Tensor, Tensor> e : writes.get(first)) e.getKey().copyInPlace(e.getValue());
        }
    }

    @Override
    void advance() {
        // PyTorch's bisect_right(milestones, epoch): how many milestones are <= epoch
        Tensor active = milestones.length == 0 ? ZERO : milestoneTensor.le(lastEpoch).sum();
        for (int i = 0; i < schedulers.size(); i++) {
            Tensor mine = active.eq(i);
            Tensor atMilestone = i == 0 ? ZERO : mine.mul(lastEpoch.eq(milestones[i - 1]));
            List<Map.Entry<Tensor, Tensor>> w = writes.get(i);
            List<Tensor> before = new ArrayList<>(w.size());
            for (Map.Entry<Tensor, Tensor> e : w) before.add(e.getKey().copy());
            schedulers.get(i).lastEpoch.addInPlace(1);
            schedulers.get(i).advance();
            for (int k = 0; k < w.size(); k++) {
                Tensor t = w.get(k).getKey();
                t.copyInPlace(Tensor.where(atMilestone, w.get(k).getValue(), Tensor.where(mine, t, before.get(k))));
            }
        }
    }
}
