package io.simdgrad.core.ops;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Kernel;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.core.ops.ConvOps.Axis;

import java.util.Arrays;
import java.util.Locale;

/**
 * Pooling and padding as ops over the last one or two dims ({@code dims}) of a tensor, every
 * leading dim a plane ({@code [N, C, (H,) W]}). Max pooling is two ops: {@link MaxPoolIndices}
 * (the argmax of each window, int64, no gradient) and {@link PlaneGather} (the values at those
 * indices), whose gradient {@link PlaneScatter} is its adjoint; average pooling ({@link AvgPool},
 * fixed or adaptive windows) and padding ({@link Pad}) are linear, each with its adjoint op as
 * gradient, so derivatives of any order are these ops again.
 */
public final class PoolOps {
    private PoolOps() {}

    /** The sizes of the spatial dims as {@code {planes, h, w}} (h = 1 for one dim). */
    static int[] planes(String op, int dims, Tensor x) {
        return planes(op, dims, Internals.shape(x));
    }

    static int[] planes(String op, int dims, int[] shape) {
        if (shape.length < dims + 1) {
            throw new IllegalArgumentException(op + ": expected an input of at least " + (dims + 1) + " dims ([C, " + (dims == 1 ? "" : "H, ")
                    + "W] or batched), got " + Shapes.str(shape));
        }
        int r = shape.length;
        int h = dims == 1 ? 1 : shape[r - 2], w = shape[r - 1];
        int planes = 1;
        for (int i = 0; i < r - dims; i++) planes = Math.multiplyExact(planes, shape[i]);
        return new int[] {planes, h, w};
    }

    /** x's shape with its last {@code dims} sizes replaced by (h,) w. */
    static int[] withSpatial(int[] shape, int dims, int h, int w) {
        int[] s = shape.clone();
        if (dims == 2) s[s.length - 2] = h;
        s[s.length - 1] = w;
        return s;
    }

    static void checkFloat(String op, Tensor x) {
        if (!x.dtype().isFloatingPoint()) throw new IllegalArgumentException(op + ": expected a floating point input, got " + x.dtype());
    }

    /**
     * PyTorch's pooling output size: {@code (in + 2 pad - dilation (k - 1) - 1 (+ stride - 1 if ceil)) / stride + 1},
     * one less when ceil mode would start the last window in the right padding.
     */
    static int poolOut(int in, Axis a, boolean ceil) {
        long num = in + 2L * a.padding() - a.span() + (ceil ? a.stride() - 1 : 0);
        long out = Math.floorDiv(num, a.stride()) + 1;
        if (ceil && (out - 1) * a.stride() >= in + (long) a.padding()) out--;
        return (int) out;
    }

    /** PyTorch's pooling checks: stride, pad at most half the window, output at least 1. */
    static int[] poolShape(String op, int dims, Tensor x, Axis h, Axis w, boolean ceil) {
        checkFloat(op, x);
        return poolShape(op, dims, Internals.shape(x), h, w, ceil);
    }

    static int[] poolShape(String op, int dims, int[] shape, Axis h, Axis w, boolean ceil) {
        int[] p = planes(op, dims, shape);
        for (Axis a : dims == 1 ? new Axis[] {w} : new Axis[] {h, w}) {
            if (a.kernel() < 1) throw new IllegalArgumentException(op + ": kernel size should be greater than zero, but got " + a.kernel());
            if (a.stride() < 1) throw new IllegalArgumentException(op + ": stride should not be zero");
            if (a.dilation() < 1) throw new IllegalArgumentException(op + ": dilation should be greater than zero, but got " + a.dilation());
            if (a.padding() < 0 || a.padding() > a.span() / 2) {
                throw new IllegalArgumentException(op + ": pad should be at most half of effective kernel size, but got pad=" + a.padding()
                        + ", kernel_size=" + a.kernel() + " and dilation=" + a.dilation());
            }
        }
        if (dims == 1 && !h.equals(Axis.FLAT)) throw new IllegalArgumentException(op + ": a 1-D op has no height axis, got " + h);
        int oh = dims == 1 ? 1 : poolOut(p[1], h, ceil), ow = poolOut(p[2], w, ceil);
        if (oh < 1 || ow < 1) {
            int c = shape.length > dims ? shape[shape.length - dims - 1] : 1;
            throw new IllegalArgumentException(op + ": Given input size: (" + c + "x" + p[1] + "x" + p[2] + "). Calculated output size: ("
                    + c + "x" + oh + "x" + ow + "). Output size is too small");
        }
        return new int[] {p[0], p[1], p[2], oh, ow};
    }

