package io.simdgrad.core.ops;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Kernel;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.simd.ConvGeometry;

/**
 * Convolution as ops, 1-D ({@code [N, C, L]}) and 2-D ({@code [N, C, H, W]}), f32 and f64. Three
 * bilinear ops are each other's gradients, so every derivative of every order is one of them:
 * {@link Conv} ({@code y = x ⋆ w}), {@link ConvTranspose} (its adjoint in x, the gradient of
 * conv with respect to its input and PyTorch's {@code conv_transpose}) and {@link ConvWeight}
 * (its adjoint in w, the weight gradient). {@link Unfold} and {@link Fold} (im2col and col2im)
 * are the adjoint pair the convolution kernels run on. A 1-D op is the 2-D one with a height
 * of 1; the {@code dims} attribute keeps its name and its shapes.
 */
public final class ConvOps {
    private ConvOps() {}

    /**
     * One spatial axis of a sliding window: kernel size, stride, padding (each side), dilation.
     * The output size is {@code (in + 2 padding - dilation (kernel - 1) - 1) / stride + 1}.
     */
    public record Axis(int kernel, int stride, int padding, int dilation) {
        /** The height axis of a 1-D op: one row, no window. */
        public static final Axis FLAT = new Axis(1, 1, 0, 1);

        /** The output size over an input of {@code in} (floored; below 1 when the window does not fit). */
        public int out(int in) {
            return ConvGeometry.outSize(in, kernel, stride, padding, dilation);
        }

        /** The window's extent {@code dilation (kernel - 1) + 1}. */
        public long span() {
            return (long) dilation * (kernel - 1) + 1;
        }
    }

    // ------------------------------------------------------------------ shared checks

    /** The sizes of a 1-D or 2-D batch {@code [N, C, (H,) W]} as {@code {N, C, H, W}}, H = 1 for 1-D. */
    static int[] nchw(Tensor t) {
        int[] s = Internals.shape(t);
        return s.length == 3 ? new int[] {s[0], s[1], 1, s[2]} : new int[] {s[0], s[1], s[2], s[3]};
    }

