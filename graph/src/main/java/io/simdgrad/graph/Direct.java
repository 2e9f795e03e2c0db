package io.simdgrad.graph;

import io.simdgrad.core.DType;
import io.simdgrad.core.Op;
import io.simdgrad.core.Ops;
import io.simdgrad.core.RawArrays;
import io.simdgrad.core.Tensor;
import io.simdgrad.simd.BinaryOp;
import io.simdgrad.simd.CompareOp;
import io.simdgrad.simd.DoubleElementwise;
import io.simdgrad.simd.DoubleGemm;
import io.simdgrad.simd.FloatElementwise;
import io.simdgrad.simd.FloatGemm;
import io.simdgrad.simd.FloatLayout;
import io.simdgrad.simd.DoubleLayout;
import io.simdgrad.simd.UnaryOp;

import java.util.Arrays;

/**
 * An elementwise step resolved at compile time to the {@code simd} kernel calls core's
 * {@code Loops}/{@code Kernels} would make for the same operands, without rebuilding iteration
 * state per call. Only layouts whose eager runs are known exactly qualify: every operand of the
 * result's dtype and contiguous, the result contiguous, and each operand either the result's
 * elements (one run), a single element (a scalar kernel, from two elements on), one row of
 * the result's last dim (one run per row) or one element per row (a scalar kernel per row).
 * The arrays are read from the tensors on each call, because a replay may bind a caller's
 * input tensor into an operand slot.
 *
 * <p>A {@code matmul} of two non-empty matrices, each row-major or transposed in
 * memory, becomes the one GEMM call core's matmul makes for them (same transpose flags and
 * leading dimensions); an in-place {@link Addmm} becomes that call with {@code beta = 1}.
 */
abstract class Direct {
    private static final int FULL = 0, ONE = 1, ROW = 2, COL = 3;

    /** Runs the step on {@code in} into {@code out} (the tensors it was made for, or bound inputs of the same layout). */
    abstract void run(Tensor[] in, Tensor out);

    /** The direct form of {@code op} on these operands, or null when the general path must run it. */
    static Direct of(Op op, Tensor[] in, Tensor out) {
        DType dt = out.dtype();
        int n = out.numel();
        if ((dt != DType.FLOAT32 && dt != DType.FLOAT64) || n == 0 || !out.isContiguous()) return null;
        for (Tensor t : in) if (t.dtype() != dt) return null;
        if (op == Ops.Matmul.INSTANCE) return Gemm.of(in, 0, out, 1, 0);
        if (op instanceof Addmm am) return in[0] == out ? Gemm.of(in, 1, out, am.alpha(), 1) : null;
        for (Tensor t : in) if (!t.isContiguous()) return null;
        if (op == Ops.Copy.INSTANCE && Arrays.equals(in[0].shape(), out.shape()) && !in[0].sharesStorageWith(out)) return COPY;
        if (op instanceof Ops.Unary u && Arrays.equals(in[0].shape(), out.shape())) {
            return new Unary(u.kind());
        }
        if (op instanceof Ops.BinaryScalar bs && Arrays.equals(in[0].shape(), out.shape())) {
            return new Scalar(bs.kind(), bs.scalar(), bs.reversed());
        }
        if (op instanceof Ops.CompareScalar cs && n >= 2 && Arrays.equals(in[0].shape(), out.shape())) {
            return new CompareToScalar(cs.kind(), cs.scalar());
        }
        if (op instanceof Ops.AddScaled as && Arrays.equals(in[0].shape(), out.shape()) && Arrays.equals(in[1].shape(), out.shape())) {
            return new AddScaled(as.alpha());
        }
        if (op instanceof Ops.Binary b && in.length == 2) {
            int[] s = out.shape();
            if (Arrays.equals(in[0].shape(), s) && Arrays.equals(in[1].shape(), s)) return new Binary(b.kind(), FULL, FULL, n, n);
            if (n < 2) return null;
            int ma = mode(in[0], out), mb = mode(in[1], out);
            if (ma < 0 || mb < 0 || (ma != FULL && mb != FULL)) return null;
            int row = ma == ROW || mb == ROW || ma == COL || mb == COL ? s[s.length - 1] : n;
            return new Binary(b.kind(), ma, mb, n, row);
        }
        return null;
    }

