package io.simdgrad.core;

import io.simdgrad.core.ops.LinalgOps;
import io.simdgrad.core.ops.Shapes;

import java.util.Arrays;

/**
 * Linear algebra after {@code torch.linalg}: static methods for {@link Tensor}s and
 * {@link Variable}s alike (each method is generic over {@link OpMethods}, written once), batched
 * over leading dims, in FLOAT32 and FLOAT64. Every result is differentiable where PyTorch's is,
 * and twice (the VJPs are written with ops); the ops are in {@link LinalgOps}.
 *
 * <p>Errors are PyTorch's: a matrix that is not positive-definite, or singular where a solve
 * needs it not to be, throws {@link ArithmeticException} with torch's text (with
 * {@code (Batch element k): } for a batch); shapes that do not fit throw
 * {@link IllegalArgumentException} naming them. Nothing is written before the check fails.
 */
public final class Linalg {
    private Linalg() {}

    /** {@code A.mT}: the transpose of each matrix (a view). */
    public static <T extends OpMethods<T>> T mT(T a) {
        return a.transpose(-2, -1);
    }

    /**
     * The lower Cholesky factor L of symmetric positive-definite A (A = L Lᵀ), reading only A's
     * lower triangle; torch.linalg.cholesky.
     *
     * @throws ArithmeticException "linalg.cholesky: The factorization could not be completed
     *         because the input is not positive-definite (the leading minor of order k is not
     *         positive-definite)."
     */
    public static <T extends OpMethods<T>> T cholesky(T a) {
        return a.op(new LinalgOps.Cholesky());
    }

    /**
     * torch.linalg.cholesky(A, upper): with {@code upper}, the upper factor U (A = Uᵀ U) from A's
     * upper triangle; else {@link #cholesky(OpMethods)}.
     */
    public static <T extends OpMethods<T>> T cholesky(T a, boolean upper) {
        return upper ? mT(cholesky(mT(a))) : cholesky(a);
    }

    /**
     * X with {@code A X = B} ({@code left}) or {@code X A = B}, for triangular A (only its
     * {@code upper} or lower triangle is read; with {@code unitriangular} its diagonal is taken
     * as ones); batch dims broadcast; torch.linalg.solve_triangular.
     */
    public static <T extends OpMethods<T>> T solveTriangular(T a, T b, boolean upper, boolean left, boolean unitriangular) {
        return a.op(new LinalgOps.SolveTriangular(upper, left, unitriangular), b);
    }

    /** {@code A X = B} for triangular A: {@link #solveTriangular(OpMethods, OpMethods, boolean, boolean, boolean)} with left, not unit. */
    public static <T extends OpMethods<T>> T solveTriangular(T a, T b, boolean upper) {
        return solveTriangular(a, b, upper, true, false);
    }

    /**
     * X with {@code A X = B} for A = L Lᵀ given its lower Cholesky factor L (with {@code upper},
     * A = Uᵀ U given U), B [..., n, k]: two triangular solves; torch.cholesky_solve(B, L, upper).
     * Only L's triangle is read, so its gradient is too (PyTorch's is the same on that triangle).
     */
    public static <T extends OpMethods<T>> T choleskySolve(T b, T l, boolean upper) {
        int[] bs = b.shape(), ls = l.shape();
        if (bs.length < 2 || ls.length < 2) {
            throw new IllegalArgumentException("cholesky_solve: b and L should have at least 2 dimensions, but have " + bs.length + " and "
                    + ls.length + " dimensions instead");
        }
        if (ls[ls.length - 1] != ls[ls.length - 2] || ls[ls.length - 1] != bs[bs.length - 2]) {
            throw new IllegalArgumentException("Incompatible matrix sizes for cholesky_solve: each A matrix is " + ls[ls.length - 2]
                    + " by " + ls[ls.length - 1] + " but each b matrix is " + bs[bs.length - 2] + " by " + bs[bs.length - 1]);
        }
        T y = solveTriangular(upper ? mT(l) : l, b, false);
        return solveTriangular(upper ? l : mT(l), y, true);
    }

