package io.simdgrad.nn;

import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/** The mean of each window, PyTorch's {@code nn.AvgPool2d(kernel_size, stride=kernel_size, padding=0, ceil_mode=False, count_include_pad=True)}. */
public final class AvgPool2d extends Module {
    private final int kernelSize, stride, padding;
    private final boolean ceilMode, countIncludePad;

    /** Stride = kernel size, no padding. */
    public AvgPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0, false, true);
    }

    /** The general form (square windows). */
    public AvgPool2d(int kernelSize, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.avgPool2d(x, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, ceilMode, countIncludePad, 0);
    }

    @Override
    public String extraRepr() {
        return "kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding;
    }
}
