package io.simdgrad.optim;

import io.simdgrad.core.Autograd;

/**
 * Scales the learning rate linearly from {@code startFactor} to {@code endFactor} over
 * {@code totalIters} epochs, PyTorch's {@code LinearLR(optimizer, start_factor=1/3,
 * end_factor=1.0, total_iters=5)} (its chained form: {@code lr *= 1 + (e - s) / (n·s + (t-1)(e - s))}).
 */
public final class LinearLR extends TableLR {
    private final double startFactor;

    @Override
    double epoch0Lr(int g) {
        return baseLrs[g] * startFactor;
    }

    /** PyTorch's defaults: {@code LinearLR(optimizer, 1/3, 1, 5)}. */
    public LinearLR(Optimizer optimizer) {
        this(optimizer, 1.0 / 3, 1.0, 5);
    }

    /** From {@code startFactor} to {@code endFactor} over {@code totalIters} steps. */
    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
        super(optimizer, 0);
        if (startFactor > 1.0 || startFactor <= 0) throw new IllegalArgumentException("LinearLR: Starting multiplicative factor expected to be greater than 0 and less or equal to 1.");
        if (endFactor > 1.0 || endFactor < 0) throw new IllegalArgumentException("LinearLR: Ending multiplicative factor expected to be between 0 and 1.");
        int n = totalIters + 2;
        double[][] mode = new double[groups()][n], a = new double[groups()][n];
        for (int k = 1; k < n; k++) {
            for (int g = 0; g < groups(); g++) {
                mode[g][k] = k > totalIters ? KEEP : SCALE;
                a[g][k] = 1.0 + (endFactor - startFactor) / (totalIters * startFactor + (k - 1) * (endFactor - startFactor));
            }
        }
        tables(mode, a, new double[groups()]);
        this.startFactor = startFactor;
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            for (int g = 0; g < groups(); g++) lr(g).mulInPlace(startFactor);
        }
    }
}
