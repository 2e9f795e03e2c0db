package io.simdgrad.optim;

/**
 * The 1cycle policy, PyTorch's {@code OneCycleLR(optimizer, max_lr, total_steps, pct_start=0.3,
 * anneal_strategy='cos', div_factor=25, final_div_factor=1e4, three_phase=False)}: cosine from
 * {@code max_lr/div_factor} up to {@code max_lr} over {@code pct_start} of the steps, then down to
 * {@code initial/final_div_factor}. Unlike PyTorch's default ({@code cycle_momentum=True}) the
 * momentum is not cycled. Past {@code totalSteps} the last value stays (PyTorch raises).
 */
public final class OneCycleLR extends TableLR {
    /** PyTorch's defaults for the other arguments. */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps) {
        this(optimizer, maxLr, totalSteps, 0.3, 25, 1e4);
    }

    /** The two-phase cosine policy. */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart, double divFactor, double finalDivFactor) {
        super(optimizer, 0);
        if (totalSteps <= 0) throw new IllegalArgumentException("OneCycleLR: Expected positive integer total_steps, but got " + totalSteps);
        if (pctStart < 0 || pctStart > 1) throw new IllegalArgumentException("OneCycleLR: Expected float between 0 and 1 pct_start, but got " + pctStart);
        double initial = maxLr / divFactor, min = initial / finalDivFactor;
        double[] ends = {pctStart * totalSteps - 1, totalSteps - 1};
        double[][] lrs = {{initial, maxLr}, {maxLr, min}};
        int n = totalSteps + 1;
        double[][] mode = new double[groups()][n], a = new double[groups()][n];
        for (int k = 0; k < n; k++) {
            double start = 0, v = 0;
            for (int ph = 0; ph < 2; ph++) {
                if (k <= ends[ph] || ph == 1) {
                    double pct = (k - start) / (ends[ph] - start);
                    double cosOut = Math.cos(Math.PI * pct) + 1;
                    v = lrs[ph][1] + (lrs[ph][0] - lrs[ph][1]) / 2.0 * cosOut;
                    break;
                }
                start = ends[ph];
            }
            for (int g = 0; g < groups(); g++) {
                mode[g][k] = SET;
                a[g][k] = v;
            }
        }
        tables(mode, a, new double[groups()]);
        try (io.simdgrad.core.Autograd.Scope ignored = io.simdgrad.core.Autograd.noGrad()) {
            for (int g = 0; g < groups(); g++) lr(g).fillInPlace(a[g][0]);
        }
    }
}
