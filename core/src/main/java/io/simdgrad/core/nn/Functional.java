package io.simdgrad.core.nn;

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
     * Cross-entropy of {@code logits} [N, C] against class indices {@code targets} [N] (INT64),
     * mean over the batch; computed as {@code -mean(logSoftmax(logits)[i, targets[i]])} so large
     * logits do not overflow.
     */
    public static Variable crossEntropy(Variable logits, Tensor targets) {
        if (logits.dim() != 2) {
            throw new IllegalArgumentException("crossEntropy: logits must be 2-D [N, C], got shape " + Shapes.str(logits.shape()));
        }
        int n = logits.size(0), c = logits.size(1);
        if (targets.dim() != 1 || targets.size(0) != n) {
            throw new IllegalArgumentException("crossEntropy: targets must be 1-D [" + n + "] for logits of shape "
                    + Shapes.str(logits.shape()) + ", got shape " + Shapes.str(targets.shape()));
        }
        long[] t = targets.toLongArray();
        Tensor oneHot = Tensor.zeros(logits.dtype(), n, c);
        for (int i = 0; i < n; i++) {
            if (t[i] < 0 || t[i] >= c) {
                throw new IndexOutOfBoundsException("crossEntropy: Target " + t[i] + " is out of bounds (classes 0.." + (c - 1)
                        + ") at batch index " + i);
            }
            oneHot.select(0, i).select(0, (int) t[i]).fillInPlace(1);
        }
        Variable picked = logits.logSoftmax(1).mul(new Variable(oneHot)).sum();
        return picked.div(-n);
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

}
