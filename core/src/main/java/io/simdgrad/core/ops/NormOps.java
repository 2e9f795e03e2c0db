package io.simdgrad.core.ops;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.core.engine.Storage;

import java.util.Arrays;

/**
 * Normalisation ops with fused kernels. {@link LayerNorm} is one pass per row over x
 * ({@code simd}'s {@code FloatNorm.layerNormRows}); its first-order gradient is one op,
 * {@link LayerNormBackward}, whose kernel forms dx, dw and db in one pass over g and x. Higher
 * orders (a VJP taken with {@code createGraph}, a JVP) use the same gradient written with
 * differentiable ops, so gradients of gradients follow.
 */
public final class NormOps {
    private NormOps() {}

    /** The rows and columns of an input of {@code shape} normalised over its trailing {@code normalized} dims. */
    private static int[] rowsCols(int[] shape, int[] normalized) {
        int m = Shapes.numel(normalized);
        return new int[] {m == 0 ? 0 : Shapes.numel(shape) / m, m};
    }

    private static void requireFloat(String op, String what, Tensor t, DType dtype) {
        if (!t.dtype().isFloatingPoint() || (dtype != null && t.dtype() != dtype)) {
            throw new IllegalArgumentException(op + ": expected " + what + " of a floating point dtype"
                    + (dtype == null ? "" : " equal to the input's " + dtype) + ", got " + t.dtype());
        }
    }

    private static void requireShape(String op, String what, Tensor t, int[] want) {
        if (!Arrays.equals(Internals.shape(t), want)) {
            throw new IllegalArgumentException(op + ": expected " + what + " of shape " + Shapes.str(want) + ", got " + Shapes.str(Internals.shape(t)));
        }
    }

    /** A contiguous affine parameter, or {@code fill} repeated m times when absent. */
    private static Storage param(Tensor[] in, int i, boolean present, int m, double fill, int[] offset) {
        if (present) {
            Tensor p = in[i].contiguous();
            offset[0] = Internals.offset(p);
            return Internals.storage(p);
        }
        Tensor t = Internals.empty(in[0].dtype(), new int[] {m});
        Kernels.fill(Internals.storage(t), 0, m, fill);
        offset[0] = 0;
        return Internals.storage(t);
    }

