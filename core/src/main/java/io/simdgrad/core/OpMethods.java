package io.simdgrad.core;

import io.simdgrad.core.engine.Dispatch;
import io.simdgrad.core.engine.Storage;
import io.simdgrad.core.ops.ElementwiseOps;
import io.simdgrad.core.ops.IndexOps;
import io.simdgrad.core.ops.Ops;
import io.simdgrad.core.ops.ReduceOps;
import io.simdgrad.core.ops.ScanOps;
import io.simdgrad.core.ops.Shapes;
import io.simdgrad.core.ops.SortOps;
import io.simdgrad.simd.BinaryOp;
import io.simdgrad.simd.CompareOp;
import io.simdgrad.simd.UnaryOp;
import io.simdgrad.simd.UnaryParamOp;

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
    /**
     * Summed down to {@code shape}, the reverse of broadcasting {@code shape} to this shape
     * (torch.Tensor.sum_to_size): leading dims are summed away, dims of size 1 in {@code shape}
     * are summed with keepdim; itself when the shapes are equal. Autograd sums broadcast
     * gradients back to their inputs with it.
     *
     * @throws IllegalArgumentException when {@code shape} does not broadcast to this shape
     */
    default T sumToSize(int... shape) {
        int[] s = shape();
        if (java.util.Arrays.equals(s, shape)) return self();
        int lead = s.length - shape.length;
        boolean ok = lead >= 0;
        for (int i = 0; ok && i < shape.length; i++) ok = shape[i] == s[lead + i] || shape[i] == 1;
        if (!ok) {
            throw new IllegalArgumentException("sumToSize: size " + Shapes.str(shape) + " is not expandable to size " + Shapes.str(s));
        }
        T r = self();
        for (int i = 0; i < lead; i++) r = r.sum(0);
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1 && s[lead + i] != 1) r = r.sum(i, true);
        }
        return r.dim() == shape.length ? r : r.reshape(shape);
    }
    /** Mean of all elements (0-d). */
    default T mean() { return op(new Ops.Reduce(Ops.ReduceKind.MEAN, Ops.ALL, false)); }
    /** Mean over {@code dim}. */
    default T mean(int dim, boolean keepdim) { return op(new Ops.Reduce(Ops.ReduceKind.MEAN, dim, keepdim)); }
    /** Mean over {@code dim}, dropping it. */
    default T mean(int dim) { return mean(dim, false); }
    /** Largest element (0-d); NaN if any is NaN. */
    default T max() { return op(new Ops.Reduce(Ops.ReduceKind.MAX, Ops.ALL, false)); }
    /**
     * The largest values over {@code dim} and their indices (the first largest; the first NaN if
     * any), torch.max(dim); the values' gradient goes to those indices.
     */
    default ValuesIndices<T> max(int dim, boolean keepdim) { return picked(argmax(dim, true), dim, keepdim, "MaxBackward0"); }
    /** Smallest element (0-d). */
    default T min() { return op(new Ops.Reduce(Ops.ReduceKind.MIN, Ops.ALL, false)); }
    /** The smallest values over {@code dim} and their indices (the first smallest; the first NaN), torch.min(dim). */
    default ValuesIndices<T> min(int dim, boolean keepdim) { return picked(argmin(dim, true), dim, keepdim, "MinBackward0"); }
    /** Index of the largest element in row-major order (0-d INT64, no gradient). */
    default T argmax() { return op(new Ops.Reduce(Ops.ReduceKind.ARGMAX, Ops.ALL, false)); }
    /** Indices of the largest values over {@code dim} (INT64). */
    default T argmax(int dim, boolean keepdim) { return op(new Ops.Reduce(Ops.ReduceKind.ARGMAX, dim, keepdim)); }
    /** Indices of the largest values over {@code dim}, dropping it (INT64). */
    default T argmax(int dim) { return argmax(dim, false); }
    /** The L2 norm of all elements (0-d), torch's default {@code norm()}. */
    default T norm() { return op(new Ops.Reduce(Ops.ReduceKind.NORM2, Ops.ALL, false)); }

    /** The p-norm of all elements for any p (see {@link #norm(double, int[], boolean)}). */
    default T norm(double p) { return p == 2 ? norm() : norm(p, new int[0], false); }

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

    // --- elementwise: activations and math functions (ElementwiseOps; PyTorch's names and conventions)

    /** GELU, {@code x * Phi(x)} with Phi the standard normal CDF (torch.nn.functional.gelu). */
    default T gelu() { return op(Ops.Unary.of(UnaryOp.GELU)); }
    /**
     * GELU with {@code approximate} "none" (exact) or "tanh":
     * {@code x/2 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))} (gelu(approximate="tanh")).
     */
    default T gelu(String approximate) {
        if ("none".equals(approximate)) return gelu();
        if ("tanh".equals(approximate)) return op(Ops.Unary.of(UnaryOp.GELU_TANH));
        throw new IllegalArgumentException("gelu: approximate argument must be either none or tanh, got " + approximate);
    }
    /** SiLU (swish), {@code x * sigmoid(x)} (torch.nn.functional.silu). */
    default T silu() { return op(Ops.Unary.of(UnaryOp.SILU)); }
    /** Mish, {@code x * tanh(softplus(x))} (torch.nn.functional.mish). */
    default T mish() { return op(Ops.Unary.of(UnaryOp.MISH)); }
    /** {@code softplus(1, 20)}. */
    default T softplus() { return softplus(1, 20); }
    /** {@code beta x > threshold ? x : log(1 + exp(beta x)) / beta} (torch.nn.functional.softplus). */
    default T softplus(double beta, double threshold) {
        return op(new ElementwiseOps.UnaryParam(UnaryParamOp.SOFTPLUS, beta, threshold, 0));
    }
    /** {@code elu(1)}. */
    default T elu() { return elu(1); }
    /** ELU, {@code x > 0 ? x : alpha (exp(x) - 1)} (torch.nn.functional.elu). */
    default T elu(double alpha) { return op(new ElementwiseOps.UnaryParam(UnaryParamOp.ELU, alpha, 1, 1)); }
    /** SELU, {@code scale * elu(x, alpha)} with alpha = 1.6732632423543772, scale = 1.0507009873554805 (torch.nn.functional.selu). */
    default T selu() { return op(new ElementwiseOps.UnaryParam(UnaryParamOp.ELU, 1.6732632423543772848170429916717, 1.0507009873554804934193349852946, 1)); }
    /** {@code leakyRelu(0.01)}. */
    default T leakyRelu() { return leakyRelu(0.01); }
    /** {@code x > 0 ? x : negativeSlope * x} (torch.nn.functional.leaky_relu; the gradient at 0 is negativeSlope). */
    default T leakyRelu(double negativeSlope) { return op(new ElementwiseOps.UnaryParam(UnaryParamOp.LEAKY_RELU, negativeSlope, 0, 0)); }
    /** {@code hardtanh(-1, 1)}. */
    default T hardtanh() { return hardtanh(-1, 1); }
    /**
     * {@code min(max(x, minVal), maxVal)} with gradient 1 strictly between the bounds and 0 at them
     * (torch.nn.functional.hardtanh; {@link #clamp} counts the bounds in).
     */
    default T hardtanh(double minVal, double maxVal) {
        if (!(minVal <= maxVal)) {
            throw new IllegalArgumentException("hardtanh: min_val cannot be greater than max_val, got minVal=" + minVal + ", maxVal=" + maxVal);
        }
        return op(new ElementwiseOps.Hardtanh(minVal, maxVal));
    }
    /** {@code hardtanh(0, 6)} (torch.nn.functional.relu6). */
    default T relu6() { return hardtanh(0, 6); }
    /** {@code x * min(max(x + 3, 0), 6) / 6} (torch.nn.functional.hardswish). */
    default T hardswish() { return op(Ops.Unary.of(UnaryOp.HARDSWISH)); }
    /** {@code min(max(x + 3, 0), 6) / 6} (torch.nn.functional.hardsigmoid). */
    default T hardsigmoid() { return op(Ops.Unary.of(UnaryOp.HARDSIGMOID)); }
    /** {@code log(sigmoid(x))}, computed without overflow (torch.nn.functional.logsigmoid). */
    default T logsigmoid() { return op(Ops.Unary.of(UnaryOp.LOGSIGMOID)); }
    /** {@code log(1 + x)}, accurate near 0 (torch.log1p). */
    default T log1p() { return op(Ops.Unary.of(UnaryOp.LOG1P)); }
    /** {@code exp(x) - 1}, accurate near 0 (torch.expm1). */
    default T expm1() { return op(Ops.Unary.of(UnaryOp.EXPM1)); }
    /** Base-2 logarithm (torch.log2). */
    default T log2() { return op(Ops.Unary.of(UnaryOp.LOG2)); }
    /** Base-10 logarithm (torch.log10). */
    default T log10() { return op(Ops.Unary.of(UnaryOp.LOG10)); }
    /** {@code 2^x} (torch.exp2). */
    default T exp2() { return op(Ops.Unary.of(UnaryOp.EXP2)); }
    /** The error function {@code 2/sqrt(pi) * integral_0^x exp(-t^2) dt} (torch.erf). */
    default T erf() { return op(Ops.Unary.of(UnaryOp.ERF)); }
    /** {@code 1 - erf(x)}, accurate for large x (torch.erfc). */
    default T erfc() { return op(Ops.Unary.of(UnaryOp.ERFC)); }
    /** The inverse of erf on [-1, 1]: +-inf at +-1, NaN outside (torch.erfinv). */
    default T erfinv() { return op(Ops.Unary.of(UnaryOp.ERFINV)); }
    /** Tangent (torch.tan). */
    default T tan() { return op(Ops.Unary.of(UnaryOp.TAN)); }
    /** Arcsine (torch.asin). */
    default T asin() { return op(Ops.Unary.of(UnaryOp.ASIN)); }
    /** Arccosine (torch.acos). */
    default T acos() { return op(Ops.Unary.of(UnaryOp.ACOS)); }
    /** Arctangent (torch.atan). */
    default T atan() { return op(Ops.Unary.of(UnaryOp.ATAN)); }
    /** Hyperbolic sine (torch.sinh). */
    default T sinh() { return op(Ops.Unary.of(UnaryOp.SINH)); }
    /** Hyperbolic cosine (torch.cosh). */
    default T cosh() { return op(Ops.Unary.of(UnaryOp.COSH)); }
    /** Inverse hyperbolic sine (torch.asinh). */
    default T asinh() { return op(Ops.Unary.of(UnaryOp.ASINH)); }
    /** Inverse hyperbolic cosine, NaN below 1 (torch.acosh). */
    default T acosh() { return op(Ops.Unary.of(UnaryOp.ACOSH)); }
    /** Inverse hyperbolic tangent, +-inf at +-1 (torch.atanh). */
    default T atanh() { return op(Ops.Unary.of(UnaryOp.ATANH)); }
    /** 1, -1 or 0 (0 for NaN and zeros, as torch.sign); zero gradient. */
    default T sign() { return op(Ops.Unary.of(UnaryOp.SIGN)); }
    /** Round down (torch.floor); zero gradient. */
    default T floor() { return op(Ops.Unary.of(UnaryOp.FLOOR)); }
    /** Round up (torch.ceil); zero gradient. */
    default T ceil() { return op(Ops.Unary.of(UnaryOp.CEIL)); }
    /** Round to the nearest integer, halfway cases to even (torch.round); zero gradient. */
    default T round() { return op(Ops.Unary.of(UnaryOp.ROUND)); }
    /** Round toward zero (torch.trunc); zero gradient. */
    default T trunc() { return op(Ops.Unary.of(UnaryOp.TRUNC)); }
    /** {@code x - trunc(x)} (torch.frac). */
    default T frac() { return op(Ops.Unary.of(UnaryOp.FRAC)); }
    /** 1 where NaN, else 0, in this dtype (torch.isnan, as the comparisons return masks). */
    default T isnan() { return op(Ops.Unary.of(UnaryOp.ISNAN)); }
    /** 1 where +-inf, else 0 (torch.isinf). */
    default T isinf() { return op(Ops.Unary.of(UnaryOp.ISINF)); }
    /** 1 where neither NaN nor infinite, else 0 (torch.isfinite). */
    default T isfinite() { return op(Ops.Unary.of(UnaryOp.ISFINITE)); }
    /** C's fmod, {@code a - trunc(a / b) * b} with a's sign, broadcasting (torch.fmod). */
    default T fmod(T other) { return op(Ops.Binary.of(BinaryOp.FMOD), other); }
    /** {@code fmod(this, s)}. */
    default T fmod(double s) { return op(new Ops.BinaryScalar(BinaryOp.FMOD, s, false)); }
    /** Python's remainder, {@code a - floor(a / b) * b} with b's sign, broadcasting (torch.remainder). */
    default T remainder(T other) { return op(Ops.Binary.of(BinaryOp.REMAINDER), other); }
    /** {@code remainder(this, s)}. */
    default T remainder(double s) { return op(new Ops.BinaryScalar(BinaryOp.REMAINDER, s, false)); }
    /** NaN to 0, +-inf to the dtype's largest and lowest finite values (torch.nan_to_num). */
    default T nanToNum() { return nanToNum(0); }
    /** NaN to {@code nan}, +-inf to the dtype's largest and lowest finite values. */
    default T nanToNum(double nan) {
        double max = dtype() == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        return nanToNum(nan, max, -max);
    }
    /** NaN to {@code nan}, +inf to {@code posinf}, -inf to {@code neginf} (torch.nan_to_num); gradient 0 at the replaced values. */
    default T nanToNum(double nan, double posinf, double neginf) {
        return op(new ElementwiseOps.UnaryParam(UnaryParamOp.NAN_TO_NUM, nan, posinf, neginf));
    }

    // --- reductions over several dims, sorting and selection, scans, flip/roll/tril (ReduceOps, SortOps, ScanOps)

    /** The same elements in another shape (a view when possible). */
    T reshape(int... shape);

    /** Without dim {@code dim} when its size is 1. */
    T squeeze(int dim);

    private static int[] copyOf(String op, int[] dims) {
        if (dims == null) throw new NullPointerException(op + ": dims is null");
        return dims.clone();
    }

    private T reduce(ReduceOps.Kind kind, int[] dims, boolean keepdim) {
        return op(new ReduceOps.ReduceDims(kind, copyOf(kind.name().toLowerCase(java.util.Locale.ROOT), dims), keepdim));
    }

    /** Sum over all of {@code dims} at once (empty: every dim), torch.sum(dim=tuple). */
    default T sum(int[] dims, boolean keepdim) { return reduce(ReduceOps.Kind.SUM, dims, keepdim); }
    /** Mean over all of {@code dims} at once (empty: every dim), torch.mean(dim=tuple). */
    default T mean(int[] dims, boolean keepdim) { return reduce(ReduceOps.Kind.MEAN, dims, keepdim); }
    /** Largest value over {@code dims} (empty: every dim); NaN if any is; ties share the gradient evenly (torch.amax). */
    default T amax(int[] dims, boolean keepdim) { return reduce(ReduceOps.Kind.AMAX, dims, keepdim); }
    /** Largest value over {@code dim} (torch.amax). */
    default T amax(int dim, boolean keepdim) { return amax(new int[] {dim}, keepdim); }
    /** Smallest value over {@code dims} (empty: every dim); NaN if any is; ties share the gradient evenly (torch.amin). */
    default T amin(int[] dims, boolean keepdim) { return reduce(ReduceOps.Kind.AMIN, dims, keepdim); }
    /** Smallest value over {@code dim} (torch.amin). */
    default T amin(int dim, boolean keepdim) { return amin(new int[] {dim}, keepdim); }
    /** Product of all elements (0-d); the gradient is exact where elements are 0 (torch.prod). */
    default T prod() { return reduce(ReduceOps.Kind.PROD, new int[0], false); }
    /** Product over {@code dim} (torch.prod(dim)). */
    default T prod(int dim, boolean keepdim) { return reduce(ReduceOps.Kind.PROD, new int[] {dim}, keepdim); }
    /** {@code log(sum(exp(x)))} over all of {@code dims} at once, stable (torch.logsumexp(dim=tuple)). */
    default T logsumexp(int[] dims, boolean keepdim) { return reduce(ReduceOps.Kind.LOGSUMEXP, dims, keepdim); }

    /**
     * The vector p-norm over {@code dims} (empty: every dim), torch.linalg.vector_norm /
     * Tensor.norm(p, dim): {@code (sum |x|^p)^(1/p)}; p = infinity is {@code max |x|}, -infinity
     * {@code min |x|}, 0 the count of nonzeros. The gradient is 0 where the norm is 0.
     */
    default T norm(double p, int[] dims, boolean keepdim) {
        return op(new ReduceOps.ReduceDims(ReduceOps.Kind.NORM, copyOf("norm", dims), keepdim, p));
    }
    /** The vector p-norm over {@code dim}. */
    default T norm(double p, int dim, boolean keepdim) { return norm(p, new int[] {dim}, keepdim); }

    /**
     * The variance over {@code dims} (empty: every dim), {@code sum((x - mean)^2) / max(0, N - correction)}
     * (torch.var(dim, correction=)): correction 1 is the unbiased estimate, 0 the population variance.
     */
    default T var(int[] dims, double correction, boolean keepdim) {
        int[] ds = ReduceOps.normalize("var", copyOf("var", dims), dim());
        long n = 1;
        int[] s = shape();
        for (int d : ds) n *= s.length == 0 ? 1 : s[d];
        return sub(mean(dims, true)).square().sum(dims, keepdim).div(Math.max(0, n - correction));
    }
    /** The standard deviation over {@code dims}, {@code sqrt(var(dims, correction, keepdim))} (torch.std). */
    default T std(int[] dims, double correction, boolean keepdim) { return var(dims, correction, keepdim).sqrt(); }

    /** 1 (in this dtype) when every element is nonzero, else 0; NaN counts as nonzero (torch.all). */
    default T all() { return reduce(ReduceOps.Kind.ALL, new int[0], false); }
    /** {@link #all()} over {@code dim}. */
    default T all(int dim, boolean keepdim) { return reduce(ReduceOps.Kind.ALL, new int[] {dim}, keepdim); }
    /** 1 (in this dtype) when some element is nonzero, else 0 (torch.any). */
    default T any() { return reduce(ReduceOps.Kind.ANY, new int[0], false); }
    /** {@link #any()} over {@code dim}. */
    default T any(int dim, boolean keepdim) { return reduce(ReduceOps.Kind.ANY, new int[] {dim}, keepdim); }
    /** The number of nonzero elements over {@code dims} (none given: all), INT64 (torch.count_nonzero). */
    default T countNonzero(int... dims) { return reduce(ReduceOps.Kind.COUNT_NONZERO, dims, false); }

    /** Without those of {@code dims} whose size is 1 (others are kept; none given: unchanged), torch.squeeze(dim=tuple); a view. */
    default T squeeze(int[] dims) {
        if (copyOf("squeeze", dims).length == 0) return reshape(shape());
        int[] ds = ReduceOps.normalize("squeeze", copyOf("squeeze", dims), dim());
        int[] s = shape();
        boolean[] drop = new boolean[s.length];
        int kept = s.length;
        for (int d : ds) {
            if (s.length > 0 && s[d] == 1) {
                drop[d] = true;
                kept--;
            }
        }
        int[] r = new int[kept];
        for (int i = 0, j = 0; i < s.length; i++) if (!drop[i]) r[j++] = s[i];
        return kept == s.length ? reshape(s) : reshape(r);
    }

    /** Index of the smallest element in row-major order (the first; the first NaN), 0-d INT64 (torch.argmin). */
    default T argmin() { return reshape(-1).argmin(0, false); }
    /** Indices of the smallest values over {@code dim} (the first; the first NaN), INT64. */
    default T argmin(int dim, boolean keepdim) { return op(new SortOps.IndexOf(SortOps.Kind.ARGMIN, dim, 0, false, keepdim)); }
    /** Indices of the smallest values over {@code dim}, dropping it (INT64). */
    default T argmin(int dim) { return argmin(dim, false); }

    /** The values at INT64 {@code index} (dim kept) along {@code dim}, with the index, as a pick along a dim returns them. */
    private ValuesIndices<T> picked(T index, int dim, boolean keepdim, String node) {
        boolean squeeze = !keepdim && dim() > 0;
        T values = op(new IndexOps.Gather(dim, node, squeeze), index);
        OpMethods<T> ix = index;
        return new ValuesIndices<>(values, squeeze ? ix.squeeze(dim) : index);
    }

    /** Sorted along {@code dim}, stably (equal values keep their order; NaN sorts largest), with the order (torch.sort(stable=True)). */
    default ValuesIndices<T> sort(int dim, boolean descending) {
        T order = argsort(dim, descending);
        return new ValuesIndices<>(op(new IndexOps.Gather(dim, "SortBackward0", false), order), order);
    }
    /** Sorted ascending along the last dim. */
    default ValuesIndices<T> sort() { return sort(-1, false); }
    /** The indices that sort along {@code dim}, stably (torch.argsort(stable=True)), INT64. */
    default T argsort(int dim, boolean descending) { return op(new SortOps.IndexOf(SortOps.Kind.ARGSORT, dim, 0, descending, false)); }

    /**
     * The {@code k} largest (or smallest) values along {@code dim} and their indices, in sorted
     * order (torch.topk; {@code sorted = false} returns them sorted too). Among equal values the
     * lower index comes first.
     *
     * @throws IllegalArgumentException "selected index k out of range" unless 0 &lt;= k &lt;= size
     */
    default ValuesIndices<T> topk(int k, int dim, boolean largest, boolean sorted) {
        T index = op(new SortOps.IndexOf(SortOps.Kind.TOPK, dim, k, largest, false));
        return new ValuesIndices<>(op(new IndexOps.Gather(dim, "TopkBackward0", false), index), index);
    }
    /** The {@code k} largest values along the last dim. */
    default ValuesIndices<T> topk(int k) { return topk(k, -1, true, true); }

    /** The {@code k}-th smallest value (1-based) along {@code dim} and its index, with PyTorch's choice among equal values (torch.kthvalue). */
    default ValuesIndices<T> kthvalue(int k, int dim, boolean keepdim) {
        return picked(op(new SortOps.IndexOf(SortOps.Kind.KTHVALUE, dim, k, false, true)), dim, keepdim, "KthvalueBackward0");
    }
    /** The {@code k}-th smallest value along the last dim. */
    default ValuesIndices<T> kthvalue(int k) { return kthvalue(k, -1, false); }

    /** The lower median along {@code dim} and its index (NaN and its first index when a NaN is there), torch.median(dim). */
    default ValuesIndices<T> median(int dim, boolean keepdim) {
        return picked(op(new SortOps.IndexOf(SortOps.Kind.MEDIAN, dim, 0, false, true)), dim, keepdim, "MedianBackward1");
    }
    /** The lower median of all elements (0-d); NaN if any is; ties share the gradient evenly (torch.median()). */
    default T median() { return reduce(ReduceOps.Kind.MEDIAN, new int[0], false); }

    /** Running sums along {@code dim} (torch.cumsum). */
    default T cumsum(int dim) { return op(new ScanOps.Cumulative(ScanOps.Kind.CUMSUM, dim)); }
    /** Running products along {@code dim}; the gradient is exact with zeros (torch.cumprod). */
    default T cumprod(int dim) { return op(new ScanOps.Cumulative(ScanOps.Kind.CUMPROD, dim)); }
    /** Running {@code log(sum(exp(x)))} along {@code dim}, stable (torch.logcumsumexp). */
    default T logcumsumexp(int dim) { return op(new ScanOps.Cumulative(ScanOps.Kind.LOGCUMSUMEXP, dim)); }

    /** Reversed along each of {@code dims} (torch.flip), a copy. */
    default T flip(int... dims) { return op(new ScanOps.Flip(copyOf("flip", dims))); }
    /** Rotated along each of {@code dims} by the matching shift (torch.roll(shifts, dims)). */
    default T roll(int[] shifts, int[] dims) { return op(new ScanOps.Roll(copyOf("roll", shifts), copyOf("roll", dims))); }
    /** Rotated along {@code dim} by {@code shift}. */
    default T roll(int shift, int dim) { return roll(new int[] {shift}, new int[] {dim}); }
    /** Rotated in row-major order as if flattened (torch.roll(shift) without dims). */
    default T roll(int shift) {
        OpMethods<T> flat = reshape(-1);
        OpMethods<T> rolled = flat.roll(shift, 0);
        return rolled.reshape(shape());
    }
    /** The lower triangle of the last two dims, {@code j - i <= k} kept, the rest 0 (torch.tril(diagonal=k)). */
    default T tril(int k) { return op(new ScanOps.Triangle(k, false)); }
    /** The lower triangle including the diagonal. */
    default T tril() { return tril(0); }
    /** The upper triangle of the last two dims, {@code j - i >= k} kept (torch.triu(diagonal=k)). */
    default T triu(int k) { return op(new ScanOps.Triangle(k, true)); }
    /** The upper triangle including the diagonal. */
    default T triu() { return triu(0); }

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

    // --- indexing, dropout (IndexOps)

    /** Runs the three-operand {@code op} on this, {@code second} and {@code third}. */
    T op(Op op, T second, T third);

    /**
     * Values picked along {@code dim} by an INT64 {@code index} of this tensor's rank:
     * {@code out[i][j] = this[i][index[i][j]]} for dim 1 (torch.gather). The gradient is scatterAdd.
     */
    default T gather(int dim, T index) { return op(new IndexOps.Gather(dim), index); }
    /** This with {@code src[i][j]} written at {@code [i][index[i][j]]} for dim 1 (torch.scatter); of duplicates the last wins. */
    default T scatter(int dim, T index, T src) { return op(new IndexOps.Scatter(dim), index, src); }
    /** This with {@code src[i][j]} added at {@code [i][index[i][j]]} for dim 1 (torch.scatter_add); duplicates add up. */
    default T scatterAdd(int dim, T index, T src) { return op(new IndexOps.ScatterAdd(dim, null), index, src); }
    /** The slices at the INT64 indices {@code index} (1-D) along {@code dim} (torch.index_select). */
    default T indexSelect(int dim, T index) { return op(new IndexOps.IndexSelect(dim, IndexOps.NO_SKIP), index); }
    /** This with slice j of {@code src} along {@code dim} added at slice {@code index[j]} (torch.index_add); duplicates add up. */
    default T indexAdd(int dim, T index, T src) { return op(new IndexOps.IndexAdd(dim, null, IndexOps.NO_SKIP), index, src); }
    /**
     * {@code numSamples} INT64 category indices per row of this [C] or [N, C] tensor of non-negative
     * weights, drawn from {@code gen} with or without replacement (torch.multinomial); in a compiled
     * graph each replay draws new ones.
     */
    default T multinomial(Generator gen, int numSamples, boolean replacement) { return op(new IndexOps.Multinomial(numSamples, replacement, gen)); }
    /** {@code value} where {@code mask} (broadcast; any non-zero element is true) is set, else this (torch.masked_fill). */
    default T maskedFill(T mask, double value) { return op(new IndexOps.MaskedFill(value), mask); }

    /** This with slice j of {@code src} along {@code dim} copied to slice {@code index[j]} (torch.index_copy); of duplicates the last wins. */
    default T indexCopy(int dim, T index, T src) { return op(new IndexOps.IndexCopy(dim), index, src); }
    /** {@link #gather} whose negative indices count from the end of {@code dim} (torch.take_along_dim; no broadcasting). */
    default T takeAlongDim(T index, int dim) { return gather(dim, index.op(new IndexOps.WrapIndex(size(dim)))); }
    /** This with the places where {@code mask} is non-zero taking the first elements of {@code source}, in row-major order (torch.masked_scatter). */
    default T maskedScatter(T mask, T source) { return op(new IndexOps.MaskedScatter(), mask, source); }

    /**
     * This with each {@code src[i][j]} combined into {@code [i][index[i][j]]} (dim 1) by {@code reduce}:
     * "sum", "prod", "mean", "amax" or "amin" (torch.scatter_reduce); {@code includeSelf} false starts each
     * place written to from the scattered values alone.
     */
    default T scatterReduce(int dim, T index, T src, String reduce, boolean includeSelf) {
        IndexOps.ScatterReduceKind kind;
        try {
            kind = IndexOps.ScatterReduceKind.valueOf(reduce.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("scatterReduce: reduce argument must be either sum, prod, mean, amax or amin, got " + reduce, e);
        }
        return op(new IndexOps.ScatterReduce(dim, kind, includeSelf), index, src);
    }

    /** The elements where {@code mask} is non-zero, 1-D (torch.masked_select). Eager only: its shape depends on the mask's values. */
    default T maskedSelect(T mask) { return op(new IndexOps.MaskedSelect(), mask); }
    /** The multi-indices of the non-zero elements, INT64 [count, rank] (torch.nonzero). Eager only. */
    default T nonzero() { return op(new IndexOps.Nonzero()); }
    /** The distinct values, sorted, 1-D (torch.unique). Eager only. */
    default T unique() { return op(new IndexOps.Unique()); }

    /**
     * Dropout (torch.nn.functional.dropout): when {@code training}, each element zeroed with
     * probability {@code p} and the others scaled by {@code 1 / (1 - p)}, the mask drawn from
     * {@code gen} (in a compiled graph, afresh on every replay, advancing {@code gen} as eager
     * code does); otherwise this unchanged. The gradient is the same mask.
     */
    default T dropout(double p, boolean training, Generator gen) {
        IndexOps.DropoutMask mask = new IndexOps.DropoutMask(p, gen); // checks p even when not training, as PyTorch
        return training ? mul(op(mask)) : self();
    }

    // --- three-operand pointwise ops (ElementwiseOps.Ternary)

    /** {@code this + weight * (end - this)}, broadcasting all three (torch.lerp); exact at weight 0 and 1. */
    default T lerp(T end, T weight) { return op(new ElementwiseOps.Ternary(ElementwiseOps.TernaryKind.LERP, 1), end, weight); }
    /** {@code this + weight * (end - this)} with a constant weight (torch.lerp). */
    default T lerp(T end, double weight) { return op(new ElementwiseOps.LerpScalar(weight), end); }
    /** {@code this + tensor1 * tensor2}, broadcasting (torch.addcmul). */
    default T addcmul(T tensor1, T tensor2) { return addcmul(tensor1, tensor2, 1); }
    /** {@code this + value * tensor1 * tensor2}, broadcasting (torch.addcmul). */
    default T addcmul(T tensor1, T tensor2, double value) { return op(new ElementwiseOps.Ternary(ElementwiseOps.TernaryKind.ADDCMUL, value), tensor1, tensor2); }
    /** {@code this + tensor1 / tensor2}, broadcasting (torch.addcdiv). */
    default T addcdiv(T tensor1, T tensor2) { return addcdiv(tensor1, tensor2, 1); }
    /** {@code this + value * tensor1 / tensor2}, broadcasting (torch.addcdiv). */
    default T addcdiv(T tensor1, T tensor2, double value) { return op(new ElementwiseOps.Ternary(ElementwiseOps.TernaryKind.ADDCDIV, value), tensor1, tensor2); }

    /** This object as {@code T}. */
    T self();
    // --- linear algebra: the views the generic methods of Linalg use (each class has them)

    /** Swaps two dims (a view). */
    T transpose(int dim0, int dim1);
    /** Inserts a dim of size 1 at {@code dim} (a view). */
    T unsqueeze(int dim);
    /** The slice at {@code index} along {@code dim}, which is removed (a view). */
    T select(int dim, int index);
}
