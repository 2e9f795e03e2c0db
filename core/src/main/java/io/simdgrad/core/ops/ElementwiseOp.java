package io.simdgrad.core.ops;

import io.simdgrad.core.ForwardAD;
import io.simdgrad.core.Kernel;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.core.engine.Storage;

/**
 * An op whose result element {@code i} is computed from element {@code i} of each operand
 * (broadcast to the result's shape) and nothing else: the "elementwise, same index" property.
 * Declaring it lets the result be computed in place over an operand that dies there, in tiles,
 * and fused with its neighbours into one pass ({@link Fused}).
 *
 * <p>The op's computation is defined once, by {@link #run}: one run of {@code n} elements.
 * Eager forward ({@link Loops#elementwise}), the bound kernels of compiled graphs
 * ({@link Loops#bind}) and fused tiles all call it, with the same runs for the same layout, so
 * their results are the same bits.
 */
public interface ElementwiseOp extends Op {
    /**
     * Computes one run: operand {@code k} is read from {@code s[k]} at {@code offs[k] + i * strides[k]}
     * (a stride of 0, one broadcast element, or 1), and the result written to the last storage at
     * {@code offs[last] + i} (contiguous), for {@code i < n}. Every storage has the result's dtype.
     */
    void run(Storage[] s, int[] offs, int[] strides, int n);

    /**
     * Whether {@link #run} may write its result over operand {@code k} (same storage, same
     * offsets): true when it reads each element of {@code k} before writing that element and
     * never reads it again, as a one-pass kernel does.
     */
    default boolean writesOverOperand(int k) {
        return true;
    }

    /** Its Jacobian is diagonal: the tangent is the sum of the VJP's parts at each operand's tangent ({@link ForwardAD#elementwise}). */
    @Override
    default Variable jvp(Op.Saved primals, Variable[] tangents) {
        return Internals.forwardADElementwise(this, primals, tangents);
    }

    /** Floating-point arithmetic does not throw (IEEE results); int64 arithmetic may (division by zero). */
    @Override
    default boolean throwsOnValues(Tensor[] in) {
        for (Tensor t : in) if (t.dtype() == io.simdgrad.core.DType.INT64) return true;
        return false;
    }

    /** Loops over the runs of {@code out}'s layout (operands converted and broadcast). */
    @Override
    default void forward(Tensor[] in, Tensor out) {
        Loops.elementwise(this, in, out);
    }

    /** The runs of this layout, resolved once (the general path when an operand needs a conversion or copy first). */
    @Override
    default Kernel bind(Tensor[] in, Tensor out) {
        Kernel k = Loops.bind(this, in, out);
        return k != null ? k : this::forward;
    }
}