    /** {@link #choleskySolve(OpMethods, OpMethods, boolean)} with the lower factor. */
    public static <T extends OpMethods<T>> T choleskySolve(T b, T l) {
        return choleskySolve(b, l, false);
    }

    /**
     * X with {@code A X = B}, by LU with partial pivoting; B is [..., n, k], or a vector
     * ([n], or A's batch and n) as torch decides; batch dims broadcast; torch.linalg.solve.
     *
     * @throws ArithmeticException "torch.linalg.solve: The solver failed because the input matrix is singular."
     */
    public static <T extends OpMethods<T>> T solve(T a, T b) {
        int[] as = a.shape(), bs = b.shape();
        boolean vector = bs.length == 1
                || (as.length >= 2 && bs.length == as.length - 1 && Arrays.equals(bs, Arrays.copyOf(as, as.length - 1)));
        if (vector) return a.op(new LinalgOps.Solve(), b.unsqueeze(-1)).squeeze(-1);
        return a.op(new LinalgOps.Solve(), b);
    }

    /**
     * The inverse of each matrix, by LU with partial pivoting; torch.linalg.inv.
     *
     * @throws ArithmeticException "linalg.inv: The diagonal element k is zero, the inversion could
     *         not be completed because the input matrix is singular."
     */
    public static <T extends OpMethods<T>> T inv(T a) {
        return a.op(new LinalgOps.Inv());
    }

    /** The determinant of each matrix (shape: the batch dims), from its LU factors; torch.linalg.det. */
    public static <T extends OpMethods<T>> T det(T a) {
        return a.op(new LinalgOps.Det());
    }

    /** The sign (-1, 0 or 1; no gradient) and {@code log|det A|} of each matrix, as torch.linalg.slogdet returns them. */
    public record SignLogAbsDet<T>(T sign, T logabsdet) {}

    /** {@code (sign, log|det A|)} of each matrix; torch.linalg.slogdet. */
    public static <T extends OpMethods<T>> SignLogAbsDet<T> slogdet(T a) {
        T packed = a.op(new LinalgOps.Slogdet());
        return new SignLogAbsDet<>(packed.select(-1, 0), packed.select(-1, 1));
    }

    /** {@code log(det A)}: NaN for a negative determinant, -inf for a zero one; torch.logdet. */
    public static <T extends OpMethods<T>> T logdet(T a) {
        SignLogAbsDet<T> s = slogdet(a);
        return s.sign().log().add(s.logabsdet());
    }

    /** Packed LU factors and their 1-based int64 interchanges, as torch.linalg.lu_factor returns them. */
    public record LuFactors<T>(T LU, T pivots) {}

    /**
     * {@code P A = L U} with partial pivoting: L (unit lower, diagonal not stored) and U in one
     * matrix, and the interchanges (row i was swapped with row {@code pivots[i] - 1});
     * torch.linalg.lu_factor.
     *
     * @throws ArithmeticException when a pivot is exactly zero (torch's "U[k,k] is zero ...")
     */
    public static <T extends OpMethods<T>> LuFactors<T> luFactor(T a) {
        return luFactor(a, true);
    }

    /** {@link #luFactor(OpMethods)}; without {@code check} a zero pivot is kept (torch.linalg.lu_factor_ex). */
    public static <T extends OpMethods<T>> LuFactors<T> luFactor(T a, boolean check) {
        T packed = a.op(new LinalgOps.LuFactor(check));
        int n = packed.size(-2);
        return new LuFactors<>(packed.narrow(-1, 0, n), packed.op(new LinalgOps.LuPivots()));
    }

    /** The permutation matrix P (no gradient), unit lower L and upper U of A = P L U, as torch.linalg.lu returns them. */
    public record PLU<T>(T P, T L, T U) {}

    /** {@code A = P L U} with partial pivoting; torch.linalg.lu (a singular A is factored too). */
    public static <T extends OpMethods<T>> PLU<T> lu(T a) {
        T packed = a.op(new LinalgOps.LuFactor(false));
        return new PLU<>(packed.op(new LinalgOps.LuUnpack('P')), packed.op(new LinalgOps.LuUnpack('L')),
                packed.op(new LinalgOps.LuUnpack('U')));
    }

