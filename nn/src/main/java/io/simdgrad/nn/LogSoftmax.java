package io.simdgrad.nn;

import io.simdgrad.core.Variable;

/** {@code x - logsumexp(x) along {@code dim}, PyTorch's {@code nn.LogSoftmax(dim)}}. */
public final class LogSoftmax extends Module {
    private final int dim;

    /** Along {@code dim}. */
    public LogSoftmax(int dim) {
        this.dim = dim;
    }

    @Override
    public Variable forward(Variable x) {
        return x.logSoftmax(dim);
    }

    @Override
    public String extraRepr() {
        return "dim=" + dim;
    }
}
