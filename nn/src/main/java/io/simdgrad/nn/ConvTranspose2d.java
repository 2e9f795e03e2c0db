package io.simdgrad.nn;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/**
 * The 2-D transposed convolution (the gradient of {@link Conv2d} with respect to its input),
 * PyTorch's {@code nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0,
 * output_padding=0, groups=1, bias=True, dilation=1)}: output size
 * {@code (H - 1)·s - 2p + d·(k - 1) + output_padding + 1}; weight {@code [in, out/groups, kh, kw]},
 * bias {@code [out]}, initialised as PyTorch does ({@code fan_in = out/groups · kh · kw}, from
 * the weight's second dim as PyTorch computes it).
 */
public final class ConvTranspose2d extends ConvNd {
    /** Square kernel, stride 1, no padding, with a bias, FLOAT32, initialised from {@code gen}. */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, Generator gen) {
        this(inChannels, outChannels, kernelSize, 1, 0, 0, 1, true, 1, DType.FLOAT32, gen);
    }

    /** Square kernel; stride, padding, output padding and dilation the same along both axes (PyTorch's argument order). */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int outputPadding, int groups,
                           boolean bias, int dilation, DType dtype, Generator gen) {
        this(inChannels, outChannels, rep(kernelSize, 2), rep(stride, 2), rep(padding, 2), rep(outputPadding, 2), groups, bias,
                rep(dilation, 2), dtype, gen);
    }

    /** The general form: every size as (h, w). */
    public ConvTranspose2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] outputPadding, int groups,
                           boolean bias, int[] dilation, DType dtype, Generator gen) {
        super(inChannels, outChannels, checked(kernelSize), stride, padding, dilation, outputPadding, true, groups, bias, dtype, gen);
    }

    private static int[] checked(int[] kernelSize) {
        if (kernelSize.length != 2) {
            throw new IllegalArgumentException("ConvTranspose2d: kernel_size, stride, padding, output_padding and dilation take 2 values (h, w), got "
                    + kernelSize.length);
        }
        return kernelSize;
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.convTranspose2d(x, param("weight"), param("bias"), stride, padding, outputPadding, groups, dilation);
    }
}