    /** X with {@code A X = B} from {@link #luFactor}'s results; torch.linalg.lu_solve(LU, pivots, B). */
    public static <T extends OpMethods<T>> T luSolve(T lu, T pivots, T b) {
        int[] ls = lu.shape(), bs = b.shape();
        if (ls.length < 2 || bs.length < 2 || ls[ls.length - 1] != ls[ls.length - 2] || bs[bs.length - 2] != ls[ls.length - 1]) {
            throw new IllegalArgumentException("linalg.lu_solve: Incompatible shapes of A and B for the equation AX = B ("
                    + Shapes.str(ls) + " and " + Shapes.str(bs) + ")");
        }
        T y = pivots.op(new LinalgOps.LuPermute(true), b);
        y = solveTriangular(lu, y, false, true, true);
        return solveTriangular(lu, y, true, true, false);
    }

    // ------------------------------------------------------------------ QR, eigh, SVD, least squares, norms

    /** Q and R of {@code A = Q R}, as torch.linalg.qr returns them (Q empty for mode "r"). */
    public record QR<T>(T Q, T R) {}

    /**
     * {@code A = Q R} with orthonormal columns Q [..., m, k] and upper triangular R [..., k, n],
     * k = min(m, n), by Householder reflections (R's diagonal has LAPACK's signs, so the factors
     * are torch's); torch.linalg.qr(A).
     */
    public static <T extends OpMethods<T>> QR<T> qr(T a) {
        return qr(a, "reduced");
    }

    /**
     * torch.linalg.qr(A, mode): "reduced" (Q [m, k], R [k, n]), "complete" (Q [m, m], R [m, n]) or
     * "r" (R [k, n] only; Q is [..., m, 0]). Differentiable except for "r" and for "complete" with
     * {@code m > n}, as torch.
     */
    public static <T extends OpMethods<T>> QR<T> qr(T a, String mode) {
        LinalgOps.Qr op = new LinalgOps.Qr(mode);
        T packed = a.op(op);
        int[] s = a.shape();
        int m = s[s.length - 2], n = s[s.length - 1], qc = op.qCols(m, n), kr = op.rRows(m, n);
        return new QR<>(packed.narrow(-1, 0, qc), packed.narrow(-1, qc, n).narrow(-2, 0, kr));
    }

    /** The eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix, as torch.linalg.eigh returns them. */
    public record Eigh<T>(T eigenvalues, T eigenvectors) {}

    /**
     * {@code A = V diag(λ) Vᵀ} for symmetric A, reading only its lower triangle: eigenvalues
     * ascending, orthonormal eigenvectors as the columns of V (each up to sign); torch.linalg.eigh.
     * Householder tridiagonalization and the implicit QL iteration. The gradient through V is
     * infinite or NaN when two eigenvalues are equal (torch's documented behaviour: the
     * eigenvectors of a repeated eigenvalue are not a function of A); through λ alone it is finite.
     *
     * @throws ArithmeticException "linalg.eigh: The algorithm failed to converge ..." (NaN-free
     *         input converges in practice)
     */
    public static <T extends OpMethods<T>> Eigh<T> eigh(T a) {
        T packed = a.op(new LinalgOps.Eigh(true));
        int n = packed.size(-2);
        return new Eigh<>(packed.narrow(-1, n, 1).squeeze(-1), packed.narrow(-1, 0, n));
    }

    /** The eigenvalues of symmetric A (its lower triangle), ascending, without the vectors; torch.linalg.eigvalsh. */
    public static <T extends OpMethods<T>> T eigvalsh(T a) {
        return a.op(new LinalgOps.Eigh(false));
    }

    /** U, S (descending) and Vᴴ of {@code A = U diag(S) Vᴴ}, as torch.linalg.svd returns them. */
    public record SVD<T>(T U, T S, T Vh) {}

