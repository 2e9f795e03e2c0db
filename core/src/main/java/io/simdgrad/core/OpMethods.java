package io.simdgrad.core;

import io.simdgrad.simd.BinaryOp;
import io.simdgrad.simd.CompareOp;
import io.simdgrad.simd.UnaryOp;

import java.util.ArrayList;
import java.util.List;

/**
 * The op methods of {@link Tensor} and {@link Variable}, written once: each is a default method
 * that names its op definition and hands it to {@link #op}, which a {@code Tensor} runs
 * ({@link Dispatch}) and a {@code Variable} runs and records for autograd. Derived ops
 * ({@code var}, {@code std}, {@code norm(p)}, {@code split}, {@code chunk}) are written here once
 * in terms of the others. Views stay in each class (a tensor makes new metadata, a variable
 * records the view op) and are declared here for the derived ops that use them.
 *
 * <p>Names and semantics follow PyTorch's ({@code torch.Tensor}); a {@code double} operand is a
 * constant of the op.
 *
 * @param <T> the class itself
 */
public interface OpMethods<T extends OpMethods<T>> {
    /** Runs the one-operand {@code op} on this. */
    T op(Op op);

    /** Runs the two-operand {@code op} on this and {@code other}. */
    T op(Op op, T other);

    /** The sizes, a copy. */
    int[] shape();

    /** The size of one dim (negative dims count from the end). */
    int size(int dim);

    /** The number of dims. */
    int dim();

    /** The number of elements. */
    int numel();

    /** The element type. */
    DType dtype();

    /** Elements {@code start .. start+length-1} along {@code dim}, a view (PyTorch's {@code narrow}). */
    T narrow(int dim, int start, int length);

    /** Converted to {@code dtype} (itself when it has it). */
    T to(DType dtype);

    // ------------------------------------------------------------------ arithmetic

    /** {@code this + other}, broadcasting (torch.add). */
    default T add(T other) { return op(Ops.Binary.of(BinaryOp.ADD), other); }
    /** {@code this + s}. */
    default T add(double s) { return op(new Ops.BinaryScalar(BinaryOp.ADD, s, false)); }
    /** {@code this - other}, broadcasting (torch.sub). */
    default T sub(T other) { return op(Ops.Binary.of(BinaryOp.SUB), other); }
    /** {@code this - s}. */
    default T sub(double s) { return op(new Ops.BinaryScalar(BinaryOp.SUB, s, false)); }
    /** {@code s - this} (torch.rsub). */
    default T rsub(double s) { return op(new Ops.BinaryScalar(BinaryOp.SUB, s, true)); }
    /** {@code this * other}, broadcasting (torch.mul). */
    default T mul(T other) { return op(Ops.Binary.of(BinaryOp.MUL), other); }
    /** {@code this * s}. */
    default T mul(double s) { return op(new Ops.BinaryScalar(BinaryOp.MUL, s, false)); }
    /** {@code this / other}, broadcasting (torch.div). */
    default T div(T other) { return op(Ops.Binary.of(BinaryOp.DIV), other); }
    /** {@code this / s}. */
    default T div(double s) { return op(new Ops.BinaryScalar(BinaryOp.DIV, s, false)); }
    /** {@code s / this}. */
    default T rdiv(double s) { return op(new Ops.BinaryScalar(BinaryOp.DIV, s, true)); }
    /** {@code this ^ other} elementwise, broadcasting (torch.pow). */
    default T pow(T other) { return op(Ops.Binary.of(BinaryOp.POW), other); }
    /** {@code this ^ p}. */
    default T pow(double p) { return op(new Ops.BinaryScalar(BinaryOp.POW, p, false)); }
    /** {@code s ^ this}, the scalar-first power ({@code 2 ** x}). */
    default T rpow(double s) { return op(new Ops.BinaryScalar(BinaryOp.POW, s, true)); }
    /** Elementwise maximum, broadcasting; NaN propagates (torch.maximum). */
    default T maximum(T other) { return op(Ops.Binary.of(BinaryOp.MAX), other); }
    /** Elementwise maximum with a constant (torch.clamp_min). */
    default T maximum(double s) { return op(new Ops.BinaryScalar(BinaryOp.MAX, s, false)); }
    /** Elementwise minimum, broadcasting; NaN propagates (torch.minimum). */
    default T minimum(T other) { return op(Ops.Binary.of(BinaryOp.MIN), other); }
    /** Elementwise minimum with a constant (torch.clamp_max). */
    default T minimum(double s) { return op(new Ops.BinaryScalar(BinaryOp.MIN, s, false)); }
    /** {@code atan2(this, other)}: the angle of the point (other, this), in (-pi, pi], broadcasting (torch.atan2). */
    default T atan2(T other) { return op(Ops.Binary.of(BinaryOp.ATAN2), other); }
    /** {@code sqrt(this^2 + other^2)} without overflow or underflow, broadcasting (torch.hypot). */
    default T hypot(T other) { return op(Ops.Binary.of(BinaryOp.HYPOT), other); }

