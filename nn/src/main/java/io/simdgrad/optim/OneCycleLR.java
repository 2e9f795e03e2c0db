package io.simdgrad.optim;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The 1cycle policy, PyTorch's {@code OneCycleLR(optimizer, max_lr, total_steps, pct_start=0.3,
 * anneal_strategy='cos', cycle_momentum=True, base_momentum=0.85, max_momentum=0.95,
 * div_factor=25, final_div_factor=1e4, three_phase=False)}: the learning rate anneals from
 * {@code max_lr/div_factor} up to {@code max_lr} over {@code pct_start} of the steps, then down to
 * {@code initial/final_div_factor} (with {@code threePhase}: back to the initial value over as
 * many steps, then down); the momentum (SGD's and RMSprop's {@code momentum}, Adam's
 * {@code beta1}) moves the other way, {@code max_momentum} to {@code base_momentum} and back.
 * Cosine annealing {@code end + (start - end)/2 · (cos(π·pct) + 1)} or linear
 * {@code (end - start)·pct + start}. Past {@code totalSteps} the last value stays (PyTorch raises).
 * The values come from tables made once with PyTorch's formula; the momentum is written into
 * {@link ParamGroup#optionTensor}, so a compiled step cycles it too.
 */
public final class OneCycleLR extends TableLR {
    private final Tensor positions;
    private final Tensor[] momentumTables;
    private final String momentumKey;
    private final double[] firstLr, firstMomentum;

    @Override
    double epoch0Lr(int g) {
        return firstLr[g];
    }

    @Override
    List<Map.Entry<Tensor, Double>> writesAtEpoch0() {
        List<Map.Entry<Tensor, Double>> m = new java.util.ArrayList<>();
        if (momentumKey != null) for (int g = 0; g < groups(); g++) m.add(Map.entry(optimizer.paramGroups().get(g).optionTensor(momentumKey), firstMomentum[g]));
        return m;
    }

    /**
     * PyTorch's defaults for the rest, except that the momentum is not cycled (PyTorch's
     * {@code cycle_momentum=False}): SGD without momentum has no momentum buffers here.
     */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps) {
        this(optimizer, maxLr, totalSteps, 0.3, 25, 1e4);
    }

    /** The two-phase cosine policy without momentum cycling. */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart, double divFactor, double finalDivFactor) {
        this(optimizer, maxLr, totalSteps, pctStart, "cos", false, 0.85, 0.95, divFactor, finalDivFactor, false);
    }

    /** The general form, PyTorch's argument order; {@code annealStrategy} "cos" or "linear". */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart, String annealStrategy, boolean cycleMomentum,
                      double baseMomentum, double maxMomentum, double divFactor, double finalDivFactor, boolean threePhase) {
        super(optimizer, 0);
        if (totalSteps <= 0) throw new IllegalArgumentException("OneCycleLR: Expected positive integer total_steps, but got " + totalSteps);
        if (!(pctStart >= 0 && pctStart <= 1)) throw new IllegalArgumentException("OneCycleLR: Expected float between 0 and 1 pct_start, but got " + pctStart);
        boolean cos = annealStrategy.equals("cos");
        if (!cos && !annealStrategy.equals("linear")) {
            throw new IllegalArgumentException("OneCycleLR: anneal_strategy must be one of 'cos' or 'linear', instead got " + annealStrategy);
        }
        ParamGroup first = optimizer.paramGroups().get(0);
        momentumKey = !cycleMomentum ? null : first.optionTensor("beta1") != null ? "beta1" : "momentum";
        if (cycleMomentum) {
            for (ParamGroup g : optimizer.paramGroups()) {
                if (g.optionTensor(momentumKey) == null) {
                    throw new IllegalArgumentException("OneCycleLR: optimizer must support momentum or beta1 with `cycle_momentum` option enabled");
                }
                if (momentumKey.equals("momentum") && g.get("momentum") == 0) {
                    throw new IllegalArgumentException("OneCycleLR: cycle_momentum needs the optimizer built with momentum > 0 (here its momentum "
                            + "buffers exist from the start, or not at all)");
                }
            }
        }
        double initial = maxLr / divFactor, min = initial / finalDivFactor;
        for (ParamGroup g : optimizer.paramGroups()) g.setInitialLr(initial);
        // each phase: end step, start and end lr, start and end momentum (PyTorch's _schedule_phases)
        double[][] phases = threePhase
                ? new double[][] {{pctStart * totalSteps - 1, initial, maxLr, maxMomentum, baseMomentum},
                    {2 * pctStart * totalSteps - 2, maxLr, initial, baseMomentum, maxMomentum},
                    {totalSteps - 1, initial, min, maxMomentum, maxMomentum}}
                : new double[][] {{pctStart * totalSteps - 1, initial, maxLr, maxMomentum, baseMomentum},
                    {totalSteps - 1, maxLr, min, baseMomentum, maxMomentum}};
        int n = totalSteps + 1;
        double[][] mode = new double[groups()][n], a = new double[groups()][n], mom = new double[groups()][n];
        for (int k = 0; k < n; k++) {
            double start = 0;
            for (int ph = 0; ph < phases.length; ph++) {
                double[] p = phases[ph];
                if (k <= p[0] || ph == phases.length - 1) {
                    double pct = (k - start) / (p[0] - start);
                    for (int g = 0; g < groups(); g++) {
                        mode[g][k] = SET;
                        a[g][k] = anneal(cos, p[1], p[2], pct);
                        mom[g][k] = anneal(cos, p[3], p[4], pct);
                    }
                    break;
                }
                start = p[0];
            }
        }
        tables(mode, a, new double[groups()]);
        positions = positions(n);
        firstLr = new double[groups()];
        firstMomentum = new double[groups()];
        for (int g = 0; g < groups(); g++) {
            firstLr[g] = a[g][0];
            firstMomentum[g] = mom[g][0];
        }
        momentumTables = new Tensor[groups()];
        for (int g = 0; g < groups(); g++) momentumTables[g] = table(mom[g]);
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            for (int g = 0; g < groups(); g++) {
                lr(g).fillInPlace(a[g][0]);
                if (momentumKey != null) optimizer.paramGroups().get(g).optionTensor(momentumKey).fillInPlace(mom[g][0]);
            }
        }
    }

    private static double anneal(boolean cos, double start, double end, double pct) {
        if (!cos) return (end - start) * pct + start;
        double cosOut = Math.cos(Math.PI * pct) + 1;
        return end + (start - end) / 2.0 * cosOut;
    }

    @Override
    void advance() {
        super.advance();
        if (momentumKey == null) return;
        Tensor k = lastEpoch.minimum(positions.numel() - 1);
        for (int g = 0; g < groups(); g++) {
            optimizer.paramGroups().get(g).optionTensor(momentumKey).copyInPlace(lookup(momentumTables[g], positions, k));
        }
    }
}