    /**
     * torch.linalg.svd(A) with torch's default {@code full_matrices=True}: U [..., m, m], S [..., k],
     * Vh [..., n, n]. For gradients and for speed use {@link #svd(OpMethods, boolean)} with false.
     */
    public static <T extends OpMethods<T>> SVD<T> svd(T a) {
        return svd(a, true);
    }

    /**
     * {@code A = U diag(S) Vᴴ}, S descending, each pair of singular vectors up to a common sign;
     * with {@code fullMatrices} false, U [..., m, k] and Vh [..., k, n] (k = min(m, n)), else
     * complete orthonormal U [m, m] and Vh [n, n]; torch.linalg.svd(A, full_matrices). One-sided
     * Jacobi: singular values accurate relative to their own size. The gradient through U or Vh
     * is infinite or NaN for repeated singular values (and, for m ≠ n, zero ones), as torch's; the
     * gradient of the extra columns of full U and Vh is ignored, as torch's.
     */
    public static <T extends OpMethods<T>> SVD<T> svd(T a, boolean fullMatrices) {
        T packed = a.op(new LinalgOps.Svd(fullMatrices));
        int[] s = a.shape();
        int m = s[s.length - 2], n = s[s.length - 1], k = Math.min(m, n), uc = fullMatrices ? m : k, vr = fullMatrices ? n : k;
        return new SVD<>(packed.narrow(-2, 0, m).narrow(-1, 0, uc), packed.narrow(-2, 0, k).narrow(-1, uc, 1).squeeze(-1),
                packed.narrow(-2, 0, vr).narrow(-1, uc + 1, n));
    }

    /** The singular values [..., k], descending; torch.linalg.svdvals (its gradient is finite for repeated values). */
    public static <T extends OpMethods<T>> T svdvals(T a) {
        return a.op(new LinalgOps.Svdvals());
    }

    /**
     * The least-squares solution X of {@code min |A X - B|} for A [..., m, n] of full rank and
     * B [..., m, k] (or [..., m]: B with one dim fewer than A is a vector, as torch decides; batch
     * dims broadcast): for {@code m >= n} {@code X = R^-1 Qᵀ B} from {@code A = Q R};
     * for {@code m < n} the minimum-norm solution {@code X = Q R^-ᵀ B} from {@code Aᵀ = Q R};
     * torch.linalg.lstsq(A, B).solution with driver "gels" (a rank-deficient A gives infinities,
     * as gels does). Differentiable: a composition of qr, solveTriangular and matmul.
     */
    public static <T extends OpMethods<T>> T lstsq(T a, T b) {
        int[] as = a.shape(), bs = b.shape();
        if (as.length < 2) throw new IllegalArgumentException("linalg.lstsq: input must have at least 2 dimensions.");
        if (bs.length < 1) throw new IllegalArgumentException("linalg.lstsq: other must have at least 1 dimension.");
        if (as.length - bs.length < 0 || as.length - bs.length > 1) {
            throw new IllegalArgumentException("linalg.lstsq: input.dim() must be greater or equal to other.dim() and (input.dim() - "
                    + "other.dim()) <= 1 (" + Shapes.str(as) + " and " + Shapes.str(bs) + ")");
        }
        boolean vector = bs.length == as.length - 1; // torch's rule: one dim fewer is a vector (or a batch of them)
        T bm = vector ? b.unsqueeze(-1) : b;
        int[] bms = bm.shape();
        int m = as[as.length - 2], n = as[as.length - 1];
        if (bms[bms.length - 2] != m) {
            throw new IllegalArgumentException("torch.linalg.lstsq: input.size(-2) should match other.size(-2) (" + Shapes.str(as) + " and "
                    + Shapes.str(bs) + ")");
        }
        T x;
        if (m >= n) {
            QR<T> f = qr(a);
            x = solveTriangular(f.R(), mT(f.Q()).matmul(bm), true);
        } else {
            QR<T> f = qr(mT(a));
            x = f.Q().matmul(solveTriangular(mT(f.R()), bm, false));
        }
        return vector ? x.squeeze(-1) : x;
    }

