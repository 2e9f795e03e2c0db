package io.simdgrad.core;

/**
 * The one array behind a tensor and all its views, with the version counter that in-place writes
 * bump (autograd compares it with the version a node saved, as PyTorch does). Outside
 * {@code core} it is an opaque handle: op kernels ({@link ElementwiseOp#run}) receive storages.
 */
public final class Storage {
    private static final java.util.concurrent.atomic.AtomicLong SERIALS = new java.util.concurrent.atomic.AtomicLong();

    /** Creation order: a storage created later has a larger serial (see {@link Tensor#storageSerial()}). */
    final long serial = SERIALS.getAndIncrement();
    final DType dtype;
    final float[] f;
    final double[] d;
    final long[] l;
    /** The array, whichever its type. */
    final Object array;
    /** The kernels of the array's type, null for INT64 (which has no arithmetic kernels). */
    final io.simdgrad.simd.ArrayKernels k;
    private int version;
    private String lastInPlaceOp;

    private Storage(DType dtype, float[] f, double[] d, long[] l) {
        this.dtype = dtype;
        this.f = f;
        this.d = d;
        this.l = l;
        this.array = f != null ? f : d != null ? d : l;
        this.k = f != null ? io.simdgrad.simd.ArrayKernels.FLOAT : d != null ? io.simdgrad.simd.ArrayKernels.DOUBLE : null;
    }

    static Storage of(float[] f) {
        return new Storage(DType.FLOAT32, f, null, null);
    }

    static Storage of(double[] d) {
        return new Storage(DType.FLOAT64, null, d, null);
    }

    static Storage of(long[] l) {
        return new Storage(DType.INT64, null, null, l);
    }

    static Storage allocate(DType dtype, int n) {
        return switch (dtype) {
            case FLOAT32 -> of(new float[n]);
            case FLOAT64 -> of(new double[n]);
            case INT64 -> of(new long[n]);
        };
    }

    int length() {
        return f != null ? f.length : d != null ? d.length : l.length;
    }

    double get(int i) {
        return f != null ? f[i] : d != null ? d[i] : l[i];
    }

    void set(int i, double v) {
        if (f != null) f[i] = (float) v;
        else if (d != null) d[i] = v;
        else l[i] = (long) v;
    }

    int version() {
        return version;
    }

    String lastInPlaceOp() {
        return lastInPlaceOp;
    }

    void bump(String op) {
        version++;
        lastInPlaceOp = op;
    }
}
