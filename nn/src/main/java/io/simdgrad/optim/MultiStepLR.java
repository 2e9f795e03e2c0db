package io.simdgrad.optim;

import java.util.Arrays;

/** Multiplies the learning rate by {@code gamma} at each milestone epoch, PyTorch's {@code MultiStepLR(optimizer, milestones, gamma=0.1)}. */
public final class MultiStepLR extends TableLR {
    /** {@code lr *= gamma^count} at each epoch in {@code milestones} (a milestone given twice counts twice, as PyTorch's Counter). */
    public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma) {
        super(optimizer, 0);
        int max = Arrays.stream(milestones).max().orElse(0);
        if (Arrays.stream(milestones).anyMatch(m -> m < 0)) throw new IllegalArgumentException("MultiStepLR: milestones must be >= 0, got " + Arrays.toString(milestones));
        int n = max + 2;
        double[][] mode = new double[groups()][n], a = new double[groups()][n];
        for (int k = 0; k < n; k++) {
            final int kk = k;
            long count = Arrays.stream(milestones).filter(m -> m == kk).count();
            for (int g = 0; g < groups(); g++) {
                mode[g][k] = count > 0 && k > 0 ? SCALE : KEEP;
                a[g][k] = Math.pow(gamma, count);
            }
        }
        tables(mode, a, new double[groups()]);
    }
}
