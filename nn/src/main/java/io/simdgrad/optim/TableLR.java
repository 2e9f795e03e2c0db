package io.simdgrad.optim;

import io.simdgrad.core.Tensor;

/**
 * A schedule given by tables over a bounded index {@code k}: {@code min(epoch, n - 1)}, or with a
 * period, {@code epoch mod period} (kept as a counter). At {@code k} a group's learning rate
 * becomes, by {@code mode[k]}: KEEP {@code lr}, SCALE {@code lr * a[k]}, AFFINE
 * {@code a[k] * (lr - c) + c}, SHIFT {@code lr + a[k]}, SET {@code a[k]}. The subclasses fill the
 * tables with PyTorch's own recursions in Java doubles, so the learning rates are PyTorch's.
 */
abstract class TableLR extends LRScheduler {
    private Tensor positions;
    private Tensor[] mode;
    private Tensor[] a;
    private double[] c;

    private final int period;
    private final Tensor phase;

    /** {@code period > 0}: the index is the epoch modulo it; 0: the epoch, clamped to the table. */
    TableLR(Optimizer optimizer, int period) {
        super(optimizer);
        this.period = period;
        phase = period > 0 ? keep("phase", Tensor.scalar(io.simdgrad.core.DType.FLOAT64, 0)) : null;
    }

    void tables(double[][] modes, double[][] as, double[] cs) {
        positions = positions(modes[0].length);
        mode = new Tensor[groups()];
        a = new Tensor[groups()];
        for (int i = 0; i < groups(); i++) {
            mode[i] = table(modes[i]);
            a[i] = table(as[i]);
        }
        c = cs;
    }

    private Tensor index() {
        if (period == 0) return lastEpoch.minimum(positions.numel() - 1);
        phase.addInPlace(1);
        return phase.copyInPlace(Tensor.where(phase.eq(period), ZERO, phase));
    }

    @Override
    void advance() {
        Tensor k = index();
        for (int i = 0; i < groups(); i++) {
            Tensor m = lookup(mode[i], positions, k), ak = lookup(a[i], positions, k), lr = lr(i);
            Tensor next = Tensor.where(m.eq(0), lr,
                    Tensor.where(m.eq(1), lr.mul(ak),
                            Tensor.where(m.eq(2), ak.mul(lr.sub(c[i])).add(c[i]),
                                    Tensor.where(m.eq(3), lr.add(ak), ak))));
            lr.copyInPlace(next);
        }
    }

    static final double KEEP = 0, SCALE = 1, AFFINE = 2, SHIFT = 3, SET = 4;
}
