package io.simdgrad.core;

/**
 * Runs elementwise work over the innermost runs of an output shape. Dims of size 1 are dropped and
 * adjacent dims that are contiguous for every operand are merged, so a contiguous op is one run
 * (one kernel call) and a broadcast op is a few long runs. Inputs are brought to the output's
 * dtype and shape first; an input whose innermost stride is neither 0 (broadcast) nor 1 is made
 * contiguous, so a run body only sees unit or zero strides.
 */
final class Loops {
    private Loops() {}

    /** One innermost run: {@code offs[i]} is operand i's offset (inputs first, out last). */
    interface Run {
        void run(int[] offs, int[] innerStrides, int n);
    }

    /**
     * Calls {@code body} for every innermost run of {@code out}. {@code inputs} are converted to
     * out's dtype and broadcast to its shape (their storages, in order, are then in
     * {@code prepared}).
     */
    static void elementwise(Tensor out, Tensor[] inputs, Tensor[] prepared, Run body) {
        if (allContiguousLike(out, inputs)) {
            // the common case: one kernel call over the whole range, no views, no iteration state
            int k = inputs.length + 1;
            int[] offs = new int[k], unit = new int[k];
            for (int i = 0; i < inputs.length; i++) {
                prepared[i] = inputs[i];
                offs[i] = inputs[i].offset;
                unit[i] = 1;
            }
            offs[k - 1] = out.offset;
            unit[k - 1] = 1;
            int n = out.numel();
            if (n > 0) body.run(offs, unit, n);
            return;
        }
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i].to(out.dtype());
            prepared[i] = t.expand(out.shape);
        }
        int k = inputs.length + 1;
        Tensor[] ops = new Tensor[k];
        System.arraycopy(prepared, 0, ops, 0, inputs.length);
        ops[k - 1] = out;
        int inner = innerStrideIssue(out.shape, ops);
        while (inner >= 0) {
            prepared[inner] = inputs[inner].to(out.dtype()).contiguous().expand(out.shape);
            ops[inner] = prepared[inner];
            inner = innerStrideIssue(out.shape, ops);
        }
        iterate(out.shape, ops, body);
    }

    private static boolean allContiguousLike(Tensor out, Tensor[] inputs) {
        for (Tensor t : inputs) {
            if (t.dtype() != out.dtype() || !java.util.Arrays.equals(t.shape, out.shape) || !t.isContiguous()) return false;
        }
        return out.isContiguous();
    }

    /** The first input whose innermost run stride is not 0 or 1, or -1. */
    private static int innerStrideIssue(int[] shape, Tensor[] ops) {
        int d = shape.length - 1;
        while (d >= 0 && shape[d] == 1) d--;
        if (d < 0) return -1;
        for (int i = 0; i < ops.length - 1; i++) {
            int s = ops[i].strides[d];
            if (s != 0 && s != 1) return i;
        }
        return -1;
    }

    /** Iterates the runs of {@code shape} for operands viewed with that shape. */
    static void iterate(int[] shape, Tensor[] ops, Run body) {
        int k = ops.length;
        int nd = shape.length;
        for (int s : shape) if (s == 0) return;
        int[] sizes = new int[nd];
        int[][] st = new int[k][nd];
        int m = 0;
        for (int d = 0; d < nd; d++) {
            if (shape[d] == 1) continue;
            boolean merge = m > 0;
            for (int o = 0; o < k && merge; o++) merge = st[o][m - 1] == ops[o].strides[d] * shape[d];
            if (merge) {
                sizes[m - 1] *= shape[d];
                for (int o = 0; o < k; o++) st[o][m - 1] = ops[o].strides[d];
            } else {
                sizes[m] = shape[d];
                for (int o = 0; o < k; o++) st[o][m] = ops[o].strides[d];
                m++;
            }
        }
        int[] offs = new int[k];
        for (int o = 0; o < k; o++) offs[o] = ops[o].offset;
        int[] innerStrides = new int[k];
        if (m == 0) {
            body.run(offs, innerStrides, 1);
            return;
        }
        int n = sizes[m - 1];
        for (int o = 0; o < k; o++) innerStrides[o] = st[o][m - 1];
        int[] count = new int[m];
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
