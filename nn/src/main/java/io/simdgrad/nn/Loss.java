package io.simdgrad.nn;

import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;

/** A loss module, PyTorch's {@code nn._Loss}: {@code forward(input, target)} gives the 0-d loss (or per element, reduction NONE). */
public abstract class Loss extends Module {
    /** A loss module (no state). */
    protected Loss() {}

    /** The loss of {@code input} against {@code target}. */
    public abstract Variable forward(Variable input, Tensor target);

    @Override
    public final Variable forward(Variable x) {
        throw new UnsupportedOperationException(name() + ".forward: a loss takes (input, target)");
    }
}
