package io.simdgrad.nn;

import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/** The largest element of each adaptive window, PyTorch's {@code nn.AdaptiveMaxPool2d(output_size)} (without {@code return_indices}). */
public final class AdaptiveMaxPool2d extends Module {
    private final int[] outputSize;

    /** Output {@code size x size}. */
    public AdaptiveMaxPool2d(int size) {
        this.outputSize = new int[] {size};
    }

    /** Output {@code h x w}. */
    public AdaptiveMaxPool2d(int h, int w) {
        this.outputSize = new int[] {h, w};
    }

    @Override
    public Variable forward(Variable x) {
        return Functional.adaptiveMaxPool2d(x, outputSize);
    }

    @Override
    public String extraRepr() {
        return "output_size=" + (outputSize.length == 1 ? Integer.toString(outputSize[0]) : Repr.tuple(outputSize));
    }
}
