package io.simdgrad.core;


/**
 * An op's forward bound to one layout of its operands ({@link Op#bind}): everything the layout
 * decides (kernel, broadcast runs, leading dimensions, transpose flags) was resolved when it was
 * bound, and {@link #run} re-reads only the operands' arrays and offsets. Eager code binds and
 * runs once; a compiled graph binds at compile time and runs on every replay, with the buffers it
 * was bound to or tensors of the same dtype, shape and strides (a replay may bind a caller's
 * input into an operand slot).
 *
 * <p>A bound kernel may keep scratch state: one thread runs it at a time.
 */
@FunctionalInterface
public interface Kernel {
    /** Computes the op's result of {@code in} into {@code out}. */
    void run(Tensor[] in, Tensor out);
}
