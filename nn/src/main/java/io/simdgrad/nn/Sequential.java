package io.simdgrad.nn;

import io.simdgrad.core.Variable;

/** Children applied in order, each to the previous one's output, PyTorch's {@code nn.Sequential}; named {@code 0, 1, ...}. */
public final class Sequential extends IndexedModules {
    /** The modules in order. */
    public Sequential(Module... modules) {
        for (Module m : modules) append(m);
    }

    /** Adds {@code m} at the end under the next index; returns this. */
    public Sequential append(Module m) {
        add(m);
        return this;
    }

    @Override
    public Variable forward(Variable x) {
        for (Module m : children()) x = m.forward(x);
        return x;
    }
}
