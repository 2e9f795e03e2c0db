package io.simdgrad.core;

import java.util.Arrays;

/**
 * Shape arithmetic shared by every op: element counts, contiguous strides, broadcasting and dim
 * normalisation, each failing with the message PyTorch gives (plus the shapes involved).
 */
public final class Shapes {
    private Shapes() {}

    /** Number of elements of a shape (1 for a 0-d shape). */
    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + str(shape) + " has " + n
                    + " elements, more than the 2^31-1 a Java array can hold");
        }
        return (int) n;
    }

    /** Row-major (C order) strides of a shape. */
    public static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(shape[i], 1);
        }
        return s;
    }

    /** Formats a shape as PyTorch lists it in messages: {@code [2, 3]}. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /**
     * The broadcast shape of {@code a} and {@code b} (NumPy/PyTorch rules: align trailing dims,
     * sizes must match or one of them be 1).
     *
     * @throws IllegalArgumentException with PyTorch's text and both shapes
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        if (Arrays.equals(a, b)) return a;
        int n = Math.max(a.length, b.length);
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            int ia = i - (n - a.length), ib = i - (n - b.length);
            int da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
            if (da == db || db == 1) r[i] = da;
            else if (da == 1) r[i] = db;
            else {
                throw new IllegalArgumentException(op + ": The size of tensor a (" + da
                        + ") must match the size of tensor b (" + db + ") at non-singleton dimension " + i
                        + " (shapes " + str(a) + " and " + str(b) + ")");
            }
        }
        return r;
    }

    /**
     * Normalises a possibly negative dim against a rank, as PyTorch does.
     *
     * @throws IndexOutOfBoundsException naming the op, the dim and the accepted range
     */
    public static int dim(String op, int dim, int rank) {
        int lo = rank == 0 ? -1 : -rank, hi = rank == 0 ? 0 : rank - 1;
        if (dim < lo || dim > hi) {
            throw new IndexOutOfBoundsException(op + ": Dimension out of range (expected to be in range of ["
                    + lo + ", " + hi + "], but got " + dim + ")");
        }
        return dim < 0 ? dim + Math.max(rank, 1) : dim;
    }

    static void checkSizes(String op, int[] shape) {
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException(op + ": negative dimension " + d + " in shape " + str(shape));
        }
    }
}
