package io.simdgrad.graph;

import io.simdgrad.core.DType;
import io.simdgrad.core.Kernel;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.engine.Dispatch;
import io.simdgrad.core.engine.RawArrays;
import io.simdgrad.core.ops.Ops;
import io.simdgrad.graph.Graph.Guard;
import io.simdgrad.graph.Graph.Node;
import io.simdgrad.graph.Graph.Step;
import io.simdgrad.graph.Graph.Value;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A graph compiled for replay: a flat array of op calls into buffers allocated once
 * ({@link BufferPlan}), with every view made once over those fixed buffers. Each op is bound once, at compile time, to the
 * layouts of its operands ({@link Op#bind}: the very kernel eager code binds and runs for those
 * layouts), and the replay runs the bound kernels.
 *
 * <p><b>Inputs.</b> An input that op steps only read is read in place: the steps get the
 * caller's tensor when it is contiguous and shares no memory with a param. Otherwise (it is
 * the base of a view, guarded, returned, or the tensor does not qualify) it is first copied
 * into the input's own buffer.
 *
 * <p><b>Buffer plan.</b> Each node result gets a contiguous buffer; a buffer whose value (and
 * every view of it) has had its last use is reused by a later result of the same dtype and
 * size. Inputs, params, consts and returned values are never reused. An elementwise step whose
 * operand dies at that step writes its result over that operand ({@link #inPlaceSteps}); no
 * other node writes into a buffer one of its own operands occupies.
 *
 * <p><b>Parameters.</b> In-place nodes write into the bound param tensors and bump their
 * version as eager in-place ops do. The in-place nodes are elementwise kernels on shapes checked
 * at capture, which do not throw; a param written before the last step that may fail (a guard, or
 * an op whose {@link Op#throwsOnValues} says it may) is copied before the first step and
 * restored if a step fails. In the usual "forward, backward, update" shape, and in an
 * optimiser step whose updates are interleaved with 0-d arithmetic on step counts and
 * learning rates, nothing is copied. Either way a failed replay leaves params as they were.
 *
 * <p>Not thread-safe: a replay uses the executable's buffers.
 */
public final class Executable {
    /** One step of the flat program. */
    private abstract static class Exec {
        final Step step;

        Exec(Step step) {
            this.step = step;
        }

        abstract void run();
    }

    private static final class OpExec extends Exec {
        final Tensor[] in;
        final Tensor out;
        final Kernel kernel;

        OpExec(Node n, Tensor[] in, Tensor out) {
            super(n);
            this.in = in;
            this.out = out;
            this.kernel = n.op().bind(in, out);
        }

        @Override void run() {
            kernel.run(in, out);
        }
    }

    private static final class InPlaceExec extends Exec {
        final Tensor[] in;
        final Tensor target;
        final Tensor tmp;
        final Tensor[] copyIn;
        final Kernel kernel;
        final String inPlaceName;

        InPlaceExec(Node n, Tensor[] in, Tensor target) {
            super(n);
            this.in = in;
            this.target = target;
            boolean overlaps = false;
            for (int i = 1; i < in.length; i++) overlaps |= in[i].sharesStorageWith(target);
            // as Dispatch.inPlace: compute into a temporary when the target is strided or read by another operand
            this.tmp = target.isContiguous() && !overlaps ? null : Tensor.zeros(target.dtype(), target.shape());
            this.copyIn = tmp == null ? null : new Tensor[] {target, tmp};
            this.kernel = n.op().bind(in, tmp == null ? target : tmp);
            this.inPlaceName = Dispatch.inPlaceName(n.op());
        }

        @Override void run() {
            if (tmp == null) {
                kernel.run(in, target);
            } else {
                kernel.run(in, tmp);
                Ops.CopyInto.INSTANCE.forward(copyIn, target);
            }
            Dispatch.markInPlace(inPlaceName, target);
        }
    }

    private static final class GuardExec extends Exec {
        final Tensor t;
        final double[] expected;

        GuardExec(Guard g, Tensor t) {
            super(g);
            this.t = t;
            this.expected = g.expectedRef();
        }

        @Override void run() {
            if (!matches()) throw new GuardFailure((Guard) step, t.toDoubleArray());
        }

        /** Compares in place (a contiguous tensor, element by element as a double), allocating nothing. */
        private boolean matches() {
            if (!t.isContiguous()) return Arrays.equals(t.toDoubleArray(), expected);
            int o = t.storageOffset(), n = expected.length;
            float[] f = RawArrays.floats(t);
            double[] d = RawArrays.doubles(t);
            long[] l = RawArrays.longs(t);
            for (int i = 0; i < n; i++) {
                double v = f != null ? f[o + i] : d != null ? d[o + i] : (double) l[o + i];
                if (Double.compare(v, expected[i]) != 0) return false;
            }
            return true;
        }
    }

    private final Graph graph;
    private final Tensor[] inputBufs;
    private final Tensor[][] inputCopyArgs;
    /** Per input, the operand slots that read its buffer, when nothing else does (null otherwise). */
    private final Slot[][] inputSlots;
    private final Tensor[] paramTensors;
    private final Exec[] execs;
    /** The in-place steps, found once: the alias check runs on every call. */
    private final InPlaceExec[] inPlaceExecs;
    private final Tensor[] backupTargets;
    private final Tensor[] backups;
    private final Tensor[][] backupArgs;
    private final Tensor[][] restoreArgs;
    private final Tensor[] outputs;
    /** The generators stateful steps draw from, and their state saved before each replay: a failed replay puts it back. */
    private final io.simdgrad.core.Generator[] generators;
    private final io.simdgrad.core.Generator[] generatorBackups;
    private final int bufferCount;
    private final int inPlaceSteps;
    private final long bufferBytes;

    private Executable(Graph g) {
        this.graph = g;
        BufferPlan plan = BufferPlan.of(g, GraphIndex.of(g));
        inputBufs = new Tensor[g.inputs().size()];
        inputCopyArgs = new Tensor[inputBufs.length][];
        for (int i = 0; i < inputBufs.length; i++) {
            inputBufs[i] = plan.inputBuffer(i);
            inputCopyArgs[i] = new Tensor[1];
        }
        List<Step> steps = g.steps();
        List<io.simdgrad.core.Generator> gens = new ArrayList<>();
        for (Step s : steps) {
            if (s instanceof Node n && n.op().generator() != null && !gens.contains(n.op().generator())) gens.add(n.op().generator());
        }
        generators = gens.toArray(new io.simdgrad.core.Generator[0]);
        generatorBackups = new io.simdgrad.core.Generator[generators.length];
        for (int k = 0; k < generators.length; k++) generatorBackups[k] = new io.simdgrad.core.Generator(0);
        List<Exec> execList = new ArrayList<>();
        List<Tensor> viewBases = new ArrayList<>();
        int lastMayFail = -1;
        for (Step s : steps) {
            if (s instanceof Guard gd) {
                lastMayFail = execList.size();
                execList.add(new GuardExec(gd, plan.buffer(gd.value())));
                continue;
            }
            Node n = (Node) s;
            Tensor[] in = plan.operands(n);
            if (n.isView()) {
                viewBases.add(in[0]);
            } else if (n.inPlace()) {
                execList.add(new InPlaceExec(n, in, in[0]));
            } else {
                if (n.op().throwsOnValues(in)) lastMayFail = execList.size();
                execList.add(new OpExec(n, in, plan.buffer(n.out())));
            }
        }
        execs = execList.toArray(new Exec[0]);
        List<InPlaceExec> ips = new ArrayList<>();
        for (Exec e : execs) if (e instanceof InPlaceExec ip) ips.add(ip);
        inPlaceExecs = ips.toArray(new InPlaceExec[0]);
        outputs = new Tensor[g.outputs().size()];
        for (int i = 0; i < outputs.length; i++) outputs[i] = plan.buffer(g.outputs().get(i));
        inputSlots = new Slot[inputBufs.length][];
        for (int i = 0; i < inputBufs.length; i++) inputSlots[i] = readSlots(inputBufs[i], execs, outputs, viewBases);
        paramTensors = new Tensor[g.params().size()];
        for (int i = 0; i < paramTensors.length; i++) paramTensors[i] = g.params().get(i).tensor();
        bufferCount = plan.bufferCount();
        bufferBytes = plan.bufferBytes();
        inPlaceSteps = plan.inPlaceSteps();
        // a param written before a step that may still fail is backed up; one written after the last such step is not
        List<Tensor> targets = new ArrayList<>();
        for (int k = 0; k < lastMayFail; k++) {
            if (execs[k] instanceof InPlaceExec ip && !targets.contains(ip.target)) targets.add(ip.target);
        }
        backupTargets = targets.toArray(new Tensor[0]);
        backups = new Tensor[backupTargets.length];
        backupArgs = new Tensor[backups.length][];
        restoreArgs = new Tensor[backups.length][];
        for (int i = 0; i < backups.length; i++) {
            backups[i] = Tensor.zeros(backupTargets[i].dtype(), backupTargets[i].shape());
            backupArgs[i] = new Tensor[] {backupTargets[i]};
            restoreArgs[i] = new Tensor[] {backupTargets[i], backups[i]};
        }
    }

    /** An operand position: {@code args[index]}. */
    private record Slot(Tensor[] args, int index) {}

    /**
     * The operand slots of op steps that hold {@code buf}, or null when {@code buf} is also used
     * otherwise (as a view's base, by a guard, as an output, as an in-place target), so that
     * only copying the input into {@code buf} is correct.
     */
    private static Slot[] readSlots(Tensor buf, Exec[] execs, Tensor[] outputs, List<Tensor> viewBases) {
        for (Tensor t : viewBases) if (t == buf) return null;
        for (Tensor t : outputs) if (t == buf) return null;
        List<Slot> slots = new ArrayList<>();
        for (Exec e : execs) {
            if (e instanceof GuardExec gd && gd.t == buf) return null;
            Tensor[] args = e instanceof OpExec op ? op.in : e instanceof InPlaceExec ip ? ip.in : null;
            if (args == null) continue;
            for (int k = 0; k < args.length; k++) {
                if (args[k] != buf) continue;
                if (e instanceof InPlaceExec && k == 0) return null;
                slots.add(new Slot(args, k));
            }
        }
        return slots.toArray(new Slot[0]);
    }

    /** Compiles {@code g} as it is (run {@link Passes#optimize} first for the optimised program). */
    public static Executable compile(Graph g) {
        return compile(g, g);
    }

    /** Compiles {@code g}, the optimised form of {@code captured}. */
    static Executable compile(Graph g, Graph captured) {
        Executable e = Snapshots.untraced(() -> new Executable(g));
        e.captured = captured;
        return e;
    }

    private Graph captured;

    /** The graph as captured, before the passes. */
    Graph capturedGraph() {
        return captured;
    }

    /** Why input {@code i} shares memory with a param this executable writes in place, or null. */
    String aliasOfWrittenParam(List<Tensor> inputs) {
        for (InPlaceExec ip : inPlaceExecs) {
            for (int i = 0; i < inputs.size(); i++) {
                if (inputs.get(i).sharesStorageWith(ip.target)) {
                    return "input " + i + " shares memory with the param that " + ip.step + " writes in place";
                }
            }
        }
        return null;
    }


    /** The graph this executable runs. */
    public Graph graph() {
        return graph;
    }

    /** How many intermediate buffers the plan allocated (after reuse). */
    public int bufferCount() {
        return bufferCount;
    }

    /** How many steps write their result over an operand's buffer (its last use) instead of a buffer of their own. */
    public int inPlaceSteps() {
        return inPlaceSteps;
    }

    /** How many params a replay copies first, to restore them if a later step fails (0 when no step can fail after a write). */
    int backupCount() {
        return backups.length;
    }

    /** The bytes of those buffers. */
    public long bufferBytes() {
        return bufferBytes;
    }

    /** Whether {@code inputs} have the graph's input dtypes and shapes (no allocation). */
    public boolean accepts(List<Tensor> inputs) {
        List<Value> vs = graph.inputs();
        if (inputs.size() != vs.size()) return false;
        for (int i = 0; i < vs.size(); i++) {
            Tensor t = inputs.get(i);
            Value v = vs.get(i);
            int[] s = v.shapeRef();
            if (t.dtype() != v.dtype() || t.dim() != s.length) return false;
            for (int d = 0; d < s.length; d++) if (t.size(d) != s[d]) return false;
        }
        return true;
    }

    /**
     * Replays the graph on {@code inputs} and returns copies of its outputs (an unmodifiable list).
     *
     * @throws IllegalArgumentException when the inputs do not have the graph's signature
     * @throws GuardFailure when a guard sees another value than the capture did (params unchanged)
     * @throws ReplayException wrapping an exception thrown by a step, naming the step (params unchanged)
     */
    public List<Tensor> run(List<Tensor> inputs) {
        if (!accepts(inputs)) {
            throw new IllegalArgumentException("replay: expected inputs " + Signature.of(graph) + ", got " + Signature.of(inputs));
        }
        try (var untraced = Dispatch.untraced()) {
            for (int i = 0; i < inputBufs.length; i++) {
                Tensor t = inputs.get(i);
                if (inputSlots[i] != null && bindable(t)) {
                    for (Slot sl : inputSlots[i]) sl.args[sl.index] = t;
                    continue;
                }
                if (inputSlots[i] != null) for (Slot sl : inputSlots[i]) sl.args[sl.index] = inputBufs[i];
                if (t.isContiguous()) {
                    Ops.copyContiguous(t, inputBufs[i]); // the signature matched: same dtype and size
                    continue;
                }
                Tensor[] a = inputCopyArgs[i];
                a[0] = t;
                Ops.Copy.INSTANCE.forward(a, inputBufs[i]);
                a[0] = null;
            }
            for (int i = 0; i < backups.length; i++) Ops.Copy.INSTANCE.forward(backupArgs[i], backups[i]);
            for (int k = 0; k < generators.length; k++) generators[k].copyStateTo(generatorBackups[k]);
            int i = 0;
            try {
                for (; i < execs.length; i++) execs[i].run();
            } catch (RuntimeException e) {
                restore();
                if (e instanceof GuardFailure) throw e;
                throw new ReplayException(execs[i].step, e);
            } catch (Error e) {
                // params are restored on any throwable; an Error is rethrown as it is, naming the step beside it
                restore();
                e.addSuppressed(new ReplayException(execs[i].step, e));
                throw e;
            }
            // immutable lists: one or two outputs cost one small object, no backing array
            if (outputs.length == 1) return List.of(copyOut(outputs[0]));
            if (outputs.length == 2) return List.of(copyOut(outputs[0]), copyOut(outputs[1]));
            Tensor[] r = new Tensor[outputs.length];
            for (int k = 0; k < r.length; k++) r[k] = copyOut(outputs[k]);
            return List.of(r);
        } finally {
            unbind();
        }
    }

    /** A copy of an output: a contiguous tensor by {@link Ops#copyContiguous}, a strided one by {@link Tensor#copy}. */
    private static Tensor copyOut(Tensor t) {
        if (!t.isContiguous()) return t.copy();
        Tensor r = Tensor.zerosLike(t);
        Ops.copyContiguous(t, r);
        return r;
    }

    /**
     * Whether the steps may read {@code t} itself instead of a copy: it is contiguous (fused
     * steps index it flat) and shares no memory with a param (which in-place steps write).
     */
    private boolean bindable(Tensor t) {
        if (!t.isContiguous()) return false;
        for (Tensor p : paramTensors) if (p.sharesStorageWith(t)) return false;
        return true;
    }

    private void unbind() {
        for (int i = 0; i < inputBufs.length; i++) {
            if (inputSlots[i] != null) for (Slot sl : inputSlots[i]) sl.args[sl.index] = inputBufs[i];
        }
    }

    private void restore() {
        for (int i = 0; i < backups.length; i++) Ops.CopyInto.INSTANCE.forward(restoreArgs[i], backupTargets[i]);
        // a dropout mask drawn before a failing guard is drawn again by the eager run that follows: as if never drawn
        for (int k = 0; k < generators.length; k++) generatorBackups[k].copyStateTo(generators[k]);
    }

    /** The (dtype, shape) signature of a list of inputs. */
    static final class Signature {
        private final DType[] dtypes;
        private final int[][] shapes;

        private Signature(DType[] dtypes, int[][] shapes) {
            this.dtypes = dtypes;
            this.shapes = shapes;
        }

        static Signature of(List<Tensor> ts) {
            DType[] d = new DType[ts.size()];
            int[][] s = new int[ts.size()][];
            for (int i = 0; i < d.length; i++) {
                d[i] = ts.get(i).dtype();
                s[i] = ts.get(i).shape();
            }
            return new Signature(d, s);
        }

        static Signature of(Graph g) {
            DType[] d = new DType[g.inputs().size()];
            int[][] s = new int[d.length][];
            for (int i = 0; i < d.length; i++) {
                d[i] = g.inputs().get(i).dtype();
                s[i] = g.inputs().get(i).shape();
            }
            return new Signature(d, s);
        }

        @Override public boolean equals(Object o) {
            return o instanceof Signature sg && Arrays.equals(dtypes, sg.dtypes) && Arrays.deepEquals(shapes, sg.shapes);
        }

        @Override public int hashCode() {
            return Arrays.hashCode(dtypes) * 31 + Arrays.deepHashCode(shapes);
        }

        /** {@code (f32[3], i64[4])}. */
        @Override public String toString() {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < dtypes.length; i++) {
                sb.append(i > 0 ? ", " : "").append(dtypes[i].shortName()).append('[');
                for (int k = 0; k < shapes[i].length; k++) sb.append(k > 0 ? ", " : "").append(shapes[i][k]);
                sb.append(']');
            }
            return sb.append(')').toString();
        }
    }
}
