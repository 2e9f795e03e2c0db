package io.simdgrad.nn;

import io.simdgrad.core.Generator;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/**
 * Zeroes each element with probability {@code p} in training and scales the rest by
 * {@code 1/(1-p)}; the identity in evaluation. PyTorch's {@code nn.Dropout(p=0.5)}, the masks
 * drawn from the module's {@link Generator}.
 */
public final class Dropout extends Module {
    private final double p;
    private final Generator gen;

    /** {@code Dropout(0.5)} drawing from the global generator ({@link Init#generator()}). */
    public Dropout() {
        this(0.5);
    }

    /** Drops with probability {@code p}, drawing from the global generator. */
    public Dropout(double p) {
        this(p, Init.generator());
    }

    /** Drops with probability {@code p}, the masks drawn from {@code gen}. */
    public Dropout(double p, Generator gen) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout: dropout probability has to be between 0 and 1, but got " + p);
        if (gen == null) throw new NullPointerException("Dropout: generator is null");
        this.p = p;
        this.gen = gen;
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.dropout(x, p, isTraining(), gen);
    }

    @Override
    public String extraRepr() {
        return "p=" + Repr.py(p) + ", inplace=False";
    }
}
