package io.simdgrad.core.engine;

import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.ops.Ops;
import io.simdgrad.core.ops.Shapes;
import io.simdgrad.core.ops.ViewOps;

import java.util.Arrays;

/**
 * The one place every op passes through: checks, allocates the result, runs the op's forward.
 * In-place calls validate everything before the first write, so a failing op leaves its
 * inputs untouched.
 */
public final class Dispatch {
    /** Per thread: the attached tracer (or null) and how deep inside op forwards we are. */
    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    private static final class State {
        Tracer tracer;
        int depth;
    }

    private Dispatch() {}

    /** The tracer attached to this thread, or null. */
    public static Tracer tracer() {
        return STATE.get().tracer;
    }

    /**
     * Attaches {@code tracer} to this thread until the returned scope closes, which reattaches
     * the one it replaced: {@code try (var t = Dispatch.trace(capture)) { ... }}. While attached,
     * every outermost op, in-place op and value read is reported to it.
     */
    public static TraceScope trace(Tracer tracer) {
        State s = STATE.get();
        TraceScope scope = new TraceScope(s, s.tracer);
        s.tracer = tracer;
        return scope;
    }

    /** Detaches any tracer until the returned scope closes: what graph code runs inside it is not recorded. */
    public static TraceScope untraced() {
        return trace(null);
    }

    /** Detaches the tracer now, for a tracer that gives up mid-capture; the enclosing scope's close still restores the outer one. */
    public static void detach() {
        STATE.get().tracer = null;
    }

    /** A scope of {@link #trace}: closing it reattaches the tracer it replaced (closing twice does nothing more). */
    public static final class TraceScope implements AutoCloseable {
        private final State state;
        private final Tracer previous;
        private boolean closed;

        private TraceScope(State state, Tracer previous) {
            this.state = state;
            this.previous = previous;
        }

        /** The tracer that was attached when the scope opened (null for none). */
        public Tracer previous() {
            return previous;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            state.tracer = previous;
        }
    }

    /** Runs {@code op} on {@code in} into a new contiguous tensor. */
    public static Tensor call(Op op, Tensor... in) {
        checkInputs(op.name(), in);
        int[] shape = op.shape(in);
        Tensor out = Internals.empty(op.dtype(in), shape);
        State s = STATE.get();
        s.depth++;
        try {
            op.forward(in, out);
        } finally {
            s.depth--;
        }
        if (s.tracer != null && s.depth == 0) s.tracer.onOp(op, in, out);
        return out;
    }

    /** Fails, naming the op and the argument, when an input is null (else the JDK would name an internal array). */
    public static void checkInputs(String op, Object[] in) {
        if (in == null) throw new NullPointerException(op + ": the list of inputs is null");
        for (int i = 0; i < in.length; i++) {
            if (in[i] == null) throw new NullPointerException(op + ": argument " + i + " is null (expected a tensor)");
        }
    }

    /** Runs a view op: the result shares {@code in[0]}'s storage. */
    public static Tensor view(ViewOps.ViewOp op, Tensor[] in) {
        Tensor out = op.view(in[0]);
        State s = STATE.get();
        if (s.tracer != null && s.depth == 0) s.tracer.onOp(op, in, out);
        return out;
    }

    /** Runs {@code op} on {@code in} into {@code out} (contiguous, of the op's shape and dtype). */
    public static Tensor into(Op op, Tensor out, Tensor... in) {
        int[] shape = op.shape(in);
        if (!Arrays.equals(shape, Internals.shape(out)) || op.dtype(in) != out.dtype() || !out.isContiguous()) {
            throw new IllegalArgumentException(op.name() + ": output buffer " + out.dtype() + Shapes.str(Internals.shape(out))
                    + (out.isContiguous() ? "" : " (not contiguous)") + " does not fit the result " + op.dtype(in)
                    + Shapes.str(shape));
        }
        if (op.failsOnValues()) {
            // a failure part way must not leave the caller's buffer half written
            Tensor tmp = Internals.empty(out.dtype(), shape);
            op.forward(in, tmp);
            Ops.CopyInto.copy(tmp, out);
        } else {
            op.forward(in, out);
        }
        return out;
    }

    /**
     * Runs an elementwise {@code op} on {@code (self, rest...)} and writes the result into
     * {@code self}, bumping its version. The result must have self's shape (other operands
     * broadcast to it, not the other way round).
     */
    public static Tensor inPlace(Op op, Tensor self, Tensor... rest) {
        if (!op.overlappingTargetAllowed() && !self.isContiguous() && Shapes.internalOverlap(Internals.shape(self), Internals.strides(self))) {
            throw new IllegalArgumentException(inPlaceName(op) + ": unsupported operation: more than one element of the "
                    + "written-to tensor refers to a single memory location. Please clone() the tensor before performing the "
                    + "operation. (shape " + Shapes.str(Internals.shape(self)) + ", strides " + Shapes.str(Internals.strides(self)) + ")");
        }
        Tensor[] in = new Tensor[rest.length + 1];
        in[0] = self;
        System.arraycopy(rest, 0, in, 1, rest.length);
        checkInputs(inPlaceName(op), in);
        int[] shape = op.shape(in);
        if (!Arrays.equals(shape, Internals.shape(self))) {
            throw new IllegalArgumentException(op.name() + "InPlace: output with shape " + Shapes.str(Internals.shape(self))
                    + " doesn't match the broadcast shape " + Shapes.str(shape));
        }
        if (op.dtype(in) != self.dtype()) {
            throw new IllegalArgumentException(op.name() + "InPlace: result type " + op.dtype(in)
                    + " can't be cast to the desired output type " + self.dtype());
        }
        boolean overlaps = false;
        for (Tensor r : rest) overlaps |= Internals.storage(r) == Internals.storage(self);
        State s = STATE.get();
        s.depth++;
        try {
            if (self.isContiguous() && !overlaps) {
                op.forward(in, self);
            } else {
                Tensor tmp = Internals.empty(self.dtype(), shape);
                op.forward(in, tmp);
                Ops.CopyInto.copy(tmp, self);
            }
        } finally {
            s.depth--;
        }
        Internals.storage(self).bump(inPlaceName(op));
        if (s.tracer != null && s.depth == 0) s.tracer.onInPlace(op, self, rest);
        return self;
    }

    /**
     * Marks {@code self} as written in place by {@code op} (bumps its version, as {@link Tensor}'s
     * in-place ops do), for executors that run {@code op.forward} into {@code self} themselves.
     */
    public static void markInPlace(Op op, Tensor self) {
        markInPlace(inPlaceName(op), self);
    }

    /** The name an in-place write by {@code op} leaves on the tensor ({@code "addInPlace"}), for {@link #markInPlace(String, Tensor)}. */
    public static String inPlaceName(Op op) {
        return op.name() + "InPlace";
    }

    /** As {@link #markInPlace(Op, Tensor)} with the name made once by {@link #inPlaceName} (a replay builds no string per call). */
    public static void markInPlace(String inPlaceName, Tensor self) {
        Internals.storage(self).bump(inPlaceName);
    }

    /** Called when Java code reads a tensor's values (item, comparisons): the tracer's guard point. */
    public static void read(Tensor t) {
        State s = STATE.get();
        if (s.tracer != null && s.depth == 0) s.tracer.onRead(t);
    }
}
