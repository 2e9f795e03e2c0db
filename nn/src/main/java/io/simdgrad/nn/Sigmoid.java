package io.simdgrad.nn;

import io.simdgrad.core.Variable;

/** {@code 1 / (1 + exp(-x)), PyTorch's {@code nn.Sigmoid}}. */
public final class Sigmoid extends Module {
    /** The activation (no parameters). */
    public Sigmoid() {}

    @Override
    public Variable forward(Variable x) {
        return x.sigmoid();
    }
}
