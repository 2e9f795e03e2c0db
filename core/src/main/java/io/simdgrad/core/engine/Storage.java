package io.simdgrad.core.engine;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.ops.ElementwiseOp;
import io.simdgrad.core.ops.Shapes;

/**
 * The one array behind a tensor and all its views, with the version counter that in-place writes
 * bump (autograd compares it with the version a node saved, as PyTorch does). Outside
 * {@code core} it is an opaque handle: op kernels ({@link ElementwiseOp#run}) receive storages.
 */
public final class Storage {
    private static final java.util.concurrent.atomic.AtomicLong SERIALS = new java.util.concurrent.atomic.AtomicLong();

    /** Creation order: a storage created later has a larger serial (see {@link Tensor#storageSerial()}). */
    public final long serial = SERIALS.getAndIncrement();
    public final DType dtype;
    public final float[] f;
    public final double[] d;
    public final long[] l;
    /** The array, whichever its type. */
    public final Object array;
    /** The kernels of the array's type, null for INT64 (which has no arithmetic kernels). */
    public final io.simdgrad.simd.ArrayKernels k;
    /** The element count an abstract storage (no data) stands for; -1 for a storage with its data. */
    private final int declaredLength;
    private int version;
    private String lastInPlaceOp;

    private Storage(DType dtype, float[] f, double[] d, long[] l) {
        this(dtype, f, d, l, -1);
    }

    private Storage(DType dtype, float[] f, double[] d, long[] l, int declaredLength) {
        this.declaredLength = declaredLength;
        this.dtype = dtype;
        this.f = f;
        this.d = d;
        this.l = l;
        this.array = f != null ? f : d != null ? d : l;
        this.k = f != null ? io.simdgrad.simd.ArrayKernels.FLOAT : d != null ? io.simdgrad.simd.ArrayKernels.DOUBLE : null;
    }

    public static Storage of(float[] f) {
        return new Storage(DType.FLOAT32, f, null, null);
    }

    public static Storage of(double[] d) {
        return new Storage(DType.FLOAT64, null, d, null);
    }

    public static Storage of(long[] l) {
        return new Storage(DType.INT64, null, null, l);
    }

    /**
     * A zeroed storage of {@code n} elements.
     *
     * @throws IllegalArgumentException for a negative count or more than {@link Shapes#MAX_NUMEL}
     */
    public static Storage allocate(DType dtype, int n) {
        if (n < 0 || n > Shapes.MAX_NUMEL) {
            throw new IllegalArgumentException("Storage: cannot allocate " + n + " elements of " + dtype
                    + " (expected 0 to " + Shapes.MAX_NUMEL + ", the largest Java array)");
        }
        return switch (dtype) {
            case FLOAT32 -> of(new float[n]);
            case FLOAT64 -> of(new double[n]);
            case INT64 -> of(new long[n]);
        };
    }

    /**
     * Fails when {@code v} cannot be stored as {@code dtype} without changing its meaning, as
     * PyTorch's checked scalar conversion does: for INT64 NaN, an infinity or a value outside the
     * long range (a Java cast would give 0 or Long.MAX_VALUE), for FLOAT32 a finite value beyond
     * its range (infinities and NaN are kept). A fraction is truncated toward zero, as in PyTorch.
     */
    public static void checkConvertible(String op, DType dtype, double v) {
        boolean ok = switch (dtype) {
            case INT64 -> v >= -0x1p63 && v < 0x1p63;
            case FLOAT32 -> !Double.isFinite(v) || Math.abs(v) <= Float.MAX_VALUE;
            case FLOAT64 -> true;
        };
        if (!ok) {
            throw new IllegalArgumentException(op + ": value " + v + " cannot be converted to type " + dtype
                    + " without overflow");
        }
    }

    /** True when {@code v} is an integer an INT64 holds exactly (no fraction, not NaN, in range). */
    public static boolean isInt64(double v) {
        return v == Math.rint(v) && v >= -0x1p63 && v < 0x1p63;
    }

    /**
     * A storage that stands for {@code n} elements of {@code dtype} but holds none (its array is
     * empty): the abstract values that shape rules run on while a graph is built and checked.
     */
    public static Storage abstractOf(DType dtype, int n) {
        if (n < 0) throw new IllegalArgumentException("Storage: negative length " + n);
        return switch (dtype) {
            case FLOAT32 -> new Storage(dtype, new float[0], null, null, n);
            case FLOAT64 -> new Storage(dtype, null, new double[0], null, n);
            case INT64 -> new Storage(dtype, null, null, new long[0], n);
        };
    }

    /** The element count, which an abstract storage declares without holding the elements. */
    public int length() {
        if (declaredLength >= 0) return declaredLength;
        return f != null ? f.length : d != null ? d.length : l.length;
    }

    public double get(int i) {
        return f != null ? f[i] : d != null ? d[i] : l[i];
    }

    public void set(int i, double v) {
        if (f != null) f[i] = (float) v;
        else if (d != null) d[i] = v;
        else l[i] = (long) v;
    }

    public int version() {
        return version;
    }

    public String lastInPlaceOp() {
        return lastInPlaceOp;
    }

    void bump(String op) {
        version++;
        lastInPlaceOp = op;
    }
}
