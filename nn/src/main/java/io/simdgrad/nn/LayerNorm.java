package io.simdgrad.nn;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/**
 * {@code (x - E[x]) / sqrt(Var[x] + eps) * weight + bias} over the trailing dims
 * {@code normalizedShape}, PyTorch's {@code nn.LayerNorm(normalized_shape, eps=1e-5,
 * elementwise_affine=True)}: weight ones, bias zeros.
 */
public final class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final double eps;
    private final boolean elementwiseAffine;

    /** PyTorch's defaults, FLOAT32. */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true, DType.FLOAT32);
    }

    /** The general form. */
    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine, DType dtype) {
        if (normalizedShape.length == 0) throw new IllegalArgumentException("LayerNorm: normalized_shape must have at least one dim");
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.elementwiseAffine = elementwiseAffine;
        registerParameter("weight", elementwiseAffine ? new Variable(Tensor.ones(dtype, normalizedShape), true) : null);
        registerParameter("bias", elementwiseAffine ? new Variable(Tensor.zeros(dtype, normalizedShape), true) : null);
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.layerNorm(x, normalizedShape, param("weight"), param("bias"), eps);
    }

    @Override
    public String extraRepr() {
        return Repr.tuple(normalizedShape) + ", eps=" + Repr.py(eps) + ", elementwise_affine=" + Repr.bool(elementwiseAffine) + ", bias=" + Repr.bool(param("bias") != null);
    }
}
