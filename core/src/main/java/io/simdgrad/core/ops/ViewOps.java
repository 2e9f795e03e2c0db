package io.simdgrad.core.ops;

import io.simdgrad.core.DType;
import io.simdgrad.core.ForwardAD;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.engine.Internals;

import java.util.Arrays;

/**
 * View ops as op definitions, so that {@link Variable}s record them and their gradients flow back.
 * Their result shares the input's storage; {@link ViewOp#forward} materialises it for callers that
 * need a buffer of their own.
 */
public final class ViewOps {
    private ViewOps() {}

    /** An op whose result is a view of its single input. */
    public interface ViewOp extends Op {
        /** The view of {@code in}, sharing its storage. */
        Tensor view(Tensor in);

        @Override
        default int[] shape(Tensor[] in) {
            return Internals.shape(view(in[0]));
        }

        @Override
        default DType dtype(Tensor[] in) {
            return in[0].dtype();
        }

        @Override
        default Tensor abstractResult(Tensor[] in, int[] shape, DType dtype) {
            return view(in[0]);
        }

        @Override
        default void forward(Tensor[] in, Tensor out) {
            Ops.CopyInto.copy(view(in[0]), out);
        }

        /** A view is linear: the same view of the tangent. */
        @Override
        default Variable jvp(Op.Saved primals, Variable[] tangents) {
            return Internals.forwardADLinear(this, primals, tangents);
        }
    }

    /** reshape / view: the gradient is reshaped back. */
    public record Reshape(int[] newShape, boolean strict) implements ViewOp {
        // value equality (a record compares arrays by identity): common subexpressions merge equal views
        @Override public boolean equals(Object o) {
            return o instanceof Reshape r && r.strict == strict && Arrays.equals(r.newShape, newShape);
        }
        @Override public int hashCode() { return Arrays.hashCode(newShape) * 2 + (strict ? 1 : 0); }
        @Override public String toString() { return "Reshape[newShape=" + Arrays.toString(newShape) + ", strict=" + strict + "]"; }
        @Override public String name() { return strict ? "view" : "reshape"; }
        @Override public String attributes() { return "shape=" + Arrays.toString(newShape); }
        @Override public Tensor view(Tensor in) { return strict ? in.view(newShape) : in.reshape(newShape); }
        @Override public String gradFnName(Tensor[] in) { return strict ? "ViewBackward0" : "ReshapeAliasBackward0"; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) { return new Variable[] {g.reshape(s.inputShape(0))}; }
    }

    /** permute, transpose and t: the gradient is permuted back. */
    public record Permute(int[] dims, String kind) implements ViewOp {
        @Override public boolean equals(Object o) {
            return o instanceof Permute p && p.kind.equals(kind) && Arrays.equals(p.dims, dims);
        }
        @Override public int hashCode() { return Arrays.hashCode(dims) * 31 + kind.hashCode(); }
        @Override public String toString() { return "Permute[dims=" + Arrays.toString(dims) + ", kind=" + kind + "]"; }
        @Override public String name() { return kind; }
        @Override public String attributes() { return "dims=" + Arrays.toString(dims); }
        @Override public Tensor view(Tensor in) { return in.permute(dims); }
        @Override public String gradFnName(Tensor[] in) {
            return switch (kind) {
                case "t" -> "TBackward0";
                case "transpose" -> "TransposeBackward0";
                default -> "PermuteBackward0";
            };
        }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] norm = new int[dims.length];
            for (int i = 0; i < dims.length; i++) norm[i] = Shapes.dim("permute", dims[i], dims.length);
            return new Variable[] {g.permute(Ops.inverse(norm))};
        }
    }

    /** expand: the engine sums the gradient back over the expanded dims. */
    public record Expand(int[] newShape) implements ViewOp {
        @Override public boolean equals(Object o) { return o instanceof Expand e && Arrays.equals(e.newShape, newShape); }
        @Override public int hashCode() { return Arrays.hashCode(newShape); }
        @Override public String toString() { return "Expand[newShape=" + Arrays.toString(newShape) + "]"; }
        @Override public String name() { return "expand"; }
        @Override public String attributes() { return "shape=" + Arrays.toString(newShape); }
        @Override public Tensor view(Tensor in) { return in.expand(newShape); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) { return new Variable[] {g}; }
    }

    /** unsqueeze: the gradient is reshaped back. */
    public record Unsqueeze(int dim) implements ViewOp {
        @Override public String name() { return "unsqueeze"; }
        @Override public String attributes() { return "dim=" + dim; }
        @Override public Tensor view(Tensor in) { return in.unsqueeze(dim); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) { return new Variable[] {g.reshape(s.inputShape(0))}; }
    }

    /** squeeze of all size-1 dims ({@code dim == Ops.ALL}) or of one dim. */
    public record Squeeze(int dim) implements ViewOp {
        @Override public String name() { return "squeeze"; }
        @Override public String attributes() { return dim == Ops.ALL ? "" : "dim=" + dim; }
        @Override public Tensor view(Tensor in) { return dim == Ops.ALL ? in.squeeze() : in.squeeze(dim); }
        @Override public String gradFnName(Tensor[] in) { return dim == Ops.ALL ? "SqueezeBackward0" : "SqueezeBackward1"; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) { return new Variable[] {g.reshape(s.inputShape(0))}; }
    }

    /** narrow: the gradient is placed into zeros of the input's shape. */
    public record Narrow(int dim, int start, int length) implements ViewOp {
        @Override public String name() { return "narrow"; }
        @Override public String attributes() { return "dim=" + dim + ", start=" + start + ", length=" + length; }
        @Override public Tensor view(Tensor in) { return in.narrow(dim, start, length); }
        @Override public String gradFnName(Tensor[] in) { return "SliceBackward0"; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] shape = s.inputShape(0);
            int d = Shapes.dim("narrow", dim, shape.length);
            int st = start < 0 ? start + shape[d] : start;
            return new Variable[] {padAlong(g, shape, d, st)};
        }
    }

    /** select: the gradient is placed into zeros of the input's shape. */
    public record Select(int dim, int index) implements ViewOp {
        @Override public String name() { return "select"; }
        @Override public String attributes() { return "dim=" + dim + ", index=" + index; }
        @Override public Tensor view(Tensor in) { return in.select(dim, index); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] shape = s.inputShape(0);
            int d = Shapes.dim("select", dim, shape.length);
            int ix = index < 0 ? index + shape[d] : index;
            return new Variable[] {padAlong(g.unsqueeze(d), shape, d, ix)};
        }
    }

    /** {@code g} placed at {@code start} along {@code d} inside zeros of {@code shape}, differentiably (a cat). */
    static Variable padAlong(Variable g, int[] shape, int d, int start) {
        int len = Internals.shape(g.data())[d];
        int after = shape[d] - start - len;
        java.util.List<Variable> parts = new java.util.ArrayList<>(3);
        if (start > 0) parts.add(zerosAlong(g, shape, d, start));
        parts.add(g);
        if (after > 0) parts.add(zerosAlong(g, shape, d, after));
        return parts.size() == 1 ? g : Variable.cat(parts, d);
    }

    private static Variable zerosAlong(Variable g, int[] shape, int d, int size) {
        int[] s = shape.clone();
        s[d] = size;
        return new Variable(Tensor.zeros(g.dtype(), s), false);
    }
}
