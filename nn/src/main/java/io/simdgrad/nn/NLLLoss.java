package io.simdgrad.nn;

import io.simdgrad.core.Reduction;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;
import io.simdgrad.core.ops.LossOps;

/** Negative log-likelihood of int64 class indices under log-probabilities, PyTorch's {@code nn.NLLLoss(reduction, ignore_index)}. */
public final class NLLLoss extends Loss {
    private final Reduction reduction;
    private final long ignoreIndex;

    /** Mean over the batch, no ignored class. */
    public NLLLoss() {
        this(Reduction.MEAN, LossOps.DEFAULT_IGNORE_INDEX);
    }

    /** With a reduction and an ignored class index (PyTorch's default -100). */
    public NLLLoss(Reduction reduction, long ignoreIndex) {
        this.reduction = reduction;
        this.ignoreIndex = ignoreIndex;
    }

    @Override
    public Variable forward(Variable input, Tensor target) {
        return Functional.nllLoss(input, target, reduction, ignoreIndex);
    }
}