    /** How {@code t} (contiguous) broadcasts to {@code out} (n >= 2), or -1 when it is none of the known layouts. */
    private static int mode(Tensor t, Tensor out) {
        int n = out.numel(), m = t.numel();
        if (m == n) return FULL; // broadcasting to as many elements: equal up to dims of size 1
        if (m == 1) return ONE;
        int d = out.dim(), last = d == 0 ? 0 : out.size(d - 1);
        if (d >= 2 && last >= 2 && m == last && t.dim() >= 1 && t.size(t.dim() - 1) == last) return ROW;
        // one element per row of the result's last dim ([64, 10] with [64, 1]): core runs each row
        // with the scalar kernel and that element
        if (d >= 2 && last >= 2 && m * last == n && t.dim() == d && t.size(d - 1) == 1) return COL;
        return -1;
    }

    /** A contiguous copy as core makes it (one copy kernel call), for a result that does not share the operand's memory. */
    private static final Direct COPY = new Direct() {
        @Override void run(Tensor[] in, Tensor out) {
            copy(in[0], out);
        }
    };

    /** Copies contiguous {@code src} into contiguous {@code dst} of its dtype and size (the core copy kernel; int64 by arraycopy). */
    static void copy(Tensor src, Tensor dst) {
        int n = dst.numel(), so = src.storageOffset(), oo = dst.storageOffset();
        switch (dst.dtype()) {
            case FLOAT32 -> FloatLayout.copy(RawArrays.floats(src), so, RawArrays.floats(dst), oo, n);
            case FLOAT64 -> DoubleLayout.copy(RawArrays.doubles(src), so, RawArrays.doubles(dst), oo, n);
            case INT64 -> System.arraycopy(RawArrays.longs(src), so, RawArrays.longs(dst), oo, n);
        }
    }

    /** The leading dim of a 2-D operand for GEMM: positive row-major, negative transposed, 0 neither. */
    static int ld(Tensor t) {
        int[] st = t.strides();
        int rows = t.size(0), cols = t.size(1), rs = st[0], cs = st[1];
        if ((cs == 1 || cols <= 1) && (rows <= 1 || rs >= cols)) return Math.max(rows <= 1 ? cols : rs, 1);
        if ((rs == 1 || rows <= 1) && (cols <= 1 || cs >= rows)) return -Math.max(cols <= 1 ? rows : cs, 1);
        return 0;
    }

    /** The GEMM {@code out = alpha * in[first] @ in[first + 1] + beta * out} as a direct step, or null when a size is 0 or an operand has no leading dim. */
    static Direct gemm(Tensor[] in, int first, Tensor out, double alpha, double beta) {
        return Gemm.of(in, first, out, alpha, beta);
    }

    private static final class Unary extends Direct {
        final UnaryOp kind;

        Unary(UnaryOp kind) {
            this.kind = kind;
        }

        @Override void run(Tensor[] in, Tensor out) {
            Tensor a = in[0];
            int n = out.numel();
            if (out.dtype() == DType.FLOAT32) {
                FloatElementwise.unary(kind, RawArrays.floats(a), a.storageOffset(), RawArrays.floats(out), out.storageOffset(), n);
            } else {
                DoubleElementwise.unary(kind, RawArrays.doubles(a), a.storageOffset(), RawArrays.doubles(out), out.storageOffset(), n);
            }
        }
    }

    private static final class Scalar extends Direct {
        final BinaryOp kind;
        final double scalar;
        final boolean reversed;

        Scalar(BinaryOp kind, double scalar, boolean reversed) {
            this.kind = kind;
            this.scalar = scalar;
            this.reversed = reversed;
        }