    // ------------------------------------------------------------------ unary

    /** {@code -this}. */
    default T neg() { return op(Ops.Unary.of(UnaryOp.NEG)); }
    /** {@code e^this}. */
    default T exp() { return op(Ops.Unary.of(UnaryOp.EXP)); }
    /** Natural logarithm. */
    default T log() { return op(Ops.Unary.of(UnaryOp.LOG)); }
    /** Square root. */
    default T sqrt() { return op(Ops.Unary.of(UnaryOp.SQRT)); }
    /** Absolute value. */
    default T abs() { return op(Ops.Unary.of(UnaryOp.ABS)); }
    /** {@code this * this} (torch.square). */
    default T square() { return op(Ops.Unary.of(UnaryOp.SQUARE)); }
    /** {@code 1 / this}. */
    default T reciprocal() { return op(Ops.Unary.of(UnaryOp.RECIPROCAL)); }
    /** Hyperbolic tangent. */
    default T tanh() { return op(Ops.Unary.of(UnaryOp.TANH)); }
    /** Logistic sigmoid {@code 1 / (1 + e^-x)}, stable for large |x|. */
    default T sigmoid() { return op(Ops.Unary.of(UnaryOp.SIGMOID)); }
    /** {@code max(x, 0)}. */
    default T relu() { return op(Ops.Unary.of(UnaryOp.RELU)); }
    /** Sine. */
    default T sin() { return op(Ops.Unary.of(UnaryOp.SIN)); }
    /** Cosine. */
    default T cos() { return op(Ops.Unary.of(UnaryOp.COS)); }
    /** Clamps every element into {@code [min, max]}; NaN stays NaN (torch.clamp). */
    default T clamp(double min, double max) {
        // an INT64 tensor with a bound that is no integer (a fraction, NaN, an infinity) clamps as FLOAT32, as PyTorch promotes
        DType t = Tensor.clampDtype(dtype(), min, max);
        return t != dtype() ? to(t).clamp(min, max) : op(new Ops.Clamp(min, max));
    }

    // ------------------------------------------------------------------ comparisons (0/1 masks, no gradient)

