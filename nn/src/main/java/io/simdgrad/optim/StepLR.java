package io.simdgrad.optim;

import io.simdgrad.core.Tensor;

/** Multiplies the learning rate by {@code gamma} every {@code stepSize} epochs, PyTorch's {@code StepLR(optimizer, step_size, gamma=0.1)}. */
public final class StepLR extends LRScheduler {
    private final double stepSize;
    private final double gamma;
    private final Tensor phase;

    /** {@code lr *= gamma} at epochs {@code stepSize, 2·stepSize, ...}. */
    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        if (stepSize <= 0) throw new IllegalArgumentException("StepLR: step_size must be positive, got " + stepSize);
        this.stepSize = stepSize;
        this.gamma = gamma;
        phase = keep("phase", Tensor.scalar(io.simdgrad.core.DType.FLOAT64, 0));
    }

    @Override
    void advance() {
        phase.addInPlace(1);
        Tensor wrap = phase.eq(stepSize);
        phase.copyInPlace(Tensor.where(wrap, ZERO, phase));
        for (int i = 0; i < groups(); i++) lr(i).copyInPlace(Tensor.where(wrap, lr(i).mul(gamma), lr(i)));
    }
}
