package io.simdgrad.graph;

import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.engine.Dispatch;
import io.simdgrad.core.engine.Tracer;
import io.simdgrad.core.ops.ViewOps;
import io.simdgrad.graph.Graph.Kind;
import io.simdgrad.graph.Graph.Value;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The tracer behind a capture: runs the user's function eagerly with itself attached to
 * {@link Dispatch}, and maps every tensor it sees to a graph value by identity.
 *
 * <p>A tensor it has not seen is classified by its storage: memory of an input or of an op's
 * result gives an {@link AsStrided} view of that value; a storage older than the capture is a
 * param (bound by reference); a storage created during the capture is a const (a snapshot
 * taken when an op first reads it). Each mapping remembers the storage version: a tensor whose
 * memory was written in place since is mapped afresh (a param is re-read; a const re-snapshot).
 *
 * <p>In-place ops on params become in-place nodes (the replay writes the param); on an op's
 * result they become ordinary nodes (functional form); in-place writes that only build a const
 * from consts (e.g. filling a one-hot matrix) are not recorded, since the const is snapshotted
 * when read. An in-place write into an input makes the run unreplayable (the run goes on
 * eagerly, unrecorded; {@link Graphs#trace} then throws); reads of memory that a functionalised
 * write made stale through another view fail at capture time.
 */
final class Capture implements Tracer {
    private record Entry(Value value, int version) {}

    private record Root(Value value, Tensor tensor, int version, boolean input) {}

    private final long startSerial;
    private final Graph.Builder b = Graph.builder();
    private final Map<Tensor, Entry> byTensor = new IdentityHashMap<>();
    private final Map<Long, Root> roots = new HashMap<>();
    private final Map<Long, String> written = new HashMap<>();

    private Capture(List<Tensor> inputs) {
        startSerial = Tensor.scalar(0f).storageSerial();
        for (Tensor t : inputs) {
            Value v = b.input(t.dtype(), t.shape());
            byTensor.put(t, new Entry(v, t.version()));
            roots.put(t.storageSerial(), new Root(v, t, t.version(), true));
        }
    }

    /** The graph of one eager run of {@code fn} on {@code inputs}, and what the run returned. */
    record Result(Graph graph, List<Tensor> outputs, String unreplayable) {}

    /** Why the run cannot be replayed (it wrote into an input), or null; the tracer stops recording then. */
    private String unreplayable;

    /**
     * Runs {@code fn} once, eagerly, on {@code inputs} (non-contiguous inputs, and inputs
     * sharing memory with an earlier one, are copied first so that replays see the same layout).
     */
    static Result run(Function<List<Tensor>, List<Tensor>> fn, List<Tensor> inputs) {
        List<Tensor> prepared = new ArrayList<>(inputs.size());
        for (Tensor t : inputs) {
            boolean shared = false;
            for (Tensor p : prepared) shared |= p.sharesStorageWith(t);
            prepared.add(t.isContiguous() && !shared ? t : Snapshots.copy(t));
        }
        Capture c = new Capture(prepared);
        if (Dispatch.tracer() != null) throw new IllegalStateException("trace: a capture is already running on this thread");
        List<Tensor> outs;
        try (var tracing = Dispatch.trace(c)) {
            outs = fn.apply(prepared);
        }
        if (outs == null) throw new IllegalArgumentException("trace: the function returned null; return a list of tensors");
        if (c.unreplayable != null) return new Result(null, outs, c.unreplayable);
        for (Tensor t : outs) {
            if (t == null) throw new IllegalArgumentException("trace: the function returned a null tensor");
            c.b.output(c.resolve(t, 0));
        }
        return new Result(c.b.build(), outs, null);
    }

    @Override
    public void onOp(Op op, Tensor[] in, Tensor out) {
        String refused = op.notCapturable();
        if (refused != null) throw new IllegalStateException("capture: " + refused);
        if (op instanceof ViewOps.ViewOp && !out.sharesStorageWith(in[0])) {
            // reshape copied (its copy was recorded as an op): the result is a view of that copy
            resolve(out, 0);
            return;
        }
        Value[] vs = new Value[in.length];
        for (int i = 0; i < in.length; i++) vs[i] = resolve(in[i], 0);
        Value v = b.node(op, vs, out.shape(), out.dtype(), false);
        byTensor.put(out, new Entry(v, out.version()));
        if (!(op instanceof ViewOps.ViewOp)) roots.put(out.storageSerial(), new Root(v, out, out.version(), false));
    }

    @Override
    public void onInPlace(Op op, Tensor self, Tensor[] rest) {
        long serial = self.storageSerial();
        Root r = roots.get(serial);
        if (r != null && r.input) {
            // the eager run goes on, unrecorded: a replay copies its inputs in, so the write would be lost
            unreplayable = op.name() + "InPlace writes into input " + r.value + " (the caller's tensor); use an out-of-place op";
            Dispatch.detach();
            return;
        }
        boolean param = r == null && serial < startSerial;
        if (r == null && !param && !written.containsKey(serial)) {
            boolean constOnly = true;
            for (Tensor t : rest) constOnly &= isConstStorage(t);
            // building a const from consts (e.g. filling a one-hot matrix): it is snapshotted when read
            if (constOnly) return;
        }
        Value[] in = new Value[rest.length + 1];
        in[0] = resolve(self, 1);
        for (int i = 0; i < rest.length; i++) in[i + 1] = resolve(rest[i], rest[i].sharesStorageWith(self) ? 1 : 0);
        Value v = b.node(op, in, self.shape(), self.dtype(), param);
        byTensor.put(self, new Entry(v, self.version()));
        if (param) return;
        if (r != null && r.tensor == self) {
            roots.put(serial, new Root(v, self, self.version(), false));
        } else {
            written.put(serial, v + " = " + op.name() + "InPlace");
            roots.remove(serial);
        }
    }

    @Override
    public void onRead(Tensor t) {
        Value v = resolve(t, 0);
        if (v.kind() != Kind.CONST) b.guard(v, Snapshots.values(t));
    }

    private boolean isConstStorage(Tensor t) {
        long s = t.storageSerial();
        return s >= startSerial && !roots.containsKey(s) && !written.containsKey(s);
    }

    /**
     * The value {@code t} holds; {@code bumps} in-place writes have happened to its storage since
     * the value was current (1 for operands of the in-place op being reported).
     */
    private Value resolve(Tensor t, int bumps) {
        int ver = t.version() - bumps;
        Entry e = byTensor.get(t);
        if (e != null && e.version == ver) return e.value;
        long serial = t.storageSerial();
        String w = written.get(serial);
        if (w != null) {
            throw new IllegalStateException("capture: a tensor " + describe(t) + " shares memory with a value that " + w
                    + " wrote in place, and is read through another view; a graph cannot express that: use out-of-place ops");
        }
        Root r = roots.get(serial);
        Value v;
        if (r != null) {
            if (r.version != ver) {
                throw new IllegalStateException("capture: " + describe(t) + " (memory of " + r.value
                        + ") was changed outside the recorded ops (version " + r.version + ", now " + ver + ")");
            }
            int rel = t.storageOffset() - r.tensor.storageOffset();
            int[] size = t.shape(), stride = t.strides();
            long last = rel;
            for (int i = 0; i < size.length; i++) last += (long) (size[i] - 1) * stride[i];
            if (t.numel() > 0 && (rel < 0 || last >= r.value.numel())) {
                throw new IllegalStateException("capture: " + describe(t) + " reaches outside the memory of " + r.value
                        + " " + r.value.type() + " it shares");
            }
            v = b.node(new AsStrided(size, stride, rel), new Value[] {r.value}, size, t.dtype(), false);
        } else if (serial < startSerial) {
            v = b.param(t);
        } else {
            if (bumps != 0) {
                throw new IllegalStateException("capture: an in-place op wrote recorded values into " + describe(t)
                        + ", a tensor created during the capture that no op had read; use an out-of-place op");
            }
            v = b.constant(Snapshots.copy(t));
        }
        byTensor.put(t, new Entry(v, ver));
        return v;
    }

    private static String describe(Tensor t) {
        return t.dtype().shortName() + Arrays.toString(t.shape());
    }
}
