package io.simdgrad.core.ops;

import io.simdgrad.core.DType;
import io.simdgrad.core.Linalg;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.simd.ArrayKernels;

import java.util.Arrays;

/**
 * Linear algebra as ops (the {@link Linalg} facade calls them): factorizations and solves over
 * the last two dims, batched over the leading ones, on the blocked kernels of
 * {@code io.simdgrad.simd.FloatLinalg} (whose trailing updates are the packed GEMM).
 *
 * <p>An op has one result, so a factorization with several results is one op with a packed
 * result that the facade takes views of: {@link LuFactor} returns {@code [..., n, n + 1]} (the
 * factors, then the pivots as a column), {@link Slogdet} {@code [..., 2]} (sign, log|det|). The
 * vector-Jacobian product then receives one gradient holding every part's (zeros for the parts
 * not used), and the views' own VJPs place them. Pivots are read only inside forwards, never
 * into Java (the capture contract).
 *
 * <p>VJPs are PyTorch's ({@code FunctionsManual.cpp}: {@code cholesky_backward},
 * {@code linalg_solve_triangular} in {@code derivatives.yaml}, {@code linalg_lu_backward},
 * {@code linalg_det_backward}, {@code slogdet_backward}), written with {@link Variable} ops
 * (among them these ops again), so gradients of gradients work.
 */
public final class LinalgOps {
    private LinalgOps() {}

    // ------------------------------------------------------------------ checks and layout

    /** Checks a floating point [..., n, n] input, PyTorch's texts; returns n. */
    static int square(String op, Tensor a) {
        floating(op, a);
        if (a.dim() < 2) throw new IllegalArgumentException(op + ": The input tensor A must have at least 2 dimensions.");
        int m = Internals.shape(a)[a.dim() - 2], n = Internals.shape(a)[a.dim() - 1];
        if (m != n) {
            throw new IllegalArgumentException(op + ": A must be batches of square matrices, but they are " + m + " by " + n
                    + " matrices");
        }
        return n;
    }

