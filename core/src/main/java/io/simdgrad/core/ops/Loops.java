package io.simdgrad.core.ops;

import io.simdgrad.core.Kernel;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.core.engine.Storage;

import java.util.Arrays;

/**
 * Runs elementwise work over the innermost runs of an output shape. Dims of size 1 are dropped and
 * adjacent dims that are contiguous for every operand are merged, so a contiguous op is one run
 * (one kernel call) and a broadcast op is a few long runs. Inputs are brought to the output's
 * dtype and shape first; an input whose innermost stride is neither 0 (broadcast) nor 1 is made
 * contiguous, so a run body only sees unit or zero strides.
 *
 * <p>The merged layout is a {@link Plan}; eager calls make one and walk it once, bound kernels
 * ({@link #bind}) make it once and walk it on every run, so both issue the same kernel calls.
 */
final class Loops {
    private Loops() {}

    /** One innermost run: {@code offs[i]} is operand i's offset (inputs first, out last). */
    interface Run {
        void run(int[] offs, int[] innerStrides, int n);
    }

    /** Eager forward of an elementwise op: bind the layout and run it once (one run when all is contiguous). */
    static void elementwise(ElementwiseOp op, Tensor[] in, Tensor out) {
        int k = in.length + 1;
        if (allContiguousLike(out, in)) {
            // the common case: one kernel call over the whole range, no plan, no iteration state
            Storage[] s = new Storage[k];
            int[] offs = new int[k], unit = new int[k];
            for (int i = 0; i < in.length; i++) {
                s[i] = Internals.storage(in[i]);
                offs[i] = Internals.offset(in[i]);
                unit[i] = 1;
            }
            s[k - 1] = Internals.storage(out);
            offs[k - 1] = Internals.offset(out);
            unit[k - 1] = 1;
            int n = out.numel();
            if (n > 0) op.run(s, offs, unit, n);
            return;
        }
        Kernel bound = bind(op, in, out);
        if (bound != null) {
            bound.run(in, out);
            return;
        }
        Tensor[] prepared = new Tensor[k];
        for (int i = 0; i < in.length; i++) prepared[i] = in[i].to(out.dtype()).expand(Internals.shape(out));
        prepared[k - 1] = out;
        int inner = innerStrideIssue(Internals.shape(out), prepared);
        while (inner >= 0) {
            prepared[inner] = in[inner].to(out.dtype()).contiguous().expand(Internals.shape(out));
            inner = innerStrideIssue(Internals.shape(out), prepared);
        }
        Storage[] s = new Storage[k];
        for (int i = 0; i < k; i++) s[i] = Internals.storage(prepared[i]);
        iterate(Internals.shape(out), prepared, (offs, st, n) -> op.run(s, offs, st, n));
    }

    /**
     * The runs of {@code op} over this layout, resolved once: null (and the general path of
     * {@link #elementwise} runs) when an operand needs a conversion or a copy first, or the
     * result is not contiguous. The plan's offsets are relative to each operand's own offset,
     * read again on every run.
     */
    static Kernel bind(ElementwiseOp op, Tensor[] in, Tensor out) {
        if (!out.isContiguous()) return null;
        int k = in.length + 1;
        Tensor[] ops = new Tensor[k];
        for (int i = 0; i < in.length; i++) {
            if (in[i].dtype() != out.dtype()) return null;
            ops[i] = in[i].expand(Internals.shape(out));
        }
        ops[k - 1] = out;
        if (innerStrideIssue(Internals.shape(out), ops) >= 0) return null;
        return new Bound(op, new Plan(Internals.shape(out), ops));
    }

    private static boolean allContiguousLike(Tensor out, Tensor[] inputs) {
        for (Tensor t : inputs) {
            if (t.dtype() != out.dtype() || !Arrays.equals(Internals.shape(t), Internals.shape(out)) || !t.isContiguous()) return false;
        }
        return out.isContiguous();
    }

    /** The first input whose innermost run stride is not 0 or 1, or -1. */
    private static int innerStrideIssue(int[] shape, Tensor[] ops) {
        int d = shape.length - 1;
        while (d >= 0 && shape[d] == 1) d--;
        if (d < 0) return -1;
        for (int i = 0; i < ops.length - 1; i++) {
            int s = Internals.strides(ops[i])[d];
            if (s != 0 && s != 1) return i;
        }
        return -1;
    }