    /** 1 where {@code this > other}, else 0, in the promoted dtype. */
    default T gt(T other) { return op(Ops.Compare.of(CompareOp.GT), other); }
    /** 1 where {@code this < other}, else 0. */
    default T lt(T other) { return op(Ops.Compare.of(CompareOp.LT), other); }
    /** 1 where {@code this >= other}, else 0. */
    default T ge(T other) { return op(Ops.Compare.of(CompareOp.GE), other); }
    /** 1 where {@code this <= other}, else 0. */
    default T le(T other) { return op(Ops.Compare.of(CompareOp.LE), other); }
    /** 1 where {@code this == other}, else 0. */
    default T eq(T other) { return op(Ops.Compare.of(CompareOp.EQ), other); }
    /** 1 where {@code this != other}, else 0 (NaN != anything). */
    default T ne(T other) { return op(Ops.Compare.of(CompareOp.NE), other); }
    /** 1 where {@code this > s}, else 0. */
    default T gt(double s) { return compareScalar(CompareOp.GT, s); }
    /** 1 where {@code this < s}, else 0. */
    default T lt(double s) { return compareScalar(CompareOp.LT, s); }
    /** 1 where {@code this >= s}, else 0. */
    default T ge(double s) { return compareScalar(CompareOp.GE, s); }
    /** 1 where {@code this <= s}, else 0. */
    default T le(double s) { return compareScalar(CompareOp.LE, s); }
    /** 1 where {@code this == s}, else 0. */
    default T eq(double s) { return compareScalar(CompareOp.EQ, s); }
    /** 1 where {@code this != s}, else 0. */
    default T ne(double s) { return compareScalar(CompareOp.NE, s); }

    private T compareScalar(CompareOp kind, double s) {
        // an INT64 tensor against a value no INT64 holds (0.5, NaN, 1e30) compares as floats, as PyTorch promotes
        if (dtype() == DType.INT64 && !Storage.isInt64(s)) {
            OpMethods<T> wide = to(DType.FLOAT64);
            return wide.compareScalar(kind, s).to(DType.INT64);
        }
        return op(new Ops.CompareScalar(kind, s));
    }

    // ------------------------------------------------------------------ reductions

    /** Sum of all elements (0-d). */
    default T sum() { return op(new Ops.Reduce(Ops.ReduceKind.SUM, Ops.ALL, false)); }
    /** Sum over {@code dim}. */
    default T sum(int dim, boolean keepdim) { return op(new Ops.Reduce(Ops.ReduceKind.SUM, dim, keepdim)); }
    /** Sum over {@code dim}, dropping it. */
    default T sum(int dim) { return sum(dim, false); }
    /** Mean of all elements (0-d). */
    default T mean() { return op(new Ops.Reduce(Ops.ReduceKind.MEAN, Ops.ALL, false)); }
    /** Mean over {@code dim}. */
    default T mean(int dim, boolean keepdim) { return op(new Ops.Reduce(Ops.ReduceKind.MEAN, dim, keepdim)); }
    /** Mean over {@code dim}, dropping it. */
    default T mean(int dim) { return mean(dim, false); }
    /** Largest element (0-d); NaN if any is NaN. */
    default T max() { return op(new Ops.Reduce(Ops.ReduceKind.MAX, Ops.ALL, false)); }
    /** Largest values over {@code dim}. */
    default T max(int dim, boolean keepdim) { return op(new Ops.Reduce(Ops.ReduceKind.MAX, dim, keepdim)); }
    /** Smallest element (0-d). */
    default T min() { return op(new Ops.Reduce(Ops.ReduceKind.MIN, Ops.ALL, false)); }
    /** Smallest values over {@code dim}. */
    default T min(int dim, boolean keepdim) { return op(new Ops.Reduce(Ops.ReduceKind.MIN, dim, keepdim)); }
    /** Index of the largest element in row-major order (0-d INT64, no gradient). */
    default T argmax() { return op(new Ops.Reduce(Ops.ReduceKind.ARGMAX, Ops.ALL, false)); }
    /** Indices of the largest values over {@code dim} (INT64). */
    default T argmax(int dim, boolean keepdim) { return op(new Ops.Reduce(Ops.ReduceKind.ARGMAX, dim, keepdim)); }
    /** Indices of the largest values over {@code dim}, dropping it (INT64). */
    default T argmax(int dim) { return argmax(dim, false); }
    /** The L2 norm of all elements (0-d), torch's default {@code norm()}. */
    default T norm() { return op(new Ops.Reduce(Ops.ReduceKind.NORM2, Ops.ALL, false)); }

    /** The p-norm of all elements for p = 1, 2 or infinity. */
    default T norm(double p) {
        if (p == 2) return norm();
        if (p == 1) return abs().sum();
        if (p == Double.POSITIVE_INFINITY) return abs().max();
        throw new IllegalArgumentException("norm: p = " + p + " is not supported; expected 1, 2 or Double.POSITIVE_INFINITY");
    }