        @Override void run(Tensor[] in, Tensor out) {
            Tensor a = in[0];
            int n = out.numel(), ao = a.storageOffset(), oo = out.storageOffset();
            if (out.dtype() == DType.FLOAT32) {
                float[] x = RawArrays.floats(a), o = RawArrays.floats(out);
                if (reversed) FloatElementwise.scalarBinary(kind, (float) scalar, x, ao, o, oo, n);
                else FloatElementwise.binaryScalar(kind, x, ao, (float) scalar, o, oo, n);
            } else {
                double[] x = RawArrays.doubles(a), o = RawArrays.doubles(out);
                if (reversed) DoubleElementwise.scalarBinary(kind, scalar, x, ao, o, oo, n);
                else DoubleElementwise.binaryScalar(kind, x, ao, scalar, o, oo, n);
            }
        }
    }

    /** As {@code Kernels.binary}: both unit strides -> binary, one stride 0 -> the scalar kernel with that element. */
    private static final class Binary extends Direct {
        final BinaryOp kind;
        final int ma, mb, n, row;

        Binary(BinaryOp kind, int ma, int mb, int n, int row) {
            this.kind = kind;
            this.ma = ma;
            this.mb = mb;
            this.n = n;
            this.row = row;
        }

        @Override void run(Tensor[] in, Tensor out) {
            Tensor a = in[0], b = in[1];
            int ao = a.storageOffset(), bo = b.storageOffset(), oo = out.storageOffset();
            if (out.dtype() == DType.FLOAT32) {
                float[] x = RawArrays.floats(a), y = RawArrays.floats(b), o = RawArrays.floats(out);
                if (mb == ONE) FloatElementwise.binaryScalar(kind, x, ao, y[bo], o, oo, n);
                else if (ma == ONE) FloatElementwise.scalarBinary(kind, x[ao], y, bo, o, oo, n);
                else if (mb == COL) for (int r = 0; r < n; r += row) FloatElementwise.binaryScalar(kind, x, ao + r, y[bo++], o, oo + r, row);
                else if (ma == COL) for (int r = 0; r < n; r += row) FloatElementwise.scalarBinary(kind, x[ao++], y, bo + r, o, oo + r, row);
                else if (row == n) FloatElementwise.binary(kind, x, ao, y, bo, o, oo, n);
                else {
                    // one run per row, the row operand read from its start each time (stride 0 over rows)
                    int as = ma == ROW ? 0 : row, bs = mb == ROW ? 0 : row;
                    for (int r = 0; r < n; r += row, ao += as, bo += bs) FloatElementwise.binary(kind, x, ao, y, bo, o, oo + r, row);
                }
            } else {
                double[] x = RawArrays.doubles(a), y = RawArrays.doubles(b), o = RawArrays.doubles(out);
                if (mb == ONE) DoubleElementwise.binaryScalar(kind, x, ao, y[bo], o, oo, n);
                else if (ma == ONE) DoubleElementwise.scalarBinary(kind, x[ao], y, bo, o, oo, n);
                else if (mb == COL) for (int r = 0; r < n; r += row) DoubleElementwise.binaryScalar(kind, x, ao + r, y[bo++], o, oo + r, row);
                else if (ma == COL) for (int r = 0; r < n; r += row) DoubleElementwise.scalarBinary(kind, x[ao++], y, bo + r, o, oo + r, row);
                else if (row == n) DoubleElementwise.binary(kind, x, ao, y, bo, o, oo, n);
                else {
                    int as = ma == ROW ? 0 : row, bs = mb == ROW ? 0 : row;
                    for (int r = 0; r < n; r += row, ao += as, bo += bs) DoubleElementwise.binary(kind, x, ao, y, bo, o, oo + r, row);
                }
            }
        }
    }

    /**
     * As core's matmul for 2-D operands: a GEMM with transpose flags and leading dims from the
     * operands' strides (a size-1 dim may give other flags than core picks: GEMM computes each
     * element the same way under any flags, so the bits agree); with {@code beta = 1} and the
     * operands from {@code in[1]}, {@link Addmm} in place ({@code out += alpha * in[1] @ in[2]}).
     */
    private static final class Gemm extends Direct {
        final boolean ta, tb;
        final int first, m, n, k, lda, ldb;
        final double alpha, beta;

