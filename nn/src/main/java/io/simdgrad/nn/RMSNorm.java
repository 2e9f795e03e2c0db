package io.simdgrad.nn;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/**
 * RMS normalisation over the trailing dims {@code normalizedShape}, PyTorch's
 * {@code nn.RMSNorm(normalized_shape, eps=None, elementwise_affine=True)}:
 * {@code x / sqrt(mean(x²) + eps) * weight}, weight ones; {@code eps} null is PyTorch's
 * {@code None}, the input dtype's machine epsilon.
 */
public final class RMSNorm extends Module {
    private final int[] normalizedShape;
    private final Double eps;
    private final boolean elementwiseAffine;

    /** PyTorch's defaults, FLOAT32. */
    public RMSNorm(int... normalizedShape) {
        this(normalizedShape, null, true, DType.FLOAT32);
    }

    /** The general form; {@code eps} may be null. */
    public RMSNorm(int[] normalizedShape, Double eps, boolean elementwiseAffine, DType dtype) {
        if (normalizedShape.length == 0) throw new IllegalArgumentException("RMSNorm: normalized_shape must have at least one dim");
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.elementwiseAffine = elementwiseAffine;
        registerParameter("weight", elementwiseAffine ? new Variable(Tensor.ones(dtype, normalizedShape), true) : null);
    }

    @Override
    public Variable forward(Variable x) {
        return eps == null ? Functional.rmsNorm(x, normalizedShape, param("weight"))
                : Functional.rmsNorm(x, normalizedShape, param("weight"), eps);
    }

    @Override
    public String extraRepr() {
        return Repr.tuple(normalizedShape) + ", eps=" + (eps == null ? "None" : Repr.py(eps)) + ", elementwise_affine=" + Repr.bool(elementwiseAffine);
    }
}
