package io.simdgrad.core.ops;

import io.simdgrad.core.DType;
import io.simdgrad.core.Node;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.core.engine.Storage;
import io.simdgrad.simd.BinaryOp;
import io.simdgrad.simd.ReduceOp;

import java.util.Arrays;
import java.util.Locale;

/**
 * Reductions over several dims at once ({@code sum(dims)}, {@code amax}, {@code prod},
 * {@code logsumexp}, {@code norm(p, dims)}, {@code all}, ...): one definition,
 * {@link ReduceDims}, whose kind says what it combines. The dims to reduce are viewed as one
 * block: when they are adjacent in a contiguous input the vectorised row and column kernels read
 * it where it lies ({@code [outer, size, inner]}); otherwise one permuted copy brings them last.
 */
public final class ReduceOps {
    private ReduceOps() {}

    /** What a {@link ReduceDims} computes. */
    public enum Kind {
        /** {@code sum}. */ SUM,
        /** {@code mean}. */ MEAN,
        /** {@code amax}: the largest value; NaN if any is; ties share the gradient evenly. */ AMAX,
        /** {@code amin}. */ AMIN,
        /** {@code prod}; its gradient is exact with zeros. */ PROD,
        /** {@code logsumexp}, stable. */ LOGSUMEXP,
        /** {@code norm(p)}, PyTorch's {@code linalg.vector_norm}. */ NORM,
        /** {@code all}: 1 when every element is nonzero (NaN counts as nonzero). */ ALL,
        /** {@code any}. */ ANY,
        /** {@code countNonzero} (INT64). */ COUNT_NONZERO,
        /** {@code median()} of all elements: the lower median; NaN if any is; ties share the gradient evenly. */ MEDIAN
    }

    /** Normalised dims, sorted, each once; an empty or null list means all dims. */
    public static int[] normalize(String op, int[] dims, int rank) {
        if (dims == null || dims.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        boolean[] seen = new boolean[Math.max(rank, 1)];
        for (int d : dims) {
            int n = Shapes.dim(op, d, rank);
            if (seen[n]) throw new IllegalArgumentException(op + ": dim " + n + " appears multiple times in the list of dims");
            seen[n] = true;
        }
        if (rank == 0) return new int[0];
        int count = 0;
        for (boolean b : seen) if (b) count++;
        int[] r = new int[count];
        for (int i = 0, j = 0; i < rank; i++) if (seen[i]) r[j++] = i;
        return r;
    }

    /** {@code shape} with the sorted {@code dims} set to 1 ({@code keepdim}) or removed. */
    public static int[] reduced(int[] shape, int[] dims, boolean keepdim) {
        boolean[] red = new boolean[shape.length];
        for (int d : dims) red[d] = true;
        int[] r = new int[keepdim ? shape.length : shape.length - dims.length];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (!red[i]) r[j++] = shape[i];
            else if (keepdim) r[j++] = 1;
        }
        return r;
    }

    /** The permutation that puts the kept dims first (in order), then the sorted reduced dims {@code ds}. */
    static int[] keptThenReduced(int[] ds, int rank) {
        int[] perm = new int[rank];
        boolean[] red = new boolean[rank];
        for (int d : ds) red[d] = true;
        int j = 0;
        for (int i = 0; i < rank; i++) if (!red[i]) perm[j++] = i;
        for (int d : ds) perm[j++] = d;
        return perm;
    }

    /** {@code g} with the reduced dims put back as size 1 (when keepdim was false): broadcastable against the input. */
    static Variable keptDims(Variable g, int[] shape, int[] dims, boolean keepdim) {
        return keepdim ? g : g.reshape(reduced(shape, dims, true));
    }

    /**
     * A reduction over {@code dims} (empty: all). {@code p} is the norm's order (any real,
     * {@code ±infinity}, 0), unused by the other kinds. The record's array is compared by value.
     */
    public record ReduceDims(Kind kind, int[] dims, boolean keepdim, double p) implements Op {
        /** Cannot throw on any values (shapes and dtypes were checked when it was called). */
        @Override public boolean throwsOnValues(Tensor[] in) { return false; }
        /** A reduction of a kind with no order. */
        public ReduceDims(Kind kind, int[] dims, boolean keepdim) {
            this(kind, dims, keepdim, 2);
        }

