package io.simdgrad.core.nn;

import io.simdgrad.core.LossOps;
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

    // --- activations (ElementwiseOps)

    /** GELU, {@code x * Phi(x)} (F.gelu). */
    public static Variable gelu(Variable x) {
        return x.gelu();
    }

    /** GELU, exact ("none") or its "tanh" approximation (F.gelu). */
    public static Variable gelu(Variable x, String approximate) {
        return x.gelu(approximate);
    }

    /** {@code x * sigmoid(x)} (F.silu). */
    public static Variable silu(Variable x) {
        return x.silu();
    }

    /** {@code x * tanh(softplus(x))} (F.mish). */
    public static Variable mish(Variable x) {
        return x.mish();
    }

    /** {@code log(1 + exp(x))}, linear above 20 (F.softplus). */
    public static Variable softplus(Variable x) {
        return x.softplus();
    }

    /** {@code beta x > threshold ? x : log(1 + exp(beta x)) / beta} (F.softplus). */
    public static Variable softplus(Variable x, double beta, double threshold) {
        return x.softplus(beta, threshold);
    }

    /** ELU with alpha 1 (F.elu). */
    public static Variable elu(Variable x) {
        return x.elu();
    }

    /** {@code x > 0 ? x : alpha (exp(x) - 1)} (F.elu). */
    public static Variable elu(Variable x, double alpha) {
        return x.elu(alpha);
    }

    /** SELU (F.selu). */
    public static Variable selu(Variable x) {
        return x.selu();
    }

    /** Leaky ReLU with slope 0.01 (F.leaky_relu). */
    public static Variable leakyRelu(Variable x) {
        return x.leakyRelu();
    }

    /** {@code x > 0 ? x : negativeSlope * x} (F.leaky_relu). */
    public static Variable leakyRelu(Variable x, double negativeSlope) {
        return x.leakyRelu(negativeSlope);
    }

    /** {@code clamp(x, -1, 1)} with hardtanh's gradient (F.hardtanh). */
    public static Variable hardtanh(Variable x) {
        return x.hardtanh();
    }

    /** {@code clamp(x, minVal, maxVal)}, gradient 0 at the bounds (F.hardtanh). */
    public static Variable hardtanh(Variable x, double minVal, double maxVal) {
        return x.hardtanh(minVal, maxVal);
    }

    /** {@code hardtanh(x, 0, 6)} (F.relu6). */
    public static Variable relu6(Variable x) {
        return x.relu6();
    }

    /** {@code x * relu6(x + 3) / 6} (F.hardswish). */
    public static Variable hardswish(Variable x) {
        return x.hardswish();
    }

    /** {@code relu6(x + 3) / 6} (F.hardsigmoid). */
    public static Variable hardsigmoid(Variable x) {
        return x.hardsigmoid();
    }

    /** {@code log(sigmoid(x))} (F.logsigmoid). */
    public static Variable logsigmoid(Variable x) {
        return x.logsigmoid();
    }

    /** {@code x - tanh(x)} (F.tanhshrink). */
    public static Variable tanhshrink(Variable x) {
        return x.sub(x.tanh());
    }

    /** {@code x / (1 + |x|)} (F.softsign). */
    public static Variable softsign(Variable x) {
        return x.div(x.abs().add(1.0));
    }
}