    /** Iterates the runs of {@code shape} for operands viewed with that shape. */
    static void iterate(int[] shape, Tensor[] ops, Run body) {
        Plan p = new Plan(shape, ops);
        int[] offs = new int[ops.length];
        for (int o = 0; o < ops.length; o++) offs[o] = Internals.offset(ops[o]);
        p.walk(offs, new int[Math.max(p.m, 1)], body);
    }

    /**
     * A shape's runs for some operand strides: the dims left after dropping size 1 and merging
     * contiguous neighbours, the innermost one the run length.
     */
    static final class Plan {
        /** Operands (inputs, then out). */
        final int k;
        /** Merged dims; 0 for one element; -1 for no element. */
        final int m;
        final int[] sizes;
        /** Per operand, per merged dim, the stride. */
        final int[][] st;
        /** Per operand, the stride of the innermost merged dim (the run's). */
        final int[] innerStrides;

        Plan(int[] shape, Tensor[] ops) {
            k = ops.length;
            int nd = shape.length;
            boolean empty = false;
            for (int s : shape) empty |= s == 0;
            sizes = new int[nd];
            st = new int[k][nd];
            innerStrides = new int[k];
            if (empty) {
                m = -1;
                return;
            }
            int merged = 0;
            for (int d = 0; d < nd; d++) {
                if (shape[d] == 1) continue;
                boolean merge = merged > 0;
                for (int o = 0; o < k && merge; o++) merge = st[o][merged - 1] == Internals.strides(ops[o])[d] * shape[d];
                if (merge) {
                    sizes[merged - 1] *= shape[d];
                    for (int o = 0; o < k; o++) st[o][merged - 1] = Internals.strides(ops[o])[d];
                } else {
                    sizes[merged] = shape[d];
                    for (int o = 0; o < k; o++) st[o][merged] = Internals.strides(ops[o])[d];
                    merged++;
                }
            }
            m = merged;
            // one element is a contiguous run of one, as the all-contiguous fast path runs it: a
            // run body may pick another kernel for stride 0 (addScaled: add vs fma)
            for (int o = 0; o < k; o++) innerStrides[o] = m > 0 ? st[o][m - 1] : 1;
        }

        /** Calls {@code body} per run, starting from the operands' offsets {@code offs} (moved, then restored); {@code count} is scratch of length >= m. */
        void walk(int[] offs, int[] count, Run body) {
            if (m < 0) return;
            if (m == 0) {
                body.run(offs, innerStrides, 1);
                return;
            }
            int n = sizes[m - 1];
            Arrays.fill(count, 0, m, 0);
            while (true) {
                body.run(offs, innerStrides, n);
                int d = m - 2;
                for (; d >= 0; d--) {
                    for (int o = 0; o < k; o++) offs[o] += st[o][d];
                    if (++count[d] < sizes[d]) break;
                    for (int o = 0; o < k; o++) offs[o] -= st[o][d] * sizes[d];
                    count[d] = 0;
                }
                if (d < 0) return;
            }
        }
    }

    /** An elementwise op bound to a plan: per run, the operands' storages and offsets are read again; no allocation. */
    private static final class Bound implements Kernel, Run {
        private final ElementwiseOp op;
        private final Plan plan;
        private final Storage[] s;
        private final int[] offs;
        private final int[] count;

        Bound(ElementwiseOp op, Plan plan) {
            this.op = op;
            this.plan = plan;
            this.s = new Storage[plan.k];
            this.offs = new int[plan.k];
            this.count = new int[Math.max(plan.m, 1)];
        }

        @Override public void run(Tensor[] in, Tensor out) {
            int k = plan.k;
            for (int i = 0; i < k - 1; i++) {
                s[i] = Internals.storage(in[i]);
                offs[i] = Internals.offset(in[i]);
            }
            s[k - 1] = Internals.storage(out);
            offs[k - 1] = Internals.offset(out);
            if (plan.m == 1) {
                // one run (contiguous, or one operand broadcast whole): no odometer
                op.run(s, offs, plan.innerStrides, plan.sizes[0]);
            } else {
                plan.walk(offs, count, this);
            }
            Arrays.fill(s, null); // a bound kernel must not keep a caller's tensor alive
        }

        @Override public void run(int[] o, int[] strides, int n) {
            op.run(s, o, strides, n);
        }
    }
}
