package io.simdgrad.optim;

/**
 * Cosine annealing from the initial learning rate to {@code etaMin} over {@code tMax} epochs and
 * back, PyTorch's {@code CosineAnnealingLR(optimizer, T_max, eta_min=0)} in its chained form:
 * {@code lr = (1 + cos(πt/T)) / (1 + cos(π(t-1)/T)) · (lr - η) + η}, and
 * {@code lr += (base - η)(1 - cos(π/T))/2} where {@code (t - 1 - T) mod 2T = 0}.
 * The factors repeat with period 2T and are tabulated over one period.
 */
public final class CosineAnnealingLR extends TableLR {
    /** Anneals to 0 over {@code tMax} epochs. */
    public CosineAnnealingLR(Optimizer optimizer, int tMax) {
        this(optimizer, tMax, 0);
    }

    /** Anneals to {@code etaMin} over {@code tMax} epochs. */
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super(optimizer, 2 * checked(tMax));
        int n = 2 * tMax;
        double[][] mode = new double[groups()][n], a = new double[groups()][n];
        double[] c = new double[groups()];
        for (int j = 0; j < n; j++) {
            int t = j == 0 ? n : j;
            boolean restart = Math.floorMod(t - 1 - tMax, 2 * tMax) == 0;
            for (int g = 0; g < groups(); g++) {
                c[g] = etaMin;
                if (restart) {
                    mode[g][j] = SHIFT;
                    a[g][j] = (baseLrs[g] - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
                } else {
                    mode[g][j] = AFFINE;
                    a[g][j] = (1 + Math.cos(Math.PI * t / tMax)) / (1 + Math.cos(Math.PI * (t - 1) / tMax));
                }
            }
        }
        tables(mode, a, c);
    }

    private static int checked(int tMax) {
        if (tMax <= 0) throw new IllegalArgumentException("CosineAnnealingLR: T_max must be positive, got " + tMax);
        return tMax;
    }
}
