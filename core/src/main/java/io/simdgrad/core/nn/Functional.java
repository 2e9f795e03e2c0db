package io.simdgrad.core.nn;

import io.simdgrad.core.ConvOps;
import io.simdgrad.core.LossOps;
import io.simdgrad.core.PoolOps;
import io.simdgrad.core.Reduction;
import io.simdgrad.core.Shapes;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;

/**
 * Neural-network functions on {@link Variable}s, after {@code torch.nn.functional}: each is a
 * composition of differentiable ops, so gradients (and gradients of gradients) follow.
 */
public final class Functional {
    private Functional() {}

    /** {@code x @ weight^T + bias}, like torch.nn.functional.linear; weight is [out, in], bias [out] or null. */
    public static Variable linear(Variable x, Variable weight, Variable bias) {
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("linear: weight must be 2-D [out_features, in_features], got shape "
                    + Shapes.str(weight.shape()));
        }
        Variable y = x.matmul(weight.t());
        return bias == null ? y : y.add(bias);
    }

    /** Mean squared error {@code mean((input - target)^2)}; shapes must be equal. */
    public static Variable mseLoss(Variable input, Variable target) {
        if (!java.util.Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("mseLoss: input shape " + Shapes.str(input.shape()) + " and target shape "
                    + Shapes.str(target.shape()) + " must be equal");
        }
        return input.sub(target).square().mean();
    }

    /**
     * The negative log-likelihood of class indices {@code target} (int64) under log-probabilities
     * {@code input} ([N, C], [C] or [N, C, d1, ...]), the mean over the batch; PyTorch's
     * {@code F.nll_loss}. The labels are an operand, not read into Java: a compiled step
     * replays with new labels.
     */
    public static Variable nllLoss(Variable input, Tensor target) {
        return nllLoss(input, target, Reduction.MEAN, LossOps.DEFAULT_IGNORE_INDEX);
    }

    /** {@link #nllLoss(Variable, Tensor)} with a reduction and an ignored class index (PyTorch's {@code ignore_index}, default -100). */
    public static Variable nllLoss(Variable input, Tensor target, Reduction reduction, long ignoreIndex) {
        if (target == null) throw new NullPointerException("nllLoss: target is null");
        return Variable.apply(new LossOps.NllLoss(reduction, ignoreIndex), input, new Variable(target));
    }

    /**
     * Cross-entropy of {@code logits} ([N, C], [C] or [N, C, d1, ...]) against class indices
     * {@code targets} (int64), the mean over the batch: {@code nllLoss(logSoftmax(logits, 1), targets)},
     * PyTorch's {@code F.cross_entropy}; stable for large logits.
     */
    public static Variable crossEntropy(Variable logits, Tensor targets) {
        return crossEntropy(logits, targets, Reduction.MEAN, LossOps.DEFAULT_IGNORE_INDEX);
    }

    /** {@link #crossEntropy(Variable, Tensor)} with a reduction and an ignored class index. */
    public static Variable crossEntropy(Variable logits, Tensor targets, Reduction reduction, long ignoreIndex) {
        if (targets == null) throw new NullPointerException("crossEntropy: targets is null");
        if (logits.dim() == 0) throw new IllegalArgumentException("crossEntropy: input must have at least 1 dimension, got a 0-d tensor");
        if (targets.dtype() != io.simdgrad.core.DType.INT64) {
            throw new IllegalArgumentException("crossEntropy: expected targets of dtype int64 (class indices), got " + targets.dtype()
                    + "; convert labels with to(DType.INT64)");
        }
        return nllLoss(logits.logSoftmax(logits.dim() == 1 ? 0 : 1), targets, reduction, ignoreIndex);
    }

    /** Softmax over a dim. */
    public static Variable softmax(Variable x, int dim) {
        return x.softmax(dim);
    }

    /** Log-softmax over a dim. */
    public static Variable logSoftmax(Variable x, int dim) {
        return x.logSoftmax(dim);
    }

    /** {@code max(x, 0)}. */
    public static Variable relu(Variable x) {
        return x.relu();
    }

    /** Class indices as an INT64 tensor, a convenience for {@link #crossEntropy}. */
    public static Tensor labels(long... classes) {
        return Tensor.of(classes);
    }

    // --- convolution and pooling (ConvOps, PoolOps)

    /** Max pooling's values and the flat index within its plane of each maximum (PyTorch's {@code return_indices=True}). */
    public record MaxPoolResult(Variable values, Tensor indices) {}

    /**
     * An int or a pair given as {@code {v}} or {@code {a, b}}: {@code {a, b}}; for a 1-D op
     * {@code {h, v}} with the height axis's neutral value (0 for paddings, else 1).
     */
    private static int[] pair(String op, String name, int[] v, int dims) {
        if (v == null) throw new NullPointerException(op + ": " + name + " is null");
        int flat = name.endsWith("adding") ? 0 : 1;
        if (v.length == 1) return dims == 1 ? new int[] {flat, v[0]} : new int[] {v[0], v[0]};
        if (v.length != dims) {
            throw new IllegalArgumentException(op + ": expected " + name + " to be a single integer value or a list of " + dims
                    + " values to match the " + dims + "-D op, but got " + name + "=" + java.util.Arrays.toString(v));
        }
        return dims == 1 ? new int[] {flat, v[0]} : v.clone();
    }

    private static void checkInputRank(String op, Variable input, int dims) {
        if (input.dim() != dims + 1 && input.dim() != dims + 2) {
            throw new IllegalArgumentException(op + ": Expected " + (dims + 1) + "D (unbatched) or " + (dims + 2) + "D (batched) input to "
                    + op + ", but got input of size: " + Shapes.str(input.shape()));
        }
    }

    private static Variable addBias(String op, Variable y, Variable weight, Variable bias, int channels, int dims) {
        if (bias == null) return y;
        if (bias.dim() != 1 || bias.size(0) != channels) {
            throw new IllegalArgumentException(op + ": Given weight of size " + Shapes.str(weight.shape()) + ", expected bias to be 1-dimensional with "
                    + channels + " elements, but got bias of size " + Shapes.str(bias.shape()) + " instead");
        }
        return y.add(dims == 1 ? bias.view(1, channels, 1) : bias.view(1, channels, 1, 1));
    }

    private static ConvOps.Axis axis(int[] k, int[] s, int[] p, int[] d, int i) {
        return new ConvOps.Axis(k[i], s[i], p[i], d[i]);
    }

    /** The convolution of a batched or unbatched input, in {@code dims} spatial dims, with symmetric padding {@code p}. */
    private static Variable conv(int dims, Variable input, Variable weight, Variable bias, int[] stride, int[] padding, int[] dilation, int groups) {
        String op = "conv" + dims + "d";
        if (input == null || weight == null) throw new NullPointerException(op + ": input or weight is null");
        checkInputRank(op, input, dims);
        boolean unbatched = input.dim() == dims + 1;
        Variable x = unbatched ? input.unsqueeze(0) : input;
        int[] s = pair(op, "stride", stride, dims), p = pair(op, "padding", padding, dims), d = pair(op, "dilation", dilation, dims);
        int[] ws = weight.shape();
        if (weight.dim() != dims + 2) {
            throw new IllegalArgumentException(op + ": Expected " + (dims + 2) + "-dimensional weight for " + (dims + 2)
                    + "-dimensional input " + Shapes.str(x.shape()) + ", but got " + weight.dim() + "-dimensional weight of size "
                    + Shapes.str(ws) + " instead");
        }
        int[] k = dims == 1 ? new int[] {1, ws[2]} : new int[] {ws[2], ws[3]};
        Variable y = Variable.apply(new ConvOps.Conv(dims, axis(k, s, p, d, 0), axis(k, s, p, d, 1), groups), x, weight);
        y = addBias(op, y, weight, bias, ws[0], dims);
        return unbatched ? y.squeeze(0) : y;
    }

    /** {@code padding="same"} or {@code "valid"}: the symmetric padding, after padding the input on the right where the total is odd. */
    private static Variable convPadded(int dims, Variable input, Variable weight, Variable bias, int[] stride, String padding, int[] dilation,
                                       int groups) {
        String op = "conv" + dims + "d";
        if (padding == null) throw new NullPointerException(op + ": padding is null");
        if (padding.equals("valid")) return conv(dims, input, weight, bias, stride, new int[] {0}, dilation, groups);
        if (!padding.equals("same")) {
            throw new IllegalArgumentException(op + ": Invalid padding string: '" + padding + "' (expected 'same' or 'valid')");
        }
        int[] s = pair(op, "stride", stride, dims), d = pair(op, "dilation", dilation, dims);
        if (s[0] != 1 || s[1] != 1) throw new IllegalArgumentException(op + ": padding='same' is not supported for strided convolutions");
        if (weight == null || input == null) throw new NullPointerException(op + ": input or weight is null");
        if (weight.dim() != dims + 2) return conv(dims, input, weight, bias, stride, new int[] {0}, dilation, groups); // its message
        int[] ws = weight.shape();
        int[] k = dims == 1 ? new int[] {1, ws[2]} : new int[] {ws[2], ws[3]};
        int[] left = new int[2], extra = new int[2];
        for (int i = 0; i < 2; i++) {
            int total = Math.multiplyExact(d[i], k[i] - 1);
            left[i] = total / 2;
            extra[i] = total - 2 * left[i];
        }
        Variable x = input;
        if (extra[0] != 0 || extra[1] != 0) {
            checkInputRank(op, input, dims);
            x = Variable.apply(new PoolOps.Pad(dims, 0, extra[1], 0, extra[0], PoolOps.PadMode.CONSTANT, 0), input);
        }
        return conv(dims, x, weight, bias, stride, dims == 1 ? new int[] {left[1]} : left, dilation, groups);
    }

    /**
     * 2-D cross-correlation, PyTorch's {@code F.conv2d}: input {@code [N, C, H, W]} (or unbatched
     * {@code [C, H, W]}), weight {@code [OC, C/groups, kh, kw]}, bias {@code [OC]} or null;
     * {@code y[b, o, i, j] = bias[o] + sum_{c, p, q} w[o, c, p, q] x[b, g C/G + c, i sh - ph + p dh, j sw - pw + q dw]}
     * for o in group g, zero padding. stride, padding, dilation: one value or (h, w).
     * {@code groups == C == OC/m} is the depthwise convolution.
     */
    public static Variable conv2d(Variable input, Variable weight, Variable bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return conv(2, input, weight, bias, stride, padding, dilation, groups);
    }

    /** {@link #conv2d(Variable, Variable, Variable, int[], int[], int[], int)} with {@code padding} "same" (output size = input size; stride 1) or "valid" (none). */
    public static Variable conv2d(Variable input, Variable weight, Variable bias, int[] stride, String padding, int[] dilation, int groups) {
        return convPadded(2, input, weight, bias, stride, padding, dilation, groups);
    }

    /** {@code F.conv2d(input, weight)}: stride 1, no padding, no bias. */
    public static Variable conv2d(Variable input, Variable weight) {
        return conv2d(input, weight, null, new int[] {1}, new int[] {0}, new int[] {1}, 1);
    }

    /** 1-D cross-correlation, PyTorch's {@code F.conv1d}: input {@code [N, C, L]} (or {@code [C, L]}), weight {@code [OC, C/groups, k]}, bias {@code [OC]} or null. */
    public static Variable conv1d(Variable input, Variable weight, Variable bias, int stride, int padding, int dilation, int groups) {
        return conv(1, input, weight, bias, new int[] {stride}, new int[] {padding}, new int[] {dilation}, groups);
    }

    /** {@link #conv1d(Variable, Variable, Variable, int, int, int, int)} with {@code padding} "same" or "valid". */
    public static Variable conv1d(Variable input, Variable weight, Variable bias, int stride, String padding, int dilation, int groups) {
        return convPadded(1, input, weight, bias, new int[] {stride}, padding, new int[] {dilation}, groups);
    }

    private static Variable convTranspose(int dims, Variable input, Variable weight, Variable bias, int[] stride, int[] padding, int[] outputPadding,
                                          int groups, int[] dilation) {
        String op = "convTranspose" + dims + "d";
        if (input == null || weight == null) throw new NullPointerException(op + ": input or weight is null");
        checkInputRank(op, input, dims);
        boolean unbatched = input.dim() == dims + 1;
        Variable x = unbatched ? input.unsqueeze(0) : input;
        int[] s = pair(op, "stride", stride, dims), p = pair(op, "padding", padding, dims), d = pair(op, "dilation", dilation, dims);
        int[] op2 = pair(op, "outputPadding", outputPadding, dims);
        if (weight.dim() != dims + 2) {
            throw new IllegalArgumentException(op + ": Expected " + (dims + 2) + "-dimensional weight for " + (dims + 2)
                    + "-dimensional input " + Shapes.str(x.shape()) + ", but got " + weight.dim() + "-dimensional weight of size "
                    + Shapes.str(weight.shape()) + " instead");
        }
        for (int i = 0; i < 2; i++) {
            if (op2[i] < 0 || (op2[i] >= s[i] && op2[i] >= d[i])) {
                throw new IllegalArgumentException(op + ": output padding must be smaller than either stride or dilation, but got "
                        + (dims == 1 ? "output_padding: " + op2[1] + " stride: " + s[1] + " dilation: " + d[1]
                        : "output_padding_height: " + op2[0] + " output_padding_width: " + op2[1] + " stride_height: " + s[0]
                        + " stride_width: " + s[1] + " dilation_height: " + d[0] + " dilation_width: " + d[1]));
            }
        }
        int[] ws = weight.shape(), xs = x.shape();
        int[] k = dims == 1 ? new int[] {1, ws[2]} : new int[] {ws[2], ws[3]};
        int[] in = dims == 1 ? new int[] {1, xs[2]} : new int[] {xs[2], xs[3]};
        int[] out = new int[2];
        for (int i = 0; i < 2; i++) {
            long o = ((long) in[i] - 1) * s[i] - 2L * p[i] + (long) d[i] * (k[i] - 1) + op2[i] + 1;
            if (o < 1 || o > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(op + ": Given input size per channel: " + Shapes.str(in) + ", calculated output size "
                        + o + " is too small");
            }
            out[i] = (int) o;
        }
        Variable y = Variable.apply(new ConvOps.ConvTranspose(dims, axis(k, s, p, d, 0), axis(k, s, p, d, 1), groups, out[0], out[1]), x, weight);
        y = addBias(op, y, weight, bias, Math.multiplyExact(ws[1], groups), dims);
        return unbatched ? y.squeeze(0) : y;
    }

    /**
     * The 2-D transposed convolution, PyTorch's {@code F.conv_transpose2d}: input {@code [N, C, H, W]},
     * weight {@code [C, OC/groups, kh, kw]}, bias {@code [OC]} or null; the gradient of
     * {@link #conv2d} with respect to its input, output size {@code (H - 1) s - 2p + d (k - 1) + outputPadding + 1}.
     */
    public static Variable convTranspose2d(Variable input, Variable weight, Variable bias, int[] stride, int[] padding, int[] outputPadding,
                                           int groups, int[] dilation) {
        return convTranspose(2, input, weight, bias, stride, padding, outputPadding, groups, dilation);
    }

    /** The 1-D transposed convolution, PyTorch's {@code F.conv_transpose1d}. */
    public static Variable convTranspose1d(Variable input, Variable weight, Variable bias, int stride, int padding, int outputPadding,
                                           int groups, int dilation) {
        return convTranspose(1, input, weight, bias, new int[] {stride}, new int[] {padding}, new int[] {outputPadding}, groups, new int[] {dilation});
    }

    private static void checkPoolRank(String op, Variable input, int dims) {
        if (input == null) throw new NullPointerException(op + ": input is null");
        if (input.dim() != dims + 1 && input.dim() != dims + 2) {
            throw new IllegalArgumentException(op + ": Expected " + (dims + 1) + "D or " + (dims + 2) + "D (batch mode) tensor for input, got "
                    + Shapes.str(input.shape()));
        }
    }

    private static MaxPoolResult maxPool(int dims, Variable input, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        String op = "maxPool" + dims + "d";
        checkPoolRank(op, input, dims);
        int[] k = pair(op, "kernelSize", kernel, dims);
        int[] s = stride == null || stride.length == 0 ? k : pair(op, "stride", stride, dims);
        int[] p = pair(op, "padding", padding, dims), d = pair(op, "dilation", dilation, dims);
        PoolOps.MaxPoolIndices at = new PoolOps.MaxPoolIndices(dims, axis(k, s, p, d, 0), axis(k, s, p, d, 1), ceilMode);
        Variable idx = Variable.apply(at, input);
        return new MaxPoolResult(Variable.apply(new PoolOps.PlaneGather(dims), input, idx), idx.data());
    }

    /**
     * 2-D max pooling, PyTorch's {@code F.max_pool2d}: the largest element of each window
     * {@code x[.., i s - p + a d, j s - p + b d]} (padding never wins); stride null or empty = the
     * kernel size; {@code ceilMode} rounds the output size up. Where a window holds equal maxima
     * the first (row by row) gets the gradient; a NaN wins.
     */
    public static Variable maxPool2d(Variable input, int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        return maxPool(2, input, kernelSize, stride, padding, dilation, ceilMode).values();
    }

    /** {@link #maxPool2d} with stride = kernel size, no padding. */
    public static Variable maxPool2d(Variable input, int kernelSize) {
        return maxPool2d(input, new int[] {kernelSize}, null, new int[] {0}, new int[] {1}, false);
    }

    /** {@link #maxPool2d} also returning the indices ({@code return_indices=True}): flat within each H x W plane. */
    public static MaxPoolResult maxPool2dWithIndices(Variable input, int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        return maxPool(2, input, kernelSize, stride, padding, dilation, ceilMode);
    }

    /** 1-D max pooling, PyTorch's {@code F.max_pool1d}; stride 0 = the kernel size. */
    public static Variable maxPool1d(Variable input, int kernelSize, int stride, int padding, int dilation, boolean ceilMode) {
        return maxPool1dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode).values();
    }

    /** {@link #maxPool1d} also returning the indices. */
    public static MaxPoolResult maxPool1dWithIndices(Variable input, int kernelSize, int stride, int padding, int dilation, boolean ceilMode) {
        return maxPool(1, input, new int[] {kernelSize}, stride == 0 ? null : new int[] {stride}, new int[] {padding}, new int[] {dilation}, ceilMode);
    }

    /**
     * 2-D average pooling, PyTorch's {@code F.avg_pool2d}: the mean of each window
     * {@code [i s - p, i s - p + k)}, divided by its size within the padded input
     * ({@code countIncludePad}) or within the input, or by {@code divisorOverride} when it is positive;
     * stride null or empty = the kernel size.
     */
    public static Variable avgPool2d(Variable input, int[] kernelSize, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad,
                                     int divisorOverride) {
        checkPoolRank("avgPool2d", input, 2);
        int[] k = pair("avgPool2d", "kernelSize", kernelSize, 2);
        int[] s = stride == null || stride.length == 0 ? k : pair("avgPool2d", "stride", stride, 2);
        int[] p = pair("avgPool2d", "padding", padding, 2), d = {1, 1};
        if (divisorOverride < 0) throw new IllegalArgumentException("avgPool2d: divisor must be not zero, got " + divisorOverride);
        PoolOps.Pooled w = new PoolOps.Pooled(axis(k, s, p, d, 0), axis(k, s, p, d, 1), ceilMode, countIncludePad, divisorOverride);
        return Variable.apply(new PoolOps.AvgPool(2, w), input);
    }

    /** {@link #avgPool2d} with stride = kernel size, no padding. */
    public static Variable avgPool2d(Variable input, int kernelSize) {
        return avgPool2d(input, new int[] {kernelSize}, null, new int[] {0}, false, true, 0);
    }

    /** 1-D average pooling, PyTorch's {@code F.avg_pool1d}; stride 0 = the kernel size. */
    public static Variable avgPool1d(Variable input, int kernelSize, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        checkPoolRank("avgPool1d", input, 1);
        ConvOps.Axis w = new ConvOps.Axis(kernelSize, stride == 0 ? kernelSize : stride, padding, 1);
        return Variable.apply(new PoolOps.AvgPool(1, new PoolOps.Pooled(ConvOps.Axis.FLAT, w, ceilMode, countIncludePad, 0)), input);
    }

    /** Adaptive 2-D average pooling, PyTorch's {@code F.adaptive_avg_pool2d}: output (oh, ow), window i = {@code [floor(i H / oh), ceil((i + 1) H / oh))}. */
    public static Variable adaptiveAvgPool2d(Variable input, int[] outputSize) {
        checkPoolRank("adaptiveAvgPool2d", input, 2);
        int[] o = pair("adaptiveAvgPool2d", "outputSize", outputSize, 2);
        return Variable.apply(new PoolOps.AvgPool(2, new PoolOps.Adaptive(o[0], o[1])), input);
    }

    /** Adaptive 1-D average pooling, PyTorch's {@code F.adaptive_avg_pool1d}. */
    public static Variable adaptiveAvgPool1d(Variable input, int outputSize) {
        checkPoolRank("adaptiveAvgPool1d", input, 1);
        return Variable.apply(new PoolOps.AvgPool(1, new PoolOps.Adaptive(1, outputSize)), input);
    }

    /**
     * Pads the last one or two dims, PyTorch's {@code F.pad}: {@code pad = (left, right)} or
     * {@code (left, right, top, bottom)}; mode "constant" (with {@code value}; negative pads
     * crop), "reflect" (mirrored without the edge, pads smaller than the size) or "replicate" (edge repeated).
     */
    public static Variable pad(Variable input, int[] pad, String mode, double value) {
        if (input == null || pad == null || mode == null) throw new NullPointerException("pad: input, pad or mode is null");
        PoolOps.PadMode m = PoolOps.PadMode.of(mode);
        if (pad.length % 2 != 0) throw new IllegalArgumentException("pad: Padding length must be divisible by 2");
        if (pad.length / 2 > input.dim()) {
            throw new IllegalArgumentException("pad: Padding length should be less than or equal to two times the input dimension but got padding length "
                    + pad.length + " and input of dimension " + input.dim());
        }
        if (pad.length != 2 && pad.length != 4) {
            throw new IllegalArgumentException("pad: padding the last " + pad.length / 2 + " dims is not supported; expected a padding length of 2 or 4, got "
                    + pad.length);
        }
        if (m != PoolOps.PadMode.CONSTANT && value != 0) {
            throw new IllegalArgumentException("pad: Padding mode \"" + mode + "\" doesn't take in value argument");
        }
        int dims = pad.length / 2;
        return Variable.apply(new PoolOps.Pad(dims, pad[0], pad[1], dims == 2 ? pad[2] : 0, dims == 2 ? pad[3] : 0, m, value), input);
    }

    /** {@link #pad(Variable, int[], String, double)} with zeros. */
    public static Variable pad(Variable input, int[] pad) {
        return pad(input, pad, "constant", 0);
    }

    /**
     * im2col, PyTorch's {@code F.unfold}: {@code [N, C, H, W] -> [N, C kh kw, L]}, L the number of
     * window positions; column l holds the window at position l (row-major), zero padded.
     */
    public static Variable unfold(Variable input, int[] kernelSize, int[] dilation, int[] padding, int[] stride) {
        if (input == null) throw new NullPointerException("unfold: input is null");
        int[] k = pair("unfold", "kernelSize", kernelSize, 2), d = pair("unfold", "dilation", dilation, 2);
        int[] p = pair("unfold", "padding", padding, 2), s = pair("unfold", "stride", stride, 2);
        boolean unbatched = input.dim() == 3;
        Variable x = unbatched ? input.unsqueeze(0) : input;
        Variable y = Variable.apply(new ConvOps.Unfold(axis(k, s, p, d, 0), axis(k, s, p, d, 1)), x);
        return unbatched ? y.squeeze(0) : y;
    }

    /** col2im, PyTorch's {@code F.fold}: {@code [N, C kh kw, L] -> [N, C, outH, outW]}, the adjoint of {@link #unfold} (overlaps add up). */
    public static Variable fold(Variable input, int[] outputSize, int[] kernelSize, int[] dilation, int[] padding, int[] stride) {
        if (input == null) throw new NullPointerException("fold: input is null");
        int[] o = pair("fold", "outputSize", outputSize, 2), k = pair("fold", "kernelSize", kernelSize, 2), d = pair("fold", "dilation", dilation, 2);
        int[] p = pair("fold", "padding", padding, 2), s = pair("fold", "stride", stride, 2);
        boolean unbatched = input.dim() == 2;
        Variable x = unbatched ? input.unsqueeze(0) : input;
        Variable y = Variable.apply(new ConvOps.Fold(axis(k, s, p, d, 0), axis(k, s, p, d, 1), o[0], o[1]), x);
        return unbatched ? y.squeeze(0) : y;
    }
}
