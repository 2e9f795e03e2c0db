package io.simdgrad.nn;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/**
 * {@code y = x Wᵀ + b}, PyTorch's {@code nn.Linear(in_features, out_features, bias)}: weight
 * {@code [out, in]}, bias {@code [out]}, initialised as PyTorch does ({@code kaiming_uniform_(W,
 * a=√5)}, i.e. {@code U(±1/√in)}, and the bias {@code U(±1/√in)}).
 */
public final class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;

    /** FLOAT32 with a bias, initialised from {@code gen}. */
    public Linear(int inFeatures, int outFeatures, Generator gen) {
        this(inFeatures, outFeatures, true, DType.FLOAT32, gen);
    }

    /** FLOAT32 with a bias, initialised from the global generator ({@link Init#generator()}). */
    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true, DType.FLOAT32, Init.generator());
    }

    /** The general form; {@code bias=false} registers an absent bias, as PyTorch. */
    public Linear(int inFeatures, int outFeatures, boolean bias, DType dtype, Generator gen) {
        if (inFeatures < 0 || outFeatures < 0) {
            throw new IllegalArgumentException("Linear: in_features and out_features must be >= 0, got " + inFeatures + ", " + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        registerParameter("weight", new Variable(Tensor.zeros(dtype, outFeatures, inFeatures), true));
        registerParameter("bias", bias ? new Variable(Tensor.zeros(dtype, outFeatures), true) : null);
        resetParameters(gen);
    }

    /** PyTorch's {@code reset_parameters}: the default initialisation again, from {@code gen}. */
    public void resetParameters(Generator gen) {
        Init.defaultLayerInit(param("weight"), param("bias"), gen);
    }

    @Override
    public Variable forward(Variable x) {
        if (x.dim() == 0 || x.size(x.dim() - 1) != inFeatures) {
            throw new IllegalArgumentException("Linear: mat1 and mat2 shapes cannot be multiplied (input of shape "
                    + io.simdgrad.core.ops.Shapes.str(x.shape()) + ", expected last dim in_features=" + inFeatures + ")");
        }
        return Functional.linear(x, param("weight"), param("bias"));
    }

    @Override
    public String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (param("bias") != null ? "True" : "False");
    }
}
