package io.simdgrad.core.ops;

import io.simdgrad.core.DType;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.core.engine.Storage;

import java.util.Arrays;
import java.util.Locale;

/**
 * Scans along a dim ({@code cumsum}, {@code cumprod}, {@code logcumsumexp}) and the ops that move
 * elements without arithmetic ({@code flip}, {@code roll}, {@code tril}/{@code triu}).
 */
public final class ScanOps {
    private ScanOps() {}

    /** What a {@link Cumulative} computes. */
    public enum Kind {
        /** {@code cumsum}: {@code y_i = x_0 + ... + x_i}. */ CUMSUM,
        /** {@code cumprod}: {@code y_i = x_0 * ... * x_i}; its gradient is exact with zeros. */ CUMPROD,
        /** {@code logcumsumexp}: {@code y_i = log(exp(x_0) + ... + exp(x_i))}, stable. */ LOGCUMSUMEXP
    }

    /**
     * A scan along {@code dim}. As PyTorch on the CPU, the running value is kept in double for
     * both float dtypes and each result rounded once, so FLOAT32 results match PyTorch's.
     */
    public record Cumulative(Kind kind, int dim) implements Op {
        @Override public String name() { return kind.name().toLowerCase(Locale.ROOT); }
        @Override public String attributes() { return "dim=" + dim; }
        @Override public int[] shape(Tensor[] in) {
            Tensor x = in[0];
            Shapes.dim(name(), dim, x.dim());
            if (!x.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException(name() + ": expected a floating point tensor, got " + x.dtype()
                        + "; convert with to(DType.FLOAT32)");
            }
            return Internals.shape(x).clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return kind != Kind.CUMSUM; }
        @Override public boolean savesOutput() { return kind != Kind.CUMSUM; }

        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int d = Shapes.dim(name(), dim, s.inputShape(0).length);
            Variable r = switch (kind) {
                case CUMSUM -> reversedCumsum(g, d);
                case CUMPROD -> cumprodVjp(s.input(0), s.output(), g, d);
                case LOGCUMSUMEXP -> {
                    // PyTorch's logcumsumexp_backward: the positive and negative parts of g in log space
                    Tensor gd = g.data();
                    Variable lowest = new Variable(Tensor.scalar(gd.dtype(), gd.dtype() == DType.FLOAT32 ? -Float.MAX_VALUE : -Double.MAX_VALUE), false);
                    Variable logAbs = g.abs().log(), y = s.output(), x = s.input(0);
                    Variable pos = Variable.where(new Variable(gd.gt(0.0), false), logAbs, lowest);
                    Variable neg = Variable.where(new Variable(gd.lt(0.0), false), logAbs, lowest);
                    Variable outPos = reversedLogcumsumexp(pos.sub(y), d).add(x).exp();
                    Variable outNeg = reversedLogcumsumexp(neg.sub(y), d).add(x).exp();
                    yield outPos.sub(outNeg);
                }
            };
            return new Variable[] {r};
        }

