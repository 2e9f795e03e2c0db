package io.simdgrad.nn;

import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/** {@code x σ(x)}, PyTorch's {@code nn.SiLU}. */
public final class SiLU extends Module {
    /** The activation (no parameters). */
    public SiLU() {}

    @Override
    public Variable forward(Variable x) {
        return Functional.silu(x);
    }
}
