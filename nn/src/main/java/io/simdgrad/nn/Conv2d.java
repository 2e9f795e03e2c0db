package io.simdgrad.nn;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/**
 * 2-D cross-correlation, PyTorch's {@code nn.Conv2d(in_channels, out_channels, kernel_size,
 * stride=1, padding=0, dilation=1, groups=1, bias=True)}: weight {@code [out, in/groups, kh, kw]},
 * bias {@code [out]}, initialised as PyTorch does ({@code kaiming_uniform_(W, a=√5)}, the bias
 * {@code U(±1/√fan_in)}, {@code fan_in = in/groups · kh · kw}).
 */
public final class Conv2d extends Module {
    private final int inChannels, outChannels, groups;
    private final int[] kernelSize, stride, padding, dilation;

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
        this(inChannels, outChannels, new int[] {kernelSize, kernelSize}, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {dilation, dilation}, groups, bias, dtype, gen);
    }

    /** The general form: kernel, stride, padding, dilation as (h, w); {@code bias=false} registers an absent bias. */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation, int groups, boolean bias,
                  DType dtype, Generator gen) {
        if (groups <= 0) throw new IllegalArgumentException("Conv2d: groups must be a positive integer, got " + groups);
        if (inChannels <= 0 || outChannels <= 0) {
            throw new IllegalArgumentException("Conv2d: in_channels and out_channels must be positive, got " + inChannels + ", " + outChannels);
        }
        if (inChannels % groups != 0) throw new IllegalArgumentException("Conv2d: in_channels must be divisible by groups (in_channels " + inChannels + ", groups " + groups + ")");
        if (outChannels % groups != 0) throw new IllegalArgumentException("Conv2d: out_channels must be divisible by groups (out_channels " + outChannels + ", groups " + groups + ")");
        for (int[] a : new int[][] {kernelSize, stride, padding, dilation}) {
            if (a.length != 2) throw new IllegalArgumentException("Conv2d: kernel_size, stride, padding and dilation take 2 values (h, w), got " + a.length);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        this.kernelSize = kernelSize.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        registerParameter("weight", new Variable(Tensor.zeros(dtype, outChannels, inChannels / groups, kernelSize[0], kernelSize[1]), true));
        registerParameter("bias", bias ? new Variable(Tensor.zeros(dtype, outChannels), true) : null);
        resetParameters(gen);
    }

    /** PyTorch's {@code reset_parameters}: the default initialisation again, from {@code gen}. */
    public void resetParameters(Generator gen) {
        Init.defaultLayerInit(param("weight"), param("bias"), gen);
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.conv2d(x, param("weight"), param("bias"), stride, padding, dilation, groups);
    }

    @Override
    public String extraRepr() {
        StringBuilder s = new StringBuilder().append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(Repr.tuple(kernelSize)).append(", stride=").append(Repr.tuple(stride));
        if (padding[0] != 0 || padding[1] != 0) s.append(", padding=").append(Repr.tuple(padding));
        if (dilation[0] != 1 || dilation[1] != 1) s.append(", dilation=").append(Repr.tuple(dilation));
        if (groups != 1) s.append(", groups=").append(groups);
        if (param("bias") == null) s.append(", bias=False");
        return s.toString();
    }
}
