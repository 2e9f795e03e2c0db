package io.simdgrad.core;

/**
 * Element types. {@link #FLOAT32} is the default, as in PyTorch. Arithmetic kernels exist for the
 * two float types; {@link #INT64} serves indices and class labels (creation, printing,
 * comparison, conversion, indexing).
 */
public enum DType {
    /** 32-bit IEEE float, stored in {@code float[]}; PyTorch's {@code torch.float32}. */
    FLOAT32("torch.float32", "f32", 4),
    /** 64-bit IEEE float, stored in {@code double[]}; PyTorch's {@code torch.float64}. */
    FLOAT64("torch.float64", "f64", 8),
    /** 64-bit signed integer, stored in {@code long[]}; PyTorch's {@code torch.int64}. */
    INT64("torch.int64", "i64", 8);

    private final String torchName;
    private final String shortName;
    private final int itemSize;

    DType(String torchName, String shortName, int itemSize) {
        this.torchName = torchName;
        this.shortName = shortName;
        this.itemSize = itemSize;
    }

    /** PyTorch's name, e.g. {@code torch.float64}, as printed in a tensor's {@code dtype=} suffix. */
    public String torchName() {
        return torchName;
    }

    /** Short name for graph printing, e.g. {@code f32}. */
    public String shortName() {
        return shortName;
    }

    /** Bytes per element. */
    public int itemSize() {
        return itemSize;
    }

    /** True for FLOAT32 and FLOAT64. */
    public boolean isFloatingPoint() {
        return this != INT64;
    }

    /**
     * The type of an arithmetic result of {@code a} and {@code b}, as PyTorch promotes tensors of
     * the same category: f32 with f64 gives f64; int64 with a float gives the float.
     */
    public static DType promote(DType a, DType b) {
        if (a == b) return a;
        if (a == FLOAT64 || b == FLOAT64) return FLOAT64;
        return FLOAT32;
    }
}
