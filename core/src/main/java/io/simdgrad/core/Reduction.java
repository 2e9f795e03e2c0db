package io.simdgrad.core;

/** How a loss reduces its per-element values, PyTorch's {@code reduction=} argument. */
public enum Reduction {
    /** One loss per element (the target's shape). */
    NONE,
    /** The mean over the elements (for {@code nllLoss}: over the targets not ignored); PyTorch's default. */
    MEAN,
    /** The sum over the elements. */
    SUM
}
