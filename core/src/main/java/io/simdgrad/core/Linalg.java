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
}
