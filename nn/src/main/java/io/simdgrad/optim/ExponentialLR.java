package io.simdgrad.optim;

/** Multiplies the learning rate by {@code gamma} every epoch, PyTorch's {@code ExponentialLR(optimizer, gamma)}. */
public final class ExponentialLR extends LRScheduler {
    private final double gamma;

    /** {@code lr *= gamma} per step. */
    public ExponentialLR(Optimizer optimizer, double gamma) {
        super(optimizer);
        this.gamma = gamma;
    }

    @Override
    void advance() {
        for (int i = 0; i < groups(); i++) lr(i).mulInPlace(gamma);
    }
}
