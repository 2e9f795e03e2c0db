package io.simdgrad.nn;

import io.simdgrad.core.Variable;

/** {@code max(0, x), PyTorch's {@code nn.ReLU}}. */
public final class ReLU extends Module {
    /** The activation (no parameters). */
    public ReLU() {}

    @Override
    public Variable forward(Variable x) {
        return x.relu();
    }
}
