package io.simdgrad.graph;

import io.simdgrad.core.Tensor;
import io.simdgrad.core.ops.ViewOps;

import java.util.Arrays;

/**
 * A view that Java code made of a value's memory without an op (e.g. {@code Tensor.select} on
 * an op's result): sizes, strides and an offset relative to the value's first element, like
 * {@code torch.as_strided}. Only captures create it.
 */
record AsStrided(int[] size, int[] stride, int offset) implements ViewOps.ViewOp {
    @Override public String name() { return "asStrided"; }

    @Override public String attributes() {
        return "size=" + Arrays.toString(size) + ", stride=" + Arrays.toString(stride) + ", offset=" + offset;
    }

    @Override public Tensor view(Tensor in) {
        return in.asStrided(size, stride, in.storageOffset() + offset);
    }
}