        /**
         * logcumsumexp's tangent directly, {@code dy_i = sum_{j<=i} exp(x_j - y_i) t_j}, computed
         * as {@code cumsum(a t) / cumsum(a)} with {@code a = exp(x - max x)} (the shift cancels, so
         * it is a constant): its VJP reads {@code log|g|}, which the double-VJP default would
         * differentiate at a zero cotangent. The other scans' VJPs are linear in g: the default.
         */
        @Override public Variable jvp(Op.Saved s, Variable[] t) {
            if (kind != Kind.LOGCUMSUMEXP) return Op.super.jvp(s, t);
            if (t[0] == null) return null;
            Variable x = s.input(0);
            if (x.dim() == 0) return t[0];
            int d = Shapes.dim(name(), dim, x.dim());
            Variable a = x.sub(new Variable(x.data().amax(d, true), false)).exp();
            return a.mul(t[0]).cumsum(d).div(a.cumsum(d));
        }

        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor x = in[0].contiguous();
            int r = x.dim(), d = r == 0 ? 0 : Shapes.dim(name(), dim, r);
            int size = r == 0 ? 1 : Internals.shape(x)[d], inner = 1, outer = 1;
            for (int i = d + 1; i < r; i++) inner *= Internals.shape(x)[i];
            for (int i = 0; i < d; i++) outer *= Internals.shape(x)[i];
            Storage s = Internals.storage(x), o = Internals.storage(out);
            double init = kind == Kind.CUMSUM ? 0 : kind == Kind.CUMPROD ? 1 : Double.NEGATIVE_INFINITY;
            if (kind == Kind.CUMSUM && inner == 1) {
                rowSums(s, Internals.offset(x), o, Internals.offset(out), outer, size);
                return;
            }
            double[] acc = new double[inner];
            for (int b = 0; b < outer; b++) {
                Arrays.fill(acc, init);
                int base = b * size * inner;
                for (int i = 0; i < size; i++) {
                    int row = base + i * inner;
                    for (int j = 0; j < inner; j++) {
                        double v = s.get(Internals.offset(x) + row + j);
                        double a = acc[j];
                        a = switch (kind) {
                            case CUMSUM -> a + v;
                            case CUMPROD -> a * v;
                            case LOGCUMSUMEXP -> logAddExp(v, a);
                        };
                        acc[j] = a;
                        o.set(Internals.offset(out) + row + j, a);
                    }
                }
            }
        }
    }

    /** cumsum along contiguous rows: one running double per row, each output rounded once (6.0 to 1.9 ms for 1000 x 1000 f32, SortScanBench). */
    private static void rowSums(Storage s, int xo, Storage o, int oo, int rows, int cols) {
        for (int b = 0; b < rows; b++) {
            int base = b * cols;
            double a = 0;
            if (s.f != null) {
                float[] x = s.f, y = o.f;
                for (int i = 0; i < cols; i++) {
                    a += x[xo + base + i];
                    y[oo + base + i] = (float) a;
                }
            } else {
                double[] x = s.d, y = o.d;
                for (int i = 0; i < cols; i++) {
                    a += x[xo + base + i];
                    y[oo + base + i] = a;
                }
            }
        }
    }

    /** {@code log(e^x + e^y)} as PyTorch's {@code log_add_exp_helper}: NaN propagates, equal infinities stay. */
    static double logAddExp(double x, double y) {
        double min = Double.isNaN(y) ? y : y < x ? y : x;
        double max = Double.isNaN(y) ? y : x < y ? y : x;
        if (min != max || Double.isFinite(min)) return Math.log1p(Math.exp(min - max)) + max;
        return x;
    }

    /** {@code g} summed from each position to the end along {@code d}. */
    static Variable reversedCumsum(Variable g, int d) {
        return g.flip(d).cumsum(d).flip(d);
    }

    private static Variable reversedLogcumsumexp(Variable g, int d) {
        return g.flip(d).logcumsumexp(d).flip(d);
    }

    /**
     * The gradient of cumprod, exact with zeros and written in ops (so it differentiates again).
     * Before the first zero of a slice, {@code sum_{i>=k} g_i y_i / x_k}; at the first zero
     * {@code z}, {@code (x_0 ... x_{z-1}) * sum_{i>=z} g_i x_{z+1} ... x_i}; after it 0 (every
     * later product holds x_z = 0 as another factor).
     */
    private static Variable cumprodVjp(Variable x, Variable y, Variable g, int d) {
        if (x.dim() == 0) return g;
        Tensor xd = x.data();
        Tensor zeros = xd.eq(0.0), seen = zeros.cumsum(d);
        Tensor before = seen.eq(0.0), first = zeros.mul(seen.eq(1.0)), after = before.add(first).rsub(1.0);
        Variable b = new Variable(before, false), f = new Variable(first, false), a = new Variable(after, false);
        Variable safeX = x.mul(b).add(new Variable(before.rsub(1.0), false));
        Variable head = reversedCumsum(g.mul(y), d).div(safeX).mul(b);
        // the products after the first zero: x with 1 up to and at it, cumulated
        Variable tail = x.mul(a).add(new Variable(after.rsub(1.0), false)).cumprod(d);
        Variable atZero = g.mul(tail).mul(new Variable(before.rsub(1.0), false)).sum(d, true);
        Variable prefix = safeX.prod(d, true);
        return head.add(f.mul(prefix).mul(atZero));
    }

    /**
     * Copies x with each dim's index mapped: {@code out[i_0, ..., i_r] = x[map_0[i_0], ..., map_r[i_r]]}.
     * Flip and roll are such maps.
     */
    static void mapCopy(Tensor x, Tensor out, int[][] map) {
        int r = x.dim();
        if (out.numel() == 0) return;
        if (r == 0) {
            Kernels.copy(Internals.storage(x), Internals.offset(x), 1, Internals.storage(out), Internals.offset(out), 1);
            return;
        }
        Storage s = Internals.storage(x), o = Internals.storage(out);
        int[] at = new int[r];
        int n = Internals.shape(x)[r - 1], rows = out.numel() / n, last = Internals.strides(x)[r - 1];
        int[] lastMap = map[r - 1];
        for (int row = 0, oo = Internals.offset(out); row < rows; row++, oo += n) {
            int base = Internals.offset(x);
            for (int i = 0; i < r - 1; i++) base += map[i][at[i]] * Internals.strides(x)[i];
            if (s.l != null) for (int j = 0; j < n; j++) o.l[oo + j] = s.l[base + lastMap[j] * last];
            else for (int j = 0; j < n; j++) o.set(oo + j, s.get(base + lastMap[j] * last));
            for (int i = r - 2; i >= 0 && ++at[i] == Internals.shape(x)[i]; i--) at[i] = 0;
        }
    }

    private static int[] identity(int n) {
        int[] m = new int[n];
        for (int i = 0; i < n; i++) m[i] = i;
        return m;
    }

    /** Reverses the order along each of {@code dims} (torch.flip). */
    public record Flip(int[] dims) implements Op {
        @Override public boolean equals(Object o) { return o instanceof Flip f && Arrays.equals(f.dims, dims); }
        @Override public int hashCode() { return Arrays.hashCode(dims); }
        @Override public String toString() { return "Flip[dims=" + Arrays.toString(dims) + "]"; }
        @Override public String name() { return "flip"; }
        @Override public String attributes() { return "dims=" + Arrays.toString(dims); }
        @Override public int[] shape(Tensor[] in) {
            ReduceOps.normalize(name(), dims, in[0].dim());
            return Internals.shape(in[0]).clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) { return new Variable[] {g.op(this)}; }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor x = in[0];
            int[][] map = new int[x.dim()][];
            for (int i = 0; i < map.length; i++) map[i] = identity(Internals.shape(x)[i]);
            if (dims.length > 0) {
                for (int d : ReduceOps.normalize(name(), dims, x.dim())) {
                    int n = Internals.shape(x)[d];
                    for (int i = 0; i < n; i++) map[d][i] = n - 1 - i;
                }
            }
            mapCopy(x, out, map);
        }
    }

    /** Rotates along each of {@code dims} by its shift: {@code out[(i + shift) mod n] = x[i]} (torch.roll). */
    public record Roll(int[] shifts, int[] dims) implements Op {
        @Override public boolean equals(Object o) { return o instanceof Roll r && Arrays.equals(r.shifts, shifts) && Arrays.equals(r.dims, dims); }
        @Override public int hashCode() { return Arrays.hashCode(shifts) * 31 + Arrays.hashCode(dims); }
        @Override public String toString() { return "Roll[shifts=" + Arrays.toString(shifts) + ", dims=" + Arrays.toString(dims) + "]"; }
        @Override public String name() { return "roll"; }
        @Override public String attributes() { return "shifts=" + Arrays.toString(shifts) + ", dims=" + Arrays.toString(dims); }
        @Override public int[] shape(Tensor[] in) {
            if (shifts.length != dims.length || dims.length == 0) {
                throw new IllegalArgumentException("roll: shifts and dimensions must align. shifts: " + shifts.length + ", dims:" + dims.length);
            }
            for (int d : dims) Shapes.dim(name(), d, in[0].dim());
            return Internals.shape(in[0]).clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] back = new int[shifts.length];
            for (int i = 0; i < back.length; i++) back[i] = -shifts[i];
            return new Variable[] {g.op(new Roll(back, dims))};
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor x = in[0];
            int r = x.dim();
            long[] total = new long[Math.max(r, 1)];
            for (int i = 0; i < dims.length; i++) total[Shapes.dim(name(), dims[i], r)] += shifts[i];
            int[][] map = new int[r][];
            for (int d = 0; d < r; d++) {
                int n = Internals.shape(x)[d];
                map[d] = identity(n);
                if (n == 0) continue;
                int sh = (int) Math.floorMod(total[d], (long) n);
                for (int i = 0; i < n; i++) map[d][i] = (int) Math.floorMod((long) i - sh, (long) n);
            }
            mapCopy(x, out, map);
        }
    }

    /**
     * The lower ({@code tril}: {@code j - i <= k}) or upper ({@code triu}: {@code j - i >= k})
     * triangle of each matrix of the last two dims, the rest 0 (torch.tril / torch.triu).
     */
    public record Triangle(int k, boolean upper) implements Op {
        @Override public String name() { return upper ? "triu" : "tril"; }
        @Override public String attributes() { return "diagonal=" + k; }
        @Override public int[] shape(Tensor[] in) {
            if (in[0].dim() < 2) {
                throw new IllegalArgumentException(name() + ": input tensor must have at least 2 dimensions (got shape "
                        + Shapes.str(Internals.shape(in[0])) + ")");
            }
            return Internals.shape(in[0]).clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) { return new Variable[] {g.op(this)}; }
        @Override public void forward(Tensor[] in, Tensor out) {
            Ops.CopyInto.copy(in[0], out);
            int r = out.dim(), rows = Internals.shape(out)[r - 2], cols = Internals.shape(out)[r - 1];
            int mats = rows * cols == 0 ? 0 : out.numel() / (rows * cols);
            for (int m = 0; m < mats; m++) {
                for (int i = 0; i < rows; i++) {
                    int row = Internals.offset(out) + (m * rows + i) * cols;
                    // clamp in long: i + k may pass an int for extreme diagonals
                    long edge = (long) i + k;
                    int from = upper ? 0 : (int) Math.max(0, Math.min(cols, edge + 1));
                    int to = upper ? (int) Math.max(0, Math.min(cols, edge)) : cols;
                    if (to > from) Kernels.fill(Internals.storage(out), row + from, to - from, 0);
                }
            }
        }
    }
}
