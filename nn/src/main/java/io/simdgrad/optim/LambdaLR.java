package io.simdgrad.optim;

import java.util.function.IntToDoubleFunction;

/**
 * {@code lr = base · lambda(epoch)}, PyTorch's {@code LambdaLR(optimizer, lr_lambda)}. The
 * lambda is Java code, so it is evaluated once per epoch up to {@code totalSteps} when the
 * scheduler is built and tabulated (a compiled step then reads the table); past
 * {@code totalSteps} the last value stays.
 */
public final class LambdaLR extends TableLR {
    private final double[] first;

    @Override
    double epoch0Lr(int g) {
        return first[g];
    }

    /** The factors {@code lambda(0..totalSteps)}. */
    public LambdaLR(Optimizer optimizer, IntToDoubleFunction lambda, int totalSteps) {
        super(optimizer, 0);
        if (totalSteps < 0) throw new IllegalArgumentException("LambdaLR: totalSteps must be >= 0, got " + totalSteps);
        int n = totalSteps + 1;
        double[][] mode = new double[groups()][n], a = new double[groups()][n];
        for (int k = 0; k < n; k++) {
            double f = lambda.applyAsDouble(k);
            for (int g = 0; g < groups(); g++) {
                mode[g][k] = SET;
                a[g][k] = baseLrs[g] * f;
            }
        }
        tables(mode, a, new double[groups()]);
        first = new double[groups()];
        for (int g = 0; g < groups(); g++) first[g] = a[g][0];
        try (io.simdgrad.core.Autograd.Scope ignored = io.simdgrad.core.Autograd.noGrad()) {
            for (int g = 0; g < groups(); g++) lr(g).fillInPlace(a[g][0]);
        }
    }
}