    /** {@link #pinv(OpMethods, double, double, boolean)} with torch's defaults: rtol = eps · max(m, n), atol = 0. */
    public static <T extends OpMethods<T>> T pinv(T a) {
        return pinv(a, 0, -1, false);
    }

    /**
     * The Moore-Penrose pseudoinverse [..., n, m] from the SVD (with {@code hermitian}, from eigh
     * of A's lower triangle), singular values {@code <= max(atol, rtol · s_max)} treated as zero;
     * a negative {@code rtol} means torch's default ({@code eps · max(m, n)} when atol is 0, else 0);
     * torch.linalg.pinv(A, atol=, rtol=, hermitian=). Its gradient is PyTorch's, valid while the
     * rank does not change under a small perturbation.
     */
    public static <T extends OpMethods<T>> T pinv(T a, double atol, double rtol, boolean hermitian) {
        int[] s = a.shape();
        if (rtol < 0) {
            double eps = a.dtype() == DType.FLOAT32 ? 0x1p-23 : 0x1p-52;
            rtol = atol > 0 || s.length < 2 ? 0 : eps * Math.max(s[s.length - 2], s[s.length - 1]);
        }
        return a.op(new LinalgOps.Pinv(atol, rtol, hermitian));
    }

    /** The Frobenius norm of each matrix (the last two dims); torch.linalg.matrix_norm(A). */
    public static <T extends OpMethods<T>> T matrixNorm(T a) {
        return matrixNorm(a, "fro");
    }

    /**
     * torch.linalg.matrix_norm(A, ord) for ord "fro" ({@code sqrt(sum a_ij²)}) or "nuc" (the sum of
     * the singular values) over the last two dims.
     */
    public static <T extends OpMethods<T>> T matrixNorm(T a, String ord) {
        matrixArg("linalg.matrix_norm", a);
        return switch (ord) {
            case "fro" -> a.norm(2, new int[] {-2, -1}, false);
            case "nuc" -> svdvals(a).sum(-1);
            default -> throw new IllegalArgumentException("linalg.matrix_norm: Order " + ord + " not supported.");
        };
    }

    /**
     * torch.linalg.matrix_norm(A, ord) for a numeric ord over the last two dims: 1 / -1 the largest /
     * smallest column sum of |a_ij|, infinity / -infinity the largest / smallest row sum, 2 / -2 the
     * largest / smallest singular value.
     */
    public static <T extends OpMethods<T>> T matrixNorm(T a, double ord) {
        matrixArg("linalg.matrix_norm", a);
        if (ord == 2) return svdvals(a).amax(-1, false);
        if (ord == -2) return svdvals(a).amin(new int[] {-1}, false);
        if (ord == 1) return a.abs().sum(-2).amax(-1, false);
        if (ord == -1) return a.abs().sum(-2).amin(new int[] {-1}, false);
        if (ord == Double.POSITIVE_INFINITY) return a.abs().sum(-1).amax(-1, false);
        if (ord == Double.NEGATIVE_INFINITY) return a.abs().sum(-1).amin(new int[] {-1}, false);
        throw new IllegalArgumentException("linalg.matrix_norm: Order " + (ord == Math.rint(ord) ? String.valueOf((long) ord) : String.valueOf(ord))
                + " not supported.");
    }

    private static void matrixArg(String op, OpMethods<?> a) {
        if (!a.dtype().isFloatingPoint()) throw new IllegalArgumentException(op + ": Expected a floating point tensor as input. Got " + a.dtype());
        if (a.dim() < 2) throw new IllegalArgumentException(op + ": The input tensor A must have at least 2 dimensions.");
    }

    /**
     * The vector ord-norm over {@code dims} (none: all elements), {@code (sum |x|^ord)^(1/ord)},
     * infinity the largest |x|, -infinity the smallest, 0 the count of nonzeros;
     * torch.linalg.vector_norm(x, ord, dim, keepdim).
     */
    public static <T extends OpMethods<T>> T vectorNorm(T x, double ord, int[] dims, boolean keepdim) {
        return x.norm(ord, dims, keepdim);
    }

