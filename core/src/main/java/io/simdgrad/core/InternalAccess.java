package io.simdgrad.core;

import io.simdgrad.core.engine.Internals;
import io.simdgrad.core.engine.Storage;

/** The package-private members {@link Internals} hands to core's internal packages. */
final class InternalAccess implements Internals.Access {
    @Override
    public Tensor newTensor(Storage storage, int[] shape, int[] strides, int offset) {
        return new Tensor(storage, shape, strides, offset);
    }

    @Override
    public Storage storage(Tensor t) {
        return t.storage;
    }

    @Override
    public int[] shape(Tensor t) {
        return t.shape;
    }

    @Override
    public int[] strides(Tensor t) {
        return t.strides;
    }

    @Override
    public int offset(Tensor t) {
        return t.offset;
    }

    @Override
    public Tensor viewOrNull(Tensor t, int... shape) {
        return t.viewOrNull(shape);
    }

    @Override
    public Node gradEdge(Variable v) {
        return v.gradEdge();
    }

    @Override
    public Variable jvpElementwise(Op op, Op.Saved s, Variable[] tangents) {
        return ForwardAD.elementwise(op, s, tangents);
    }

    @Override
    public Variable jvpLinear(Op op, Op.Saved s, Variable[] tangents) {
        return ForwardAD.linear(op, s, tangents);
    }
}
