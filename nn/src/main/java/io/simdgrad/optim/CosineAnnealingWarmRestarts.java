package io.simdgrad.optim;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;

/**
 * Cosine annealing with warm restarts, PyTorch's
 * {@code CosineAnnealingWarmRestarts(optimizer, T_0, T_mult=1, eta_min=0)}:
 * {@code lr = η + (base - η)(1 + cos(π·T_cur/T_i))/2}, where {@code T_cur} counts the epochs since
 * the last restart and {@code T_i} (first {@code T_0}) is multiplied by {@code T_mult} at every
 * restart. {@code T_cur} and {@code T_i} are state tensors (PyTorch's names) stepped with ops as
 * PyTorch's {@code step()} without an epoch, so a compiled step restarts on time.
 */
public final class CosineAnnealingWarmRestarts extends LRScheduler {
    private final int tMult;
    private final double etaMin;
    private final Tensor tCur, tI;

    /** Restarts every {@code t0} epochs ({@code T_mult=1}), annealing to {@code etaMin}. */
    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, double etaMin) {
        this(optimizer, t0, 1, etaMin);
    }

    /** The first cycle {@code t0} epochs, each next one {@code tMult} times longer. */
    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult, double etaMin) {
        super(optimizer);
        if (t0 <= 0) throw new IllegalArgumentException("CosineAnnealingWarmRestarts: Expected positive integer T_0, but got " + t0);
        if (tMult < 1) throw new IllegalArgumentException("CosineAnnealingWarmRestarts: Expected integer T_mult >= 1, but got " + tMult);
        this.tMult = tMult;
        this.etaMin = etaMin;
        tCur = keep("T_cur", Tensor.scalar(DType.FLOAT64, 0));
        tI = keep("T_i", Tensor.scalar(DType.FLOAT64, t0));
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            write();
        }
    }

    @Override
    void advance() {
        tCur.addInPlace(1);
        Tensor restart = tCur.ge(tI);
        // T_cur reaches T_i exactly, so PyTorch's T_cur % T_i is T_cur - T_i
        tCur.copyInPlace(Tensor.where(restart, tCur.sub(tI), tCur));
        tI.copyInPlace(Tensor.where(restart, tI.mul(tMult), tI));
        write();
    }

    private void write() {
        Tensor cosOut = tCur.mul(Math.PI).div(tI).cos().add(1);
        for (int g = 0; g < groups(); g++) lr(g).copyInPlace(cosOut.mul(baseLrs[g] - etaMin).div(2).add(etaMin));
    }
}