        @Override public boolean equals(Object o) {
            return o instanceof ReduceDims r && r.kind == kind && r.keepdim == keepdim && Double.compare(r.p, p) == 0
                    && Arrays.equals(r.dims, dims);
        }
        @Override public int hashCode() { return (Arrays.hashCode(dims) * 31 + kind.hashCode()) * 2 + (keepdim ? 1 : 0) + Double.hashCode(p); }
        @Override public String toString() {
            return "ReduceDims[kind=" + kind + ", dims=" + Arrays.toString(dims) + ", keepdim=" + keepdim + ", p=" + p + "]";
        }

        @Override public String name() {
            return switch (kind) {
                case COUNT_NONZERO -> "countNonzero";
                default -> kind.name().toLowerCase(Locale.ROOT);
            };
        }
        @Override public String attributes() {
            String d = dims == null || dims.length == 0 ? "" : "dim=" + Arrays.toString(dims);
            String k = keepdim ? "keepdim=True" : "";
            String o = kind == Kind.NORM ? "p=" + p : "";
            StringBuilder b = new StringBuilder();
            for (String s : new String[] {o, d, k}) if (!s.isEmpty()) b.append(b.length() > 0 ? ", " : "").append(s);
            return b.toString();
        }
        @Override public String gradFnName(Tensor[] in) {
            boolean all = dims == null || dims.length == 0;
            return switch (kind) {
                case SUM -> all ? "SumBackward0" : "SumBackward1";
                case MEAN -> all ? "MeanBackward0" : "MeanBackward1";
                case AMAX -> "AmaxBackward0";
                case AMIN -> "AminBackward0";
                case PROD -> all ? "ProdBackward0" : "ProdBackward1";
                case LOGSUMEXP -> "LogsumexpBackward0";
                case NORM -> "LinalgVectorNormBackward0";
                case MEDIAN -> "MedianBackward0";
                default -> Node.backwardName(name());
            };
        }
        @Override public boolean differentiable() {
            return kind != Kind.ALL && kind != Kind.ANY && kind != Kind.COUNT_NONZERO;
        }
        @Override public boolean savesInput(int i) { return kind != Kind.SUM && kind != Kind.MEAN; }
        @Override public boolean savesOutput() { return kind != Kind.SUM && kind != Kind.MEAN && kind != Kind.PROD; }

        private boolean needsNonEmpty() {
            return kind == Kind.AMAX || kind == Kind.AMIN || (kind == Kind.NORM && (Double.isInfinite(p)));
        }

