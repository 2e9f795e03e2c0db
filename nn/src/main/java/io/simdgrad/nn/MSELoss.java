package io.simdgrad.nn;

import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/** {@code mean((input - target)²)}, PyTorch's {@code nn.MSELoss()}; shapes must be equal. */
public final class MSELoss extends Loss {
    /** The mean reduction. */
    public MSELoss() {}

    @Override
    public Variable forward(Variable input, Tensor target) {
        return Functional.mseLoss(input, new Variable(target));
    }
}
