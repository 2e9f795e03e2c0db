package io.simdgrad.nn;

import io.simdgrad.core.DType;
import io.simdgrad.core.Variable;

/** Batch normalisation of {@code [N, C]} or {@code [N, C, L]} per channel, PyTorch's {@code nn.BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)}; see {@link BatchNorm}. */
public final class BatchNorm1d extends BatchNorm {
    /** PyTorch's defaults, FLOAT32. */
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true, DType.FLOAT32);
    }

    /** The general form. */
    public BatchNorm1d(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats, DType dtype) {
        super(numFeatures, eps, momentum, affine, trackRunningStats, dtype);
    }

    @Override
    void checkInput(Variable x) {
        if (x.dim() != 2 && x.dim() != 3) throw new IllegalArgumentException("BatchNorm1d: expected 2D or 3D input (got " + x.dim() + "D input)");
    }
}
