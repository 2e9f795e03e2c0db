package io.simdgrad.nn;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;

/**
 * What the convolution layers share, PyTorch's {@code _ConvNd}: the checks of the channel counts
 * and groups, the parameters {@code weight} ({@code [out, in/groups, *k]}, or {@code [in,
 * out/groups, *k]} when transposed) and {@code bias} ({@code [out]}, may be absent), PyTorch's
 * default initialisation ({@code kaiming_uniform_(W, a=√5)}, the bias {@code U(±1/√fan_in)}) and
 * PyTorch's printed form.
 */
public abstract class ConvNd extends Module {
    final int inChannels, outChannels, groups;
    final int[] kernelSize, stride, padding, dilation, outputPadding;

    ConvNd(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation, int[] outputPadding,
           boolean transposed, int groups, boolean bias, DType dtype, Generator gen) {
        String op = name();
        if (groups <= 0) throw new IllegalArgumentException(op + ": groups must be a positive integer, got " + groups);
        if (inChannels <= 0 || outChannels <= 0) {
            throw new IllegalArgumentException(op + ": in_channels and out_channels must be positive, got " + inChannels + ", " + outChannels);
        }
        if (inChannels % groups != 0) throw new IllegalArgumentException(op + ": in_channels must be divisible by groups (in_channels " + inChannels + ", groups " + groups + ")");
        if (outChannels % groups != 0) throw new IllegalArgumentException(op + ": out_channels must be divisible by groups (out_channels " + outChannels + ", groups " + groups + ")");
        int n = kernelSize.length;
        for (int[] a : new int[][] {stride, padding, dilation, outputPadding}) {
            if (a.length != n) {
                throw new IllegalArgumentException(op + ": kernel_size, stride, padding" + (transposed ? ", output_padding" : "")
                        + " and dilation take " + n + " value" + (n == 1 ? "" : "s") + ", got " + a.length);
            }
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        this.kernelSize = kernelSize.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.outputPadding = outputPadding.clone();
        int[] w = new int[n + 2];
        w[0] = transposed ? inChannels : outChannels;
        w[1] = transposed ? outChannels / groups : inChannels / groups;
        System.arraycopy(kernelSize, 0, w, 2, n);
        registerParameter("weight", new Variable(Tensor.zeros(dtype, w), true));
        registerParameter("bias", bias ? new Variable(Tensor.zeros(dtype, outChannels), true) : null);
        resetParameters(gen);
    }

    /** {@code v} repeated {@code n} times (an int argument given for every spatial dim). */
    static int[] rep(int v, int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** PyTorch's {@code reset_parameters}: the default initialisation again, from {@code gen}. */
    public final void resetParameters(Generator gen) {
        Init.defaultLayerInit(param("weight"), param("bias"), gen);
    }

    private static boolean all(int[] a, int v) {
        for (int x : a) if (x != v) return false;
        return true;
    }

    @Override
    public String extraRepr() {
        StringBuilder s = new StringBuilder().append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(Repr.tuple(kernelSize)).append(", stride=").append(Repr.tuple(stride));
        if (!all(padding, 0)) s.append(", padding=").append(Repr.tuple(padding));
        if (!all(dilation, 1)) s.append(", dilation=").append(Repr.tuple(dilation));
        if (!all(outputPadding, 0)) s.append(", output_padding=").append(Repr.tuple(outputPadding));
        if (groups != 1) s.append(", groups=").append(groups);
        if (param("bias") == null) s.append(", bias=False");
        return s.toString();
    }
}