    static void floating(String op, Tensor a) {
        if (!a.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": Expected a floating point tensor as input. Got " + a.dtype());
        }
    }

    static void sameDtype(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": Expected A and B to have the same dtype, but found A of type " + a.dtype()
                    + " and B of type " + b.dtype() + " instead");
        }
    }

    /** The dims before the last two. */
    static int[] batch(int[] shape) {
        return Arrays.copyOf(shape, shape.length - 2);
    }

    static int[] with(int[] batch, int... last) {
        int[] r = Arrays.copyOf(batch, batch.length + last.length);
        System.arraycopy(last, 0, r, batch.length, last.length);
        return r;
    }

    /** The shape of op(A) X = B's X for a square A [..., n, n] and B [..., m, k]; checks that they fit. */
    static int[] solveShape(String op, Tensor a, Tensor b, boolean left) {
        int n = square(op, a);
        floating(op, b);
        sameDtype(op, a, b);
        if (b.dim() < 2) throw new IllegalArgumentException(op + ": The input tensor B must have at least 2 dimensions.");
        int bm = Internals.shape(b)[b.dim() - 2], bk = Internals.shape(b)[b.dim() - 1];
        if ((left ? bm : bk) != n) {
            throw new IllegalArgumentException(op + ": Incompatible shapes of A and B for the equation " + (left ? "AX = B" : "XA = B")
                    + " (" + n + "x" + n + " and " + bm + "x" + bk + ")");
        }
        return with(Shapes.broadcast(op, batch(Internals.shape(a)), batch(Internals.shape(b))), bm, bk);
    }

    /** The "(Batch element k): " PyTorch puts before an error in one matrix of a batch. */
    static String element(Tensor a, int t) {
        return a.dim() > 2 ? "(Batch element " + t + "): " : "";
    }

    /** {@code t} expanded to {@code shape} as a contiguous tensor (itself when it already is one). */
    static Tensor dense(Tensor t, int[] shape) {
        Tensor e = Arrays.equals(Internals.shape(t), shape) ? t : t.expand(shape);
        return e.isContiguous() && Internals.offset(e) == 0 ? e : copyOf(e);
    }

    /** A fresh contiguous copy (the factorizations work in place). */
    static Tensor copyOf(Tensor t) {
        Tensor c = Internals.empty(t.dtype(), Internals.shape(t));
        Ops.CopyInto.copy(t, c);
        return c;
    }

    /**
     * A read-only matrix operand: the stored matrices and whether they are stored transposed (a
     * {@code .mT} view of row-major matrices is read in place, as BLAS reads a transposed
     * operand), with its batch broadcast to {@code batch}.
     */
    record Mat(Tensor t, boolean trans) {
        static Mat of(Tensor a, int[] batch) {
            int[] shape = with(batch, Internals.shape(a)[a.dim() - 2], Internals.shape(a)[a.dim() - 1]);
            if (Arrays.equals(Internals.shape(a), shape)) {
                if (a.isContiguous()) return new Mat(a, false);
                Tensor tt = a.transpose(-2, -1);
                if (tt.isContiguous()) return new Mat(tt, true);
            }
            return new Mat(dense(a, shape), false);
        }

        int off(int item) {
            int n = Internals.shape(t)[t.dim() - 1];
            return Internals.offset(t) + item * Internals.shape(t)[t.dim() - 2] * n;
        }

        int ld() {
            return Internals.shape(t)[t.dim() - 1];
        }
    }

    static ArrayKernels k(Tensor t) {
        return Internals.storage(t).k;
    }

    /** A [n, n] constant 0/1 mask of {@code dtype}: 1 where {@code j - i >= diag} ({@code upper}) or {@code j - i <= diag}. */
    public static Variable mask(DType dtype, int n, boolean upper, int diag) {
        Tensor m = Tensor.zeros(dtype, n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (upper ? j - i >= diag : j - i <= diag) Internals.storage(m).set(i * n + j, 1);
            }
        }
        return new Variable(m);
    }

    /** {@code A.mT}: the last two dims swapped. */
    static Variable mT(Variable a) {
        return a.transpose(-2, -1);
    }

    /** An op from square matrices [..., n, n] to matrices of the same shape and dtype. */
    interface SquareToSquare extends Op {
        @Override default int[] shape(Tensor[] in) {
            square(name(), in[0]);
            return Internals.shape(in[0]).clone();
        }
        @Override default DType dtype(Tensor[] in) { return in[0].dtype(); }
    }

    // ------------------------------------------------------------------ Cholesky

    /**
     * {@code torch.linalg.cholesky(A)}: the lower factor L of A = L Lᵀ, reading only A's lower
     * triangle (the result's upper triangle is zero). VJP (PyTorch's {@code cholesky_backward}):
     * {@code gA = L^-T Φ L^-1} with {@code Φ = ½(P + tril(P, -1)ᵀ)}, {@code P = tril(Lᵀ gL)}:
     * symmetric, as A is.
     */
    public record Cholesky() implements SquareToSquare {
        @Override public String name() { return "linalg.cholesky"; }
        @Override public String gradFnName(Tensor[] in) { return "LinalgCholeskyExBackward0"; }
        @Override public boolean savesOutput() { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable l = s.output();
            int n = l.size(-1);
            Variable p = mT(l).matmul(g).mul(mask(l.dtype(), n, false, 0));
            Variable phi = p.add(mT(p.mul(mask(l.dtype(), n, false, -1)))).mul(0.5);
            Variable ga = Linalg.solveTriangular(mT(l), phi, true, true, false);
            return new Variable[] {Linalg.solveTriangular(l, ga, false, false, false)};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor a = in[0];
            int n = Internals.shape(a)[a.dim() - 1], count = Shapes.numel(batch(Internals.shape(a)));
            Ops.CopyInto.copy(a, out);
            for (int t = 0; t < count; t++) {
                int off = Internals.offset(out) + t * n * n;
                int info = k(out).potrf(n, Internals.storage(out).array, off, n);
                if (info != 0) {
                    throw new ArithmeticException(name() + ": " + element(a, t) + "The factorization could not be completed because the "
                            + "input is not positive-definite (the leading minor of order " + info + " is not positive-definite).");
                }
                for (int i = 0; i < n; i++) k(out).fill(0, Internals.storage(out).array, off + i * n + i + 1, n - i - 1);
            }
        }
    }

    // ------------------------------------------------------------------ triangular solve

    /**
     * {@code torch.linalg.solve_triangular(A, B, upper, left, unitriangular)}: X with
     * {@code A X = B} ({@code left}) or {@code X A = B}, reading only A's upper or lower triangle
     * (and not its diagonal when {@code unitriangular}); batch dims broadcast. VJP:
     * {@code gB = solve_triangular(Aᵀ, gX)} (the other triangle, same side) and
     * {@code gA = -gB Xᵀ} (left) or {@code -Xᵀ gB} (right), kept to A's triangle.
     */
    public record SolveTriangular(boolean upper, boolean left, boolean unitriangular) implements Op {
        @Override public String name() { return "linalg.solve_triangular"; }
        @Override public String attributes() { return "upper=" + upper + ", left=" + left + ", unitriangular=" + unitriangular; }
        @Override public String gradFnName(Tensor[] in) { return "LinalgSolveTriangularBackward0"; }
        @Override public int[] shape(Tensor[] in) { return solveShape(name(), in[0], in[1], left); }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return i == 0; }
        @Override public boolean savesOutput() { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable a = s.input(0), x = s.output();
            Variable gb = Linalg.solveTriangular(mT(a), g, !upper, left, unitriangular);
            Variable ga = null;
            if (s.needsGrad(0)) {
                Variable prod = left ? gb.matmul(mT(x)) : mT(x).matmul(gb);
                int d = unitriangular ? (upper ? 1 : -1) : 0;
                ga = prod.mul(mask(a.dtype(), a.size(-1), upper, d)).neg();
            }
            return new Variable[] {ga, s.needsGrad(1) ? gb : null};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            int[] batch = batch(Internals.shape(out));
            Mat a = Mat.of(in[0], batch);
            solveInto(a, upper, unitriangular, left, in[1], out);
        }
    }

    /** out := op(A)^-1 B (left) or B op(A)^-1 for triangular A, B broadcast to out's shape. */
    static void solveInto(Mat a, boolean upper, boolean unit, boolean left, Tensor b, Tensor out) {
        int r = Internals.shape(out)[out.dim() - 2], c = Internals.shape(out)[out.dim() - 1], count = Shapes.numel(batch(Internals.shape(out)));
        if (out.numel() == 0) return;
        ArrayKernels k = k(out);
        int n = a.ld();
        upper ^= a.trans; // the stored matrix is A^T when trans: its other triangle is A's
        if (left) {
            Ops.CopyInto.copy(b.expand(Internals.shape(out)), out);
            for (int t = 0; t < count; t++) {
                k.trsm(upper, a.trans, unit, r, c, Internals.storage(a.t).array, a.off(t), n, Internals.storage(out).array, Internals.offset(out) + t * r * c, c);
            }
        } else {
            // X A = B  <=>  A^T X^T = B^T: solve on the transposed right-hand side, then transpose back
            Tensor bt = dense(b.expand(Internals.shape(out)).transpose(-2, -1), with(batch(Internals.shape(out)), c, r));
            if (Internals.storage(bt) == Internals.storage(b)) bt = copyOf(bt); // the solve works in place: never in the caller's B
            for (int t = 0; t < count; t++) {
                int o = Internals.offset(bt) + t * r * c;
                k.trsm(upper, !a.trans, unit, c, r, Internals.storage(a.t).array, a.off(t), n, Internals.storage(bt).array, o, r);
                k.transpose(Internals.storage(bt).array, o, c, r, r, Internals.storage(out).array, Internals.offset(out) + t * r * c, c);
            }
        }
    }

    // ------------------------------------------------------------------ LU-based solve, inverse, determinants

    /** LU factors of each matrix of {@code a} (a fresh contiguous copy) and their pivots, 0-based. */
    record Lu(Tensor lu, int[] piv, int[] info, int n, int count) {
        static Lu of(Tensor a, int[] batch) {
            int n = Internals.shape(a)[a.dim() - 1], count = Shapes.numel(batch);
            Tensor lu = copyOf(a.expand(with(batch, n, n)));
            int[] piv = new int[Math.multiplyExact(count, n)], info = new int[count];
            for (int t = 0; t < count; t++) info[t] = k(lu).getrf(n, Internals.storage(lu).array, Internals.offset(lu) + t * n * n, n, piv, t * n);
            return new Lu(lu, piv, info, n, count);
        }

        int off(int t) {
            return Internals.offset(lu) + t * n * n;
        }

        /** The determinant of matrix t: the product of U's diagonal, negated per interchange. */
        double det(int t) {
            double d = 1;
            for (int i = 0; i < n; i++) {
                d *= Internals.storage(lu).get(off(t) + i * n + i);
                if (piv[t * n + i] != i) d = -d;
            }
            return d;
        }
    }

    /**
     * {@code torch.linalg.solve(A, B)} for B [..., n, k] (the facade handles a vector B): X with
     * {@code A X = B}, by LU with partial pivoting; batch dims broadcast. A singular A (an exactly
     * zero pivot) fails with PyTorch's message. VJP (PyTorch's {@code linalg_solve_backward}):
     * {@code gB = solve(Aᵀ, gX)}, {@code gA = -gB Xᵀ}.
     */
    public record Solve() implements Op {
        @Override public String name() { return "linalg.solve"; }
        @Override public String gradFnName(Tensor[] in) { return "LinalgSolveExBackward0"; }
        @Override public int[] shape(Tensor[] in) { return solveShape(name(), in[0], in[1], true); }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return i == 0; }
        @Override public boolean savesOutput() { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable gb = mT(s.input(0)).op(this, g);
            return new Variable[] {s.needsGrad(0) ? gb.matmul(mT(s.output())).neg() : null, s.needsGrad(1) ? gb : null};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Lu lu = Lu.of(in[0], batch(Internals.shape(out)));
            singular(lu, in[0], "torch." + name() + ": ", "The solver failed because the input matrix is singular.", false);
            Ops.CopyInto.copy(in[1].expand(Internals.shape(out)), out);
            int m = Internals.shape(out)[out.dim() - 1];
            for (int t = 0; t < lu.count; t++) {
                k(out).getrs(false, lu.n, m, Internals.storage(lu.lu).array, lu.off(t), lu.n, lu.piv, t * lu.n, Internals.storage(out).array,
                        Internals.offset(out) + t * lu.n * m, m);
            }
        }
    }

    /** Throws PyTorch's error for the first matrix of the batch with an exactly zero pivot. */
    static void singular(Lu lu, Tensor a, String prefix, String text, boolean diagonal) {
        for (int t = 0; t < lu.count; t++) {
            if (lu.info[t] != 0) {
                throw new ArithmeticException(prefix + element(a, t) + (diagonal ? "The diagonal element " + lu.info[t]
                        + " is zero, the inversion could not be completed because the input matrix is singular." : text));
            }
        }
    }

    /**
     * {@code torch.linalg.inv(A)}, by LU with partial pivoting; a singular A fails with PyTorch's
     * message. VJP: {@code gA = -A^-T gX A^-T}, from the saved inverse.
     */
    public record Inv() implements SquareToSquare {
        @Override public String name() { return "linalg.inv"; }
        @Override public String gradFnName(Tensor[] in) { return "LinalgInvExBackward0"; }
        @Override public boolean savesOutput() { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable invT = mT(s.output());
            return new Variable[] {invT.matmul(g).matmul(invT).neg()};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Lu lu = Lu.of(in[0], batch(Internals.shape(in[0])));
            singular(lu, in[0], name() + ": ", null, true);
            int n = lu.n;
            ArrayKernels k = k(out);
            for (int t = 0; t < lu.count; t++) {
                int o = Internals.offset(out) + t * n * n;
                k.fill(0, Internals.storage(out).array, o, n * n);
                for (int i = 0; i < n; i++) Internals.storage(out).set(o + i * n + i, 1);
                k.getrs(false, n, n, Internals.storage(lu.lu).array, lu.off(t), n, lu.piv, t * n, Internals.storage(out).array, o, n);
            }
        }
    }

    /** {@code g * d} broadcast over the matrix dims, times {@code A^-T}: the gradient of a function of det(A). */
    static Variable timesInvT(Variable a, Variable gd) {
        return Linalg.inv(mT(a)).mul(gd.unsqueeze(-1).unsqueeze(-1));
    }

    /**
     * {@code torch.linalg.det(A)} from the LU factors. VJP: {@code gA = g det(A) A^-T} (through
     * {@link Inv}, so an exactly singular A fails there; PyTorch falls back to an SVD formula).
     */
    public record Det() implements Op {
        @Override public String name() { return "linalg.det"; }
        @Override public String gradFnName(Tensor[] in) { return "LinalgDetBackward0"; }
        @Override public int[] shape(Tensor[] in) {
            square(name(), in[0]);
            return batch(Internals.shape(in[0]));
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return true; }
        @Override public boolean savesOutput() { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            return new Variable[] {timesInvT(s.input(0), g.mul(s.output()))};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Lu lu = Lu.of(in[0], batch(Internals.shape(in[0])));
            for (int t = 0; t < lu.count; t++) Internals.storage(out).set(Internals.offset(out) + t, lu.det(t));
        }
    }

    /**
     * {@code torch.linalg.slogdet(A)} packed as {@code [..., 2]}: the sign (-1, 0 or 1) and
     * {@code log|det A|} (-inf for a singular A). VJP: {@code gA = g_logabsdet A^-T}; the sign
     * has none.
     */
    public record Slogdet() implements Op {
        @Override public String name() { return "linalg.slogdet"; }
        @Override public String gradFnName(Tensor[] in) { return "LinalgSlogdetBackward0"; }
        @Override public int[] shape(Tensor[] in) {
            square(name(), in[0]);
            return with(batch(Internals.shape(in[0])), 2);
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            return new Variable[] {timesInvT(s.input(0), g.select(-1, 1))};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Lu lu = Lu.of(in[0], batch(Internals.shape(in[0])));
            int n = lu.n;
            for (int t = 0; t < lu.count; t++) {
                double sign = 1, logabs = 0;
                for (int i = 0; i < n; i++) {
                    double u = Internals.storage(lu.lu).get(lu.off(t) + i * n + i);
                    if (u < 0) sign = -sign;
                    if (u == 0) sign = 0;
                    if (lu.piv[t * n + i] != i) sign = -sign;
                    logabs += Math.log(Math.abs(u));
                }
                Internals.storage(out).set(Internals.offset(out) + 2 * t, sign == 0 ? 0 : sign);
                Internals.storage(out).set(Internals.offset(out) + 2 * t + 1, logabs);
            }
        }
    }

    // ------------------------------------------------------------------ LU factors as results

    /**
     * {@code torch.linalg.lu_factor(A)} packed as {@code [..., n, n + 1]}: the LU factors (unit
     * lower L below the diagonal, U on and above it, {@code A = P L U}), then the interchanges as
     * a last column (0-based row indices, exact in either float type for any n an array can
     * hold). With {@code check}, an exactly zero pivot fails with PyTorch's message. VJP (PyTorch's
     * {@code linalg_lu_backward}, square case): {@code gA = P L^-T (tril(Lᵀ gL, -1) + triu(gU Uᵀ)) U^-T}.
     */
    public record LuFactor(boolean check) implements Op {
        @Override public String name() { return "linalg.lu_factor"; }
        @Override public String attributes() { return check ? "" : "check=false"; }
        @Override public String gradFnName(Tensor[] in) { return "LinalgLuFactorExBackward0"; }
        @Override public int[] shape(Tensor[] in) {
            int n = square(name(), in[0]);
            return with(batch(Internals.shape(in[0])), n, n + 1);
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesOutput() { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable packed = s.output();
            int n = packed.size(-2);
            DType dt = packed.dtype();
            Variable lu = packed.narrow(-1, 0, n), gp = g.narrow(-1, 0, n);
            Variable lower = mask(dt, n, false, -1), upperMask = mask(dt, n, true, 0);
            Variable l = lu.mul(lower), u = lu.mul(upperMask);
            Variable gl = gp.mul(lower); // L is unit lower: L = l + I, so L^T gL = l^T gL + gL
            Variable phi = mT(l).matmul(gl).add(gl).mul(lower).add(gp.mul(upperMask).matmul(mT(u)).mul(upperMask));
            Variable x = Linalg.solveTriangular(mT(lu), phi, true, true, true);
            x = Linalg.solveTriangular(mT(lu), x, false, false, false);
            Variable piv = packed.op(new LuPivots());
            return new Variable[] {piv.op(new LuPermute(false), x)};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Lu lu = Lu.of(in[0], batch(Internals.shape(in[0])));
            int n = lu.n;
            if (check) {
                for (int t = 0; t < lu.count; t++) {
                    if (lu.info[t] != 0) {
                        throw new ArithmeticException("torch." + name() + ": " + element(in[0], t) + "U[" + lu.info[t] + "," + lu.info[t]
                                + "] is zero and using it on lu_solve would result in a division by zero. If you still want to "
                                + "perform the factorization, consider calling Linalg.lu(A) or Linalg.luFactor(A, false)");
                    }
                }
            }
            for (int t = 0; t < lu.count; t++) {
                for (int i = 0; i < n; i++) {
                    int o = Internals.offset(out) + (t * n + i) * (n + 1);
                    k(out).copy(Internals.storage(lu.lu).array, lu.off(t) + i * n, Internals.storage(out).array, o, n);
                    Internals.storage(out).set(o + n, lu.piv[t * n + i]);
                }
            }
        }
    }

    /** The pivots of a packed {@link LuFactor} result as PyTorch returns them: int64, 1-based. No gradient. */
    public record LuPivots() implements Op {
        @Override public String name() { return "linalg.lu_pivots"; }
        @Override public boolean differentiable() { return false; }
        @Override public int[] shape(Tensor[] in) {
            Tensor p = in[0];
            if (p.dim() < 2 || Internals.shape(p)[p.dim() - 1] != Internals.shape(p)[p.dim() - 2] + 1) {
                throw new IllegalArgumentException(name() + ": expected a packed LU result [..., n, n + 1], got " + Shapes.str(Internals.shape(p)));
            }
            return Arrays.copyOf(Internals.shape(p), p.dim() - 1);
        }
        @Override public DType dtype(Tensor[] in) { return DType.INT64; }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor p = in[0];
            int n = Internals.shape(p)[p.dim() - 2], count = out.numel() / Math.max(n, 1);
            for (int t = 0; t < count; t++) {
                for (int i = 0; i < n; i++) {
                    Internals.storage(out).l[Internals.offset(out) + t * n + i] = 1 + (long) Internals.storage(p).get(Internals.offset(p) + elementOffset(p, t, i, n));
                }
            }
        }
    }

    /** The storage offset (from t.offset) of element [batch t, row i, column j] of a [..., r, c] tensor. */
    static int elementOffset(Tensor p, int t, int i, int j) {
        int d = p.dim();
        long o = (long) i * Internals.strides(p)[d - 2] + (long) j * Internals.strides(p)[d - 1];
        for (int q = d - 3; q >= 0; q--) {
            int size = Internals.shape(p)[q];
            o += (long) (t % size) * Internals.strides(p)[q];
            t /= size;
        }
        return Math.toIntExact(o);
    }

    /** Reads 1-based int64 pivots [..., n] as 0-based rows, checking each is in [1, n]. */
    static int[] pivots(String op, Tensor piv, int[] batch, int n) {
        int count = Shapes.numel(batch);
        Tensor p = dense(piv, with(batch, n));
        int[] r = new int[Math.multiplyExact(count, n)];
        for (int i = 0; i < r.length; i++) {
            long v = Internals.storage(p).l[Internals.offset(p) + i];
            if (v < 1 || v > n) {
                throw new IllegalArgumentException(op + ": pivots must be in [1, " + n + "] (1-based, as luFactor returns them), got " + v
                        + " at element " + i);
            }
            r[i] = (int) (v - 1);
        }
        return r;
    }

    /**
     * The permutation P of {@code A = P L U} applied to X's rows: {@code P X}, or {@code Pᵀ X}
     * with {@code transpose}, for int64 1-based pivots [..., n] and X [..., n, k] (batch dims
     * broadcast). VJP for X: the other one applied to the gradient.
     */
    public record LuPermute(boolean transpose) implements Op {
        @Override public String name() { return "linalg.lu_permute"; }
        @Override public String attributes() { return transpose ? "transpose=true" : ""; }
        // a part of lu_solve (its only differentiable use): PyTorch's node there is LinalgLuSolveBackward0
        @Override public String gradFnName(Tensor[] in) { return "LinalgLuSolveBackward0"; }
        @Override public int[] shape(Tensor[] in) {
            Tensor p = in[0], x = in[1];
            if (p.dtype() != DType.INT64 || p.dim() < 1) {
                throw new IllegalArgumentException(name() + ": expected int64 pivots [..., n], got " + p.dtype() + Shapes.str(Internals.shape(p)));
            }
            floating(name(), x);
            int n = Internals.shape(p)[p.dim() - 1];
            if (x.dim() < 2 || Internals.shape(x)[x.dim() - 2] != n) {
                throw new IllegalArgumentException(name() + ": expected B [..., " + n + ", k] for pivots " + Shapes.str(Internals.shape(p)) + ", got "
                        + Shapes.str(Internals.shape(x)));
            }
            int[] pb = Arrays.copyOf(Internals.shape(p), p.dim() - 1);
            return with(Shapes.broadcast(name(), pb, batch(Internals.shape(x))), n, Internals.shape(x)[x.dim() - 1]);
        }
        @Override public DType dtype(Tensor[] in) { return in[1].dtype(); }
        @Override public boolean savesInput(int i) { return i == 0; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            return new Variable[] {null, s.input(0).op(new LuPermute(!transpose), g)};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            int n = Internals.shape(out)[out.dim() - 2], m = Internals.shape(out)[out.dim() - 1];
            int[] batch = batch(Internals.shape(out));
            int[] piv = pivots(name(), in[0], batch, n);
            Ops.CopyInto.copy(in[1].expand(Internals.shape(out)), out);
            for (int t = 0, count = Shapes.numel(batch); t < count; t++) {
                // P X undoes the interchanges (last first); P^T X applies them in order, as getrf did to A
                k(out).permuteRows(!transpose, n, m, piv, t * n, Internals.storage(out).array, Internals.offset(out) + t * n * m, m);
            }
        }
    }

    /**
     * One factor of a packed {@link LuFactor} result, as {@code torch.linalg.lu} returns them:
     * the permutation matrix P (no gradient), the unit lower L, or the upper U. VJP: the
     * gradient on the factor's triangle, placed in the packed shape.
     */
    public record LuUnpack(char part) implements Op {
        @Override public String name() { return "linalg.lu_unpack"; }
        @Override public String attributes() { return "part=" + part; }
        @Override public String gradFnName(Tensor[] in) { return "LinalgLuBackward0"; }
        @Override public boolean differentiable() { return part != 'P'; }
        @Override public int[] shape(Tensor[] in) {
            Tensor p = in[0];
            if (p.dim() < 2 || Internals.shape(p)[p.dim() - 1] != Internals.shape(p)[p.dim() - 2] + 1) {
                throw new IllegalArgumentException(name() + ": expected a packed LU result [..., n, n + 1], got " + Shapes.str(Internals.shape(p)));
            }
            int n = Internals.shape(p)[p.dim() - 2];
            return with(batch(Internals.shape(p)), n, n);
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] shape = s.inputShape(0);
            int n = shape[shape.length - 2];
            Variable gm = g.mul(mask(g.dtype(), n, part == 'U', part == 'U' ? 0 : -1));
            int[] col = shape.clone();
            col[col.length - 1] = 1;
            return new Variable[] {Variable.cat(java.util.List.of(gm, new Variable(Tensor.zeros(g.dtype(), col))), -1)};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor p = in[0];
            int n = Internals.shape(out)[out.dim() - 1], count = Shapes.numel(batch(Internals.shape(out)));
            int[] piv = part == 'P' ? new int[n] : null;
            for (int t = 0; t < count; t++) {
                int o = Internals.offset(out) + t * n * n;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double v = Internals.storage(p).get(Internals.offset(p) + elementOffset(p, t, i, j));
                        double r = switch (part) {
                            case 'L' -> j < i ? v : j == i ? 1 : 0;
                            case 'U' -> j >= i ? v : 0;
                            default -> i == j ? 1 : 0;
                        };
                        Internals.storage(out).set(o + i * n + j, r);
                    }
                    if (piv != null) piv[i] = (int) Internals.storage(p).get(Internals.offset(p) + elementOffset(p, t, i, n));
                }
                if (piv != null) k(out).permuteRows(true, n, n, piv, 0, Internals.storage(out).array, o, n);
            }
        }
    }
}