    /** {@link #vectorNorm(OpMethods, double, int[], boolean)}: the 2-norm of all elements. */
    public static <T extends OpMethods<T>> T vectorNorm(T x) {
        return x.norm(2, new int[0], false);
    }

    /**
     * The cross product of 3-vectors along {@code dim} (batch dims broadcast):
     * {@code c_i = a_{i+1} b_{i+2} - a_{i+2} b_{i+1}} (indices mod 3); torch.linalg.cross(a, b, dim).
     */
    public static <T extends OpMethods<T>> T cross(T a, T b, int dim) {
        int da = Shapes.dim("linalg.cross", dim, a.dim()), db = Shapes.dim("linalg.cross", dim, b.dim());
        if (a.dim() != b.dim()) {
            throw new IllegalArgumentException("linalg.cross: inputs must have the same number of dimensions, got " + Shapes.str(a.shape())
                    + " and " + Shapes.str(b.shape()));
        }
        if (a.size(da) != 3 || b.size(db) != 3) {
            throw new IllegalArgumentException("linalg.cross: inputs dimension " + dim + " must have length 3. Got " + a.size(da) + " and "
                    + b.size(db));
        }
        return a.roll(-1, dim).mul(b.roll(-2, dim)).sub(a.roll(-2, dim).mul(b.roll(-1, dim)));
    }

    /** {@link #cross(OpMethods, OpMethods, int)} along the last dim. */
    public static <T extends OpMethods<T>> T cross(T a, T b) {
        return cross(a, b, -1);
    }

    /** The outer product {@code a_i b_j} of two vectors [m] and [n], [m, n]; torch.outer. */
    public static <T extends OpMethods<T>> T outer(T a, T b) {
        if (a.dim() != 1) throw new IllegalArgumentException("outer: Expected 1-D argument self, but got " + a.dim() + "-D");
        if (b.dim() != 1) throw new IllegalArgumentException("outer: Expected 1-D argument vec2, but got " + b.dim() + "-D");
        return a.unsqueeze(1).mul(b);
    }

    /** The sum of the diagonal of a 2-D matrix (0-d); torch.trace. */
    public static <T extends OpMethods<T>> T trace(T a) {
        if (a.dim() != 2) throw new IllegalArgumentException("trace: expected a matrix, but got tensor with dim " + a.dim());
        return diagonal(a, 0, 0, 1).sum();
    }

    /** The {@code offset} diagonal of dims dim1, dim2 as a last dim (a copy); torch.diagonal. */
    public static <T extends OpMethods<T>> T diagonal(T a, int offset, int dim1, int dim2) {
        return a.op(new LinalgOps.Diagonal(offset, dim1, dim2));
    }

    /** The main diagonal of the last two dims; torch.linalg.diagonal(A). */
    public static <T extends OpMethods<T>> T diagonal(T a) {
        return diagonal(a, 0, -2, -1);
    }

    /** x's last dim on the {@code offset} diagonal of new dims dim1, dim2 (zeros elsewhere); torch.diag_embed. */
    public static <T extends OpMethods<T>> T diagEmbed(T x, int offset, int dim1, int dim2) {
        return x.op(new LinalgOps.DiagEmbed(offset, dim1, dim2, -1, -1));
    }

    /** {@link #diagEmbed(OpMethods, int, int, int)} on the main diagonal of the last two dims. */
    public static <T extends OpMethods<T>> T diagEmbed(T x) {
        return diagEmbed(x, 0, -2, -1);
    }

    /** torch.diag: a vector [n] becomes the matrix with it on the {@code offset} diagonal; a matrix gives that diagonal. */
    public static <T extends OpMethods<T>> T diag(T x, int offset) {
        if (x.dim() == 1) return diagEmbed(x, offset, 0, 1);
        if (x.dim() == 2) return diagonal(x, offset, 0, 1);
        throw new IllegalArgumentException("diag: matrix or a vector expected, got a tensor with " + x.dim() + " dimensions");
    }

    /** {@link #diag(OpMethods, int)} on the main diagonal. */
    public static <T extends OpMethods<T>> T diag(T x) {
        return diag(x, 0);
    }
}
