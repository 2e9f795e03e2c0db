package io.simdgrad.optim;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;

/**
 * Reduces the learning rate by {@code factor} when a metric has not improved for
 * {@code patience} epochs, PyTorch's {@code ReduceLROnPlateau(optimizer, mode='min', factor=0.1,
 * patience=10, threshold=1e-4, threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-8)}. The
 * metric is a tensor and the decision is made with ops (compare and select), so a compiled step
 * that passes its loss here replays without reading it.
 */
public final class ReduceLROnPlateau extends LRScheduler {
    private final boolean max;
    private final boolean relative;
    private final double factor, threshold, cooldown, minLr, eps;
    private final int patience;
    private final Tensor best, badEpochs, cooldownCounter;

    /** PyTorch's defaults (mode min). */
    public ReduceLROnPlateau(Optimizer optimizer) {
        this(optimizer, false, 0.1, 10, 1e-4, true, 0, 0, 1e-8);
    }

    /** All of PyTorch's arguments ({@code max} for mode 'max', {@code relative} for threshold_mode 'rel'). */
    public ReduceLROnPlateau(Optimizer optimizer, boolean max, double factor, int patience, double threshold, boolean relative,
            int cooldown, double minLr, double eps) {
        super(optimizer);
        if (factor >= 1.0) throw new IllegalArgumentException("ReduceLROnPlateau: Factor should be < 1.0.");
        this.max = max;
        this.relative = relative;
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        this.cooldown = cooldown;
        this.minLr = minLr;
        this.eps = eps;
        best = keep("best", Tensor.scalar(DType.FLOAT64, max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY));
        badEpochs = keep("num_bad_epochs", Tensor.scalar(DType.FLOAT64, 0));
        cooldownCounter = keep("cooldown_counter", Tensor.scalar(DType.FLOAT64, 0));
    }

    /** Not used: this schedule steps on a metric, {@link #step(Tensor)}. */
    @Override
    public void step() {
        throw new UnsupportedOperationException("ReduceLROnPlateau.step: pass the metric, step(metric)");
    }

    @Override
    void advance() {
        throw new AssertionError("unused");
    }

    /** One epoch with {@code metric} (a one-element tensor, e.g. the validation loss). */
    public void step(Tensor metric) {
        if (metric.numel() != 1) throw new IllegalArgumentException("ReduceLROnPlateau.step: the metric must have one element, got " + metric.numel());
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            Tensor current = metric.reshape().to(DType.FLOAT64);
            lastEpoch.addInPlace(1);
            Tensor better;
            if (relative) better = max ? current.gt(best.mul(threshold + 1)) : current.lt(best.mul(1 - threshold));
            else better = max ? current.gt(best.add(threshold)) : current.lt(best.sub(threshold));
            best.copyInPlace(Tensor.where(better, current, best));
            badEpochs.copyInPlace(Tensor.where(better, ZERO, badEpochs.add(1)));
            Tensor inCooldown = cooldownCounter.gt(0);
            cooldownCounter.copyInPlace(Tensor.where(inCooldown, cooldownCounter.sub(1), cooldownCounter));
            badEpochs.copyInPlace(Tensor.where(inCooldown, ZERO, badEpochs));
            Tensor reduce = badEpochs.gt(patience);
            for (int i = 0; i < groups(); i++) {
                Tensor old = lr(i), next = old.mul(factor).maximum(minLr);
                lr(i).copyInPlace(Tensor.where(reduce.mul(old.sub(next).gt(eps)), next, old));
            }
            cooldownCounter.copyInPlace(Tensor.where(reduce, Tensor.scalar(DType.FLOAT64, cooldown), cooldownCounter));
            badEpochs.copyInPlace(Tensor.where(reduce, ZERO, badEpochs));
        }
    }
}
