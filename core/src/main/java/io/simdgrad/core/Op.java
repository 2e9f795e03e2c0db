package io.simdgrad.core;

import io.simdgrad.core.engine.Dispatch;
import io.simdgrad.core.engine.Internals;

/**
 * One op definition: its name, its shape and dtype rule, and its forward computation into a
 * given output buffer. {@link Tensor} methods, autograd, the tracer and compiled graphs all run
 * this one definition, through {@link Dispatch}.
 *
 * <p>{@link #forward} writes every element of {@code out}, which is contiguous, has
 * {@link #shape} and {@link #dtype}, and is not one of the inputs unless the op is elementwise
 * (elementwise ops may compute in place).
 */
public interface Op {
    /** The op's name as the API spells it ({@code add}, {@code matmul}, {@code sum}, ...). */
    String name();

    /**
     * Checks the inputs and returns the result's shape.
     *
     * @throws RuntimeException naming the op, the shapes and what was expected
     */
    int[] shape(Tensor[] in);

    /** The result's dtype. */
    DType dtype(Tensor[] in);

    /** Computes the result of {@code in} into {@code out}; inputs are left unchanged. */
    void forward(Tensor[] in, Tensor out);

    /**
     * The result as an abstract value, for building and checking graphs without data: a tensor
     * of the result's shape and dtype over a storage that holds no elements
     * ({@link Internals#abstractValue}). View ops return their view of {@code in[0]}, which
     * shares its (abstract) storage, so the memory they alias stays visible.
     */
    default Tensor abstractResult(Tensor[] in, int[] shape, DType dtype) {
        return Internals.abstractValue(dtype, shape);
    }

    /**
     * The forward bound to the layouts of {@code in} and {@code out} (see {@link Kernel}): what
     * the layout decides is resolved here, once. Shapes and dtypes were checked by {@link #shape}.
     * The default runs {@link #forward}; ops with layout-specific fast paths resolve them here,
     * and their {@code forward} is "bind, run".
     */
    default Kernel bind(Tensor[] in, Tensor out) {
        return this::forward;
    }

    /**
     * Whether the forward draws from state outside its operands (a {@link Generator}: dropout
     * masks, {@code randperm}): each run gives new values and advances that state, so a compiled
     * graph never merges, folds, hoists or removes such a node, and its bound kernel draws on
     * every replay as the eager call does.
     */
    default boolean stateful() {
        return false;
    }

    /** The generator a {@linkplain #stateful stateful} op draws from (a replay that fails at a guard restores it), or null. */
    default Generator generator() {
        return null;
    }

    /**
     * Whether the forward can throw after it has started writing its output, because of the
     * operands' values (a matrix that is not positive-definite, singular, or whose iteration does
     * not converge): {@link Dispatch#into} then computes into a scratch buffer and copies on
     * success, so a failing call leaves the caller's buffer as it was.
     */
    default boolean failsOnValues() {
        return false;
    }

    /**
     * Whether the forward may throw because of the operands' values (an index out of range, a
     * matrix that is singular, int64 division by zero), not their shapes and dtypes, which were
     * checked when the op was called. A replay copies the params it has written in place before
     * such a step, to restore them if the step throws. The default is the safe answer; ops that
     * cannot throw on any values say so ({@link io.simdgrad.core.ops.ElementwiseOp}s on floating-point operands,
     * reductions, matmul, softmax, copies, conversions).
     */
    default boolean throwsOnValues(Tensor[] in) {
        return true;
    }

    /**
     * Why a compiled graph cannot hold this op, or null when it can: ops whose result's shape
     * depends on their operands' values ({@code maskedSelect}, {@code nonzero}, {@code unique})
     * run eagerly only, and capture refuses them with this text.
     */
    default String notCapturable() {
        return null;
    }

    /**
     * Whether the in-place form may write into a tensor whose elements share memory (an
     * expanded view): true for {@code fill}, whose writes all store one value, as PyTorch's
     * {@code fill_} allows; other in-place ops refuse such a target.
     */
    default boolean overlappingTargetAllowed() {
        return false;
    }

    /** Attributes for printing, e.g. {@code dim=1, keepdim=True}; empty when there are none. */
    default String attributes() {
        return "";
    }

    // ------------------------------------------------------------------ autograd

    /** PyTorch's name of the backward node this op records, e.g. {@code AddBackward0}. */
    default String gradFnName(Tensor[] in) {
        return Node.backwardName(name());
    }

    /** False for ops whose result carries no gradient (comparisons, argmax). */
    default boolean differentiable() {
        return true;
    }

    /** Whether the vector-Jacobian product needs input {@code i}'s value (the node then saves it). */
    default boolean savesInput(int i) {
        return false;
    }

    /** Whether the vector-Jacobian product needs the result's value. */
    default boolean savesOutput() {
        return false;
    }

    /**
     * The vector-Jacobian product: given the gradient {@code g} of some scalar with respect to
     * this op's result, the gradients with respect to each input (null where an input needs
     * none), written with {@link Variable} ops so that it is itself differentiable. A gradient
     * may have the result's broadcast shape: the engine sums it back to the input's shape.
     */
    default Variable[] vjp(Saved saved, Variable g) {
        throw new UnsupportedOperationException("the derivative for '" + name() + "' is not implemented");
    }

    /**
     * The Jacobian-vector product, for forward mode ({@link ForwardAD}, {@code func.jvp}): given
     * a tangent per input ({@code null} for a zero tangent), the tangent of the result, written
     * with {@link Variable} ops so that it is itself differentiable (forward-over-reverse gives
     * Hessian-vector products); null for a zero tangent. It may return a shape that broadcasts
     * to the result's. {@code primals} holds every input and the result.
     *
     * <p>The default derives it from {@link #vjp} ({@link ForwardAD#byDoubleVjp}: the VJP is
     * linear in its cotangent, so one reverse pass through it gives {@code J t}), so every op
     * with a VJP has a correct JVP; elementwise, linear and matmul-like ops override it with
     * their direct rule, which is cheaper.
     */
    default Variable jvp(Saved primals, Variable[] tangents) {
        return ForwardAD.byDoubleVjp(this, primals, tangents);
    }

    /** What a node kept for its op's vector-Jacobian product. */
    interface Saved {
        /** Input {@code i}, if the op saved it ({@link #savesInput}). */
        Variable input(int i);

        /** The result, if the op saved it ({@link #savesOutput}). */
        Variable output();

        /** The shape input {@code i} had. */
        int[] inputShape(int i);

        /** The dtype input {@code i} had. */
        DType inputDtype(int i);

        /** Whether input {@code i} needs a gradient (its VJP part may be skipped otherwise). */
        boolean needsGrad(int i);

        /** How many inputs the op had. */
        int inputCount();
    }
}
