package io.simdgrad.core.nn;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Reduction;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.ops.ConvOps;
import io.simdgrad.core.ops.IndexOps;
import io.simdgrad.core.ops.LossOps;
import io.simdgrad.core.ops.NormOps;
import io.simdgrad.core.ops.Ops;
import io.simdgrad.core.ops.PoolOps;
import io.simdgrad.core.ops.Shapes;

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
        // 2-D input with a bias of its dtype: one addmm, as PyTorch (no intermediate product); else matmul and add
        if (bias != null && Ops.Linear.takes(x.data(), weight.data(), bias.data())) {
            return Variable.apply(Ops.Linear.INSTANCE, x, weight, bias);
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
        if (targets.dtype() != DType.INT64) {
            throw new IllegalArgumentException("crossEntropy: expected targets of dtype int64 (class indices), got " + targets.dtype()
                    + "; convert labels with to(DType.INT64)");
        }
        return crossEntropy(logits, targets, null, reduction, ignoreIndex, 0);
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

    // --- indexing (IndexOps)

    /**
     * Rows of {@code weight} ([numEmbeddings, dim]) at the INT64 indices {@code input} (any
     * shape), of shape {@code input.shape + [dim]}: PyTorch's {@code F.embedding}. The indices are
     * an operand (a compiled step replays on new ones); the gradient adds each row's gradient
     * into the weight row it came from.
     */
    public static Variable embedding(Tensor input, Variable weight) {
        return embedding(input, weight, IndexOps.NO_SKIP);
    }

    /**
     * {@link #embedding(Tensor, Variable)} whose row {@code paddingIdx} (negative counts from the
     * end, as PyTorch's {@code padding_idx}) receives no gradient.
     */
    public static Variable embedding(Tensor input, Variable weight, long paddingIdx) {
        if (input == null) throw new NullPointerException("embedding: input is null");
        if (weight.dim() != 2) throw new IllegalArgumentException("embedding: 'weight' must be 2-D, got shape " + Shapes.str(weight.shape()));
        int rows = weight.size(0);
        long pad = paddingIdx;
        if (pad != IndexOps.NO_SKIP) {
            if (pad >= rows || pad < -rows) {
                throw new IllegalArgumentException("embedding: Padding_idx must be within num_embeddings (paddingIdx " + paddingIdx
                        + ", num_embeddings " + rows + ")");
            }
            if (pad < 0) pad += rows;
        }
        int[] shape = java.util.Arrays.copyOf(input.shape(), input.dim() + 1);
        shape[input.dim()] = weight.size(1);
        Variable flat = new Variable(input.reshape(input.numel()));
        return Variable.apply(new IndexOps.IndexSelect(0, pad), weight, flat).reshape(shape);
    }

    /** One-hot INT64 rows of {@code labels} (INT64), shape {@code labels.shape + [numClasses]}: PyTorch's {@code F.one_hot}. */
    public static Tensor oneHot(Tensor labels, int numClasses) {
        return labels.op(new IndexOps.OneHot(numClasses));
    }

    /** {@link io.simdgrad.core.OpMethods#dropout}: PyTorch's {@code F.dropout(x, p, training)} with the mask drawn from {@code gen}. */
    public static Variable dropout(Variable x, double p, boolean training, Generator gen) {
        return x.dropout(p, training, gen);
    }
    // --- normalisation

    /** The product of the trailing dims {@code normalizedShape} of {@code x}, checked (PyTorch's message). */
    private static int trailing(String op, Variable x, int[] normalizedShape) {
        int[] xs = x.shape();
        int k = normalizedShape.length;
        boolean ok = k >= 1 && xs.length >= k;
        for (int i = 0; ok && i < k; i++) ok = xs[xs.length - k + i] == normalizedShape[i];
        if (!ok) {
            throw new IllegalArgumentException(op + ": Given normalized_shape=" + Shapes.str(normalizedShape) + ", expected input with shape [*"
                    + (k == 0 ? "" : ", " + Shapes.str(normalizedShape).substring(1, Shapes.str(normalizedShape).length() - 1))
                    + "], but got input of size" + Shapes.str(xs));
        }
        return Shapes.numel(normalizedShape);
    }

    private static void affineShape(String op, String what, Variable p, int[] want) {
        if (p != null && !java.util.Arrays.equals(p.shape(), want)) {
            throw new IllegalArgumentException(op + ": expected " + what + " of shape " + Shapes.str(want) + ", got " + Shapes.str(p.shape()));
        }
    }

    /** {@code (x - mean) / sqrt(var + eps)} over dim 1 of a 2-D view (biased variance, as the norms use). */
    private static Variable standardize(Variable rows, double eps) {
        Variable c = rows.sub(rows.mean(1, true));
        return c.mul(c.square().mean(1, true).add(eps).sqrt().reciprocal());
    }

    /**
     * Layer normalisation over the trailing dims {@code normalizedShape}, PyTorch's
     * {@code F.layer_norm}: {@code (x - E[x]) / sqrt(Var[x] + eps) * weight + bias}, the mean and
     * the biased variance over those dims; weight and bias (of {@code normalizedShape}) may be null.
     * One op ({@link NormOps.LayerNorm}) with fused forward and backward kernels.
     */
    public static Variable layerNorm(Variable x, int[] normalizedShape, Variable weight, Variable bias, double eps) {
        int m = trailing("layerNorm", x, normalizedShape);
        affineShape("layerNorm", "weight", weight, normalizedShape);
        affineShape("layerNorm", "bias", bias, normalizedShape);
        java.util.List<Variable> in = new java.util.ArrayList<>(3);
        in.add(x);
        if (weight != null) in.add(weight);
        if (bias != null) in.add(bias);
        return Variable.apply(new NormOps.LayerNorm(normalizedShape, eps, weight != null, bias != null), in.toArray(new Variable[0]));
    }

    /**
     * RMS normalisation over the trailing dims, PyTorch's {@code F.rms_norm}:
     * {@code x / sqrt(mean(x^2) + eps) * weight}; weight (of {@code normalizedShape}) may be null.
     */
    public static Variable rmsNorm(Variable x, int[] normalizedShape, Variable weight, double eps) {
        int m = trailing("rmsNorm", x, normalizedShape);
        affineShape("rmsNorm", "weight", weight, normalizedShape);
        Variable rows = x.reshape(m == 0 ? 0 : x.numel() / m, m);
        Variable y = rows.mul(rows.square().mean(1, true).add(eps).sqrt().reciprocal()).reshape(x.shape());
        return weight == null ? y : y.mul(weight);
    }

    /** {@link #rmsNorm(Variable, int[], Variable, double)} with PyTorch's default eps, the dtype's machine epsilon. */
    public static Variable rmsNorm(Variable x, int[] normalizedShape, Variable weight) {
        return rmsNorm(x, normalizedShape, weight, x.dtype() == DType.FLOAT32 ? Math.ulp(1f) : Math.ulp(1d));
    }

    /** A per-channel [C] parameter as [1, C, 1, ...] for an input of {@code rank} dims. */
    private static Variable perChannel(Variable p, int rank) {
        int[] s = new int[rank];
        java.util.Arrays.fill(s, 1);
        s[1] = p.numel();
        return p.reshape(s);
    }

    private static Tensor perChannel(Tensor p, int rank) {
        int[] s = new int[rank];
        java.util.Arrays.fill(s, 1);
        s[1] = p.numel();
        return p.reshape(s);
    }

    /**
     * Group normalisation, PyTorch's {@code F.group_norm}: the channels of {@code x} [N, C, *] in
     * {@code numGroups} groups, each normalised over its channels and positions, then
     * {@code * weight[c] + bias[c]} ([C], may be null).
     */
    public static Variable groupNorm(Variable x, int numGroups, Variable weight, Variable bias, double eps) {
        if (x.dim() < 2) throw new IllegalArgumentException("groupNorm: Expected at least 2 dimensions for input tensor but received " + x.dim());
        int n = x.size(0), c = x.size(1);
        if (numGroups <= 0 || c % numGroups != 0) {
            throw new IllegalArgumentException("groupNorm: Expected number of channels in input to be divisible by num_groups, but got input of shape "
                    + Shapes.str(x.shape()) + " and num_groups=" + numGroups);
        }
        affineShape("groupNorm", "weight", weight, new int[] {c});
        affineShape("groupNorm", "bias", bias, new int[] {c});
        int per = n == 0 ? 0 : x.numel() / (n * numGroups);
        Variable y = standardize(x.reshape(n * numGroups, per), eps).reshape(x.shape());
        if (weight != null) y = y.mul(perChannel(weight, x.dim()));
        return bias == null ? y : y.add(perChannel(bias, x.dim()));
    }

    /**
     * Batch normalisation, PyTorch's {@code F.batch_norm}, of {@code x} [N, C] or [N, C, *] per
     * channel. Training: the batch's mean and biased variance normalise, and the running stats
     * ([C], may be null) are updated in place, {@code r = (1 - momentum) r + momentum s} with the
     * unbiased variance for {@code runningVar}, as PyTorch (in a compiled step: on every replay).
     * Evaluation: the running stats normalise. Then {@code * weight[c] + bias[c]} ([C], may be null).
     */
    public static Variable batchNorm(Variable x, Tensor runningMean, Tensor runningVar, Variable weight, Variable bias,
                                     boolean training, double momentum, double eps) {
        if (x.dim() < 2) throw new IllegalArgumentException("batchNorm: expected a 2-D or higher input [N, C, *], got shape " + Shapes.str(x.shape()));
        int n = x.size(0), c = x.size(1), count = x.numel() / Math.max(1, c);
        for (Object[] s : new Object[][] {{"running_mean", runningMean}, {"running_var", runningVar}, {"weight", weight == null ? null : weight.data()},
                {"bias", bias == null ? null : bias.data()}}) {
            Tensor t = (Tensor) s[1];
            if (t != null && (t.dim() != 1 || t.numel() != c)) {
                throw new IllegalArgumentException("batchNorm: " + s[0] + " should contain " + c + " elements not " + t.numel());
            }
        }
        int rank = x.dim();
        Variable y;
        if (training) {
            if (count <= 1) {
                throw new IllegalArgumentException("batchNorm: Expected more than 1 value per channel when training, got input size " + Shapes.str(x.shape()));
            }
            // [N, C, L]: the statistics over dims 0 and 2 of each channel
            Variable x3 = x.reshape(n, c, count / n);
            Variable mean = x3.sum(2, true).sum(0, true).div(count);
            Variable centred = x3.sub(mean);
            Variable var = centred.square().sum(2, true).sum(0, true).div(count);
            y = centred.mul(var.add(eps).sqrt().reciprocal()).reshape(x.shape());
            try (Autograd.Scope ignored = Autograd.noGrad()) {
                if (runningMean != null) runningMean.mulInPlace(1 - momentum).addScaledInPlace(mean.data().reshape(c), momentum);
                if (runningVar != null) {
                    runningVar.mulInPlace(1 - momentum).addScaledInPlace(var.data().reshape(c), momentum * count / (count - 1.0));
                }
            }
        } else {
            if (runningMean == null || runningVar == null) {
                throw new IllegalArgumentException("batchNorm: running_mean and running_var must be defined in evaluation mode");
            }
            Variable mean = new Variable(perChannel(runningMean, rank)), var = new Variable(perChannel(runningVar, rank));
            y = x.sub(mean).mul(var.add(eps).sqrt().reciprocal());
        }
        if (weight != null) y = y.mul(perChannel(weight, rank));
        return bias == null ? y : y.add(perChannel(bias, rank));
    }

    // --- losses

    private static Variable reduce(Variable l, Reduction r) {
        return switch (r) {
            case NONE -> l;
            case MEAN -> l.mean();
            case SUM -> l.sum();
        };
    }

    private static void sameShape(String op, Variable a, Variable b) {
        if (!java.util.Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": Using a target size " + Shapes.str(b.shape()) + " that is different to the input size "
                    + Shapes.str(a.shape()) + " is not supported; please ensure they have the same size");
        }
    }

    /**
     * Cross-entropy with all of PyTorch's {@code F.cross_entropy} options: {@code targets} are
     * class indices (INT64, [N] or [N, d...]; {@code ignoreIndex} counts for nothing) or class
     * probabilities (floating point, the logits' shape); {@code weight} [C] (or null) weighs each
     * class (the mean over indices divides by the kept targets' weights, over probabilities by the
     * batch size); {@code labelSmoothing} in [0, 1] mixes the target with the uniform
     * distribution: {@code (1 - s) * loss + s / C * sum_c -w_c log p_c}.
     */
    public static Variable crossEntropy(Variable logits, Tensor targets, Tensor weight, Reduction reduction, long ignoreIndex,
                                        double labelSmoothing) {
        if (targets == null) throw new NullPointerException("crossEntropy: targets is null");
        if (logits.dim() == 0) throw new IllegalArgumentException("crossEntropy: input must have at least 1 dimension, got a 0-d tensor");
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("crossEntropy: label_smoothing must be between 0.0 and 1.0. Got: " + labelSmoothing);
        }
        int cd = logits.dim() == 1 ? 0 : 1, classes = logits.size(cd);
        if (weight != null && (weight.dim() != 1 || weight.numel() != classes)) {
            throw new IllegalArgumentException("crossEntropy: weight tensor should be defined either for all " + classes
                    + " classes or no classes but got weight tensor of shape: " + Shapes.str(weight.shape()));
        }
        Variable logp = logits.logSoftmax(cd);
        Variable wb = weight == null ? null : new Variable(cd == 0 ? weight : perChannel(weight, logits.dim()));
        if (targets.dtype().isFloatingPoint()) {
            if (!java.util.Arrays.equals(targets.shape(), logits.shape())) {
                throw new IllegalArgumentException("crossEntropy: Expected input batch_size and target batch_size to match: probability targets "
                        + "must have the input's shape " + Shapes.str(logits.shape()) + ", got " + Shapes.str(targets.shape()));
            }
            Variable t = new Variable(targets.to(logits.dtype()));
            if (labelSmoothing > 0) t = t.mul(1 - labelSmoothing).add(labelSmoothing / classes);
            Variable terms = logp.mul(t);
            if (wb != null) terms = terms.mul(wb);
            return reduce(terms.sum(cd).neg(), reduction);
        }
        Variable nll = weight == null ? nllLoss(logp, targets, reduction, ignoreIndex)
                : Variable.apply(new LossOps.NllLoss(reduction, ignoreIndex), logp, new Variable(targets), new Variable(weight));
        if (labelSmoothing == 0) return nll;
        Tensor ignored = targets.eq((double) ignoreIndex);
        Variable smooth = (wb == null ? logp : logp.mul(wb)).sum(cd).neg().maskedFill(new Variable(ignored), 0);
        Variable red = switch (reduction) {
            case NONE -> smooth;
            case SUM -> smooth.sum();
            case MEAN -> {
                Tensor kept = targets.ne((double) ignoreIndex).to(logits.dtype());
                Tensor divisor = weight == null ? kept.sum()
                        : weight.indexSelect(0, targets.maskedFill(ignored, 0).reshape(targets.numel())).mul(kept.reshape(targets.numel())).sum();
                yield smooth.sum().div(new Variable(divisor));
            }
        };
        return nll.mul(1 - labelSmoothing).add(red.mul(labelSmoothing / classes));
    }

    /**
     * Binary cross-entropy of probabilities {@code input} against {@code target} (same shape),
     * PyTorch's {@code F.binary_cross_entropy}: {@code -w (t log x + (1 - t) log(1 - x))} with
     * each log clamped to at least -100, as PyTorch; {@code weight} broadcasts (or null). An input
     * or target element outside [0, 1] (or NaN) fails with PyTorch's message, checked inside the
     * graph ({@link LossOps.CheckUnitInterval}) so that a compiled step checks every call.
     */
    public static Variable binaryCrossEntropy(Variable input, Variable target, Variable weight, Reduction reduction) {
        sameShape("binaryCrossEntropy", input, target);
        input = Variable.apply(new LossOps.CheckUnitInterval("binaryCrossEntropy", "input"), input);
        target = Variable.apply(new LossOps.CheckUnitInterval("binaryCrossEntropy", "target"), target);
        Variable l = target.mul(input.log().maximum(-100)).add(target.rsub(1).mul(input.rsub(1).log().maximum(-100))).neg();
        return reduce(weight == null ? l : l.mul(weight), reduction);
    }

    /** {@code log(sigmoid(x)) = min(x, 0) - log(1 + exp(-|x|))}, stable for large |x|. */
    private static Variable logSigmoid(Variable x) {
        return x.minimum(0).sub(x.abs().neg().exp().add(1).log());
    }

    /**
     * Binary cross-entropy on logits, PyTorch's {@code F.binary_cross_entropy_with_logits}:
     * {@code (1 - t) x - (1 + (posWeight - 1) t) log sigmoid(x)}, times {@code weight}; weight and
     * posWeight (the positive class's weight, broadcast over the last dim) may be null.
     */
    public static Variable binaryCrossEntropyWithLogits(Variable input, Variable target, Variable weight, Variable posWeight,
                                                        Reduction reduction) {
        sameShape("binaryCrossEntropyWithLogits", input, target);
        Variable lw = posWeight == null ? null : posWeight.sub(1.0).mul(target).add(1.0);
        Variable ls = logSigmoid(input);
        Variable l = target.rsub(1).mul(input).sub(lw == null ? ls : lw.mul(ls));
        return reduce(weight == null ? l : l.mul(weight), reduction);
    }

    /** The mean absolute error {@code |x - t|}, PyTorch's {@code F.l1_loss}. */
    public static Variable l1Loss(Variable input, Variable target, Reduction reduction) {
        sameShape("l1Loss", input, target);
        return reduce(input.sub(target).abs(), reduction);
    }

    /**
     * The Huber loss, PyTorch's {@code F.huber_loss}: with {@code z = |x - t|},
     * {@code 0.5 z^2} where {@code z < delta}, else {@code delta (z - 0.5 delta)}.
     */
    public static Variable huberLoss(Variable input, Variable target, Reduction reduction, double delta) {
        sameShape("huberLoss", input, target);
        if (!(delta > 0)) throw new IllegalArgumentException("huberLoss: huber_loss does not support non-positive values for delta, got " + delta);
        Variable d = input.sub(target), z = d.abs();
        Variable small = new Variable(z.data().lt(delta));
        return reduce(Variable.where(small, d.square().mul(0.5), z.sub(0.5 * delta).mul(delta)), reduction);
    }

    /**
     * The smooth L1 loss, PyTorch's {@code F.smooth_l1_loss}: with {@code z = |x - t|},
     * {@code 0.5 z^2 / beta} where {@code z < beta}, else {@code z - 0.5 beta}; the L1 loss for beta 0.
     */
    public static Variable smoothL1Loss(Variable input, Variable target, Reduction reduction, double beta) {
        sameShape("smoothL1Loss", input, target);
        if (!(beta >= 0)) throw new IllegalArgumentException("smoothL1Loss: smooth_l1_loss does not support negative values for beta, got " + beta);
        if (beta == 0) return l1Loss(input, target, reduction);
        Variable d = input.sub(target), z = d.abs();
        Variable small = new Variable(z.data().lt(beta));
        return reduce(Variable.where(small, d.square().mul(0.5 / beta), z.sub(0.5 * beta)), reduction);
    }

    /**
     * The Kullback-Leibler divergence of log-probabilities {@code input} from {@code target},
     * PyTorch's {@code F.kl_div}: {@code t (log t - x)} (0 where t is 0), or with
     * {@code logTarget} {@code exp(t) (t - x)}. {@code Reduction.MEAN} is PyTorch's "mean" (over
     * elements); {@link #klDivBatchmean} is its "batchmean".
     */
    public static Variable klDiv(Variable input, Variable target, Reduction reduction, boolean logTarget) {
        sameShape("klDiv", input, target);
        Variable l;
        if (logTarget) {
            l = target.exp().mul(target.sub(input));
        } else {
            // xlogy(t, t): 0 where t == 0, with a log argument of 1 there so that no NaN reaches the gradient
            Variable pos = new Variable(target.data().gt(0.0));
            Variable safe = Variable.where(pos, target, new Variable(Tensor.ones(target.dtype(), target.shape())));
            l = target.mul(safe.log()).sub(target.mul(input));
        }
        return reduce(l, reduction);
    }

    /** {@link #klDiv} summed and divided by the batch size {@code input.size(0)}: PyTorch's {@code reduction="batchmean"}. */
    public static Variable klDivBatchmean(Variable input, Variable target, boolean logTarget) {
        Variable s = klDiv(input, target, Reduction.SUM, logTarget);
        return input.dim() == 0 ? s : s.div(input.size(0));
    }

    /**
     * Cosine similarity along {@code dim}, PyTorch's {@code F.cosine_similarity}:
     * {@code sum((x1 / max(|x1|, eps)) (x2 / max(|x2|, eps)))}, the norms along {@code dim}; the
     * inputs broadcast.
     */
    public static Variable cosineSimilarity(Variable x1, Variable x2, int dim, double eps) {
        int[] shape = Shapes.broadcast("cosineSimilarity", x1.shape(), x2.shape());
        Variable a = java.util.Arrays.equals(x1.shape(), shape) ? x1 : x1.expand(shape);
        Variable b = java.util.Arrays.equals(x2.shape(), shape) ? x2 : x2.expand(shape);
        Variable na = a.square().sum(dim, true).sqrt().maximum(eps), nb = b.square().sum(dim, true).sqrt().maximum(eps);
        return a.div(na).mul(b.div(nb)).sum(dim);
    }

    /** The margin ranking loss {@code max(0, -y (x1 - x2) + margin)}, PyTorch's {@code F.margin_ranking_loss}; y is 1 or -1. */
    public static Variable marginRankingLoss(Variable x1, Variable x2, Variable y, double margin, Reduction reduction) {
        return reduce(y.neg().mul(x1.sub(x2)).add(margin).relu(), reduction);
    }

    /**
     * The cosine embedding loss, PyTorch's {@code F.cosine_embedding_loss}: with
     * {@code cos = sum(x1 x2) / sqrt((sum(x1^2) + 1e-12) (sum(x2^2) + 1e-12))} over the last dim,
     * {@code 1 - cos} where {@code y == 1}, {@code max(0, cos - margin)} where {@code y == -1}, else 0.
     * x1, x2: {@code [N, D]} with y {@code [N]}, or {@code [D]} with a scalar y.
     */
    public static Variable cosineEmbeddingLoss(Variable x1, Variable x2, Variable y, double margin, Reduction reduction) {
        if (x1 == null || x2 == null || y == null || reduction == null) throw new NullPointerException("cosineEmbeddingLoss: an argument is null");
        int td = y.dim();
        if (td > 1) throw new IllegalArgumentException("cosineEmbeddingLoss: 0D or 1D target tensor expected, multi-target not supported");
        if (x1.dim() != td + 1 || x2.dim() != td + 1) {
            throw new IllegalArgumentException("cosineEmbeddingLoss: " + td + "D target tensor expects " + (td + 1) + "D input tensors, but found inputs with sizes "
                    + Shapes.str(x1.shape()) + " and " + Shapes.str(x2.shape()) + ".");
        }
        if (!java.util.Arrays.equals(x1.shape(), x2.shape()) || (td == 1 && y.size(0) != x1.size(0))) {
            throw new IllegalArgumentException("cosineEmbeddingLoss: expected inputs of one shape and a target of their leading size, got "
                    + Shapes.str(x1.shape()) + ", " + Shapes.str(x2.shape()) + " and target " + Shapes.str(y.shape()));
        }
        Variable prod = x1.mul(x2).sum(td);
        Variable m1 = x1.mul(x1).sum(td).add(1e-12), m2 = x2.mul(x2).sum(td).add(1e-12);
        Variable cos = prod.div(m1.mul(m2).sqrt());
        Variable zeros = new Variable(Tensor.zeros(cos.dtype(), cos.shape()));
        Variable pos = Variable.where(y.eq(1), cos.neg().add(1), zeros);
        Variable neg = Variable.where(y.eq(-1), cos.sub(margin).relu(), zeros);
        return reduce(pos.add(neg), reduction);
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

    private static MaxPoolResult adaptiveMaxPool(int dims, Variable input, int oh, int ow) {
        Variable idx = Variable.apply(new PoolOps.AdaptiveMaxPoolIndices(dims, oh, ow), input);
        return new MaxPoolResult(Variable.apply(new PoolOps.PlaneGather(dims), input, idx), idx.data());
    }

    /**
     * Adaptive 2-D max pooling, PyTorch's {@code F.adaptive_max_pool2d}: output (oh, ow), the
     * largest element of window (i, j) = {@code [floor(i H / oh), ceil((i + 1) H / oh)) x [floor(j W / ow), ceil((j + 1) W / ow))};
     * the first of equal maxima gets the gradient, a NaN wins.
     */
    public static Variable adaptiveMaxPool2d(Variable input, int[] outputSize) {
        return adaptiveMaxPool2dWithIndices(input, outputSize).values();
    }

    /** {@link #adaptiveMaxPool2d} also returning the indices ({@code return_indices=True}): flat within each H x W plane. */
    public static MaxPoolResult adaptiveMaxPool2dWithIndices(Variable input, int[] outputSize) {
        if (input == null) throw new NullPointerException("adaptiveMaxPool2d: input is null");
        if (input.dim() != 3 && input.dim() != 4) {
            throw new IllegalArgumentException("adaptiveMaxPool2d: Expected 3D or 4D tensor, but got: " + Shapes.str(input.shape()));
        }
        int[] o = pair("adaptiveMaxPool2d", "outputSize", outputSize, 2);
        return adaptiveMaxPool(2, input, o[0], o[1]);
    }

    /** Adaptive 1-D max pooling with indices, PyTorch's {@code F.adaptive_max_pool1d(input, outputSize, return_indices=True)}. */
    public static MaxPoolResult adaptiveMaxPool1dWithIndices(Variable input, int outputSize) {
        checkPoolRank("adaptiveMaxPool1d", input, 1);
        return adaptiveMaxPool(1, input, 1, outputSize);
    }

    /**
     * Pads the last one or two dims, PyTorch's {@code F.pad}: {@code pad = (left, right)} or
     * {@code (left, right, top, bottom)}; mode "constant" (with {@code value}; negative pads
     * crop), "reflect" (mirrored without the edge, pads smaller than the size), "replicate" (edge repeated)
     * or "circular" (wrapped around: {@code x[(i - left) mod W]}, pads at most the size).
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
