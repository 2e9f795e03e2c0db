package io.simdgrad.nn;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/**
 * 1-D cross-correlation, PyTorch's {@code nn.Conv1d(in_channels, out_channels, kernel_size,
 * stride=1, padding=0, dilation=1, groups=1, bias=True)} over {@code [N, C, L]} (or {@code [C, L]}):
 * {@code y[b, o, i] = bias[o] + Σ_{c, q} w[o, c, q] x[b, g·C/G + c, i·s - p + q·d]}; weight
 * {@code [out, in/groups, k]}, bias {@code [out]}, initialised as PyTorch does
 * ({@code fan_in = in/groups · k}).
 */
public final class Conv1d extends ConvNd {
    /** Stride 1, no padding, with a bias, FLOAT32, initialised from {@code gen}. */
    public Conv1d(int inChannels, int outChannels, int kernelSize, Generator gen) {
        this(inChannels, outChannels, kernelSize, 1, 0, 1, 1, true, DType.FLOAT32, gen);
    }

    /** The general form; {@code bias=false} registers an absent bias. */
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups, boolean bias,
                  DType dtype, Generator gen) {
        super(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {dilation}, new int[1],
                false, groups, bias, dtype, gen);
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.conv1d(x, param("weight"), param("bias"), stride[0], padding[0], dilation[0], groups);
    }
}
