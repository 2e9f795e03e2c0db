package io.simdgrad.core.ops;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Op;
import io.simdgrad.core.Reduction;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.core.engine.Storage;

import java.util.Arrays;

/**
 * Losses as ops. Class labels are data: an int64 index tensor is an operand of the op, read
 * only inside its forward, so a compiled training step takes new labels as a new input value
 * (no guard, no re-capture) — the rule that no op reads tensor data into Java.
 */
public final class LossOps {
    private LossOps() {}

    /** PyTorch's default {@code ignore_index}. */
    public static final long DEFAULT_IGNORE_INDEX = -100;

    /**
     * The input as {@code [N, C, D]}: dim 1 the classes (dim 0 for a 1-D input), D the product
     * of the dims after it; checks the target's dtype and shape.
     */
    private static int[] layout(String op, Tensor x, Tensor t) {
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating point input, got " + x.dtype());
        }
        if (t.dtype() != DType.INT64) {
            throw new IllegalArgumentException(op + ": expected a target of dtype int64 (class indices), got " + t.dtype()
                    + "; convert labels with to(DType.INT64)");
        }
        if (x.dim() == 0) throw new IllegalArgumentException(op + ": input must have at least 1 dimension, got a 0-d tensor");
        int[] want;
        if (x.dim() == 1) {
            want = new int[0];
        } else {
            want = new int[x.dim() - 1];
            want[0] = Internals.shape(x)[0];
            System.arraycopy(Internals.shape(x), 2, want, 1, x.dim() - 2);
        }
        if (!Arrays.equals(want, Internals.shape(t))) {
            throw new IllegalArgumentException(op + ": expected a target of shape " + Shapes.str(want) + " for an input of shape "
                    + Shapes.str(Internals.shape(x)) + ", got " + Shapes.str(Internals.shape(t)));
        }
        return ncd(Internals.shape(x));
    }

    /** An input shape as {@code [N, C, D]}: the classes on dim 1 (dim 0 for 1-D), D the product of the dims after it. */
    private static int[] ncd(int[] shape) {
        int n = shape.length == 1 ? 1 : shape[0], c = shape.length == 1 ? shape[0] : shape[1];
        int d = 1;
        for (int i = 2; i < shape.length; i++) d *= shape[i];
        return new int[] {n, c, d};
    }

    /** Checks every target before anything is computed: in [0, C) or the ignored index. */
    private static void checkTargets(String op, Tensor t, int classes, long ignoreIndex) {
        Storage s = Internals.storage(t);
        int o = Internals.offset(t), n = t.numel();
        for (int i = 0; i < n; i++) {
            long c = s.l[o + i];
            if (c != ignoreIndex && (c < 0 || c >= classes)) {
                throw new IndexOutOfBoundsException(op + ": Target " + c + " is out of bounds (expected a class in [0, " + classes
                        + ") or the ignored index " + ignoreIndex + "), at target element " + i);
            }
        }
    }

    /** The class weights operand (index 2), if given: 1-D with one weight per class, of the input's dtype. */
    private static Tensor weight(String op, Tensor[] in, int classes, DType dtype) {
        if (in.length < 3) return null;
        Tensor w = in[2];
        if (w.dim() != 1 || Internals.shape(w)[0] != classes) {
            throw new IllegalArgumentException(op + ": weight tensor should be defined either for all " + classes
                    + " classes or no classes but got weight tensor of shape: " + Shapes.str(Internals.shape(w)));
        }
        if (w.dtype() != dtype) {
            throw new IllegalArgumentException(op + ": expected a weight of dtype " + dtype + " (the input's), got " + w.dtype());
        }
        return w.contiguous();
    }

    /** The weight of class {@code cls}: 1 without weights. */
    private static double w(Tensor w, long cls) {
        return w == null ? 1 : Internals.storage(w).get(Internals.offset(w) + (int) cls);
    }

    /** The sum of the kept targets' weights: the mean's divisor. */
    private static double kept(Tensor t, long ignoreIndex, Tensor w) {
        int n = t.numel();
        double k = 0;
        for (int i = 0; i < n; i++) {
            long c = Internals.storage(t).l[Internals.offset(t) + i];
            if (c != ignoreIndex) k += w(w, c);
        }
        return k;
    }

    private static boolean weighted(Op.Saved s) {
        return s.inputCount() == 3;
    }

    private static Variable[] withWeight(Op.Saved s, Variable first) {
        return weighted(s) ? new Variable[] {first, s.input(1), s.input(2)} : new Variable[] {first, s.input(1)};
    }

    /**
     * The negative log-likelihood loss, PyTorch's {@code nll_loss}: for log-probabilities
     * {@code x} [N, C] (or [C], or [N, C, d1, ...]) and class indices {@code t} [N] (or [], or
     * [N, d1, ...]), {@code l_i = -w[t_i] x[i, t_i]}, 0 where {@code t_i == ignoreIndex}; reduced by
     * {@code reduction} (the mean divides by the kept targets' weights: NaN when every target is
     * ignored). The class weights {@code w} [C] are an optional third operand (1 without it).
     */
    public record NllLoss(Reduction reduction, long ignoreIndex) implements Op {
        @Override public String name() { return "nllLoss"; }
        @Override public String attributes() {
            return "reduction=" + reduction.name().toLowerCase(java.util.Locale.ROOT)
                    + (ignoreIndex == DEFAULT_IGNORE_INDEX ? "" : ", ignoreIndex=" + ignoreIndex);
        }
        @Override public String gradFnName(Tensor[] in) { return "NllLossBackward0"; }
        @Override public int[] shape(Tensor[] in) {
            int[] l = layout(name(), in[0], in[1]);
            weight(name(), in, l[1], in[0].dtype());
            return reduction == Reduction.NONE ? Internals.shape(in[1]).clone() : new int[0];
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return i >= 1; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            // d l / d x: -g w[t] (scaled for mean) at each kept target, 0 elsewhere; the weights get no gradient (as in PyTorch)
            Variable gx = Variable.apply(new NllLossBackward(reduction, ignoreIndex, s.inputShape(0)), withWeight(s, g));
            return weighted(s) ? new Variable[] {gx, null, null} : new Variable[] {gx, null};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            int[] l = layout(name(), in[0], in[1]);
            int n = l[0], c = l[1], d = l[2];
            Tensor x = in[0].contiguous(), t = in[1].contiguous(), wt = weight(name(), in, c, x.dtype());
            checkTargets(name(), t, c, ignoreIndex);
            Storage xs = Internals.storage(x), ts = Internals.storage(t), o = Internals.storage(out);
            double total = 0, k = 0;
            for (int i = 0, nd = n * d; i < nd; i++) {
                long cls = ts.l[Internals.offset(t) + i];
                double v = cls == ignoreIndex ? 0 : -w(wt, cls) * xs.get(Internals.offset(x) + (i / d) * c * d + (int) cls * d + i % d);
                if (reduction == Reduction.NONE) {
                    o.set(Internals.offset(out) + i, v);
                } else if (cls != ignoreIndex) {
                    total += v;
                    k += w(wt, cls);
                }
            }
            if (reduction == Reduction.SUM) o.set(Internals.offset(out), total);
            if (reduction == Reduction.MEAN) o.set(Internals.offset(out), total / k);
        }
    }

    /**
     * The gradient of {@link NllLoss} with respect to its input: zeros of the input's shape with
     * {@code -g} at each kept target ({@code -g / kept} for the mean; {@code -g_i} for none).
     * Linear in {@code g}, so its own vector-Jacobian product is the loss applied to the
     * incoming gradient.
     */
    public record NllLossBackward(Reduction reduction, long ignoreIndex, int[] inputShape) implements Op {
        /** The record with its shape copied. */
        public NllLossBackward {
            inputShape = inputShape.clone();
        }
        @Override public boolean equals(Object o) {
            return o instanceof NllLossBackward b && b.reduction == reduction && b.ignoreIndex == ignoreIndex
                    && Arrays.equals(b.inputShape, inputShape);
        }
        @Override public int hashCode() { return (reduction.hashCode() * 31 + Long.hashCode(ignoreIndex)) * 31 + Arrays.hashCode(inputShape); }
        @Override public String toString() {
            return "NllLossBackward[reduction=" + reduction + ", ignoreIndex=" + ignoreIndex + ", inputShape=" + Arrays.toString(inputShape) + "]";
        }
        @Override public String name() { return "nllLossBackward"; }
        @Override public String attributes() {
            return "reduction=" + reduction.name().toLowerCase(java.util.Locale.ROOT) + ", shape=" + Arrays.toString(inputShape);
        }
        @Override public int[] shape(Tensor[] in) {
            Tensor g = in[0];
            int[] want = reduction == Reduction.NONE ? Internals.shape(in[1]) : new int[0];
            if (!Arrays.equals(Internals.shape(g), want) || !g.dtype().isFloatingPoint() || in[1].dtype() != DType.INT64) {
                throw new IllegalArgumentException("nllLossBackward: expected a floating point gradient of shape " + Shapes.str(want)
                        + " and int64 targets, got " + g.dtype() + Shapes.str(Internals.shape(g)) + " and " + in[1].dtype());
            }
            return inputShape.clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return i >= 1; }
        @Override public Variable[] vjp(Op.Saved s, Variable gg) {
            Variable r = Variable.apply(new NllLoss(reduction, ignoreIndex), withWeight(s, gg));
            return weighted(s) ? new Variable[] {r, null, null} : new Variable[] {r, null};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor g = in[0].contiguous(), t = in[1].contiguous();
            int[] l = ncd(inputShape);
            int n = l[0], c = l[1], d = l[2];
            Tensor wt = weight("nllLossBackward", in, c, g.dtype());
            checkTargets("nllLossBackward", t, c, ignoreIndex);
            Kernels.fill(Internals.storage(out), Internals.offset(out), out.numel(), 0);
            double k = reduction == Reduction.MEAN ? kept(t, ignoreIndex, wt) : 1;
            for (int i = 0, nd = n * d; i < nd; i++) {
                long cls = Internals.storage(t).l[Internals.offset(t) + i];
                if (cls == ignoreIndex) continue;
                double gi = (reduction == Reduction.NONE ? Internals.storage(g).get(Internals.offset(g) + i) : Internals.storage(g).get(Internals.offset(g))) * w(wt, cls);
                Internals.storage(out).set(Internals.offset(out) + (i / d) * c * d + (int) cls * d + i % d, reduction == Reduction.MEAN ? -gi / k : -gi);
            }
        }
    }

    /**
     * The identity that first checks every element lies in [0, 1] (NaN does not), as PyTorch's
     * {@code binary_cross_entropy} checks its input and target: the check runs in the forward, so a
     * compiled step checks each call's values without reading data into Java. {@code what} names
     * the operand in PyTorch's message. The gradient passes through.
     */
    public record CheckUnitInterval(String op, String what) implements Op {
        @Override public String name() { return "checkUnitInterval"; }
        @Override public String attributes() { return "op=" + op + ", what=" + what; }
        @Override public int[] shape(Tensor[] in) { return Internals.shape(in[0]).clone(); }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return false; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) { return new Variable[] {g}; }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor x = in[0].contiguous();
            Storage st = Internals.storage(x);
            for (int i = Internals.offset(x), end = i + x.numel(); i < end; i++) {
                double v = st.get(i);
                if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException(op + ": all elements of " + what + " should be between 0 and 1 (got " + v + ")");
            }
            Ops.CopyInto.copy(x, out);
        }
    }
}
