package io.simdgrad.nn;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/**
 * 2-D cross-correlation, PyTorch's {@code nn.Conv2d(in_channels, out_channels, kernel_size,
 * stride=1, padding=0, dilation=1, groups=1, bias=True)}: weight {@code [out, in/groups, kh, kw]},
 * bias {@code [out]}, initialised as PyTorch does ({@code kaiming_uniform_(W, a=√5)}, the bias
 * {@code U(±1/√fan_in)}, {@code fan_in = in/groups · kh · kw}).
 */
public final class Conv2d extends ConvNd {
    /** Square kernel, stride 1, no padding, with a bias, FLOAT32, initialised from {@code gen}. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, Generator gen) {
        this(inChannels, outChannels, kernelSize, 1, 0, 1, 1, true, DType.FLOAT32, gen);
    }

    /** Square kernel, stride 1, {@code padding}, with a bias, FLOAT32, from the global generator ({@link Init#generator()}). */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int padding) {
        this(inChannels, outChannels, kernelSize, 1, padding, 1, 1, true, DType.FLOAT32, Init.generator());
    }

    /** Square kernel, stride, padding and dilation the same along both axes. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups, boolean bias,
                  DType dtype, Generator gen) {
        this(inChannels, outChannels, rep(kernelSize, 2), rep(stride, 2), rep(padding, 2), rep(dilation, 2), groups, bias, dtype, gen);
    }

    /** The general form: kernel, stride, padding, dilation as (h, w); {@code bias=false} registers an absent bias. */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation, int groups, boolean bias,
                  DType dtype, Generator gen) {
        super(inChannels, outChannels, checked(kernelSize), stride, padding, dilation, new int[2], false, groups, bias, dtype, gen);
    }

    private static int[] checked(int[] kernelSize) {
        if (kernelSize.length != 2) throw new IllegalArgumentException("Conv2d: kernel_size, stride, padding and dilation take 2 values (h, w), got " + kernelSize.length);
        return kernelSize;
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.conv2d(x, param("weight"), param("bias"), stride, padding, dilation, groups);
    }
}
