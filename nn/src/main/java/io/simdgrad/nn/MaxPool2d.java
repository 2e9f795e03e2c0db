package io.simdgrad.nn;

import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/** The largest element of each window, PyTorch's {@code nn.MaxPool2d(kernel_size, stride=kernel_size, padding=0, dilation=1, ceil_mode=False)}. */
public final class MaxPool2d extends Module {
    private final int kernelSize, stride, padding, dilation;
    private final boolean ceilMode;

    /** Stride = kernel size, no padding. */
    public MaxPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0, 1, false);
    }

    /** The general form (square windows). */
    public MaxPool2d(int kernelSize, int stride, int padding, int dilation, boolean ceilMode) {
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.ceilMode = ceilMode;
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.maxPool2d(x, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {dilation}, ceilMode);
    }

    @Override
    public String extraRepr() {
        return "kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding + ", dilation=" + dilation + ", ceil_mode=" + Repr.bool(ceilMode);
    }
}
