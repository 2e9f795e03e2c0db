package io.simdgrad.nn;

import io.simdgrad.core.Variable;

/** {@code exp(x) / sum(exp(x)) along {@code dim}, PyTorch's {@code nn.Softmax(dim)}}. */
public final class Softmax extends Module {
    private final int dim;

    /** Along {@code dim}. */
    public Softmax(int dim) {
        this.dim = dim;
    }

    @Override
    public Variable forward(Variable x) {
        return x.softmax(dim);
    }

    @Override
    public String extraRepr() {
        return "dim=" + dim;
    }
}
