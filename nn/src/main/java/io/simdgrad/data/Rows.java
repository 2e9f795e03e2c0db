package io.simdgrad.data;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;

/**
 * A tensor's values held as a Java array for batching: rows are copied out with
 * {@code System.arraycopy} (data preparation on the Java side, as PyTorch's collate runs in Python).
 */
final class Rows {
    private final DType dtype;
    private final int[] shape;
    private final Object data;
    private final int row;

    Rows(Tensor t) {
        dtype = t.dtype();
        shape = t.shape();
        data = switch (dtype) {
            case FLOAT32 -> t.toFloatArray();
            case FLOAT64 -> t.toDoubleArray();
            case INT64 -> t.toLongArray();
        };
        row = shape[0] == 0 ? 0 : t.numel() / shape[0];
    }

    /** Rows {@code indices} (each in range) as a new contiguous tensor. */
    Tensor gather(int[] indices) {
        int[] out = shape.clone();
        out[0] = indices.length;
        int n = Math.multiplyExact(indices.length, row);
        Object dst = switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT64 -> new long[n];
        };
        for (int i = 0; i < indices.length; i++) System.arraycopy(data, indices[i] * row, dst, i * row, row);
        return switch (dtype) {
            case FLOAT32 -> Tensor.of((float[]) dst, out);
            case FLOAT64 -> Tensor.of((double[]) dst, out);
            case INT64 -> Tensor.of((long[]) dst, out);
        };
    }
}
