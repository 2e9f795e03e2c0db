package io.simdgrad.nn;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/**
 * Group normalisation, PyTorch's {@code nn.GroupNorm(num_groups, num_channels, eps=1e-5,
 * affine=True)}: the channels of {@code [N, C, *]} in {@code num_groups} groups, each normalised
 * over its channels and positions, {@code (x - E[x]) / sqrt(Var[x] + eps) * weight[c] + bias[c]};
 * weight ones, bias zeros ({@code [C]}), no running statistics (the same in train and eval).
 */
public final class GroupNorm extends Module {
    private final int numGroups, numChannels;
    private final double eps;
    private final boolean affine;

    /** PyTorch's defaults, FLOAT32. */
    public GroupNorm(int numGroups, int numChannels) {
        this(numGroups, numChannels, 1e-5, true, DType.FLOAT32);
    }

    /** The general form. */
    public GroupNorm(int numGroups, int numChannels, double eps, boolean affine, DType dtype) {
        if (numGroups <= 0 || numChannels <= 0) {
            throw new IllegalArgumentException("GroupNorm: num_groups and num_channels must be positive, got " + numGroups + ", " + numChannels);
        }
        if (numChannels % numGroups != 0) throw new IllegalArgumentException("GroupNorm: num_channels must be divisible by num_groups");
        this.numGroups = numGroups;
        this.numChannels = numChannels;
        this.eps = eps;
        this.affine = affine;
        registerParameter("weight", affine ? new Variable(Tensor.ones(dtype, numChannels), true) : null);
        registerParameter("bias", affine ? new Variable(Tensor.zeros(dtype, numChannels), true) : null);
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.groupNorm(x, numGroups, param("weight"), param("bias"), eps);
    }

    @Override
    public String extraRepr() {
        return numGroups + ", " + numChannels + ", eps=" + Repr.py(eps) + ", affine=" + Repr.bool(affine) + ", bias=" + Repr.bool(param("bias") != null);
    }
}