    // ------------------------------------------------------------------ max pooling

    /**
     * The flat index {@code iy * W + ix} (within its plane, as PyTorch's {@code return_indices})
     * of the largest element of each max-pool window; the first of equal maxima, the last NaN;
     * -1 for a window with no element inside the input (its value is -inf, its gradient goes
     * nowhere; PyTorch indexes past the plane there). int64, no gradient.
     */
    public record MaxPoolIndices(int dims, Axis h, Axis w, boolean ceilMode) implements Op {
        @Override public String name() { return "maxPool" + dims + "dIndices"; }
        @Override public String attributes() { return ConvOps.attributes(dims, h, w, 1) + (ceilMode ? ", ceilMode" : ""); }
        @Override public boolean differentiable() { return false; }
        @Override public int[] shape(Tensor[] in) {
            int[] p = poolShape("maxPool" + dims + "d", dims, in[0], h, w, ceilMode);
            return withSpatial(Internals.shape(in[0]), dims, p[3], p[4]);
        }
        @Override public DType dtype(Tensor[] in) { return DType.INT64; }
        @Override public Kernel bind(Tensor[] in, Tensor out) {
            int[] p = poolShape("maxPool" + dims + "d", dims, in[0], h, w, ceilMode);
            return (i, o) -> {
                Tensor x = i[0].contiguous();
                Internals.storage(x).k.conv().maxPoolIndices(Internals.storage(x).array, Internals.offset(x), p[0], p[1], p[2], p[3], p[4], h.kernel(), w.kernel(),
                        h.stride(), w.stride(), h.padding(), w.padding(), h.dilation(), w.dilation(), Internals.storage(o).l, Internals.offset(o));
            };
        }
        @Override public void forward(Tensor[] in, Tensor out) { bind(in, out).run(in, out); }
    }

    /**
     * The flat index {@code iy * W + ix} within its plane of the largest element of each adaptive
     * window, PyTorch's {@code adaptive_max_pool1d/2d} indices: window i of an axis is
     * {@code [floor(i in / out), ceil((i + 1) in / out))} (as {@link Adaptive}); the first of equal
     * maxima, the last NaN. int64, no gradient; the values are {@link PlaneGather} at these indices.
     */
    public record AdaptiveMaxPoolIndices(int dims, int outH, int outW) implements Op {
        @Override public String name() { return "adaptiveMaxPool" + dims + "d"; }
        @Override public String attributes() { return "out=" + (dims == 1 ? "" : outH + "x") + outW; }
        @Override public boolean differentiable() { return false; }
        int[] out(Tensor x) {
            checkFloat(name(), x);
            int[] s = Internals.shape(x);
            for (int d = Math.max(s.length - dims - 1, 0); d < s.length; d++) {
                if (s[d] == 0) {
                    throw new IllegalArgumentException(name() + ": Expected input to have non-zero size for non-batch dimensions, but input has sizes "
                            + Shapes.str(s) + " with dimension " + d + " being empty");
                }
            }
            return new Adaptive(outH, outW).out(name(), dims, Internals.shape(x));
        }
        @Override public int[] shape(Tensor[] in) {
            int[] o = out(in[0]);
            return withSpatial(Internals.shape(in[0]), dims, o[0], o[1]);
        }
        @Override public DType dtype(Tensor[] in) { return DType.INT64; }
        @Override public Kernel bind(Tensor[] in, Tensor out) {
            int[] o = out(in[0]), p = planes(name(), dims, in[0]);
            Adaptive a = new Adaptive(outH, outW);
            AxisWindows wh = a.axis(true, p[1], o[0]), ww = a.axis(false, p[2], o[1]);
            return (i, out1) -> {
                Tensor x = i[0].contiguous();
                var xs = Internals.storage(x);
                int x0 = Internals.offset(x), hw = p[1] * p[2];
                long[] dst = Internals.storage(out1).l;
                int k = Internals.offset(out1);
                for (int pl = 0; pl < p[0]; pl++) {
                    int base = x0 + pl * hw;
                    for (int oy = 0; oy < o[0]; oy++) {
                        for (int ox = 0; ox < o[1]; ox++) {
                            int best = -1;
                            double m = Double.NEGATIVE_INFINITY;
                            for (int iy = wh.start()[oy]; iy < wh.end()[oy]; iy++) {
                                for (int ix = ww.start()[ox]; ix < ww.end()[ox]; ix++) {
                                    double v = xs.get(base + iy * p[2] + ix);
                                    if (best < 0 || v > m || Double.isNaN(v)) {
                                        m = v;
                                        best = iy * p[2] + ix;
                                    }
                                }
                            }
                            dst[k++] = best;
                        }
                    }
                }
            };
        }
        @Override public void forward(Tensor[] in, Tensor out) { bind(in, out).run(in, out); }
    }

