package io.simdgrad.nn;

import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/** Average pooling to a fixed output size, PyTorch's {@code nn.AdaptiveAvgPool2d(output_size)}. */
public final class AdaptiveAvgPool2d extends Module {
    private final int[] outputSize;

    /** Output {@code size x size}. */
    public AdaptiveAvgPool2d(int size) {
        this.outputSize = new int[] {size};
    }

    /** Output {@code h x w}. */
    public AdaptiveAvgPool2d(int h, int w) {
        this.outputSize = new int[] {h, w};
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.adaptiveAvgPool2d(x, outputSize);
    }

    @Override
    public String extraRepr() {
        return "output_size=" + (outputSize.length == 1 ? Integer.toString(outputSize[0]) : Repr.tuple(outputSize));
    }
}
