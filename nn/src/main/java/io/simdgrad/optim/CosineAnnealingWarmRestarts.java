package io.simdgrad.optim;

/**
 * Cosine annealing restarted every {@code t0} epochs, PyTorch's
 * {@code CosineAnnealingWarmRestarts(optimizer, T_0, T_mult=1, eta_min=0)}:
 * {@code lr = η + (base - η)(1 + cos(π·T_cur/T_0))/2}. Only {@code T_mult=1} (the schedule is then
 * periodic and tabulated once).
 */
public final class CosineAnnealingWarmRestarts extends TableLR {
    /** Restarts every {@code t0} epochs, annealing to {@code etaMin}. */
    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, double etaMin) {
        super(optimizer, checked(t0));
        double[][] mode = new double[groups()][t0], a = new double[groups()][t0];
        for (int j = 0; j < t0; j++) {
            for (int g = 0; g < groups(); g++) {
                mode[g][j] = SET;
                a[g][j] = etaMin + (baseLrs[g] - etaMin) * (1 + Math.cos(Math.PI * j / t0)) / 2;
            }
        }
        tables(mode, a, new double[groups()]);
    }

    private static int checked(int t0) {
        if (t0 <= 0) throw new IllegalArgumentException("CosineAnnealingWarmRestarts: Expected positive integer T_0, but got " + t0);
        return t0;
    }
}
