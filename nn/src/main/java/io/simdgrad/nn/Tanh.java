package io.simdgrad.nn;

import io.simdgrad.core.Variable;

/** {@code tanh(x), PyTorch's {@code nn.Tanh}}. */
public final class Tanh extends Module {
    /** The activation (no parameters). */
    public Tanh() {}

    @Override
    public Variable forward(Variable x) {
        return x.tanh();
    }
}
