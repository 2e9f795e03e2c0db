package io.simdgrad.nn;

import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/** {@code x >= 0 ? x : negativeSlope x}, PyTorch's {@code nn.LeakyReLU(negative_slope=0.01)}. */
public final class LeakyReLU extends Module {
    private final double negativeSlope;

    /** {@code negative_slope=0.01}. */
    public LeakyReLU() {
        this(0.01);
    }

    /** The slope for negative inputs. */
    public LeakyReLU(double negativeSlope) {
        this.negativeSlope = negativeSlope;
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.leakyRelu(x, negativeSlope);
    }

    @Override
    public String extraRepr() {
        return "negative_slope=" + Repr.py(negativeSlope);
    }
}