        @Override public int[] shape(Tensor[] in) {
            Tensor x = in[0];
            boolean anyDtype = kind == Kind.AMAX || kind == Kind.AMIN || kind == Kind.ALL || kind == Kind.ANY
                    || kind == Kind.COUNT_NONZERO || kind == Kind.MEDIAN;
            if (x.dtype() == DType.INT64 && !anyDtype) {
                throw new IllegalArgumentException(name() + ": not supported for int64 tensors; convert with to(DType.FLOAT32)");
            }
            int[] ds = normalize(name(), dims, x.dim());
            boolean all = dims == null || dims.length == 0;
            if (kind == Kind.MEDIAN && x.numel() == 0 && x.dtype() == DType.INT64) {
                throw new IllegalArgumentException("median: the median of an empty INT64 tensor is NaN, which INT64 cannot hold (shape "
                        + Shapes.str(Internals.shape(x)) + ")");
            }
            if (needsNonEmpty()) {
                String what = kind == Kind.NORM ? "linalg.vector_norm cannot compute the " + (p > 0 ? "inf" : "-inf") + " norm on " : null;
                if (all && x.numel() == 0) {
                    throw new IllegalArgumentException(what != null ? name() + ": " + what + "an empty tensor because the operation does not have an identity (shape "
                            + Shapes.str(Internals.shape(x)) + ")" : name() + "(): Expected reduction dim to be specified for input.numel() == 0. "
                            + "Specify the reduction dim with the 'dim' argument. (shape " + Shapes.str(Internals.shape(x)) + ")");
                }
                for (int d : ds) {
                    if (Internals.shape(x)[d] == 0) {
                        if (what != null) {
                            throw new IllegalArgumentException(name() + ": " + what + "the dimension " + d
                                    + " because this dimension is empty and the operation does not have an identity (shape " + Shapes.str(Internals.shape(x)) + ")");
                        }
                        throw new IndexOutOfBoundsException(name() + "(): Expected reduction dim " + d + " to have non-zero size. (shape "
                                + Shapes.str(Internals.shape(x)) + ")");
                    }
                }
            }
            return reduced(Internals.shape(x), ds, keepdim);
        }
        @Override public DType dtype(Tensor[] in) { return kind == Kind.COUNT_NONZERO ? DType.INT64 : in[0].dtype(); }

        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] shape = s.inputShape(0);
            int[] ds = normalize(name(), dims, shape.length);
            Variable gk = keptDims(g, shape, ds, keepdim);
            Variable ge = gk.expand(shape);
            int count = 1;
            for (int d : ds) count *= shape[d];
            Variable r = switch (kind) {
                case SUM -> ge;
                case MEAN -> ge.div(count);
                case AMAX, AMIN, MEDIAN -> ge.mul(evenly(s.input(0).data(), keptDims(s.output(), shape, ds, keepdim).data(), ds, kind == Kind.MEDIAN));
                case PROD -> ge.mul(productOfOthers(s.input(0), ds));
                case LOGSUMEXP -> ge.mul(s.input(0).sub(keptDims(s.output(), shape, ds, keepdim)).exp());
                case NORM -> normVjp(s.input(0), keptDims(s.output(), shape, ds, keepdim), ge, ds);
                case ALL, ANY, COUNT_NONZERO -> throw new AssertionError(kind + " has no gradient");
            };
            return new Variable[] {r};
        }

        /**
         * 1/count where {@code x} equals the (kept-dims) result, 0 elsewhere: ties share the
         * gradient evenly, as torch's amax. With {@code nanTies} a NaN result is shared by the NaNs
         * (torch's {@code evenly_distribute_backward}, used by median()); amax gives NaN there.
         */
        private static Variable evenly(Tensor x, Tensor best, int[] ds, boolean nanTies) {
            Tensor hit = x.eq(best);
            if (nanTies) hit = hit.add(x.ne(x).mul(best.ne(best)));
            return new Variable(hit.div(hit.sum(ds, true)), false);
        }

        /** The gradient of a p-norm, as PyTorch's {@code norm_backward}; 0 where the norm is 0. */
        private Variable normVjp(Variable x, Variable norm, Variable ge, int[] ds) {
            Tensor xd = x.data();
            Variable sign = new Variable(xd.gt(0.0).sub(xd.lt(0.0)), false);
            if (p == 0) return ge.mul(0.0);
            if (p == 1) return ge.mul(sign);
            if (Double.isInfinite(p)) return ge.mul(sign).mul(evenly(xd.abs(), norm.data(), ds, false));
            Variable zero = new Variable(norm.data().eq(0.0), false);
            if (p == 2) return ge.mul(x).div(norm.add(zero));
            return ge.mul(x).mul(x.abs().pow(p - 2)).div(norm.pow(p - 1).add(zero));
        }

        /**
         * For each element, the product of the other elements of its slice: the exclusive
         * products from the left times those from the right (PyTorch's {@code prod_safe_zeros_backward}),
         * exact with zeros and itself differentiable.
         */
        private static Variable productOfOthers(Variable x, int[] ds) {
            int r = x.dim();
            if (r == 0) return new Variable(Tensor.onesLike(x.data()), false);
            int[] perm = keptThenReduced(ds, r);
            int kept = r - ds.length;
            Variable xp = x.permute(perm);
            int[] ps = xp.shape();
            int n = 1;
            for (int i = kept; i < r; i++) n *= ps[i];
            int[] flat = Arrays.copyOf(ps, kept + 1);
            flat[kept] = n;
            if (n <= 1) return new Variable(Tensor.onesLike(x.data()), false);
            Variable v = xp.reshape(flat);
            Variable left = exclusiveCumprod(v, kept);
            Variable right = exclusiveCumprod(v.flip(kept), kept).flip(kept);
            return left.mul(right).reshape(ps).permute(Ops.inverse(perm));
        }

        /** {@code [1, v0, v0 v1, ...]} along {@code d}: the cumulative product shifted by one. */
        private static Variable exclusiveCumprod(Variable v, int d) {
            int n = v.size(d);
            int[] one = v.shape();
            one[d] = 1;
            Variable ones = new Variable(Tensor.ones(v.dtype(), one), false);
            return Variable.cat(java.util.List.of(ones, v.narrow(d, 0, n - 1).cumprod(d)), d);
        }

        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor x = in[0];
            int r = x.dim();
            int[] ds = normalize(name(), dims, r);
            int first = ds.length == 0 ? 0 : ds[0], last = ds.length == 0 ? r : ds[ds.length - 1] + 1;
            boolean block = last - first == ds.length && x.isContiguous();
            boolean rowsOnly = kind == Kind.LOGSUMEXP || kind == Kind.NORM && p == 2 || kind == Kind.MEDIAN;
            int outer = 1, size = 1, inner = 1;
            Tensor xs;
            if (r == 0) {
                xs = x.contiguous();
            } else if (block && (!rowsOnly || last == r)) {
                xs = x;
                for (int i = 0; i < first; i++) outer *= Internals.shape(x)[i];
                for (int i = first; i < last; i++) size *= Internals.shape(x)[i];
                for (int i = last; i < r; i++) inner *= Internals.shape(x)[i];
            } else if (blockByBlock(x, out, ds)) {
                return;
            } else {
                int[] perm = keptThenReduced(ds, r);
                xs = x.permute(perm).contiguous();
                for (int i = 0; i < r; i++) {
                    if (i < r - ds.length) outer *= Internals.shape(x)[perm[i]];
                    else size *= Internals.shape(x)[perm[i]];
                }
            }
            run(xs, out, outer, size, inner);
        }

        /**
         * Sum, mean, amax and amin over dims that are not one block of a contiguous input: each
         * run of adjacent dims is reduced in place by the row or column kernels, the last run first,
         * instead of a permuted copy of the whole input (sum over dims (0, 2) of 64 x 256 x 64:
         * 1.4 ms to 0.29 ms, SortScanBench). False when the kind or input does not allow it.
         */
        private boolean blockByBlock(Tensor x, Tensor out, int[] ds) {
            boolean kernelKind = kind == Kind.SUM || kind == Kind.MEAN || kind == Kind.AMAX || kind == Kind.AMIN;
            if (!kernelKind || !x.isContiguous() || Internals.storage(x).k == null || x.numel() == 0) return false;
            ReduceDims step = kind == Kind.MEAN ? new ReduceDims(Kind.SUM, dims, keepdim) : this;
            int[] shape = Internals.shape(x).clone();
            Tensor cur = x;
            long count = 1;
            for (int j = ds.length; j > 0; ) {
                int hi = j - 1, lo = hi;
                while (lo > 0 && ds[lo - 1] == ds[lo] - 1) lo--;
                int outer = 1, size = 1, inner = 1;
                for (int i = 0; i < ds[lo]; i++) outer *= shape[i];
                for (int i = ds[lo]; i <= ds[hi]; i++) {
                    size *= shape[i];
                    shape[i] = 1;
                }
                for (int i = ds[hi] + 1; i < shape.length; i++) inner *= shape[i];
                count *= size;
                Tensor next = lo == 0 ? out : Internals.empty(x.dtype(), shape);
                step.run(cur, next, outer, size, inner);
                cur = next;
                j = lo;
            }
            if (kind == Kind.MEAN) Kernels.binaryScalar(BinaryOp.DIV, Internals.storage(out), Internals.offset(out), 1, count, false, Internals.storage(out), Internals.offset(out), out.numel());
            return true;
        }

        private void run(Tensor x, Tensor out, int outer, int size, int inner) {
            Storage s = Internals.storage(x), o = Internals.storage(out);
            int xo = Internals.offset(x), oo = Internals.offset(out), rows = outer * inner;
            if (rows == 0) return;
            ReduceOp kernel = switch (kind) {
                case SUM, MEAN -> ReduceOp.SUM;
                case AMAX -> ReduceOp.MAX;
                case AMIN -> ReduceOp.MIN;
                default -> null;
            };
            if (kernel != null && s.k != null && size > 0) {
                // [outer, size, inner]: inner == 1 reduces rows; otherwise each outer block down its columns
                if (inner == 1) s.k.reduceRows(kernel, s.array, xo, outer, size, size, o.array, oo);
                else for (int b = 0; b < outer; b++) s.k.reduceColumns(kernel, s.array, xo + b * size * inner, size, inner, inner, o.array, oo + b * inner);
                if (kind == Kind.MEAN) Kernels.binaryScalar(BinaryOp.DIV, o, oo, 1, size, false, o, oo, rows);
                return;
            }
            if (kind == Kind.LOGSUMEXP && size > 0) {
                s.k.logSumExpRows(s.array, xo, outer, size, size, o.array, oo);
                return;
            }
            if (kind == Kind.NORM && p == 2 && size > 0) {
                boolean f = s.f != null;
                for (int b = 0; b < outer; b++) {
                    double q = Math.sqrt(s.k.sumSquares(s.array, xo + b * size, size));
                    o.set(oo + b, f ? (float) q : q);
                }
                return;
            }
            double[] buf = new double[size];
            for (int b = 0; b < outer; b++) {
                for (int j = 0; j < inner; j++) {
                    int base = xo + b * size * inner + j;
                    for (int i = 0; i < size; i++) buf[i] = s.get(base + i * inner);
                    o.set(oo + b * inner + j, slice(buf, size, s.f != null, s.l != null ? s.l : null, base, inner));
                }
            }
        }

        /** One slice's result; {@code longs} (int64 input) are read exactly for amax/amin. */
        private double slice(double[] v, int n, boolean isFloat, long[] longs, int base, int inner) {
            switch (kind) {
                case SUM, MEAN: {
                    // only for an empty slice (the kernels take the rest): 0, and 0/0 for the mean
                    return kind == Kind.SUM ? 0 : Double.NaN;
                }
                case AMAX, AMIN: {
                    long best = longs[base];
                    for (int i = 1; i < n; i++) {
                        long x = longs[base + i * inner];
                        if (kind == Kind.AMAX ? x > best : x < best) best = x;
                    }
                    return best;
                }
                case PROD: {
                    double acc = 1;
                    for (int i = 0; i < n; i++) acc = isFloat ? (float) (acc * v[i]) : acc * v[i];
                    return acc;
                }
                case LOGSUMEXP: return Double.NEGATIVE_INFINITY; // an empty slice
                case NORM: {
                    double acc = 0;
                    for (int i = 0; i < n; i++) {
                        double a = Math.abs(v[i]);
                        if (p == Double.POSITIVE_INFINITY) acc = i == 0 || a > acc || Double.isNaN(a) ? a : acc;
                        else if (p == Double.NEGATIVE_INFINITY) acc = i == 0 || a < acc || Double.isNaN(a) ? a : acc;
                        else if (p == 0) acc += a != 0 ? 1 : 0;
                        else if (p == 1) acc += a;
                        else acc += Math.pow(a, p);
                        if (Double.isNaN(acc)) return Double.NaN;
                    }
                    return Double.isInfinite(p) || p == 0 || p == 1 ? acc : Math.pow(acc, 1 / p);
                }
                case ALL: {
                    for (int i = 0; i < n; i++) if (v[i] == 0) return 0;
                    return 1;
                }
                case ANY: {
                    for (int i = 0; i < n; i++) if (v[i] != 0) return 1;
                    return 0;
                }
                case COUNT_NONZERO: {
                    int c = 0;
                    for (int i = 0; i < n; i++) if (v[i] != 0) c++;
                    return c;
                }
                case MEDIAN: {
                    if (n == 0) return Double.NaN;
                    if (longs != null) {
                        long[] c = new long[n];
                        for (int i = 0; i < n; i++) c[i] = longs[base + i * inner];
                        Arrays.sort(c);
                        return c[(n - 1) / 2];
                    }
                    for (int i = 0; i < n; i++) if (Double.isNaN(v[i])) return Double.NaN;
                    double[] c = Arrays.copyOf(v, n);
                    Arrays.sort(c);
                    return c[(n - 1) / 2];
                }
                default: throw new AssertionError(kind);
            }
        }
    }
}
