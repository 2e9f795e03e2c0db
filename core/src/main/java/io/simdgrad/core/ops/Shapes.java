package io.simdgrad.core.ops;

import java.util.Arrays;

/**
 * Shape arithmetic shared by every op: element counts, contiguous strides, broadcasting and dim
 * normalisation, each failing with the message PyTorch gives (plus the shapes involved).
 */
public final class Shapes {
    private Shapes() {}

    /**
     * The most elements one tensor may hold: the largest Java array the JVM allocates
     * ({@code Integer.MAX_VALUE - 8}; beyond it {@code new float[n]} throws "Requested array size
     * exceeds VM limit").
     */
    public static final int MAX_NUMEL = Integer.MAX_VALUE - 8;

    /**
     * Number of elements of a shape (1 for a 0-d shape), computed exactly.
     *
     * @throws IllegalArgumentException when the count exceeds {@link #MAX_NUMEL}
     */
    public static int numel(int[] shape) {
        return numel("numel", shape);
    }

    /**
     * {@link #numel(int[])} with the op named in the error. A shape with a 0 dim has 0 elements
     * whatever its other sizes; otherwise the running product stops at the first step past the
     * limit, so it never overflows a long (PyTorch checks the same product: "numel: integer
     * multiplication overflow", "Storage size calculation overflowed").
     */
    public static int numel(String op, int[] shape) {
        for (int d : shape) if (d == 0) return 0;
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (n > MAX_NUMEL) throw tooLarge(op, shape);
        }
        return (int) n;
    }

    /** The exact element count (no limit), for messages. */
    public static java.math.BigInteger exactNumel(int[] shape) {
        java.math.BigInteger n = java.math.BigInteger.ONE;
        for (int d : shape) n = n.multiply(java.math.BigInteger.valueOf(d));
        return n;
    }

    static IllegalArgumentException tooLarge(String op, int[] shape) {
        return new IllegalArgumentException(op + ": Storage size calculation overflowed: shape " + str(shape) + " has "
                + exactNumel(shape) + " elements, more than the " + MAX_NUMEL + " a tensor (one Java array) can hold");
    }

    /**
     * Row-major (C order) strides of a shape. A tensor with elements has strides below its element
     * count; one without elements addresses nothing, so its strides (products of the sizes, a 0
     * counted as 1, as PyTorch does) saturate at {@code Integer.MAX_VALUE} instead of wrapping.
     */
    public static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = (int) acc;
            acc = Math.min(Integer.MAX_VALUE, acc * Math.max(shape[i], 1));
        }
        return s;
    }

    /** {@code a * b} for a stride of a view, saturating as {@link #contiguousStrides} does (only empty views reach the limit). */
    public static int strideProduct(int a, int b) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, (long) a * b));
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

    /**
     * True when two different indices of a view with these sizes and strides reach the same
     * storage element (PyTorch's internal overlap, which in-place writes refuse): a dim of size
     * &gt; 1 with stride 0 (an expanded view), or, for layouts only {@code asStrided} makes,
     * strides that cover an element twice. Dims sorted by stride, a layout whose every stride
     * passes the span of the smaller ones is free of overlap; anything else is checked element by
     * element (rare, and bounded by the storage the view lies in).
     */
    public static boolean internalOverlap(int[] shape, int[] strides) {
        int n = 0;
        int[] dims = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 0) return false;
            if (shape[i] == 1) continue;
            if (strides[i] == 0) return true;
            // insertion by |stride| (ranks are small; no boxing)
            int j = n++;
            while (j > 0 && Math.abs((long) strides[dims[j - 1]]) > Math.abs((long) strides[i])) {
                dims[j] = dims[j - 1];
                j--;
            }
            dims[j] = i;
        }
        long span = 0;
        boolean separable = true;
        for (int k = 0; k < n; k++) {
            int d = dims[k];
            if (Math.abs((long) strides[d]) <= span) separable = false;
            span += (long) (shape[d] - 1) * Math.abs((long) strides[d]);
        }
        if (separable) return false;
        java.util.BitSet seen = new java.util.BitSet();
        int[] index = new int[shape.length];
        long base = 0;
        for (int i = 0; i < shape.length; i++) if (strides[i] < 0) base -= (long) (shape[i] - 1) * strides[i];
        for (long k = 0, total = numel(shape); k < total; k++) {
            long at = base;
            for (int i = 0; i < shape.length; i++) at += (long) index[i] * strides[i];
            if (seen.get((int) at)) return true;
            seen.set((int) at);
            for (int i = shape.length - 1; i >= 0 && ++index[i] == shape[i]; i--) index[i] = 0;
        }
        return false;
    }

    /**
     * The size of {@code dim} of {@code shape} for ops that need a real dim: unlike reductions,
     * which treat a 0-d tensor as having one dim of size 1, these fail on a 0-d tensor with
     * PyTorch's text.
     *
     * @throws IndexOutOfBoundsException for a 0-d shape or a dim out of range
     */
    public static int sizeAt(String op, int[] shape, int dim) {
        if (shape.length == 0) {
            throw new IndexOutOfBoundsException(op + ": Dimension specified as " + dim + " but tensor has no dimensions");
        }
        return shape[dim(op, dim, shape.length)];
    }

    /** Fails unless every size is non-negative and the element count fits one tensor. */
    public static void checkSizes(String op, int[] shape) {
        if (shape == null) throw new NullPointerException(op + ": shape is null");
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException(op + ": negative dimension " + d + " in shape " + str(shape));
        }
        numel(op, shape);
    }

    /** Python's {@code str(tuple(shape))}: {@code (2, 0)}, {@code (3,)}, {@code ()}. */
    public static String tupleString(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i]);
        }
        if (shape.length == 1) sb.append(',');
        return sb.append(')').toString();
    }
}