    static void checkFloat(String op, Tensor a, String an, Tensor b, String bn) {
        if (!a.dtype().isFloatingPoint() || a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": " + an + " type (" + a.dtype() + ") and " + bn + " type (" + b.dtype()
                    + ") should be the same floating point type");
        }
    }

    static void checkRank(String op, int dims, Tensor t, String what) {
        if (t.dim() != dims + 2) {
            throw new IllegalArgumentException(op + ": expected " + (dims + 2) + "-D (batched) " + what + ", got "
                    + t.dim() + "-D " + what + " of size " + Shapes.str(Internals.shape(t)));
        }
    }

    static String opName(String base, int dims) {
        return base + dims + "d";
    }

    /** PyTorch's "Kernel size can't be greater than actual input size", with the padded sizes and the dilated kernel. */
    static void checkFits(String op, int dims, int h, int w, Axis ah, Axis aw) {
        long ph = h + 2L * ah.padding(), pw = w + 2L * aw.padding();
        if (ph < ah.span() || pw < aw.span()) {
            String in = dims == 1 ? "(" + pw + ")" : "(" + ph + " x " + pw + ")";
            String k = dims == 1 ? "(" + aw.span() + ")" : "(" + ah.span() + " x " + aw.span() + ")";
            throw new IllegalArgumentException(op + ": Calculated padded input size per channel: " + in + ". Kernel size: " + k
                    + ". Kernel size can't be greater than actual input size");
        }
    }

    static void checkAxes(String op, int dims, Axis h, Axis w) {
        for (Axis a : dims == 1 ? new Axis[] {w} : new Axis[] {h, w}) {
            if (a.stride() < 1) throw new IllegalArgumentException(op + ": non-positive stride is not supported");
            if (a.padding() < 0) throw new IllegalArgumentException(op + ": negative padding is not supported");
            if (a.dilation() < 1) throw new IllegalArgumentException(op + ": non-positive dilation is not supported");
            if (a.kernel() < 1) throw new IllegalArgumentException(op + ": non-positive kernel size is not supported, got " + a.kernel());
        }
        if (dims == 1 && !h.equals(Axis.FLAT)) throw new IllegalArgumentException(op + ": a 1-D op has no height axis, got " + h);
    }

    /**
     * Checks a convolution's operands and returns its geometry: input x {@code [N, C, (H,) W]},
     * weight {@code [OC, C/groups, (kh,) kw]} matching the axes' kernels, PyTorch's messages.
     */
    static ConvGeometry convGeometry(String op, int dims, Tensor x, Tensor weight, Axis h, Axis w, int groups) {
        checkAxes(op, dims, h, w);
        if (groups < 1) throw new IllegalArgumentException(op + ": non-positive groups is not supported");
        checkOperands(op, dims, x, weight, groups);
        int[] s = nchw(x), ws = nchw(weight);
        if (s[1] != ws[1] * groups) {
            throw new IllegalArgumentException(op + ": Given groups=" + groups + ", weight of size " + Shapes.str(Internals.shape(weight))
                    + ", expected input" + Shapes.str(Internals.shape(x)) + " to have " + ws[1] * groups + " channels, but got " + s[1]
                    + " channels instead");
        }
        checkKernel(op, dims, weight, h, w);
        checkFits(op, dims, s[2], s[3], h, w);
        return new ConvGeometry(s[0], s[1], s[2], s[3], ws[0], groups, h.kernel(), w.kernel(), h.stride(), w.stride(),
                h.padding(), w.padding(), h.dilation(), w.dilation(), h.out(s[2]), w.out(s[3]));
    }

    /** Ranks, dtypes and the weight's first dim divisible by groups: what conv and convTranspose both check first. */
    static void checkOperands(String op, int dims, Tensor x, Tensor weight, int groups) {
        checkRank(op, dims, x, "input");
        if (weight.dim() != x.dim()) {
            throw new IllegalArgumentException(op + ": Expected " + x.dim() + "-dimensional weight for " + x.dim()
                    + "-dimensional input " + Shapes.str(Internals.shape(x)) + ", but got " + weight.dim() + "-dimensional weight of size "
                    + Shapes.str(Internals.shape(weight)) + " instead");
        }
        checkFloat(op, x, "Input", weight, "weight");
        if (Internals.shape(weight)[0] % groups != 0) {
            throw new IllegalArgumentException(op + ": Given groups=" + groups + ", expected weight to be divisible by " + groups
                    + " at dimension 0, but got weight of size [" + Shapes.str(Internals.shape(weight)) + "] instead");
        }
    }

    static void checkKernel(String op, int dims, Tensor weight, Axis h, Axis w) {
        int[] ws = nchw(weight);
        if (ws[2] != h.kernel() || ws[3] != w.kernel()) {
            throw new IllegalArgumentException(op + ": weight of size " + Shapes.str(Internals.shape(weight)) + " does not have the kernel size "
                    + (dims == 1 ? "" : h.kernel() + " x ") + w.kernel() + " of the op");
        }
    }

    static Tensor dense(Tensor t) {
        return t.contiguous();
    }

    // ------------------------------------------------------------------ the three convolution ops

    /**
     * Cross-correlation, PyTorch's {@code conv1d} / {@code conv2d} (without bias):
     * {@code y[b, o, i, j] = sum_{c, p, q} w[o, c, p, q] x[b, g(o) C/G + c, i sh - ph + p dh, j sw - pw + q dw]},
     * zero outside the input. Inputs x {@code [N, C, (H,) W]} and weight {@code [OC, C/groups, (kh,) kw]}.
     */
    public record Conv(int dims, Axis h, Axis w, int groups) implements Op {
        @Override public String name() { return opName("conv", dims); }
        @Override public String attributes() { return ConvOps.attributes(dims, h, w, groups); }
        @Override public String gradFnName(Tensor[] in) { return "ConvolutionBackward0"; }
        ConvGeometry geometry(Tensor[] in) { return convGeometry(name(), dims, in[0], in[1], h, w, groups); }
        @Override public int[] shape(Tensor[] in) {
            ConvGeometry g = geometry(in);
            return spatial(dims, g.n, g.oc, g.oh, g.ow);
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] xs = s.inputShape(0);
            Variable gx = s.needsGrad(0)
                    ? Variable.apply(new ConvTranspose(dims, h, w, groups, dims == 1 ? 1 : xs[2], xs[xs.length - 1]), g, s.input(1))
                    : null;
            Variable gw = s.needsGrad(1) ? Variable.apply(new ConvWeight(dims, h, w, groups), s.input(0), g) : null;
            return new Variable[] {gx, gw};
        }
        @Override public Kernel bind(Tensor[] in, Tensor out) {
            ConvGeometry g = geometry(in);
            return (i, o) -> {
                Tensor x = dense(i[0]), wt = dense(i[1]);
                Internals.storage(o).k.conv().forward(g, Internals.storage(x).array, Internals.offset(x), Internals.storage(wt).array, Internals.offset(wt), Internals.storage(o).array, Internals.offset(o));
            };
        }
        @Override public void forward(Tensor[] in, Tensor out) { bind(in, out).run(in, out); }
    }

    /**
     * The transposed convolution, PyTorch's {@code conv_transpose1d/2d} (without bias) and the
     * gradient of {@link Conv} in its input: the adjoint of {@code x -> conv(x, w)}, so
     * {@code <conv(x, w), y> = <x, convTranspose(y, w)>}. Input y {@code [N, OC, (H',) W']},
     * weight {@code [OC, C/groups, (kh,) kw]} (conv's layout), result {@code [N, C, (outH,) outW]},
     * a size whose convolution has y's size ({@code outputPadding} picks among them).
     */
    public record ConvTranspose(int dims, Axis h, Axis w, int groups, int outH, int outW) implements Op {
        @Override public String name() { return opName("convTranspose", dims); }
        @Override public String attributes() { return ConvOps.attributes(dims, h, w, groups) + ", output=" + (dims == 1 ? "" : outH + "x") + outW; }
        @Override public String gradFnName(Tensor[] in) { return "ConvolutionBackward0"; }
        ConvGeometry geometry(Tensor[] in) {
            Tensor y = in[0], weight = in[1];
            String op = name();
            checkAxes(op, dims, h, w);
            if (groups < 1) throw new IllegalArgumentException(op + ": non-positive groups is not supported");
            if (y.dim() == weight.dim() && y.dim() == dims + 2 && Internals.shape(y)[1] != Internals.shape(weight)[0]) {
                throw new IllegalArgumentException(op + ": Given transposed=1, weight of size " + Shapes.str(Internals.shape(weight))
                        + ", expected input" + Shapes.str(Internals.shape(y)) + " to have " + Internals.shape(weight)[0] + " channels, but got " + Internals.shape(y)[1]
                        + " channels instead");
            }
            checkOperands(op, dims, y, weight, groups);
            int[] s = nchw(y), ws = nchw(weight);
            checkKernel(op, dims, weight, h, w);
            if (outH < 1 || outW < 1 || h.out(outH) != s[2] || w.out(outW) != s[3]) {
                throw new IllegalArgumentException(op + ": an output of size " + (dims == 1 ? "" : outH + " x ") + outW
                        + " does not convolve to the input's " + (dims == 1 ? "" : s[2] + " x ") + s[3] + " (got "
                        + (dims == 1 ? "" : h.out(outH) + " x ") + w.out(outW) + ")");
            }
            Math.multiplyExact(ws[1], groups);
            return new ConvGeometry(s[0], ws[1] * groups, outH, outW, ws[0], groups, h.kernel(), w.kernel(), h.stride(), w.stride(),
                    h.padding(), w.padding(), h.dilation(), w.dilation(), s[2], s[3]);
        }
        @Override public int[] shape(Tensor[] in) {
            ConvGeometry g = geometry(in);
            return spatial(dims, g.n, g.c, g.h, g.w);
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable gy = s.needsGrad(0) ? Variable.apply(new Conv(dims, h, w, groups), g, s.input(1)) : null;
            Variable gw = s.needsGrad(1) ? Variable.apply(new ConvWeight(dims, h, w, groups), g, s.input(0)) : null;
            return new Variable[] {gy, gw};
        }
        @Override public Kernel bind(Tensor[] in, Tensor out) {
            ConvGeometry g = geometry(in);
            return (i, o) -> {
                Tensor y = dense(i[0]), wt = dense(i[1]);
                Internals.storage(o).k.conv().backwardInput(g, Internals.storage(y).array, Internals.offset(y), Internals.storage(wt).array, Internals.offset(wt), Internals.storage(o).array, Internals.offset(o));
            };
        }
        @Override public void forward(Tensor[] in, Tensor out) { bind(in, out).run(in, out); }
    }

    /**
     * The gradient of {@link Conv} in its weight: for x {@code [N, C, (H,) W]} and an output
     * gradient gy {@code [N, OC, (OH,) OW]}, {@code gw[o, c, p, q] = sum_{b, i, j} gy[b, o, i, j]
     * x[b, g(o) C/G + c, i sh - ph + p dh, j sw - pw + q dw]}, of shape {@code [OC, C/groups, (kh,) kw]}:
     * the adjoint of {@code w -> conv(x, w)}.
     */
    public record ConvWeight(int dims, Axis h, Axis w, int groups) implements Op {
        @Override public String name() { return opName("convWeight", dims); }
        @Override public String attributes() { return ConvOps.attributes(dims, h, w, groups); }
        @Override public String gradFnName(Tensor[] in) { return "ConvolutionBackwardBackward0"; }
        ConvGeometry geometry(Tensor[] in) {
            Tensor x = in[0], gy = in[1];
            String op = name();
            checkAxes(op, dims, h, w);
            if (groups < 1) throw new IllegalArgumentException(op + ": non-positive groups is not supported");
            checkRank(op, dims, x, "input");
            checkRank(op, dims, gy, "output gradient");
            checkFloat(op, x, "Input", gy, "output gradient");
            int[] s = nchw(x), gs = nchw(gy);
            checkFits(op, dims, s[2], s[3], h, w);
            if (gs[0] != s[0] || s[1] % groups != 0 || gs[1] % groups != 0 || gs[2] != h.out(s[2]) || gs[3] != w.out(s[3])) {
                throw new IllegalArgumentException(op + ": an output gradient of size " + Shapes.str(Internals.shape(gy))
                        + " does not fit the convolution of an input of size " + Shapes.str(Internals.shape(x)) + " (" + attributes() + ")");
            }
            return new ConvGeometry(s[0], s[1], s[2], s[3], gs[1], groups, h.kernel(), w.kernel(), h.stride(), w.stride(),
                    h.padding(), w.padding(), h.dilation(), w.dilation(), gs[2], gs[3]);
        }
        @Override public int[] shape(Tensor[] in) {
            ConvGeometry g = geometry(in);
            return spatial(dims, g.oc, g.cg, g.kh, g.kw);
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public boolean savesInput(int i) { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable d) {
            int[] xs = s.inputShape(0);
            Variable gx = s.needsGrad(0)
                    ? Variable.apply(new ConvTranspose(dims, h, w, groups, dims == 1 ? 1 : xs[2], xs[xs.length - 1]), s.input(1), d)
                    : null;
            Variable ggy = s.needsGrad(1) ? Variable.apply(new Conv(dims, h, w, groups), s.input(0), d) : null;
            return new Variable[] {gx, ggy};
        }
        @Override public Kernel bind(Tensor[] in, Tensor out) {
            ConvGeometry g = geometry(in);
            return (i, o) -> {
                Tensor x = dense(i[0]), gy = dense(i[1]);
                Internals.storage(o).k.conv().backwardWeight(g, Internals.storage(x).array, Internals.offset(x), Internals.storage(gy).array, Internals.offset(gy), Internals.storage(o).array, Internals.offset(o));
            };
        }
        @Override public void forward(Tensor[] in, Tensor out) { bind(in, out).run(in, out); }
    }

    // ------------------------------------------------------------------ im2col and col2im

    /**
     * im2col, PyTorch's {@code F.unfold}: {@code [N, C, H, W] -> [N, C kh kw, L]}, column l = (i, j)
     * holding the window at output position (i, j): {@code out[b, (c kh + p) kw + q, i OW + j] =
     * x[b, c, i sh - ph + p dh, j sw - pw + q dw]} (0 in the padding).
     */
    public record Unfold(Axis h, Axis w) implements Op {
        @Override public String name() { return "unfold"; }
        @Override public String attributes() { return ConvOps.attributes(2, h, w, 1); }
        @Override public String gradFnName(Tensor[] in) { return "Im2ColBackward0"; }
        ConvGeometry geometry(Tensor x) {
            checkAxes(name(), 2, h, w);
            checkRank(name(), 2, x, "input");
            if (!x.dtype().isFloatingPoint()) throw new IllegalArgumentException("unfold: expected a floating point input, got " + x.dtype());
            int oh = h.out(Internals.shape(x)[2]), ow = w.out(Internals.shape(x)[3]);
            if (oh < 1 || ow < 1) {
                throw new IllegalArgumentException("unfold: Given input with spatial size (" + Internals.shape(x)[2] + ", " + Internals.shape(x)[3] + "), "
                        + windowText(h, w) + ", calculated shape of the array of sliding blocks as (" + oh + ", " + ow
                        + "), but its components must be at least one.");
            }
            return new ConvGeometry(Internals.shape(x)[0], Internals.shape(x)[1], Internals.shape(x)[2], Internals.shape(x)[3], 1, 1, h.kernel(), w.kernel(), h.stride(), w.stride(),
                    h.padding(), w.padding(), h.dilation(), w.dilation(), oh, ow);
        }
        @Override public int[] shape(Tensor[] in) {
            ConvGeometry g = geometry(in[0]);
            return new int[] {g.n, Math.multiplyExact(g.c, g.kh * g.kw), g.ohw};
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] xs = s.inputShape(0);
            return new Variable[] {Variable.apply(new Fold(h, w, xs[2], xs[3]), g)};
        }
        @Override public Kernel bind(Tensor[] in, Tensor out) {
            ConvGeometry g = geometry(in[0]);
            return (i, o) -> {
                Tensor x = dense(i[0]);
                Internals.storage(o).k.conv().im2col(g, Internals.storage(x).array, Internals.offset(x), Internals.storage(o).array, Internals.offset(o));
            };
        }
        @Override public void forward(Tensor[] in, Tensor out) { bind(in, out).run(in, out); }
    }

    /**
     * col2im, PyTorch's {@code F.fold}: {@code [N, C kh kw, L] -> [N, C, outH, outW]}, the adjoint
     * of {@link Unfold}: every column element is added into the output position it came from.
     */
    public record Fold(Axis h, Axis w, int outH, int outW) implements Op {
        @Override public String name() { return "fold"; }
        @Override public String attributes() { return ConvOps.attributes(2, h, w, 1) + ", output=" + outH + "x" + outW; }
        @Override public String gradFnName(Tensor[] in) { return "Col2ImBackward0"; }
        ConvGeometry geometry(Tensor x) {
            checkAxes(name(), 2, h, w);
            if (x.dim() != 3) {
                throw new IllegalArgumentException("fold: Expected 3-D (batched) input tensor, but got input of size " + Shapes.str(Internals.shape(x)));
            }
            if (!x.dtype().isFloatingPoint()) throw new IllegalArgumentException("fold: expected a floating point input, got " + x.dtype());
            long kk = (long) h.kernel() * w.kernel();
            if (Internals.shape(x)[1] % kk != 0) {
                throw new IllegalArgumentException("fold: Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
                        + "but got input.size(1)=" + Internals.shape(x)[1] + " and kernel_size=(" + h.kernel() + ", " + w.kernel() + ")");
            }
            int oh = h.out(outH), ow = w.out(outW);
            if (outH < 1 || outW < 1 || oh < 1 || ow < 1 || (long) oh * ow != Internals.shape(x)[2]) {
                throw new IllegalArgumentException("fold: Given output_size=(" + outH + ", " + outW + "), " + windowText(h, w)
                        + ", stride=(" + h.stride() + ", " + w.stride() + "), expected size of input's dimension 2 to match the calculated "
                        + "number of sliding blocks " + oh + " * " + ow + " = " + (long) oh * ow + ", but got input.size(2)=" + Internals.shape(x)[2] + ".");
            }
            return new ConvGeometry(Internals.shape(x)[0], (int) (Internals.shape(x)[1] / kk), outH, outW, 1, 1, h.kernel(), w.kernel(), h.stride(), w.stride(),
                    h.padding(), w.padding(), h.dilation(), w.dilation(), oh, ow);
        }
        @Override public int[] shape(Tensor[] in) {
            ConvGeometry g = geometry(in[0]);
            return new int[] {g.n, g.c, g.h, g.w};
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            return new Variable[] {Variable.apply(new Unfold(h, w), g)};
        }
        @Override public Kernel bind(Tensor[] in, Tensor out) {
            ConvGeometry g = geometry(in[0]);
            return (i, o) -> {
                Tensor x = dense(i[0]);
                Internals.storage(o).k.conv().col2im(g, Internals.storage(x).array, Internals.offset(x), Internals.storage(o).array, Internals.offset(o));
            };
        }
        @Override public void forward(Tensor[] in, Tensor out) { bind(in, out).run(in, out); }
    }

    // ------------------------------------------------------------------ helpers

    static String windowText(Axis h, Axis w) {
        return "kernel_size=(" + h.kernel() + ", " + w.kernel() + "), dilation=(" + h.dilation() + ", " + w.dilation() + "), padding=("
                + h.padding() + ", " + w.padding() + ")";
    }

    /** A result shape {@code [a, b, (h,) w]}. */
    static int[] spatial(int dims, int a, int b, int h, int w) {
        return dims == 1 ? new int[] {a, b, w} : new int[] {a, b, h, w};
    }

    static String attributes(int dims, Axis h, Axis w, int groups) {
        String s = dims == 1
                ? "kernel=" + w.kernel() + ", stride=" + w.stride() + ", padding=" + w.padding() + ", dilation=" + w.dilation()
                : "kernel=" + h.kernel() + "x" + w.kernel() + ", stride=" + h.stride() + "x" + w.stride() + ", padding=" + h.padding() + "x"
                        + w.padding() + ", dilation=" + h.dilation() + "x" + w.dilation();
        return groups == 1 ? s : s + ", groups=" + groups;
    }
}
