package io.simdgrad.nn;

import io.simdgrad.core.Reduction;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;
import io.simdgrad.core.ops.LossOps;

/**
 * Cross-entropy of logits {@code [N, C]} (or {@code [C]}, {@code [N, C, d...]}) against int64
 * class indices, PyTorch's {@code nn.CrossEntropyLoss(reduction, ignore_index)}: the labels are an
 * operand, so a compiled step replays with each minibatch's labels.
 */
public final class CrossEntropyLoss extends Loss {
    private final Reduction reduction;
    private final long ignoreIndex;

    /** Mean over the batch, no ignored class. */
    public CrossEntropyLoss() {
        this(Reduction.MEAN, LossOps.DEFAULT_IGNORE_INDEX);
    }

    /** With a reduction and an ignored class index (PyTorch's default -100). */
    public CrossEntropyLoss(Reduction reduction, long ignoreIndex) {
        this.reduction = reduction;
        this.ignoreIndex = ignoreIndex;
    }

    @Override
    public Variable forward(Variable input, Tensor target) {
        return Functional.crossEntropy(input, target, reduction, ignoreIndex);
    }
}
