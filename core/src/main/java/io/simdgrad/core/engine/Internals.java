package io.simdgrad.core.engine;

import io.simdgrad.core.DType;
import io.simdgrad.core.Node;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.ops.Shapes;

/**
 * The one seam between core's public classes ({@link Tensor}, {@link Variable}, the autograd
 * engine) and its internal packages ({@code ops}, {@code engine}): the op definitions read a
 * tensor's storage and layout and record on variables through these methods, so those members
 * stay package-private in the public API. Not part of the API: the module exports this package
 * only to simdgrad's own modules.
 *
 * <p>The implementation lives beside {@code Tensor} and is loaded once; the field holding it is
 * final, so after JIT compilation a call here costs what the field read it wraps costs.
 */
public final class Internals {
    /** What the public package gives the internal ones; implemented by {@code io.simdgrad.core.InternalAccess}. */
    public interface Access {
        Tensor newTensor(Storage storage, int[] shape, int[] strides, int offset);

        Storage storage(Tensor t);

        int[] shape(Tensor t);

        int[] strides(Tensor t);

        int offset(Tensor t);

        Tensor viewOrNull(Tensor t, int... shape);

        Node gradEdge(Variable v);

        Variable jvpElementwise(Op op, Op.Saved s, Variable[] tangents);

        Variable jvpLinear(Op op, Op.Saved s, Variable[] tangents);
    }

    private static final Access A = load();

    private Internals() {}

    private static Access load() {
        try {
            var c = Class.forName("io.simdgrad.core.InternalAccess").getDeclaredConstructor();
            c.setAccessible(true);
            return (Access) c.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A new contiguous tensor of zeros. */
    public static Tensor empty(DType dtype, int[] shape) {
        return empty("empty", dtype, shape);
    }

    /** A new contiguous tensor of zeros, with {@code op} named in a size error. */
    public static Tensor empty(String op, DType dtype, int[] shape) {
        Shapes.checkSizes(op, shape);
        return newTensor(Storage.allocate(dtype, Shapes.numel(op, shape)), shape.clone(), Shapes.contiguousStrides(shape), 0);
    }

    /**
     * An abstract value: a contiguous tensor of {@code dtype} and {@code shape} whose storage
     * holds no elements (it declares their count). Shape and dtype rules ({@code Op.shape}, {@code Op.dtype}) and view
     * ops read only a tensor's metadata, so the graph checker and builder run them on abstract
     * values and allocate no data; reading its elements fails.
     */
    public static Tensor abstractValue(DType dtype, int[] shape) {
        Shapes.checkSizes("abstractValue", shape);
        return newTensor(Storage.abstractOf(dtype, Shapes.numel("abstractValue", shape)), shape.clone(), Shapes.contiguousStrides(shape), 0);
    }

    /** A tensor over {@code storage} with the given layout (no checks: the caller made them). */
    public static Tensor newTensor(Storage storage, int[] shape, int[] strides, int offset) {
        return A.newTensor(storage, shape, strides, offset);
    }

    /** The storage {@code t} views. */
    public static Storage storage(Tensor t) {
        return A.storage(t);
    }

    /** {@code t}'s shape array itself (not a copy): never write it. */
    public static int[] shape(Tensor t) {
        return A.shape(t);
    }

    /** {@code t}'s stride array itself (not a copy): never write it. */
    public static int[] strides(Tensor t) {
        return A.strides(t);
    }

    /** {@code t}'s offset into its storage, in elements. */
    public static int offset(Tensor t) {
        return A.offset(t);
    }

    /** {@code t} viewed as {@code shape} without a copy, or null when its strides do not allow it. */
    public static Tensor viewOrNull(Tensor t, int... shape) {
        return A.viewOrNull(t, shape);
    }

    /** The autograd node gradients of {@code v} flow into (its grad_fn, or its accumulator). */
    public static Node variableGradEdge(Variable v) {
        return A.gradEdge(v);
    }

    /** The JVP of an elementwise op. */
    public static Variable forwardADElementwise(Op op, Op.Saved s, Variable[] tangents) {
        return A.jvpElementwise(op, s, tangents);
    }

    /** The JVP of an op linear in its inputs: the op applied to the tangents. */
    public static Variable forwardADLinear(Op op, Op.Saved s, Variable[] tangents) {
        return A.jvpLinear(op, s, tangents);
    }
}
