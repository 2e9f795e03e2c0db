package io.simdgrad.graph;

import io.simdgrad.core.DType;
import io.simdgrad.core.Op;
import io.simdgrad.core.Ops;
import io.simdgrad.core.Tensor;
import io.simdgrad.simd.FloatGemm;

import java.util.Arrays;

/**
 * {@code self + alpha * (mat1 @ mat2)} for 2-D operands, as PyTorch's {@code addmm} with
 * {@code beta = 1}: one GEMM that adds its product into {@code self} ({@code C = alpha*AB + C}).
 * {@link Passes#fuseParamUpdates} makes an SGD step on a weight gradient that is a product,
 * {@code w.addScaledInPlace(x @ y, alpha)}, into {@code addmmInPlace(w, x, y, alpha)}: the
 * gradient is never written to memory and read back (for a 256 x 784 weight on two threads the
 * separate update took ~75 µs, more than half the product). Bit for bit the same as the two
 * steps whenever {@link FloatGemm#updatesOnce} holds for k: each element is then
 * {@code fma(acc, alpha, self)}, as the axpy of the update computes it from the product
 * {@code acc}. Compile-time only: it has no derivative.
 */
final class Addmm implements Op {
    private final double alpha;

    Addmm(double alpha) {
        this.alpha = alpha;
    }

    double alpha() {
        return alpha;
    }

    @Override public String name() {
        return "addmm";
    }

    @Override public String attributes() {
        return "alpha=" + alpha;
    }

    @Override public boolean differentiable() {
        return false;
    }

    @Override public int[] shape(Tensor[] in) {
        Tensor self = in[0], a = in[1], b = in[2];
        if (a.dim() != 2 || b.dim() != 2 || a.size(1) != b.size(0)
                || !Arrays.equals(self.shape(), new int[] {a.size(0), b.size(1)})
                || a.dtype() != self.dtype() || b.dtype() != self.dtype()) {
            throw new IllegalArgumentException("addmm: expected self [m, n] and matrices [m, k], [k, n] of one dtype, got "
                    + self.dtype().shortName() + Arrays.toString(self.shape()) + ", " + a.dtype().shortName()
                    + Arrays.toString(a.shape()) + ", " + b.dtype().shortName() + Arrays.toString(b.shape()));
        }
        return self.shape();
    }

    @Override public DType dtype(Tensor[] in) {
        return in[0].dtype();
    }

    /** {@code out = in[0] + alpha * in[1] @ in[2]}; {@code out} contiguous (it is {@code in[0]} when in place). */
    @Override public void forward(Tensor[] in, Tensor out) {
        if (!out.isContiguous()) throw new IllegalArgumentException("addmm: the result must be contiguous");
        if (in[0] != out) Ops.CopyInto.INSTANCE.forward(new Tensor[] {out, in[0]}, out);
        Tensor[] ops = {out, layout(in[1]), layout(in[2])};
        Direct gemm = Direct.gemm(ops, 1, out, alpha, 1);
        if (gemm != null) gemm.run(ops, out); // null: a size is 0, nothing to add
    }

    /** {@code t} when GEMM can read it where it lies, else a contiguous copy. */
    private static Tensor layout(Tensor t) {
        return Direct.ld(t) == 0 ? t.contiguous() : t;
    }
}
