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
        @Override public boolean failsOnValues() { return true; }
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
        @Override public boolean failsOnValues() { return true; }
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
        @Override public boolean failsOnValues() { return true; }
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
        @Override public boolean failsOnValues() { return check; }
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

    // ------------------------------------------------------------------ QR, eigh, SVD, pinv

    /** Checks a floating point [..., m, n] input, PyTorch's texts. */
    static void matrix(String op, Tensor a) {
        floating(op, a);
        if (a.dim() < 2) throw new IllegalArgumentException(op + ": The input tensor A must have at least 2 dimensions.");
    }

    /** A scratch array of {@code n} elements of {@code t}'s element type (at least one). */
    static Object scratch(Tensor t, int n) {
        return Internals.storage(Internals.empty(t.dtype(), new int[] {Math.max(n, 1)})).array;
    }

    /** The identity [n, n] as a constant. */
    static Variable eye(DType dtype, int n) {
        return new Variable(Tensor.eye(dtype, n, n));
    }

    /**
     * {@code torch.linalg.qr(A, mode)} packed as {@code [..., m, qc + n]}: Q's qc columns (k = min(m, n)
     * for "reduced", m for "complete", none for "r"), then R [kr, n] in the first kr rows (kr = k, or
     * m for "complete"; rows below are 0). Householder QR (LAPACK's geqrf/orgqr, and its signs).
     * VJP (PyTorch's {@code linalg_qr_backward}), {@code m >= n}: {@code gA = (gQ + Q sym(M)) R^-T},
     * {@code M = triu(gR Rᵀ - Qᵀ gQ)}, {@code sym(M) = M + triu(M, 1)ᵀ}; {@code m < n}, with A = [X | Y],
     * R = [U | V]: {@code gX} is that rule with {@code gQ + Y gVᵀ} and gU, and {@code gY = Q gV}.
     * Not differentiable for mode "r" (no Q) or "complete" with {@code m > n} (Q's extra columns are not
     * determined by A), as in PyTorch.
     */
    public record Qr(String mode) implements Op {
        public Qr {
            if (!mode.equals("reduced") && !mode.equals("complete") && !mode.equals("r")) {
                throw new IllegalArgumentException("qr received unrecognized mode '" + mode
                        + "' but expected one of 'reduced' (default), 'r', or 'complete'");
            }
        }
        public int qCols(int m, int n) { return mode.equals("complete") ? m : mode.equals("r") ? 0 : Math.min(m, n); }
        public int rRows(int m, int n) { return mode.equals("complete") ? m : Math.min(m, n); }
        @Override public String name() { return "linalg.qr"; }
        @Override public String attributes() { return "mode=" + mode; }
        @Override public String gradFnName(Tensor[] in) { return "LinalgQrBackward0"; }
        @Override public int[] shape(Tensor[] in) {
            matrix(name(), in[0]);
            int m = Internals.shape(in[0])[in[0].dim() - 2], n = Internals.shape(in[0])[in[0].dim() - 1];
            return with(batch(Internals.shape(in[0])), m, Math.addExact(qCols(m, n), n));
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesOutput() { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable packed = s.output();
            int m = packed.size(-2), qc = packed.size(-1) - s.inputShape(0)[s.inputShape(0).length - 1], n = packed.size(-1) - qc;
            if (mode.equals("r")) {
                throw new IllegalStateException("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use "
                        + "Linalg.qr(A, \"reduced\") if you are going to differentiate through linalg.qr.");
            }
            if (mode.equals("complete") && m > n) {
                throw new IllegalStateException("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.");
            }
            int k = Math.min(m, n);
            Variable q = packed.narrow(-1, 0, k), r = packed.narrow(-1, qc, n).narrow(-2, 0, k);
            Variable gq = g.narrow(-1, 0, k), gr = g.narrow(-1, qc, n).narrow(-2, 0, k);
            if (m >= n) return new Variable[] {qrBackward(q, r, gq, gr)};
            Variable u = r.narrow(-1, 0, m), v = r.narrow(-1, m, n - m), gu = gr.narrow(-1, 0, m), gv = gr.narrow(-1, m, n - m);
            Variable y = q.matmul(v);
            Variable gx = qrBackward(q, u, gq.add(y.matmul(mT(gv))), gu);
            return new Variable[] {Variable.cat(java.util.List.of(gx, q.matmul(gv)), -1)};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor a = in[0];
            int m = Internals.shape(a)[a.dim() - 2], n = Internals.shape(a)[a.dim() - 1], k = Math.min(m, n), qc = qCols(m, n), kr = rRows(m, n);
            int w = qc + n, count = Shapes.numel(batch(Internals.shape(a)));
            ArrayKernels kk = k(out);
            kk.fill(0, Internals.storage(out).array, Internals.offset(out), out.numel());
            if (out.numel() == 0) return;
            Tensor work = copyOf(a);
            Object tau = scratch(a, k);
            for (int t = 0; t < count; t++) {
                int wo = Internals.offset(work) + t * m * n, o = Internals.offset(out) + t * m * w;
                kk.geqrf(m, n, Internals.storage(work).array, wo, n, tau, 0);
                for (int i = 0; i < Math.min(kr, n); i++) kk.copy(Internals.storage(work).array, wo + i * n + i, Internals.storage(out).array, o + i * w + qc + i, n - i);
                if (qc > 0) kk.orgqr(m, qc, k, Internals.storage(work).array, wo, n, tau, 0, Internals.storage(out).array, o, w);
            }
        }
    }

    /** The QR VJP for m >= n (reduced): {@code (gQ + Q (M + triu(M, 1)ᵀ)) R^-T}, {@code M = triu(gR Rᵀ - Qᵀ gQ)}. */
    static Variable qrBackward(Variable q, Variable r, Variable gq, Variable gr) {
        Variable mm = gr.matmul(mT(r)).sub(mT(q).matmul(gq)).triu();
        Variable b = gq.add(q.matmul(mm.add(mT(mm.triu(1)))));
        return Linalg.solveTriangular(mT(r), b, false, false, false);
    }

    /**
     * {@code torch.linalg.eigh(A)} packed as {@code [..., n, n + 1]} (the eigenvectors as columns,
     * then the eigenvalues, ascending, as a last column), or with {@code vectors} false
     * {@code torch.linalg.eigvalsh(A)}, the eigenvalues [..., n]. Only A's lower triangle is read
     * (UPLO='L'). VJP (PyTorch's {@code linalg_eig_backward}, Hermitian case):
     * {@code gA = V (diag(gλ) + skew(Vᵀ gV) / E) Vᵀ} with {@code skew(X) = (X - Xᵀ) / 2} and
     * {@code E_ij = λ_j - λ_i} off the diagonal: infinite or NaN where two eigenvalues are equal
     * and gV is not zero (the eigenvectors of a repeated eigenvalue are not determined by A; PyTorch
     * documents the same). eigvalsh's VJP, {@code V diag(gλ) Vᵀ}, runs eigh on the saved input.
     */
    public record Eigh(boolean vectors) implements Op {
        @Override public String name() { return vectors ? "linalg.eigh" : "linalg.eigvalsh"; }
        @Override public String gradFnName(Tensor[] in) { return "LinalgEighBackward0"; }
        @Override public boolean failsOnValues() { return true; }
        @Override public int[] shape(Tensor[] in) {
            int n = square(name(), in[0]);
            return vectors ? with(batch(Internals.shape(in[0])), n, Math.addExact(n, 1)) : with(batch(Internals.shape(in[0])), n);
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return !vectors; }
        @Override public boolean savesOutput() { return vectors; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            if (!vectors) {
                Variable v = Linalg.eigh(s.input(0)).eigenvectors();
                return new Variable[] {v.mul(g.unsqueeze(-2)).matmul(mT(v))};
            }
            Variable packed = s.output();
            int n = packed.size(-2);
            Variable v = packed.narrow(-1, 0, n), l = packed.narrow(-1, n, 1), gv = g.narrow(-1, 0, n), gl = g.narrow(-1, n, 1);
            Variable eye = eye(packed.dtype(), n);
            Variable e = mT(l).sub(l).add(eye);
            Variable vhgv = mT(v).matmul(gv);
            Variable inner = vhgv.sub(mT(vhgv)).mul(0.5).div(e).add(eye.mul(gl));
            return new Variable[] {v.matmul(inner).matmul(mT(v))};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor a = in[0];
            int n = Internals.shape(a)[a.dim() - 1], count = Shapes.numel(batch(Internals.shape(a)));
            if (out.numel() == 0) return;
            Tensor src = dense(a, Internals.shape(a));
            ArrayKernels kk = k(out);
            Object w = scratch(a, n);
            Object z = vectors ? scratch(a, n * n) : null;
            for (int t = 0; t < count; t++) {
                int so = Internals.offset(src) + t * n * n;
                int info;
                if (vectors) {
                    kk.copy(Internals.storage(src).array, so, z, 0, n * n);
                    info = kk.syev(true, n, z, 0, n, w, 0);
                } else {
                    info = kk.syev(false, n, Internals.storage(src).array, so, n, w, 0);
                }
                if (info != 0) {
                    throw new ArithmeticException(name() + ": " + element(a, t) + "The algorithm failed to converge because the input matrix "
                            + "is ill-conditioned or has too many repeated eigenvalues (error code: " + info + ").");
                }
                if (vectors) {
                    int o = Internals.offset(out) + t * n * (n + 1);
                    for (int i = 0; i < n; i++) {
                        kk.copy(z, i * n, Internals.storage(out).array, o + i * (n + 1), n);
                        kk.copy(w, i, Internals.storage(out).array, o + i * (n + 1) + n, 1);
                    }
                } else {
                    kk.copy(w, 0, Internals.storage(out).array, Internals.offset(out) + t * n, n);
                }
            }
        }
    }

    /** Throws PyTorch's error for an SVD that did not converge. */
    static void svdConverged(String op, Tensor a, int t, int info) {
        if (info < 0) {
            // PyTorch names linalg.svd here for svdvals and pinv too (their shared kernel's check)
            throw new ArithmeticException("linalg.svd: " + element(a, t) + "The algorithm failed to converge because the input matrix "
                    + "contained non-finite values.");
        }
        if (info != 0) {
            throw new ArithmeticException(op + ": " + element(a, t) + "The algorithm failed to converge because the input matrix is "
                    + "ill-conditioned or has too many repeated singular values (error code: " + info + ").");
        }
    }

    /**
     * {@code torch.linalg.svd(A, full_matrices)} packed as {@code [..., rows, uc + 1 + n]}, rows =
     * max(m, vr): U [m, uc] (uc = m when {@code fullMatrices}, else k = min(m, n)), then S as a
     * column (first k rows, descending), then Vᴴ [vr, n] (vr = n or k); unused corners are 0.
     * One-sided Jacobi ({@code FloatLinalg.gesvd}). VJP (PyTorch's {@code svd_backward}, real case,
     * on the first k columns of U and rows of Vᴴ, as PyTorch's for full matrices):
     * {@code gA = U [(skew(Uᵀ gU) S + S skew(Vᵀ gV)) / E + diag(gS)] Vᵀ + (I - U Uᵀ) gU S^-1 Vᵀ} ({@code m > k};
     * for {@code n > k} the mirror term {@code U S^-1 gVᵀ (I - V Vᵀ)}), {@code skew(X) = X - Xᵀ},
     * {@code E_jk = s_k² - s_j²}: infinite or NaN for repeated (or, for m ≠ n, zero) singular values
     * when the vectors' gradients are not zero, as in PyTorch.
     */
    public record Svd(boolean fullMatrices) implements Op {
        @Override public String name() { return "linalg.svd"; }
        @Override public String attributes() { return fullMatrices ? "full_matrices=true" : "full_matrices=false"; }
        @Override public String gradFnName(Tensor[] in) { return "LinalgSvdBackward0"; }
        @Override public boolean failsOnValues() { return true; }
        @Override public int[] shape(Tensor[] in) {
            matrix(name(), in[0]);
            int m = Internals.shape(in[0])[in[0].dim() - 2], n = Internals.shape(in[0])[in[0].dim() - 1], k = Math.min(m, n);
            int uc = fullMatrices ? m : k, vr = fullMatrices ? n : k;
            return with(batch(Internals.shape(in[0])), Math.max(m, vr), Math.addExact(Math.addExact(uc, 1), n));
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesOutput() { return true; }
        @Override public boolean savesInput(int i) { return false; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] as = s.inputShape(0);
            int m = as[as.length - 2], n = as[as.length - 1], k = Math.min(m, n), uc = fullMatrices ? m : k;
            Variable packed = s.output();
            Variable u = packed.narrow(-2, 0, m).narrow(-1, 0, k), sv = packed.narrow(-2, 0, k).narrow(-1, uc, 1);
            Variable vh = packed.narrow(-2, 0, k).narrow(-1, uc + 1, n);
            Variable gu = g.narrow(-2, 0, m).narrow(-1, 0, k), gs = g.narrow(-2, 0, k).narrow(-1, uc, 1);
            Variable gvh = g.narrow(-2, 0, k).narrow(-1, uc + 1, n);
            return new Variable[] {svdBackward(u, sv, vh, gu, gs, gvh)};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor a = in[0];
            int m = Internals.shape(a)[a.dim() - 2], n = Internals.shape(a)[a.dim() - 1], k = Math.min(m, n);
            int uc = fullMatrices ? m : k, vr = fullMatrices ? n : k, rows = Math.max(m, vr), w = uc + 1 + n;
            int count = Shapes.numel(batch(Internals.shape(a)));
            ArrayKernels kk = k(out);
            kk.fill(0, Internals.storage(out).array, Internals.offset(out), out.numel());
            if (out.numel() == 0) return;
            Tensor src = dense(a, Internals.shape(a));
            Object sv = scratch(a, k);
            for (int t = 0; t < count; t++) {
                int o = Internals.offset(out) + t * rows * w;
                int info = kk.gesvd(m, n, Internals.storage(src).array, Internals.offset(src) + t * m * n, n, sv, 0, Internals.storage(out).array, o, w, uc,
                        Internals.storage(out).array, o + uc + 1, w, vr);
                svdConverged(name(), a, t, info);
                for (int i = 0; i < k; i++) kk.copy(sv, i, Internals.storage(out).array, o + i * w + uc, 1);
            }
        }
    }

    /** PyTorch's {@code svd_backward} (real, reduced factors; S and gS as columns [..., k, 1]). */
    static Variable svdBackward(Variable u, Variable s, Variable vh, Variable gu, Variable gs, Variable gvh) {
        int m = u.size(-2), n = vh.size(-1), k = s.size(-2);
        Variable srow = mT(s), s2 = s.square(), eye = eye(s.dtype(), k);
        Variable e = mT(s2).sub(s2).add(eye);
        Variable uhgu = mT(u).matmul(gu), vhgv = vh.matmul(mT(gvh));
        Variable ret = uhgu.sub(mT(uhgu)).mul(srow).add(s.mul(vhgv.sub(mT(vhgv)))).div(e).add(eye.mul(gs));
        if (m > k) {
            Variable gusinv = gu.div(srow);
            return u.matmul(ret).add(gusinv).sub(u.matmul(mT(u).matmul(gusinv))).matmul(vh);
        }
        if (n > k) {
            Variable sinvgvh = gvh.div(s);
            return u.matmul(ret.matmul(vh).add(sinvgvh).sub(sinvgvh.matmul(mT(vh)).matmul(vh)));
        }
        return u.matmul(ret).matmul(vh);
    }

    /**
     * {@code torch.linalg.svdvals(A)}: the singular values [..., k], descending, without the
     * vectors. VJP: {@code U diag(gS) Vᴴ} from {@code svd(A, false)} of the saved input (finite
     * even for repeated singular values, as PyTorch's).
     */
    public record Svdvals() implements Op {
        @Override public String name() { return "linalg.svdvals"; }
        @Override public String gradFnName(Tensor[] in) { return "LinalgSvdBackward0"; }
        @Override public boolean failsOnValues() { return true; }
        @Override public int[] shape(Tensor[] in) {
            matrix(name(), in[0]);
            return with(batch(Internals.shape(in[0])), Math.min(Internals.shape(in[0])[in[0].dim() - 2], Internals.shape(in[0])[in[0].dim() - 1]));
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Linalg.SVD<Variable> f = Linalg.svd(s.input(0), false);
            return new Variable[] {f.U().mul(g.unsqueeze(-2)).matmul(f.Vh())};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor a = in[0];
            int m = Internals.shape(a)[a.dim() - 2], n = Internals.shape(a)[a.dim() - 1], k = Math.min(m, n), count = Shapes.numel(batch(Internals.shape(a)));
            if (out.numel() == 0) return;
            Tensor src = dense(a, Internals.shape(a));
            for (int t = 0; t < count; t++) {
                int info = k(out).gesvd(m, n, Internals.storage(src).array, Internals.offset(src) + t * m * n, n, Internals.storage(out).array, Internals.offset(out) + t * k, null, 0, 1, k,
                        null, 0, 1, k);
                svdConverged(name(), a, t, info);
            }
        }
    }

    /**
     * {@code torch.linalg.pinv(A, atol, rtol, hermitian)}: the pseudoinverse [..., n, m] from the
     * SVD (with {@code hermitian}, from eigh of A's lower triangle, |λ| as singular values),
     * keeping the singular values above {@code max(atol, rtol * s_max)}. VJP (PyTorch's
     * {@code pinv_backward}, for a rank that does not change under perturbation):
     * {@code gA = -Pᵀ G Pᵀ + (I - A P) Gᵀ P Pᵀ + Pᵀ P Gᵀ (I - P A)} with P = pinv(A).
     */
    public record Pinv(double atol, double rtol, boolean hermitian) implements Op {
        @Override public String name() { return "linalg.pinv"; }
        @Override public String attributes() { return "atol=" + atol + ", rtol=" + rtol + (hermitian ? ", hermitian=true" : ""); }
        @Override public String gradFnName(Tensor[] in) { return "LinalgPinvBackward0"; }
        @Override public boolean failsOnValues() { return true; }
        @Override public int[] shape(Tensor[] in) {
            if (hermitian) square(name(), in[0]);
            else matrix(name(), in[0]);
            return with(batch(Internals.shape(in[0])), Internals.shape(in[0])[in[0].dim() - 1], Internals.shape(in[0])[in[0].dim() - 2]);
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return true; }
        @Override public boolean savesOutput() { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable a = s.input(0), p = s.output(), pt = mT(p), gt = mT(g);
            int m = a.size(-2), n = a.size(-1);
            Variable im = eye(a.dtype(), m), in = eye(a.dtype(), n);
            Variable first = pt.matmul(g).matmul(pt).neg();
            Variable second = im.sub(a.matmul(p)).matmul(gt).matmul(p.matmul(pt));
            Variable third = pt.matmul(p).matmul(gt).matmul(in.sub(p.matmul(a)));
            return new Variable[] {first.add(second).add(third)};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor a = in[0];
            int m = Internals.shape(a)[a.dim() - 2], n = Internals.shape(a)[a.dim() - 1], k = Math.min(m, n), count = Shapes.numel(batch(Internals.shape(a)));
            ArrayKernels kk = k(out);
            kk.fill(0, Internals.storage(out).array, Internals.offset(out), out.numel());
            if (out.numel() == 0) return;
            Tensor src = dense(a, Internals.shape(a));
            // the factors in doubles' worth of storage of this dtype: U [m, k], s [k], Vᵀ [k, n]
            Tensor u = Tensor.zeros(a.dtype(), m, k), vt = Tensor.zeros(a.dtype(), k, n), sv = Tensor.zeros(a.dtype(), Math.max(k, 1));
            for (int t = 0; t < count; t++) {
                int so = Internals.offset(src) + t * m * n;
                if (hermitian) {
                    kk.copy(Internals.storage(src).array, so, Internals.storage(u).array, 0, n * n);
                    int info = kk.syev(true, n, Internals.storage(u).array, 0, n, Internals.storage(sv).array, 0);
                    if (info != 0) {
                        throw new ArithmeticException(name() + ": " + element(a, t) + "The algorithm failed to converge because the input "
                                + "matrix is ill-conditioned or has too many repeated eigenvalues (error code: " + info + ").");
                    }
                    // A = V diag(λ) Vᵀ: pinv = V diag(1/λ) Vᵀ, so take "U" = V, "Vᵀ" = Vᵀ and s = λ with |λ| for the cutoff
                    kk.transpose(Internals.storage(u).array, 0, n, n, n, Internals.storage(vt).array, 0, n);
                } else {
                    int info = kk.gesvd(m, n, Internals.storage(src).array, so, n, Internals.storage(sv).array, 0, Internals.storage(u).array, 0, k, k, Internals.storage(vt).array, 0, n, k);
                    svdConverged(name(), a, t, info);
                }
                double smax = 0;
                for (int i = 0; i < k; i++) smax = Math.max(smax, Math.abs(Internals.storage(sv).get(i)));
                double cutoff = Math.max(atol, rtol * smax);
                // X = diag(1/s) Vᵀ with the small ones zeroed, then pinv = Xᵀ Uᵀ
                for (int i = 0; i < k; i++) {
                    double si = Internals.storage(sv).get(i);
                    double r = Math.abs(si) > cutoff ? 1 / si : 0;
                    for (int j = 0; j < n; j++) Internals.storage(vt).set(i * n + j, Internals.storage(vt).get(i * n + j) * r);
                }
                kk.gemmBatched(true, true, 1, n, m, k, 1, Internals.storage(vt).array, 0, 0, n, Internals.storage(u).array, 0, 0, k, 0, Internals.storage(out).array,
                        Internals.offset(out) + t * n * m, 0, m);
            }
        }
    }

    // ------------------------------------------------------------------ diagonals

    /** The length of the {@code offset} diagonal of a rows x cols matrix (0 when it lies outside). */
    public static int diagLength(int rows, int cols, int offset) {
        long len = offset >= 0 ? Math.min(rows, (long) cols - offset) : Math.min((long) rows + offset, cols);
        return (int) Math.max(0, len);
    }

    /** The shape without dims d1 and d2 (d1 != d2, both normalised). */
    static int[] without(int[] shape, int d1, int d2) {
        int[] r = new int[shape.length - 2];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != d1 && i != d2) r[j++] = shape[i];
        return r;
    }

    /**
     * {@code torch.diagonal(A, offset, dim1, dim2)}: the elements {@code A[..., i, i + offset]} (over
     * dims dim1, dim2) as a new last dim; a copy, where PyTorch returns a view. Linear: its VJP is
     * {@link DiagEmbed} into A's sizes, whose VJP is this again.
     */
    public record Diagonal(int offset, int dim1, int dim2) implements Op {
        @Override public String name() { return "diagonal"; }
        @Override public String attributes() { return "offset=" + offset + ", dim1=" + dim1 + ", dim2=" + dim2; }
        @Override public String gradFnName(Tensor[] in) { return "DiagonalBackward0"; }
        int[] dims(Tensor a) {
            int d1 = Shapes.dim(name(), dim1, a.dim()), d2 = Shapes.dim(name(), dim2, a.dim());
            if (d1 == d2) throw new IllegalArgumentException("diagonal: diagonal dimensions cannot be identical " + dim1 + ", " + dim2);
            return new int[] {d1, d2};
        }
        @Override public int[] shape(Tensor[] in) {
            int[] d = dims(in[0]);
            int[] rest = without(Internals.shape(in[0]), d[0], d[1]);
            int[] r = Arrays.copyOf(rest, rest.length + 1);
            r[rest.length] = diagLength(Internals.shape(in[0])[d[0]], Internals.shape(in[0])[d[1]], offset);
            return r;
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] shape = s.inputShape(0);
            int d1 = Shapes.dim(name(), dim1, shape.length), d2 = Shapes.dim(name(), dim2, shape.length);
            return new Variable[] {g.op(new DiagEmbed(offset, d1, d2, shape[d1], shape[d2]))};
        }
        @Override public Variable jvp(Op.Saved s, Variable[] t) { return t[0].op(this); }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor a = in[0];
            int[] d = dims(a);
            int len = Internals.shape(out)[out.dim() - 1];
            if (out.numel() == 0) return;
            // A with dims d1, d2 moved last, as a strided view: element (t, i, i + offset)
            int[] perm = new int[a.dim()];
            for (int i = 0, j = 0; i < a.dim(); i++) if (i != d[0] && i != d[1]) perm[j++] = i;
            perm[a.dim() - 2] = d[0];
            perm[a.dim() - 1] = d[1];
            Tensor p = a.permute(perm);
            int count = out.numel() / len, r0 = Math.max(0, -offset), c0 = Math.max(0, offset);
            for (int t = 0; t < count; t++) {
                for (int i = 0; i < len; i++) {
                    Internals.storage(out).set(Internals.offset(out) + t * len + i, Internals.storage(p).get(Internals.offset(p) + elementOffset(p, t, r0 + i, c0 + i)));
                }
            }
        }
    }

    /**
     * {@code torch.diag_embed(x, offset, dim1, dim2)}: x's last dim placed on the {@code offset}
     * diagonal of new dims dim1, dim2 of the result (zeros elsewhere), of sizes
     * {@code rows x cols} (both -1: square, {@code len + |offset|}, as torch's). Linear: its VJP is
     * {@link Diagonal}.
     */
    public record DiagEmbed(int offset, int dim1, int dim2, int rows, int cols) implements Op {
        @Override public String name() { return "diag_embed"; }
        @Override public String attributes() { return "offset=" + offset + ", dim1=" + dim1 + ", dim2=" + dim2 + (rows < 0 ? "" : ", size=" + rows + "x" + cols); }
        @Override public String gradFnName(Tensor[] in) { return "DiagEmbedBackward0"; }
        int[] dims(Tensor x) {
            int d1 = Shapes.dim(name(), dim1, x.dim() + 1), d2 = Shapes.dim(name(), dim2, x.dim() + 1);
            if (d1 == d2) throw new IllegalArgumentException("diag_embed: diagonal dimensions cannot be identical " + dim1 + ", " + dim2);
            return new int[] {d1, d2};
        }
        @Override public int[] shape(Tensor[] in) {
            Tensor x = in[0];
            if (x.dim() < 1) throw new IllegalArgumentException("diag_embed: expected a tensor with at least 1 dimension, got a 0-d tensor");
            int[] d = dims(x);
            int len = Internals.shape(x)[x.dim() - 1];
            int r = rows < 0 ? Math.addExact(len, Math.abs(offset)) : rows, c = cols < 0 ? r : cols;
            if (diagLength(r, c, offset) != len) {
                throw new IllegalArgumentException("diag_embed: a diagonal of " + len + " elements does not fit offset " + offset + " of "
                        + r + " x " + c);
            }
            int[] outShape = new int[x.dim() + 1];
            for (int i = 0, j = 0; i < outShape.length; i++) {
                if (i == d[0]) outShape[i] = r;
                else if (i == d[1]) outShape[i] = c;
                else outShape[i] = Internals.shape(x)[j++];
            }
            return outShape;
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) { return new Variable[] {g.op(new Diagonal(offset, dim1, dim2))}; }
        @Override public Variable jvp(Op.Saved s, Variable[] t) { return t[0].op(this); }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor x = dense(in[0], Internals.shape(in[0]));
            ArrayKernels kk = k(out);
            kk.fill(0, Internals.storage(out).array, Internals.offset(out), out.numel());
            if (x.numel() == 0) return;
            int[] d = dims(in[0]);
            int[] perm = new int[out.dim()];
            for (int i = 0, j = 0; i < out.dim(); i++) if (i != d[0] && i != d[1]) perm[j++] = i;
            perm[out.dim() - 2] = d[0];
            perm[out.dim() - 1] = d[1];
            Tensor p = out.permute(perm);
            int len = Internals.shape(x)[x.dim() - 1], count = x.numel() / len, r0 = Math.max(0, -offset), c0 = Math.max(0, offset);
            for (int t = 0; t < count; t++) {
                for (int i = 0; i < len; i++) {
                    Internals.storage(p).set(Internals.offset(p) + elementOffset(p, t, r0 + i, c0 + i), Internals.storage(x).get(Internals.offset(x) + t * len + i));
                }
            }
        }
    }
}