    /**
     * Layer normalisation over the trailing dims {@code normalizedShape}, PyTorch's
     * {@code F.layer_norm} ({@code native_layer_norm}): for each row r of those dims,
     * {@code y = (x - mean_r) / sqrt(var_r + eps) * w + b} with the biased variance. Operands:
     * x, then the weight if {@code weight}, then the bias if {@code bias} (both of
     * {@code normalizedShape} and x's dtype).
     */
    public record LayerNorm(int[] normalizedShape, double eps, boolean weight, boolean bias) implements Op {
        /** The record with its shape copied. */
        public LayerNorm {
            normalizedShape = normalizedShape.clone();
        }
        @Override public boolean equals(Object o) {
            return o instanceof LayerNorm l && Arrays.equals(l.normalizedShape, normalizedShape)
                    && Double.compare(l.eps, eps) == 0 && l.weight == weight && l.bias == bias;
        }
        @Override public int hashCode() { return Arrays.hashCode(normalizedShape) * 31 + Double.hashCode(eps) * 4 + (weight ? 2 : 0) + (bias ? 1 : 0); }
        @Override public String toString() {
            return "LayerNorm[normalizedShape=" + Arrays.toString(normalizedShape) + ", eps=" + eps + ", weight=" + weight + ", bias=" + bias + "]";
        }
        @Override public String name() { return "layerNorm"; }
        @Override public String attributes() {
            return "normalized_shape=" + Arrays.toString(normalizedShape) + ", eps=" + eps + (weight ? "" : ", weight=None") + (bias ? "" : ", bias=None");
        }
        @Override public String gradFnName(Tensor[] in) { return "NativeLayerNormBackward0"; }
        @Override public int[] shape(Tensor[] in) {
            Tensor x = in[0];
            requireFloat(name(), "an input", x, null);
            if (weight) {
                requireShape(name(), "weight", in[1], normalizedShape);
                requireFloat(name(), "a weight", in[1], x.dtype());
            }
            if (bias) {
                requireShape(name(), "bias", in[weight ? 2 : 1], normalizedShape);
                requireFloat(name(), "a bias", in[weight ? 2 : 1], x.dtype());
            }
            return Internals.shape(x).clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return i == 0 || (weight && i == 1); }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor x = in[0].contiguous();
            int[] rc = rowsCols(Internals.shape(x), normalizedShape);
            if (rc[0] == 0 || rc[1] == 0) return;
            Storage xs = Internals.storage(x), o = Internals.storage(out);
            int[] wo = new int[1], bo = new int[1];
            Storage w = param(in, 1, weight, rc[1], 1, wo), b = param(in, weight ? 2 : 1, bias, rc[1], 0, bo);
            xs.k.layerNormRows(xs.array, Internals.offset(x), rc[0], rc[1], w.array, wo[0], b.array, bo[0], eps, o.array, Internals.offset(out));
        }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable x = s.input(0), w = weight ? s.input(1) : null;
            int[] xs = s.inputShape(0), rc = rowsCols(xs, normalizedShape);
            int rows = rc[0], m = rc[1];
            Variable dx, dw, db;
            if (Autograd.isGradEnabled()) {
                // createGraph (or forward mode): the same gradient written with ops, differentiable again
                Variable xr = x.reshape(rows, m), gr = g.reshape(rows, m);
                Variable c = xr.sub(xr.mean(1, true));
                Variable rstd = c.square().mean(1, true).add(eps).sqrt().reciprocal();
                Variable xh = c.mul(rstd);
                Variable gw = weight ? gr.mul(w.reshape(1, m)) : gr;
                dx = gw.sub(gw.mean(1, true)).sub(xh.mul(gw.mul(xh).mean(1, true))).mul(rstd).reshape(xs);
                dw = weight ? gr.mul(xh).sum(0).reshape(normalizedShape) : null;
                db = bias ? gr.sum(0).reshape(normalizedShape) : null;
            } else {
                Variable packed = Variable.apply(new LayerNormBackward(normalizedShape, eps, weight), weight ? new Variable[] {g, x, w} : new Variable[] {g, x});
                dx = packed.narrow(0, 0, rows).reshape(xs);
                dw = weight ? packed.select(0, rows).reshape(normalizedShape) : null;
                db = bias ? packed.select(0, rows + 1).reshape(normalizedShape) : null;
            }
            Variable[] r = new Variable[s.inputCount()];
            r[0] = dx;
            if (weight) r[1] = dw;
            if (bias) r[weight ? 2 : 1] = db;
            return r;
        }
    }

    /**
     * The first-order gradient of {@link LayerNorm} as one op, PyTorch's
     * {@code native_layer_norm_backward}: operands the output gradient g, x and (if
     * {@code weight}) the weight; the result is {@code [rows + 2, m]} (rows = the product of x's
     * leading dims, m of {@code normalizedShape}): rows {@code 0 .. rows-1} hold dx, row
     * {@code rows} dw, row {@code rows + 1} db (the callers take views). Its derivatives are
     * taken through the op-written form in {@link LayerNorm#vjp}, so it is not differentiable
     * itself.
     */
    public record LayerNormBackward(int[] normalizedShape, double eps, boolean weight) implements Op {
        /** The record with its shape copied. */
        public LayerNormBackward {
            normalizedShape = normalizedShape.clone();
        }
        @Override public boolean equals(Object o) {
            return o instanceof LayerNormBackward l && Arrays.equals(l.normalizedShape, normalizedShape)
                    && Double.compare(l.eps, eps) == 0 && l.weight == weight;
        }
        @Override public int hashCode() { return Arrays.hashCode(normalizedShape) * 31 + Double.hashCode(eps) * 2 + (weight ? 1 : 0); }
        @Override public String toString() {
            return "LayerNormBackward[normalizedShape=" + Arrays.toString(normalizedShape) + ", eps=" + eps + ", weight=" + weight + "]";
        }
        @Override public String name() { return "layerNormBackward"; }
        @Override public String attributes() { return "normalized_shape=" + Arrays.toString(normalizedShape) + ", eps=" + eps; }
        @Override public boolean differentiable() { return false; }
        @Override public int[] shape(Tensor[] in) {
            Tensor g = in[0], x = in[1];
            requireFloat(name(), "an input", x, null);
            requireFloat(name(), "a gradient", g, x.dtype());
            requireShape(name(), "a gradient", g, Internals.shape(x));
            if (weight) {
                requireShape(name(), "weight", in[2], normalizedShape);
                requireFloat(name(), "a weight", in[2], x.dtype());
            }
            int[] rc = rowsCols(Internals.shape(x), normalizedShape);
            return new int[] {Math.addExact(rc[0], 2), rc[1]};
        }
        @Override public DType dtype(Tensor[] in) { return in[1].dtype(); }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor g = in[0].contiguous(), x = in[1].contiguous();
            int[] rc = rowsCols(Internals.shape(x), normalizedShape);
            int rows = rc[0], m = rc[1];
            if (m == 0) return;
            Storage gs = Internals.storage(g), xs = Internals.storage(x), o = Internals.storage(out);
            int[] wo = new int[1];
            Storage w = param(new Tensor[] {x, weight ? in[2] : null}, 1, weight, m, 1, wo);
            int oo = Internals.offset(out);
            xs.k.layerNormBackwardRows(gs.array, Internals.offset(g), xs.array, Internals.offset(x), rows, m, w.array, wo[0], eps,
                    o.array, oo, o.array, oo + rows * m, o.array, oo + (rows + 1) * m);
        }
    }
}