    static int[] gatherShape(String op, int dims, Tensor x, Tensor idx) {
        checkFloat(op, x);
        if (idx.dtype() != DType.INT64) throw new IllegalArgumentException(op + ": expected int64 indices, got " + idx.dtype());
        int[] p = planes(op, dims, x), q = planes(op, dims, idx);
        if (idx.dim() != x.dim() || p[0] != q[0] || !Arrays.equals(Arrays.copyOf(Internals.shape(x), x.dim() - dims), Arrays.copyOf(Internals.shape(idx), idx.dim() - dims))) {
            throw new IllegalArgumentException(op + ": indices of shape " + Shapes.str(Internals.shape(idx)) + " do not index the planes of "
                    + Shapes.str(Internals.shape(x)));
        }
        return new int[] {p[0], p[1] * p[2], q[1] * q[2]};
    }

    /** Checks every index before anything is written: in [0, h w) of its plane, or -1 (an empty window). */
    static void checkIndices(String op, Tensor idx, int hw) {
        int n = idx.numel();
        for (int i = 0; i < n; i++) {
            long v = Internals.storage(idx).l[Internals.offset(idx) + i];
            if (v < -1 || v >= hw) {
                throw new IndexOutOfBoundsException(op + ": index " + v + " is out of bounds for a plane of " + hw + " elements (at element "
                        + i + ")");
            }
        }
    }

