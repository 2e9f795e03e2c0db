package io.simdgrad.core;

import io.simdgrad.core.engine.Dispatch;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.core.engine.Storage;
import io.simdgrad.core.io.Npy;
import io.simdgrad.core.ops.IndexOps;
import io.simdgrad.core.ops.Kernels;
import io.simdgrad.core.ops.Ops;
import io.simdgrad.core.ops.Shapes;
import io.simdgrad.simd.BinaryOp;
import io.simdgrad.simd.CompareOp;
import io.simdgrad.simd.UnaryOp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional array: a strided view (shape, strides, offset) over one storage array, with
 * PyTorch's ops, broadcasting and printing. No autograd here: that is {@code Variable}.
 *
 * <p>View ops ({@link #view}, {@link #transpose}, {@link #permute}, {@link #expand},
 * {@link #narrow}, {@link #select}, {@link #squeeze}, {@link #unsqueeze}, and {@link #reshape}
 * when the layout allows) share storage and never copy: a write through one view is seen through
 * the others. Every computing op is one {@link Op} definition run through {@link Dispatch}.
 *
 * <p>In-place ops are named {@code ...InPlace} ({@code addInPlace}, {@code zeroInPlace}, ...) and
 * bump the storage's version counter, which autograd uses to detect writes to saved tensors.
 */
public final class Tensor implements OpMethods<Tensor> {
    final Storage storage;
    final int[] shape;
    final int[] strides;
    final int offset;
    /** Element count and layout, fixed at construction: replays of small graphs ask for them per op. */
    private final int numel;
    private final boolean contiguous;
    /** Row-major with exactly {@link Shapes#contiguousStrides} (size-1 dims included): a new tensor may share the arrays. */
    private final boolean canonical;

    /**
     * A view; every tensor is made here. A view without elements addresses nothing, so its offset
     * is 0 whatever index it was taken at (PyTorch keeps the index, e.g. row 2 of a [4, 0]
     * tensor has storage offset 2 in an empty storage): no kernel's range check then sees an
     * offset past the end of its storage.
     */
    Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.numel = Shapes.numel("view", shape);
        this.offset = numel == 0 ? 0 : offset;
        this.contiguous = rowMajor(shape, strides, false);
        this.canonical = numel > 0 && contiguous && rowMajor(shape, strides, true);
    }

    private static boolean rowMajor(int[] shape, int[] strides, boolean sizeOneToo) {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if ((sizeOneToo || shape[i] != 1) && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** A view of this tensor's storage; the offset is computed in long so that only an empty view may lie past an int. */
    private Tensor viewOf(int[] sh, int[] st, long off) {
        return new Tensor(storage, sh, st, Shapes.numel("view", sh) == 0 ? 0 : Math.toIntExact(off));
    }

    /** A new contiguous tensor of zeros. */
    static Tensor empty(DType dtype, int[] shape) {
        return empty("empty", dtype, shape);
    }

    /** A new contiguous tensor of zeros, with {@code op} named in a size error. */
    static Tensor empty(String op, DType dtype, int[] shape) {
        return Internals.empty(op, dtype, shape);
    }

    // ------------------------------------------------------------------ creation

    /** A FLOAT32 tensor holding {@code data} (not copied) in the given shape; no shape means 1-D. */
    public static Tensor of(float[] data, int... shape) {
        if (data == null) throw new NullPointerException("of: data is null");
        return wrap(Storage.of(data), data.length, shape);
    }

    /** A FLOAT64 tensor holding {@code data} (not copied); no shape means 1-D. */
    public static Tensor of(double[] data, int... shape) {
        if (data == null) throw new NullPointerException("of: data is null");
        return wrap(Storage.of(data), data.length, shape);
    }

    /** An INT64 tensor holding {@code data} (not copied); no shape means 1-D. */
    public static Tensor of(long[] data, int... shape) {
        if (data == null) throw new NullPointerException("of: data is null");
        return wrap(Storage.of(data), data.length, shape);
    }

    private static Tensor wrap(Storage s, int length, int[] shape) {
        if (shape == null) throw new NullPointerException("of: shape is null");
        int[] sh = shape.length == 0 ? new int[] {length} : shape.clone();
        Shapes.checkSizes("of", sh);
        if (Shapes.numel(sh) != length) {
            throw new IllegalArgumentException("of: shape " + Shapes.str(sh) + " is invalid for input of size " + length
                    + " (it needs " + Shapes.numel(sh) + " elements)");
        }
        return new Tensor(s, sh, Shapes.contiguousStrides(sh), 0);
    }

    /** A 0-d FLOAT32 tensor. */
    public static Tensor scalar(float v) {
        return new Tensor(Storage.of(new float[] {v}), new int[0], new int[0], 0);
    }

    /** A 0-d FLOAT64 tensor. */
    public static Tensor scalar(double v) {
        return new Tensor(Storage.of(new double[] {v}), new int[0], new int[0], 0);
    }

    /** A 0-d INT64 tensor. */
    public static Tensor scalar(long v) {
        return new Tensor(Storage.of(new long[] {v}), new int[0], new int[0], 0);
    }

    /**
     * A 0-d tensor of the given dtype holding {@code v} (rounded to the dtype; a fraction is
     * truncated for INT64).
     *
     * @throws IllegalArgumentException when {@code v} does not fit the dtype, as for {@link #full(DType, double, int...)}
     */
    public static Tensor scalar(DType dtype, double v) {
        Storage.checkConvertible("scalar", dtype, v);
        return full(dtype, v);
    }

    /** FLOAT32 zeros. */
    public static Tensor zeros(int... shape) {
        return zeros(DType.FLOAT32, shape);
    }

    /** Zeros of the given dtype. */
    public static Tensor zeros(DType dtype, int... shape) {
        return empty("zeros", dtype, shape);
    }

    /** FLOAT32 ones. */
    public static Tensor ones(int... shape) {
        return full(DType.FLOAT32, 1, shape);
    }

    /** Ones of the given dtype. */
    public static Tensor ones(DType dtype, int... shape) {
        return full(dtype, 1, shape);
    }

    /** A FLOAT32 tensor filled with {@code value}. */
    public static Tensor full(double value, int... shape) {
        return full(DType.FLOAT32, value, shape);
    }

    /**
     * A tensor of the given dtype filled with {@code value}.
     *
     * @throws IllegalArgumentException when {@code value} does not fit the dtype (NaN, an infinity
     *     or a value out of range for INT64; a finite value beyond FLOAT32's range), as PyTorch
     *     refuses it
     */
    public static Tensor full(DType dtype, double value, int... shape) {
        Storage.checkConvertible("full", dtype, value);
        Tensor t = empty("full", dtype, shape);
        if (value != 0) Kernels.fill(t.storage, 0, t.numel(), value);
        return t;
    }

    /** Zeros with the shape and dtype of {@code t}. */
    public static Tensor zerosLike(Tensor t) {
        // t's sizes were checked when it was made; shape and stride arrays are never written after construction
        if (t.canonical) return new Tensor(Storage.allocate(t.dtype(), t.numel), t.shape, t.strides, 0);
        int[] sh = t.shape.clone();
        return new Tensor(Storage.allocate(t.dtype(), t.numel), sh, Shapes.contiguousStrides(sh), 0);
    }

    /** Ones with the shape and dtype of {@code t}. */
    public static Tensor onesLike(Tensor t) {
        return ones(t.dtype(), t.shape);
    }

    /** {@code [0, 1, ..., end-1]} as FLOAT32, like {@code torch.arange(end, dtype=torch.float)}. */
    public static Tensor arange(double end) {
        return arange(DType.FLOAT32, 0, end, 1);
    }

    /** {@code start, start+step, ...} below {@code end} (above, for a negative step), FLOAT32. */
    public static Tensor arange(double start, double end, double step) {
        return arange(DType.FLOAT32, start, end, step);
    }

    /** {@code arange} of the given dtype; values are {@code start + i*step} computed in double. */
    public static Tensor arange(DType dtype, double start, double end, double step) {
        if (step == 0 || Double.isNaN(step)) throw new IllegalArgumentException("arange: step must be nonzero, got " + step);
        if (!Double.isFinite(start) || !Double.isFinite(end)) {
            throw new IllegalArgumentException("arange: unsupported range: " + start + " -> " + end);
        }
        if ((end - start) / step < 0) {
            throw new IllegalArgumentException("arange: upper bound and larger bound inconsistent with step sign (start "
                    + start + ", end " + end + ", step " + step + ")");
        }
        double count = Math.ceil((end - start) / step);
        if (!(count <= Shapes.MAX_NUMEL)) {
            throw new IllegalArgumentException("arange: the range " + start + " -> " + end + " with step " + step + " has "
                    + (long) count + " elements, more than the " + Shapes.MAX_NUMEL + " a tensor (one Java array) can hold");
        }
        int n = (int) count;
        Tensor t = empty("arange", dtype, new int[] {n});
        for (int i = 0; i < n; i++) t.storage.set(i, start + i * step);
        return t;
    }

    /** {@code steps} evenly spaced FLOAT32 values from start to end inclusive, like torch.linspace. */
    public static Tensor linspace(double start, double end, int steps) {
        return linspace(DType.FLOAT32, start, end, steps);
    }

    /** {@code linspace} of the given dtype (PyTorch fills the second half from the end, so do we). */
    public static Tensor linspace(DType dtype, double start, double end, int steps) {
        if (steps < 0) throw new IllegalArgumentException("linspace: number of steps must be non-negative, got " + steps);
        Tensor t = empty("linspace", dtype, new int[] {steps});
        if (steps == 1) t.storage.set(0, start);
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        int half = steps / 2;
        for (int i = 0; i < steps && steps > 1; i++) {
            t.storage.set(i, i < half ? start + step * i : end - step * (steps - 1 - i));
        }
        return t;
    }

    /** The n x n FLOAT32 identity. */
    public static Tensor eye(int n) {
        return eye(DType.FLOAT32, n, n);
    }

    /** An n x m identity-like matrix of the given dtype (ones on the main diagonal). */
    public static Tensor eye(DType dtype, int n, int m) {
        Tensor t = empty("eye", dtype, new int[] {n, m});
        for (int i = 0; i < Math.min(n, m); i++) t.storage.set(i * m + i, 1);
        return t;
    }

    /** FLOAT32 values uniform in [0, 1) from {@code gen}. */
    public static Tensor rand(Generator gen, int... shape) {
        return rand(DType.FLOAT32, gen, shape);
    }

    /** Values uniform in [0, 1) of the given float dtype from {@code gen}, in row-major order. */
    public static Tensor rand(DType dtype, Generator gen, int... shape) {
        Tensor t = empty(requireFloat("rand", dtype), shape);
        for (int i = 0, n = t.numel(); i < n; i++) t.storage.set(i, dtype == DType.FLOAT32 ? gen.nextFloat() : gen.nextDouble());
        return t;
    }

    /** FLOAT32 standard normal values from {@code gen}. */
    public static Tensor randn(Generator gen, int... shape) {
        return randn(DType.FLOAT32, gen, shape);
    }

    /** Standard normal values of the given float dtype from {@code gen}, in row-major order. */
    public static Tensor randn(DType dtype, Generator gen, int... shape) {
        Tensor t = empty(requireFloat("randn", dtype), shape);
        for (int i = 0, n = t.numel(); i < n; i++) t.storage.set(i, gen.nextGaussian());
        return t;
    }

    private static DType requireFloat(String op, DType dtype) {
        if (!dtype.isFloatingPoint()) throw new IllegalArgumentException(op + ": expected a floating point dtype, got " + dtype);
        return dtype;
    }

    // ------------------------------------------------------------------ reading out

    /** The sizes, a copy. */
    public int[] shape() {
        return shape.clone();
    }

    /** The size of one dim (negative dims count from the end). */
    public int size(int dim) {
        return Shapes.sizeAt("size", shape, dim);
    }

    /** The strides in elements, a copy. */
    public int[] strides() {
        return strides.clone();
    }

    /** The number of dims. */
    public int dim() {
        return shape.length;
    }

    /** The number of elements. */
    public int numel() {
        return numel;
    }

    /** The element type. */
    public DType dtype() {
        return storage.dtype;
    }

    /** True when the elements lie in row-major order without gaps (views may not). */
    public boolean isContiguous() {
        return contiguous;
    }

    /** The storage version: how many in-place writes its storage has seen. */
    public int version() {
        return storage.version();
    }

    /** The index of the first element in the storage, like torch's {@code storage_offset()}. */
    public int storageOffset() {
        return offset;
    }

    /**
     * A number identifying this tensor's storage: all views of a storage share it, and a storage
     * created later has a larger one (a graph capture tells tensors it saw created from older ones).
     */
    public long storageSerial() {
        return storage.serial;
    }

    /**
     * A view of this tensor's storage with the given sizes, strides and storage offset, like
     * {@code torch.as_strided}.
     *
     * @throws IllegalArgumentException when the view would reach outside the storage
     */
    public Tensor asStrided(int[] size, int[] stride, int storageOffset) {
        Shapes.checkSizes("asStrided", size);
        if (size.length != stride.length) {
            throw new IllegalArgumentException("asStrided: mismatch in length of strides and shape: " + Shapes.str(size)
                    + " and " + Shapes.str(stride));
        }
        long last = storageOffset;
        for (int i = 0; i < size.length; i++) {
            if (stride[i] < 0) throw new IllegalArgumentException("asStrided: negative strides are not supported, got " + Shapes.str(stride));
            last += (long) (size[i] - 1) * stride[i];
        }
        if (storageOffset < 0 || (Shapes.numel(size) > 0 && last >= storage.length())) {
            throw new IllegalArgumentException("asStrided: size " + Shapes.str(size) + ", stride " + Shapes.str(stride)
                    + " and offset " + storageOffset + " reach outside a storage of " + storage.length() + " elements");
        }
        return new Tensor(storage, size.clone(), stride.clone(), storageOffset);
    }

    /** True when both tensors are views of the same storage. */
    public boolean sharesStorageWith(Tensor other) {
        return storage == other.storage;
    }

    /**
     * The value of a one-element tensor, as a double.
     *
     * @throws IllegalArgumentException naming the shape when the tensor has more or fewer elements
     */
    public double item() {
        if (numel() != 1) {
            throw new IllegalArgumentException("item: a Tensor with " + numel() + " elements cannot be converted to Scalar (shape "
                    + Shapes.str(shape) + ")");
        }
        Dispatch.read(this);
        return storage.get(offset);
    }

    /** The element at the given indices (one per dim, negative counts from the end). */
    public double get(int... index) {
        int at = flatIndex("get", index);
        Dispatch.read(this);
        return storage.get(at);
    }

    int flatIndex(String op, int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(op + ": expected " + shape.length + " indices for shape " + Shapes.str(shape)
                    + ", got " + index.length);
        }
        int p = offset;
        for (int i = 0; i < index.length; i++) {
            int ix = index[i] < 0 ? index[i] + shape[i] : index[i];
            if (ix < 0 || ix >= shape[i]) {
                throw new IndexOutOfBoundsException(op + ": index " + index[i] + " is out of bounds for dimension " + i
                        + " with size " + shape[i]);
            }
            p += ix * strides[i];
        }
        return p;
    }

    /** A row-major copy of the elements as floats. */
    public float[] toFloatArray() {
        Dispatch.read(this);
        return to(DType.FLOAT32).contiguous().storageCopyFloat();
    }

    /** A row-major copy of the elements as doubles. */
    public double[] toDoubleArray() {
        Dispatch.read(this);
        return to(DType.FLOAT64).contiguous().storageCopyDouble();
    }

    /** A row-major copy of the elements as longs (floats truncated toward zero). */
    public long[] toLongArray() {
        Dispatch.read(this);
        return to(DType.INT64).contiguous().storageCopyLong();
    }

    private float[] storageCopyFloat() {
        return Arrays.copyOfRange(storage.f, offset, offset + numel());
    }

    private double[] storageCopyDouble() {
        return Arrays.copyOfRange(storage.d, offset, offset + numel());
    }

    private long[] storageCopyLong() {
        return Arrays.copyOfRange(storage.l, offset, offset + numel());
    }

    /** This tensor converted to {@code dtype}: itself when it already has it, else a new contiguous copy. */
    public Tensor to(DType dtype) {
        if (dtype == dtype()) return this;
        return Dispatch.call(new Ops.Convert(dtype), this);
    }

    /**
     * True when both have broadcast-compatible shapes and {@code |a - b| <= atol + rtol * |b|}
     * elementwise (NaNs never equal), like torch.allclose.
     */
    public boolean allclose(Tensor other, double rtol, double atol) {
        int[] sh = Shapes.broadcast("allclose", shape, other.shape);
        double[] a = expand(sh).toDoubleArray(), b = other.expand(sh).toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b[i]) continue;
            if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) return false;
        }
        return true;
    }

    /** {@link #allclose(Tensor, double, double)} with torch's defaults rtol 1e-5, atol 1e-8. */
    public boolean allclose(Tensor other) {
        return allclose(other, 1e-5, 1e-8);
    }

    // ------------------------------------------------------------------ views

    /**
     * The same elements in another shape; one dim may be -1. A view when the strides allow, else
     * a contiguous copy (like torch.reshape). No dims gives a 0-d tensor.
     */
    public Tensor reshape(int... newShape) {
        int[] sh = inferShape("reshape", newShape);
        int[] st = viewStrides(sh);
        return st != null ? new Tensor(storage, sh, st, offset) : contiguous().view(sh);
    }

    /**
     * The same elements in another shape, sharing storage; one dim may be -1.
     *
     * @throws IllegalArgumentException when the layout allows no view (use reshape)
     */
    public Tensor view(int... newShape) {
        int[] sh = inferShape("view", newShape);
        int[] st = viewStrides(sh);
        if (st == null) {
            throw new IllegalArgumentException("view: view size is not compatible with input tensor's size and stride "
                    + "(at least one dimension spans across two contiguous subspaces): shape " + Shapes.str(shape)
                    + ", strides " + Shapes.str(strides) + ", requested " + Shapes.str(sh) + ". Use .reshape(...) instead.");
        }
        return new Tensor(storage, sh, st, offset);
    }

    /** {@link #view} of a shape with this tensor's element count, or null when no view exists (no exception). */
    Tensor viewOrNull(int... sh) {
        assert Shapes.numel(sh) == numel();
        int[] st = viewStrides(sh);
        return st == null ? null : new Tensor(storage, sh, st, offset);
    }

    private int[] inferShape(String op, int[] newShape) {
        int[] sh = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < sh.length; i++) {
            if (sh[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException(op + ": only one dimension can be inferred, got " + Shapes.str(newShape));
                infer = i;
            } else if (sh[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid shape dimension " + sh[i] + " in " + Shapes.str(newShape));
            } else {
                known = Math.min(known * sh[i], (long) Shapes.MAX_NUMEL + 1); // capped: never overflows, still != n
            }
        }
        int n = numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException(op + ": shape " + Shapes.str(newShape) + " is invalid for input of size " + n
                        + " (shape " + Shapes.str(shape) + ")");
            }
            sh[infer] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException(op + ": shape " + Shapes.str(newShape) + " is invalid for input of size " + n
                    + " (shape " + Shapes.str(shape) + " has " + n + " elements, the new shape " + known + ")");
        }
        return sh;
    }

    /** Strides that view this tensor's elements in {@code sh}, or null when none exist (PyTorch's computeStride). */
    private int[] viewStrides(int[] sh) {
        int[] st = new int[sh.length];
        if (numel() == 0) return Shapes.contiguousStrides(sh);
        int viewD = sh.length - 1;
        long chunkBase = strides.length > 0 ? strides[strides.length - 1] : 1;
        long tensorNumel = 1, viewNumel = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            tensorNumel *= shape[d];
            if (d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || sh[viewD] == 1)) {
                    st[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= sh[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) {
                    chunkBase = strides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        if (viewD != -1) {
            for (; viewD >= 0; viewD--) st[viewD] = 1;
        }
        return st;
    }

    /** Swaps two dims (a view). */
    public Tensor transpose(int dim0, int dim1) {
        int a = Shapes.dim("transpose", dim0, shape.length), b = Shapes.dim("transpose", dim1, shape.length);
        if (shape.length == 0) return this;
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        perm[a] = b;
        perm[b] = a;
        return permute(perm);
    }

    /** The transpose of a matrix (a view); 0-d and 1-d tensors are returned as they are, like torch.t. */
    public Tensor t() {
        if (shape.length > 2) {
            throw new IllegalArgumentException("t: expects a tensor with <= 2 dimensions, but self is " + shape.length + "D (shape "
                    + Shapes.str(shape) + ")");
        }
        return shape.length < 2 ? this : transpose(0, 1);
    }

    /** Reorders the dims (a view): result dim i is this tensor's dim {@code dims[i]}. */
    public Tensor permute(int... dims) {
        if (dims.length != shape.length) {
            throw new IllegalArgumentException("permute: number of dims don't match in permute: got " + dims.length
                    + " dims for a tensor of shape " + Shapes.str(shape));
        }
        int[] sh = new int[dims.length], st = new int[dims.length];
        boolean[] seen = new boolean[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = Shapes.dim("permute", dims[i], shape.length);
            if (seen[d]) throw new IllegalArgumentException("permute: repeated dim " + d + " in " + Arrays.toString(dims));
            seen[d] = true;
            sh[i] = shape[d];
            st[i] = strides[d];
        }
        return new Tensor(storage, sh, st, offset);
    }

    /** Inserts a dim of size 1 at {@code dim} (a view); dim may be -1 .. rank. */
    public Tensor unsqueeze(int dim) {
        int d = Shapes.dim("unsqueeze", dim, shape.length + 1);
        int[] sh = new int[shape.length + 1], st = new int[shape.length + 1];
        for (int i = 0, j = 0; i < sh.length; i++) {
            if (i == d) {
                sh[i] = 1;
                st[i] = d < shape.length ? Shapes.strideProduct(strides[d], shape[d]) : 1;
            } else {
                sh[i] = shape[j];
                st[i] = strides[j++];
            }
        }
        return new Tensor(storage, sh, st, offset);
    }

    /** Removes every dim of size 1 (a view). */
    public Tensor squeeze() {
        int n = 0;
        for (int s : shape) if (s != 1) n++;
        int[] sh = new int[n], st = new int[n];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                sh[j] = shape[i];
                st[j++] = strides[i];
            }
        }
        return new Tensor(storage, sh, st, offset);
    }

    /** Removes {@code dim} if its size is 1, else returns the tensor unchanged (a view). */
    public Tensor squeeze(int dim) {
        int d = Shapes.dim("squeeze", dim, shape.length);
        if (shape.length == 0 || shape[d] != 1) return this;
        int[] sh = new int[shape.length - 1], st = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != d) {
                sh[j] = shape[i];
                st[j++] = strides[i];
            }
        }
        return new Tensor(storage, sh, st, offset);
    }

    /**
     * Broadcasts to {@code newShape} without copying (stride 0 along expanded dims); -1 keeps a
     * size.
     */
    public Tensor expand(int... newShape) {
        if (newShape.length < shape.length) {
            throw new IllegalArgumentException("expand: the number of sizes provided (" + newShape.length
                    + ") must be greater or equal to the number of dimensions in the tensor (" + shape.length + ")");
        }
        int[] sh = new int[newShape.length], st = new int[newShape.length];
        int lead = newShape.length - shape.length;
        for (int i = 0; i < newShape.length; i++) {
            if (newShape[i] == -1 && i < lead) {
                throw new IllegalArgumentException("expand: The expanded size of the tensor (-1) isn't allowed in a leading, "
                        + "non-existing dimension " + i + " (target sizes " + Shapes.str(newShape) + ")");
            }
        }
        for (int i = 0; i < newShape.length; i++) {
            int j = i - lead;
            int cur = j >= 0 ? shape[j] : 1;
            int want = newShape[i] == -1 && j >= 0 ? cur : newShape[i];
            if (want < 0) throw new IllegalArgumentException("expand: invalid size " + newShape[i] + " at dim " + i);
            if (j >= 0 && cur == want) {
                sh[i] = cur;
                st[i] = strides[j];
            } else if (cur == 1) {
                sh[i] = want;
                st[i] = 0;
            } else {
                throw new IllegalArgumentException("expand: The expanded size of the tensor (" + want
                        + ") must match the existing size (" + cur + ") at non-singleton dimension " + i + ".  Target sizes: "
                        + Shapes.str(newShape) + ".  Tensor sizes: " + Shapes.str(shape));
            }
        }
        Shapes.numel("expand", sh);
        return new Tensor(storage, sh, st, offset);
    }

    /** Elements {@code start .. start+length-1} along {@code dim} (a view). */
    public Tensor narrow(int dim, int start, int length) {
        if (shape.length == 0) throw new IllegalArgumentException("narrow: narrow() cannot be applied to a 0-dim tensor.");
        int d = Shapes.dim("narrow", dim, shape.length);
        if (length < 0) throw new IllegalArgumentException("narrow: narrow(): length must be non-negative, got " + length);
        if (start < -shape[d] || start > shape[d]) {
            throw new IndexOutOfBoundsException("narrow: start out of range (expected to be in range of [" + -shape[d] + ", "
                    + shape[d] + "], but got " + start + ") for dim " + d + " in shape " + Shapes.str(shape));
        }
        long s = start < 0 ? start + shape[d] : start;
        if (s + length > shape[d]) { // long: start + length may pass Integer.MAX_VALUE
            throw new IndexOutOfBoundsException("narrow: start (" + s + ") + length (" + length
                    + ") exceeds dimension size (" + shape[d] + ") of dim " + d + " in shape " + Shapes.str(shape));
        }
        int[] sh = shape.clone();
        sh[d] = length;
        return viewOf(sh, strides.clone(), offset + s * strides[d]);
    }

    /** The slice at {@code index} along {@code dim}, with that dim removed (a view). */
    public Tensor select(int dim, int index) {
        if (shape.length == 0) throw new IllegalArgumentException("select: select() cannot be applied to a 0-dim tensor.");
        int d = Shapes.dim("select", dim, shape.length);
        int ix = index < 0 ? index + shape[d] : index;
        if (ix < 0 || ix >= shape[d]) {
            throw new IndexOutOfBoundsException("select: index " + index + " out of range for tensor of size "
                    + Shapes.str(shape) + " at dimension " + d);
        }
        int[] sh = new int[shape.length - 1], st = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != d) {
                sh[j] = shape[i];
                st[j++] = strides[i];
            }
        }
        return viewOf(sh, st, offset + (long) ix * strides[d]);
    }

    /** This tensor if contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        if (isContiguous()) return this;
        return Dispatch.call(Ops.Copy.INSTANCE, this);
    }

    /** A contiguous copy with its own storage. */
    public Tensor copy() {
        return Dispatch.call(Ops.Copy.INSTANCE, this);
    }

    /** Concatenates tensors along {@code dim}; all other sizes must match. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return Dispatch.call(new Ops.Cat(dim), tensors.toArray(new Tensor[0]));
    }

    /** Stacks equally shaped tensors along a new dim. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("stack: expects a non-empty list of tensors");
        int d = Shapes.dim("stack", dim, tensors.get(0).dim() + 1);
        List<Tensor> u = new ArrayList<>(tensors.size());
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (!Arrays.equals(t.shape, tensors.get(0).shape)) {
                throw new IllegalArgumentException("stack: stack expects each tensor to be equal size, but got "
                        + Shapes.str(tensors.get(0).shape) + " at entry 0 and " + Shapes.str(t.shape) + " at entry " + i);
            }
            u.add(t.unsqueeze(d));
        }
        return cat(u, d);
    }

    // ------------------------------------------------------------------ ops (written once, in OpMethods)

    /** Runs the one-operand {@code op} on this tensor, through {@link Dispatch}. */
    @Override
    public Tensor op(Op op) {
        return Dispatch.call(op, this);
    }

    /** Runs the two-operand {@code op} on this tensor and {@code other}, through {@link Dispatch}. */
    @Override
    public Tensor op(Op op, Tensor other) {
        return Dispatch.call(op, this, other);
    }

    /** This tensor (for the op methods written once in {@link OpMethods}). */
    @Override
    public Tensor self() {
        return this;
    }

    /** Runs the three-operand {@code op} on this tensor, {@code second} and {@code third}, through {@link Dispatch}. */
    @Override
    public Tensor op(Op op, Tensor second, Tensor third) {
        return Dispatch.call(op, this, second, third);
    }

    /** A random permutation of {@code 0 .. n-1} (INT64) from {@code gen}, like torch.randperm; in a compiled graph each replay draws a new one. */
    public static Tensor randperm(Generator gen, int n) {
        return Dispatch.call(new IndexOps.RandPerm(n, gen));
    }

    /** INT64 integers uniform in {@code [low, high)} from {@code gen}, like torch.randint; in a compiled graph each replay draws new ones. */
    public static Tensor randint(Generator gen, long low, long high, int... shape) {
        return Dispatch.call(new IndexOps.RandInt(low, high, shape, gen));
    }

    /** The dtype clamp computes in: PyTorch's promotion of the tensor with float bounds. */
    static DType clampDtype(DType dtype, double min, double max) {
        return dtype == DType.INT64 && !(Storage.isInt64(min) && Storage.isInt64(max)) ? DType.FLOAT32 : dtype;
    }

    /** The number of elements a reduction over {@code dim} combines: a 0-d tensor counts as one dim of size 1, as in PyTorch. */
    static int reducedSize(String op, int[] shape, int dim) {
        int d = Shapes.dim(op, dim, shape.length);
        return shape.length == 0 ? 1 : shape[d];
    }

    /** {@code mask != 0 ? a : b} elementwise, broadcasting all three. */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) {
        return Dispatch.call(Ops.Where.INSTANCE, mask, a, b);
    }

    // ------------------------------------------------------------------ in place

    /** {@code this += other} (broadcast to this tensor's shape); returns this. */
    public Tensor addInPlace(Tensor other) {
        return Dispatch.inPlace(Ops.Binary.of(BinaryOp.ADD), this, other);
    }

    /** {@code this += s}; returns this. */
    public Tensor addInPlace(double s) {
        return Dispatch.inPlace(new Ops.BinaryScalar(BinaryOp.ADD, s, false), this);
    }

    /** {@code this -= other}; returns this. */
    public Tensor subInPlace(Tensor other) {
        return Dispatch.inPlace(Ops.Binary.of(BinaryOp.SUB), this, other);
    }

    /** {@code this *= other}; returns this. */
    public Tensor mulInPlace(Tensor other) {
        return Dispatch.inPlace(Ops.Binary.of(BinaryOp.MUL), this, other);
    }

    /** {@code this *= s}; returns this. */
    public Tensor mulInPlace(double s) {
        return Dispatch.inPlace(new Ops.BinaryScalar(BinaryOp.MUL, s, false), this);
    }

    /** {@code this *= s} (alias of {@link #mulInPlace(double)}, the optimisers' name); returns this. */
    public Tensor scaleInPlace(double s) {
        return mulInPlace(s);
    }

    /** {@code this += alpha * other}, the optimisers' update; returns this. */
    public Tensor addScaledInPlace(Tensor other, double alpha) {
        return Dispatch.inPlace(new Ops.AddScaled(alpha), this, other);
    }

    /** Sets every element to 0; returns this. */
    public Tensor zeroInPlace() {
        return fillInPlace(0);
    }

    /** Sets every element to {@code v}; returns this. */
    public Tensor fillInPlace(double v) {
        Storage.checkConvertible("fillInPlace", dtype(), v);
        return Dispatch.inPlace(new Ops.Fill(v), this);
    }

    /** Copies {@code src} (broadcast to this shape, converted to this dtype) into this; returns this. */
    public Tensor copyInPlace(Tensor src) {
        return Dispatch.inPlace(Ops.CopyInto.INSTANCE, this, src);
    }

    // ------------------------------------------------------------------ I/O and printing

    /** Writes this tensor to a NumPy .npy file (version 1.0 header, little-endian, C order). */
    public void save(Path path) {
        try {
            Tensor c = contiguous();
            Object data = switch (dtype()) {
                case FLOAT32 -> c.storageCopyFloat();
                case FLOAT64 -> c.storageCopyDouble();
                case INT64 -> c.storageCopyLong();
            };
            Npy.write(path, dtype(), shape, data);
        } catch (IOException e) {
            throw new UncheckedIOException("save: cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    /** Reads a NumPy .npy file (f4, f8 or i8; C or Fortran order). */
    public static Tensor load(Path path) {
        try {
            Npy.Array a = Npy.read(path);
            Storage s = switch (a.dtype()) {
                case FLOAT32 -> Storage.of((float[]) a.data());
                case FLOAT64 -> Storage.of((double[]) a.data());
                case INT64 -> Storage.of((long[]) a.data());
            };
            return new Tensor(s, a.shape().clone(), Shapes.contiguousStrides(a.shape()), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("load: cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** PyTorch's repr, to the character: {@code tensor([[1., 1.],\n        [1., 1.]])}. */
    @Override
    public String toString() {
        return format(List.of());
    }

    /** PyTorch's repr with extra suffixes such as {@code grad_fn=<AddBackward0>}. */
    public String format(List<String> suffixes) {
        boolean isLong = dtype() == DType.INT64;
        return TensorFormatter.repr(dtype(), shape, isLong ? null : toDoubleArray(), isLong ? toLongArray() : null, suffixes);
    }
}
