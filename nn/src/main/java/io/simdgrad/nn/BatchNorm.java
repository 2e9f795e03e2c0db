package io.simdgrad.nn;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share, PyTorch's {@code _BatchNorm}:
 * {@code weight} (ones) and {@code bias} (zeros) of {@code [C]} when affine, the buffers
 * {@code running_mean} (zeros), {@code running_var} (ones) and {@code num_batches_tracked} (an
 * INT64 scalar) when tracking running stats. Training normalises with the batch's statistics and
 * updates the running ones ({@code r = (1 - momentum) r + momentum s}, the variance unbiased);
 * evaluation normalises with the running ones.
 */
public abstract class BatchNorm extends Module {
    private final int numFeatures;
    private final double eps, momentum;
    private final boolean affine, trackRunningStats;

    BatchNorm(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats, DType dtype) {
        if (numFeatures <= 0) throw new IllegalArgumentException(name() + ": num_features must be positive, got " + numFeatures);
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.trackRunningStats = trackRunningStats;
        registerParameter("weight", affine ? new Variable(Tensor.ones(dtype, numFeatures), true) : null);
        registerParameter("bias", affine ? new Variable(Tensor.zeros(dtype, numFeatures), true) : null);
        registerBuffer("running_mean", trackRunningStats ? Tensor.zeros(dtype, numFeatures) : null);
        registerBuffer("running_var", trackRunningStats ? Tensor.ones(dtype, numFeatures) : null);
        registerBuffer("num_batches_tracked", trackRunningStats ? Tensor.scalar(0L) : null);
    }

    /** Throws PyTorch's message unless {@code x} has a rank this module takes. */
    abstract void checkInput(Variable x);

    @Override
    public Variable forward(Variable x) {
        checkInput(x);
        boolean batchStats = isTraining() || !trackRunningStats;
        if (isTraining() && trackRunningStats) {
            try (Autograd.Scope ignored = Autograd.noGrad()) {
                // int64 has no arithmetic: count in float64 (exact to 2^53) and convert back, as tensor ops so a compiled step counts too
                Tensor n = buffer("num_batches_tracked");
                n.copyInPlace(n.to(DType.FLOAT64).add(1));
            }
        }
        return Functional.batchNorm(x, buffer("running_mean"), buffer("running_var"), param("weight"), param("bias"), batchStats, momentum, eps);
    }

    @Override
    public String extraRepr() {
        return numFeatures + ", eps=" + Repr.py(eps) + ", momentum=" + Repr.py(momentum) + ", affine=" + Repr.bool(affine)
                + ", bias=" + Repr.bool(param("bias") != null) + ", track_running_stats=" + Repr.bool(trackRunningStats);
    }
}
