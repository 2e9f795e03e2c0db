package io.simdgrad.nn;

import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/** {@code x Φ(x)} ({@code "none"}) or its tanh approximation ({@code "tanh"}), PyTorch's {@code nn.GELU(approximate)}. */
public final class GELU extends Module {
    private final String approximate;

    /** The exact form, {@code approximate="none"}. */
    public GELU() {
        this("none");
    }

    /** {@code approximate} is {@code "none"} or {@code "tanh"}. */
    public GELU(String approximate) {
        if (!"none".equals(approximate) && !"tanh".equals(approximate)) {
            throw new IllegalArgumentException("GELU: approximate argument must be either none or tanh, got '" + approximate + "'");
        }
        this.approximate = approximate;
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.gelu(x, approximate);
    }

    @Override
    public String extraRepr() {
        return "approximate='" + approximate + "'";
    }
}