        private Gemm(int first, boolean ta, boolean tb, int m, int n, int k, int lda, int ldb, double alpha, double beta) {
            this.first = first;
            this.ta = ta;
            this.tb = tb;
            this.m = m;
            this.n = n;
            this.k = k;
            this.lda = lda;
            this.ldb = ldb;
            this.alpha = alpha;
            this.beta = beta;
        }

        static Gemm of(Tensor[] in, int first, Tensor out, double alpha, double beta) {
            Tensor a = in[first], b = in[first + 1];
            if (a.dim() != 2 || b.dim() != 2) return null;
            int m = a.size(0), k = a.size(1), n = b.size(1);
            if (m == 0 || k == 0 || n == 0) return null;
            int lda = ld(a), ldb = ld(b);
            if (lda == 0 || ldb == 0) return null;
            return new Gemm(first, lda < 0, ldb < 0, m, n, k, Math.abs(lda), Math.abs(ldb), alpha, beta);
        }

        @Override void run(Tensor[] in, Tensor out) {
            Tensor a = in[first], b = in[first + 1];
            int ao = a.storageOffset(), bo = b.storageOffset(), oo = out.storageOffset();
            if (out.dtype() == DType.FLOAT32) {
                FloatGemm.gemmBatched(ta, tb, 1, m, n, k, (float) alpha, RawArrays.floats(a), ao, 0, lda,
                        RawArrays.floats(b), bo, 0, ldb, (float) beta, RawArrays.floats(out), oo, m * n, n);
            } else {
                DoubleGemm.gemmBatched(ta, tb, 1, m, n, k, alpha, RawArrays.doubles(a), ao, 0, lda,
                        RawArrays.doubles(b), bo, 0, ldb, beta, RawArrays.doubles(out), oo, m * n, n);
            }
        }
    }

    /** As core's addScaled on same-shaped operands: {@code out = a} unless it is {@code a} in place, then {@code out += alpha * b}. */
    private static final class AddScaled extends Direct {
        final double alpha;

        AddScaled(double alpha) {
            this.alpha = alpha;
        }

        @Override void run(Tensor[] in, Tensor out) {
            Tensor a = in[0], b = in[1];
            int n = out.numel(), ao = a.storageOffset(), bo = b.storageOffset(), oo = out.storageOffset();
            if (out.dtype() == DType.FLOAT32) {
                float[] x = RawArrays.floats(a), o = RawArrays.floats(out);
                if (x != o || ao != oo) FloatLayout.copy(x, ao, o, oo, n);
                FloatElementwise.axpy((float) alpha, RawArrays.floats(b), bo, o, oo, n);
            } else {
                double[] x = RawArrays.doubles(a), o = RawArrays.doubles(out);
                if (x != o || ao != oo) DoubleLayout.copy(x, ao, o, oo, n);
                DoubleElementwise.axpy(alpha, RawArrays.doubles(b), bo, o, oo, n);
            }
        }
    }

    /** As core's comparison with a constant on two or more elements: the constant as an element of the dtype, the scalar kernel. */
    private static final class CompareToScalar extends Direct {
        final CompareOp kind;
        final double scalar;

        CompareToScalar(CompareOp kind, double scalar) {
            this.kind = kind;
            this.scalar = scalar;
        }

        @Override void run(Tensor[] in, Tensor out) {
            Tensor a = in[0];
            int n = out.numel(), ao = a.storageOffset(), oo = out.storageOffset();
            if (out.dtype() == DType.FLOAT32) FloatElementwise.compareScalar(kind, RawArrays.floats(a), ao, (float) scalar, RawArrays.floats(out), oo, n);
            else DoubleElementwise.compareScalar(kind, RawArrays.doubles(a), ao, scalar, RawArrays.doubles(out), oo, n);
        }
    }
}
