package io.simdgrad.core.ops;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.engine.Dispatch;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.core.engine.Storage;

import java.util.Arrays;

/**
 * The optimisers' fused in-place updates, each one pass over its tensors instead of a chain of
 * whole-tensor ops, each computing what that chain computed (every operation rounded to the
 * element type, in the chain's order), so a fused step has the chain's bits. PyTorch fuses the
 * same updates in its {@code foreach}/{@code fused} Adam. Operand 0 is the state written in
 * place; tensor operands have its shape, scalar operands are 0-d tensors (a learning rate or β
 * that a schedule changes stays a tensor: a compiled step reads its current value). No
 * gradient: they run under no-grad, as {@code optimizer.step()} does.
 */
public final class OptimOps {
    private OptimOps() {}

    /** {@code m ← lerp(m, g, w)} for a 0-d {@code w} (torch's {@code exp_avg.lerp_(grad, 1 - β1)}); returns m. */
    public static Tensor expAvg(Tensor m, Tensor g, Tensor w) {
        return Dispatch.inPlace(ExpAvg.INSTANCE, m, g, w);
    }

    /** {@code v ← v·β2 + (value·g)·g} (torch's {@code exp_avg_sq.mul_(β2).addcmul_(grad, grad, value)}); returns v. */
    public static Tensor expAvgSq(Tensor v, Tensor g, double beta2, double value) {
        return Dispatch.inPlace(new ExpAvgSq(beta2, value), v, g);
    }

    /**
     * {@code p ← p + (negStep·m) / (√v / bc2 + eps)} for 0-d {@code negStep} and {@code bc2}
     * (torch's {@code param.addcdiv_(exp_avg, exp_avg_sq.sqrt() / bc2 + eps, value=-step_size)}); returns p.
     */
    public static Tensor adamStep(Tensor p, Tensor m, Tensor v, Tensor negStep, Tensor bc2, double eps) {
        return Dispatch.inPlace(new AdamStep(eps), p, m, v, negStep, bc2);
    }

    /** The shape rule shared by the three: tensor operands of operand 0's shape, then 0-d scalars; float dtype. */
    private static int[] shape(String op, Tensor[] in, int tensors) {
        int[] shape = Internals.shape(in[0]);
        for (int i = 1; i < in.length; i++) {
            int[] s = Internals.shape(in[i]);
            boolean ok = i < tensors ? Arrays.equals(s, shape) : s.length == 0;
            if (!ok) {
                throw new IllegalArgumentException(op + ": operand " + i + " has shape " + Shapes.str(s) + ", expected "
                        + (i < tensors ? Shapes.str(shape) + " (the shape of the updated tensor)" : "a 0-d tensor"));
            }
        }
        if (in[0].dtype() == DType.INT64) throw new IllegalArgumentException(op + ": expected a floating-point tensor, got int64");
        return shape.clone();
    }

    /**
     * Runs {@code body} over the run, element by element where a tensor operand is broadcast
     * (stride 0: a run of one element), so both cases go through the same kernel.
     */
    private static void each(int[] st, int tensors, int n, Run body) {
        boolean contiguous = true;
        for (int k = 0; k < tensors; k++) contiguous &= st[k] == 1;
        if (contiguous || n <= 1) {
            body.run(0, n);
        } else {
            for (int i = 0; i < n; i++) body.run(i, 1);
        }
    }

    @FunctionalInterface
    private interface Run {
        void run(int from, int n);
    }

    private static int at(int[] o, int[] st, int k, int i) {
        return o[k] + i * st[k];
    }

    /** Adam's first moment: {@code lerp(m, g, w)} as torch's kernel ({@code fma(w, g - m, m)} for {@code |w| < 0.5}). */
    public record ExpAvg() implements ElementwiseOp {
        static final ExpAvg INSTANCE = new ExpAvg();

        @Override public String name() { return "expAvg"; }
        @Override public boolean differentiable() { return false; }
        @Override public int[] shape(Tensor[] in) { return OptimOps.shape(name(), in, 2); }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public void run(Storage[] s, int[] o, int[] st, int n) {
            double w = s[2].get(o[2]);
            Storage out = s[3];
            each(st, 2, n, (i, len) -> out.k.lerp(s[0].array, at(o, st, 0, i), s[1].array, at(o, st, 1, i), w, out.array, o[3] + i, len));
        }
    }

    /** Adam's second moment: {@code v·β2 + (value·g)·g}. */
    public record ExpAvgSq(double beta2, double value) implements ElementwiseOp {
        @Override public String name() { return "expAvgSq"; }
        @Override public String attributes() { return "beta2=" + beta2 + ", value=" + value; }
        @Override public boolean differentiable() { return false; }
        @Override public int[] shape(Tensor[] in) { return OptimOps.shape(name(), in, 2); }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public void run(Storage[] s, int[] o, int[] st, int n) {
            Storage out = s[2];
            each(st, 2, n, (i, len) -> out.k.expAvgSq(s[0].array, at(o, st, 0, i), beta2, s[1].array, at(o, st, 1, i), value,
                    out.array, o[2] + i, len));
        }
    }

    /** Adam's update: {@code p + (negStep·m) / (√v / bc2 + eps)}. */
    public record AdamStep(double eps) implements ElementwiseOp {
        @Override public String name() { return "adamStep"; }
        @Override public String attributes() { return "eps=" + eps; }
        @Override public boolean differentiable() { return false; }
        @Override public int[] shape(Tensor[] in) { return OptimOps.shape(name(), in, 3); }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public void run(Storage[] s, int[] o, int[] st, int n) {
            double negStep = s[3].get(o[3]), bc2 = s[4].get(o[4]);
            Storage out = s[5];
            each(st, 3, n, (i, len) -> out.k.adamStep(s[0].array, at(o, st, 0, i), s[1].array, at(o, st, 1, i), s[2].array,
                    at(o, st, 2, i), negStep, bc2, eps, out.array, o[5] + i, len));
        }
    }
}