    /**
     * {@code out[..., k] = x[..., idx[..., k]]} over the last {@code dims} dims flattened, the
     * leading dims matching: max pooling's values given its indices.
     */
    public record PlaneGather(int dims) implements Op {
        @Override public String name() { return "maxPool" + dims + "d"; }
        @Override public String gradFnName(Tensor[] in) { return dims == 1 ? "MaxPool1DWithIndicesBackward0" : "MaxPool2DWithIndicesBackward0"; }
        @Override public int[] shape(Tensor[] in) {
            gatherShape(name(), dims, in[0], in[1]);
            return Internals.shape(in[1]).clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return i == 1; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] xs = s.inputShape(0);
            int hh = dims == 1 ? 1 : xs[xs.length - 2];
            return new Variable[] {Variable.apply(new PlaneScatter(dims, hh, xs[xs.length - 1]), g, s.input(1)), null};
        }
        @Override public Kernel bind(Tensor[] in, Tensor out) {
            int[] p = gatherShape(name(), dims, in[0], in[1]);
            return (i, o) -> {
                Tensor x = i[0].contiguous(), idx = i[1].contiguous();
                checkIndices(name(), idx, p[1]);
                Internals.storage(o).k.conv().gatherPlanes(Internals.storage(x).array, Internals.offset(x), p[0], p[1], Internals.storage(idx).l, Internals.offset(idx), p[2], Internals.storage(o).array, Internals.offset(o));
            };
        }
        @Override public void forward(Tensor[] in, Tensor out) { bind(in, out).run(in, out); }
    }

    /**
     * The adjoint of {@link PlaneGather}: zeros of the planes' shape ({@code ..., (h,) w}) with
     * {@code g[..., k]} added at {@code idx[..., k]}, in increasing k (overlapping windows that
     * share a maximum add into it in a fixed order). Max pooling's gradient.
     */
    public record PlaneScatter(int dims, int h, int w) implements Op {
        @Override public String name() { return "maxPool" + dims + "dBackward"; }
        @Override public String attributes() { return "size=" + (dims == 1 ? "" : h + "x") + w; }
        @Override public int[] shape(Tensor[] in) {
            Tensor g = in[0], idx = in[1];
            checkFloat(name(), g);
            if (!Arrays.equals(Internals.shape(g), Internals.shape(idx)) || idx.dtype() != DType.INT64) {
                throw new IllegalArgumentException(name() + ": expected a gradient and int64 indices of one shape, got " + Shapes.str(Internals.shape(g))
                        + " and " + idx.dtype() + Shapes.str(Internals.shape(idx)));
            }
            planes(name(), dims, g);
            return withSpatial(Internals.shape(g), dims, h, w);
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return i == 1; }
        @Override public Variable[] vjp(Op.Saved s, Variable gg) {
            return new Variable[] {Variable.apply(new PlaneGather(dims), gg, s.input(1)), null};
        }
        @Override public Kernel bind(Tensor[] in, Tensor out) {
            int[] q = planes(name(), dims, in[0]);
            int hw = Math.multiplyExact(h, w);
            return (i, o) -> {
                Tensor g = i[0].contiguous(), idx = i[1].contiguous();
                checkIndices(name(), idx, hw);
                Internals.storage(o).k.conv().scatterAddPlanes(Internals.storage(g).array, Internals.offset(g), q[0], hw, Internals.storage(idx).l, Internals.offset(idx), q[1] * q[2],
                        Internals.storage(o).array, Internals.offset(o));
            };
        }
        @Override public void forward(Tensor[] in, Tensor out) { bind(in, out).run(in, out); }
    }

    // ------------------------------------------------------------------ average pooling

    /** The averaging windows of one axis: start, end (inside the input) and divisor factor per output index. */
    record AxisWindows(int[] start, int[] end, int[] factor) {}

    /** How an average pool places its windows. */
    public sealed interface Windows permits Pooled, Adaptive {
        /** The output sizes {@code {oh, ow}} for an input (checking it). */
        int[] out(String op, int dims, int[] shape);

        /** The windows of one axis (h: the first spatial axis) for an input size and output size. */
        AxisWindows axis(boolean first, int in, int out);
    }

    /**
     * PyTorch's {@code avg_pool}: window {@code [i s - p, i s - p + k)} clipped to the input; the
     * divisor is the window's size within the padded input ({@code countIncludePad}) or within
     * the input, or {@code divisorOverride} when it is positive.
     */
    public record Pooled(Axis h, Axis w, boolean ceilMode, boolean countIncludePad, int divisorOverride) implements Windows {
        @Override public int[] out(String op, int dims, int[] shape) {
            if (divisorOverride < 0) throw new IllegalArgumentException(op + ": divisor must be not zero, got " + divisorOverride);
            int[] p = poolShape(op, dims, shape, h, w, ceilMode);
            return new int[] {p[3], p[4]};
        }
        @Override public AxisWindows axis(boolean first, int in, int out) {
            Axis a = first ? h : w;
            int[] s = new int[out], e = new int[out], f = new int[out];
            for (int i = 0; i < out; i++) {
                int s0 = i * a.stride() - a.padding();
                int e0 = Math.min(s0 + a.kernel(), in + a.padding());
                int full = e0 - s0;
                s[i] = Math.max(s0, 0);
                e[i] = Math.min(e0, in);
                f[i] = countIncludePad ? full : e[i] - s[i];
            }
            return new AxisWindows(s, e, f);
        }
    }

    /** PyTorch's {@code adaptive_avg_pool}: window {@code [floor(i in / out), ceil((i + 1) in / out))}. */
    public record Adaptive(int outH, int outW) implements Windows {
        @Override public int[] out(String op, int dims, int[] shape) {
            planes(op, dims, shape);
            if (outH < 1 || outW < 1) {
                throw new IllegalArgumentException(op + ": output size must be positive, got " + (dims == 1 ? "" : outH + " x ") + outW);
            }
            for (int i = shape.length - dims; i < shape.length; i++) {
                if (shape[i] < 1) throw new IllegalArgumentException(op + ": expected an input with non-zero spatial sizes, got " + Shapes.str(shape));
            }
            return new int[] {dims == 1 ? 1 : outH, outW};
        }
        @Override public AxisWindows axis(boolean first, int in, int out) {
            int[] s = new int[out], e = new int[out], f = new int[out];
            for (int i = 0; i < out; i++) {
                s[i] = (int) ((long) i * in / out);
                e[i] = (int) (((long) (i + 1) * in + out - 1) / out);
                f[i] = e[i] - s[i];
            }
            return new AxisWindows(s, e, f);
        }
    }

    static String windowsName(int dims, Windows win) {
        return (win instanceof Adaptive ? "adaptiveAvgPool" : "avgPool") + dims + "d";
    }

    /** Average pooling over windows ({@link Pooled}: {@code avg_pool1d/2d}; {@link Adaptive}: {@code adaptive_avg_pool1d/2d}). */
    public record AvgPool(int dims, Windows windows) implements Op {
        @Override public String name() { return windowsName(dims, windows); }
        @Override public String attributes() { return windows.toString(); }
        @Override public String gradFnName(Tensor[] in) {
            return (windows instanceof Adaptive ? "AdaptiveAvgPool" : "AvgPool") + dims + "DBackward0";
        }
        @Override public int[] shape(Tensor[] in) {
            checkFloat(name(), in[0]);
            int[] o = windows.out(name(), dims, Internals.shape(in[0]));
            return withSpatial(Internals.shape(in[0]), dims, o[0], o[1]);
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] xs = s.inputShape(0);
            return new Variable[] {Variable.apply(new AvgPoolBackward(dims, windows, dims == 1 ? 1 : xs[xs.length - 2], xs[xs.length - 1]), g)};
        }
        @Override public Kernel bind(Tensor[] in, Tensor out) {
            int[] o = windows.out(name(), dims, Internals.shape(in[0])), p = planes(name(), dims, in[0]);
            AxisWindows wh = windows.axis(true, p[1], o[0]), ww = windows.axis(false, p[2], o[1]);
            if (dims == 1) wh = new AxisWindows(new int[] {0}, new int[] {1}, new int[] {1});
            AxisWindows fh = wh;
            int div = windows instanceof Pooled pp ? pp.divisorOverride() : 0;
            return (i, out1) -> {
                Tensor x = i[0].contiguous();
                Internals.storage(x).k.conv().windowAverage(Internals.storage(x).array, Internals.offset(x), p[0], p[1], p[2], fh.start(), fh.end(), fh.factor(), ww.start(),
                        ww.end(), ww.factor(), div, Internals.storage(out1).array, Internals.offset(out1));
            };
        }
        @Override public void forward(Tensor[] in, Tensor out) { bind(in, out).run(in, out); }
    }

    /** The gradient of {@link AvgPool}, its adjoint: each gradient element spread evenly over its window (by its divisor). */
    public record AvgPoolBackward(int dims, Windows windows, int h, int w) implements Op {
        @Override public String name() { return windowsName(dims, windows) + "Backward"; }
        @Override public String attributes() { return windows + ", size=" + (dims == 1 ? "" : h + "x") + w; }
        @Override public int[] shape(Tensor[] in) {
            Tensor g = in[0];
            checkFloat(name(), g);
            planes(name(), dims, g);
            int[] xs = withSpatial(Internals.shape(g), dims, h, w);
            int[] o = windows.out(name(), dims, xs);
            int[] want = withSpatial(Internals.shape(g), dims, o[0], o[1]);
            if (!Arrays.equals(want, Internals.shape(g))) {
                throw new IllegalArgumentException(name() + ": expected a gradient of shape " + Shapes.str(want) + ", got " + Shapes.str(Internals.shape(g)));
            }
            return xs;
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable gg) {
            return new Variable[] {Variable.apply(new AvgPool(dims, windows), gg)};
        }
        @Override public Kernel bind(Tensor[] in, Tensor out) {
            int[] p = planes(name(), dims, in[0]);
            AxisWindows wh = dims == 1 ? new AxisWindows(new int[] {0}, new int[] {1}, new int[] {1}) : windows.axis(true, h, p[1]);
            AxisWindows ww = windows.axis(false, w, p[2]);
            int div = windows instanceof Pooled pp ? pp.divisorOverride() : 0;
            return (i, o) -> {
                Tensor g = i[0].contiguous();
                Internals.storage(g).k.conv().windowAverageBackward(Internals.storage(g).array, Internals.offset(g), p[0], h, w, wh.start(), wh.end(), wh.factor(), ww.start(),
                        ww.end(), ww.factor(), div, Internals.storage(o).array, Internals.offset(o));
            };
        }
        @Override public void forward(Tensor[] in, Tensor out) { bind(in, out).run(in, out); }
    }

    // ------------------------------------------------------------------ padding

    /** PyTorch's padding modes ({@code F.pad}'s {@code mode}). */
    public enum PadMode {
        CONSTANT, REFLECT, REPLICATE, CIRCULAR;

        /** The mode named as PyTorch spells it ({@code "constant"}, {@code "reflect"}, {@code "replicate"}, {@code "circular"}). */
        public static PadMode of(String name) {
            for (PadMode m : values()) if (m.name().toLowerCase(Locale.ROOT).equals(name)) return m;
            throw new IllegalArgumentException("pad: Unrecognised padding mode " + name + " (expected constant, reflect, replicate or circular)");
        }
    }

    /** Source index of each output index along one axis padded by (before, after); -1 for a constant. */
    static int[] padMap(PadMode mode, int in, int before, int after) {
        int out = in + before + after;
        int[] m = new int[Math.max(out, 0)];
        for (int i = 0; i < m.length; i++) {
            int s = i - before;
            m[i] = switch (mode) {
                case CONSTANT -> s >= 0 && s < in ? s : -1;
                case REPLICATE -> Math.min(Math.max(s, 0), in - 1);
                case REFLECT -> s < 0 ? -s : s >= in ? 2 * (in - 1) - s : s;
                case CIRCULAR -> Math.floorMod(s, in);
            };
        }
        return m;
    }

    /**
     * PyTorch's {@code F.pad} of the last one or two dims: {@code (left, right)} on the last,
     * {@code (top, bottom)} on the one before (negative constant pads crop). Constant fills with
     * {@code value}; reflect mirrors without repeating the edge (pads smaller than the size); replicate repeats it;
     * circular wraps around, {@code out[i] = x[(i - before) mod size]} (PyTorch's {@code mode="circular"}; pads in
     * {@code [0, size]}: PyTorch's results for negative circular pads read outside the cropped input).
     */
    public record Pad(int dims, int left, int right, int top, int bottom, PadMode mode, double value) implements Op {
        @Override public String name() { return "pad"; }
        @Override public String attributes() {
            return "pad=(" + left + ", " + right + (dims == 2 ? ", " + top + ", " + bottom : "") + "), mode=" + mode.name().toLowerCase(Locale.ROOT)
                    + (mode == PadMode.CONSTANT && value != 0 ? ", value=" + value : "");
        }
        @Override public String gradFnName(Tensor[] in) {
            return switch (mode) {
                case CONSTANT -> "ConstantPadNdBackward0";
                case REFLECT -> "ReflectionPad" + dims + "DBackward0";
                case REPLICATE -> "ReplicationPad" + dims + "DBackward0";
                case CIRCULAR -> "CopySlices";
            };
        }
        int[] check(int[] shape) {
            int[] p = planes("pad", dims, shape);
            if (mode != PadMode.CONSTANT) {
                int r = shape.length;
                int[][] sides = dims == 1 ? new int[][] {{left, right, r - 1}} : new int[][] {{left, right, r - 1}, {top, bottom, r - 2}};
                for (int[] sd : sides) {
                    int size = shape[sd[2]];
                    if (mode == PadMode.CIRCULAR) {
                        if (sd[0] > size || sd[1] > size) throw new IllegalArgumentException("pad: Padding value causes wrapping around more than once.");
                        if (sd[0] < 0 || sd[1] < 0) {
                            throw new IllegalArgumentException("pad: circular padding needs pads >= 0, got padding (" + sd[0] + ", " + sd[1]
                                    + ") at dimension " + sd[2] + " of input " + Shapes.str(shape));
                        }
                        continue;
                    }
                    boolean ok = mode == PadMode.REFLECT ? sd[0] < size && sd[1] < size && sd[0] >= 0 && sd[1] >= 0
                            : size > 0 && sd[0] >= 0 && sd[1] >= 0;
                    if (!ok) {
                        throw new IllegalArgumentException("pad: Padding size should be less than the corresponding input dimension, but got: padding ("
                                + sd[0] + ", " + sd[1] + ") at dimension " + sd[2] + " of input " + Shapes.str(shape)
                                + (mode == PadMode.REPLICATE ? " (replicate padding needs a non-empty dimension and pads >= 0)" : ""));
                    }
                }
            }
            long oh = dims == 1 ? 1 : (long) p[1] + top + bottom, ow = (long) p[2] + left + right;
            if (oh < 0 || ow < 0) {
                throw new IllegalArgumentException("pad: The input size " + (ow < 0 ? p[2] : p[1]) + ", plus negative padding "
                        + (ow < 0 ? left + " and " + right : top + " and " + bottom) + " resulted in a negative output size, which is invalid. "
                        + "Check dimension " + (ow < 0 ? shape.length - 1 : shape.length - 2) + " of your input.");
            }
            return new int[] {p[0], p[1], p[2], Math.toIntExact(oh), Math.toIntExact(ow)};
        }
        @Override public int[] shape(Tensor[] in) {
            checkFloat("pad", in[0]);
            int[] p = check(Internals.shape(in[0]));
            return withSpatial(Internals.shape(in[0]), dims, p[3], p[4]);
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] xs = s.inputShape(0);
            return new Variable[] {Variable.apply(new PadBackward(this, dims == 1 ? 1 : xs[xs.length - 2], xs[xs.length - 1]), g)};
        }
        int[] rows(int h) { return dims == 1 ? new int[] {0} : padMap(mode, h, top, bottom); }
        int[] cols(int w) { return padMap(mode, w, left, right); }
        @Override public Kernel bind(Tensor[] in, Tensor out) {
            int[] p = check(Internals.shape(in[0]));
            int[] rows = rows(p[1]), cols = cols(p[2]);
            return (i, o) -> {
                Tensor x = i[0].contiguous();
                Internals.storage(x).k.conv().gatherRowsCols(Internals.storage(x).array, Internals.offset(x), p[0], p[1], p[2], rows, cols, value, Internals.storage(o).array, Internals.offset(o));
            };
        }
        @Override public void forward(Tensor[] in, Tensor out) { bind(in, out).run(in, out); }
    }

    /** The gradient of {@link Pad}, its adjoint: each output gradient added to the input element it was copied from. */
    public record PadBackward(Pad pad, int h, int w) implements Op {
        @Override public String name() { return "padBackward"; }
        @Override public String attributes() { return pad.attributes() + ", size=" + (pad.dims() == 1 ? "" : h + "x") + w; }
        @Override public int[] shape(Tensor[] in) {
            Tensor g = in[0];
            checkFloat(name(), g);
            planes(name(), pad.dims(), g);
            int[] xs = withSpatial(Internals.shape(g), pad.dims(), h, w);
            int[] p = pad.check(xs);
            int[] want = withSpatial(xs, pad.dims(), p[3], p[4]);
            if (!Arrays.equals(want, Internals.shape(g))) {
                throw new IllegalArgumentException(name() + ": expected a gradient of shape " + Shapes.str(want) + ", got " + Shapes.str(Internals.shape(g)));
            }
            return xs;
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable gg) {
            Pad p = pad;
            return new Variable[] {Variable.apply(new Pad(p.dims(), p.left(), p.right(), p.top(), p.bottom(), p.mode(), 0), gg)};
        }
        @Override public Kernel bind(Tensor[] in, Tensor out) {
            int[] q = planes(name(), pad.dims(), in[0]);
            int[] rows = pad.rows(h), cols = pad.cols(w);
            return (i, o) -> {
                Tensor g = i[0].contiguous();
                Internals.storage(g).k.conv().scatterAddRowsCols(Internals.storage(g).array, Internals.offset(g), q[0], h, w, rows, cols, Internals.storage(o).array, Internals.offset(o));
            };
        }
        @Override public void forward(Tensor[] in, Tensor out) { bind(in, out).run(in, out); }
    }
}