    /** Unbiased variance of all elements: {@code sum((x - mean)^2) / (n - 1)}, like torch.var. */
    default T var() { return variance("var", Ops.ALL, false); }
    /** Unbiased variance over {@code dim} (a 0-d tensor counts as one dim of size 1: nan, as PyTorch). */
    default T var(int dim, boolean keepdim) { return variance("var", dim, keepdim); }
    /** Unbiased standard deviation of all elements. */
    default T std() { return variance("std", Ops.ALL, false).sqrt(); }
    /** Unbiased standard deviation over {@code dim}. */
    default T std(int dim, boolean keepdim) { return variance("std", dim, keepdim).sqrt(); }

    private T variance(String op, int dim, boolean keepdim) {
        if (dim == Ops.ALL) return sub(mean()).square().sum().div(numel() - 1);
        int n = Tensor.reducedSize(op, shape(), dim);
        return sub(mean(dim, true)).square().sum(dim, keepdim).div(n - 1);
    }
    /** {@code log(sum(exp(x)))} over {@code dim}, computed stably. */
    default T logsumexp(int dim) { return logsumexp(dim, false); }
    /** {@code log(sum(exp(x)))} over {@code dim}, computed stably. */
    default T logsumexp(int dim, boolean keepdim) { return op(new Ops.LogSumExp(dim, keepdim)); }

    // ------------------------------------------------------------------ linear algebra and softmax

    /** Matrix product with torch.matmul's rules (1-D, 2-D and batched n-D with broadcast batch dims). */
    default T matmul(T other) { return op(Ops.Matmul.INSTANCE, other); }
    /** Inner product of two 1-D tensors (0-d). */
    default T dot(T other) { return op(Ops.Dot.INSTANCE, other); }
    /** Softmax over {@code dim}, computed stably. */
    default T softmax(int dim) { return op(new Ops.Softmax(dim, false)); }
    /** Log-softmax over {@code dim}, computed stably. */
    default T logSoftmax(int dim) { return op(new Ops.Softmax(dim, true)); }

    // ------------------------------------------------------------------ pieces

    /** Views of consecutive pieces of {@code splitSize} along {@code dim} (the last may be smaller), torch.split. */
    default List<T> split(int splitSize, int dim) {
        if (dim() == 0) throw new IllegalArgumentException("split: split expects at least a 1-dimensional tensor");
        int d = Shapes.dim("split", dim, dim());
        if (splitSize <= 0) throw new IllegalArgumentException("split: split size must be positive, got " + splitSize);
        int len = shape()[d];
        List<T> parts = new ArrayList<>();
        if (len == 0) parts.add(narrow(d, 0, 0));
        for (long s = 0; s < len; s += splitSize) parts.add(narrow(d, (int) s, (int) Math.min(splitSize, len - s)));
        return parts;
    }

    /** {@code chunks} views of (nearly) equal size along {@code dim}, like torch.chunk. */
    default List<T> chunk(int chunks, int dim) {
        if (dim() == 0) throw new IllegalArgumentException("chunk: chunk expects at least a 1-dimensional tensor");
        if (chunks <= 0) throw new IllegalArgumentException("chunk: number of chunks must be positive, got " + chunks);
        int d = Shapes.dim("chunk", dim, dim());
        return split(Math.max(1, (shape()[d] + chunks - 1) / chunks), d);
    }

    // --- linear algebra: the views the generic methods of Linalg use (each class has them)

    /** Swaps two dims (a view). */
    T transpose(int dim0, int dim1);
    /** Inserts a dim of size 1 at {@code dim} (a view). */
    T unsqueeze(int dim);
    /** Removes {@code dim} if its size is 1 (a view). */
    T squeeze(int dim);
    /** The slice at {@code index} along {@code dim}, which is removed (a view). */
    T select(int dim, int index);
}
