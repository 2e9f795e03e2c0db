package io.simdgrad.optim;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import java.util.ArrayList;
import java.util.List;

/** Gradient clipping, PyTorch's {@code torch.nn.utils.clip_grad_norm_} and {@code clip_grad_value_}; in place, with ops only (compile-safe). */
public final class ClipGrad {
    private ClipGrad() {}

    /**
     * Scales the gradients so that their joint {@code normType}-norm is at most {@code maxNorm}:
     * {@code g *= min(1, maxNorm / (total + 1e-6))}; returns the total norm before clipping (a 0-d
     * tensor; 0 when no parameter has a gradient). {@code normType} may be {@code Double.POSITIVE_INFINITY}.
     */
    public static Tensor clipGradNorm(List<Variable> params, double maxNorm, double normType) {
        List<Tensor> grads = new ArrayList<>();
        for (Variable p : params) if (p.grad() != null) grads.add(p.grad());
        if (grads.isEmpty()) return Tensor.scalar(DType.FLOAT32, 0);
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            List<Tensor> norms = new ArrayList<>();
            for (Tensor g : grads) norms.add(norm(g.reshape(-1), normType));
            Tensor total = norm(Tensor.stack(norms, 0), normType);
            Tensor coef = total.add(1e-6).rdiv(maxNorm).clamp(Double.NEGATIVE_INFINITY, 1.0);
            for (Tensor g : grads) g.mulInPlace(coef.to(g.dtype()));
            return total;
        }
    }

    /** {@link #clipGradNorm(List, double, double)} with the L2 norm. */
    public static Tensor clipGradNorm(List<Variable> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2.0);
    }

    /** Clamps every gradient element into {@code [-clipValue, clipValue]}, PyTorch's {@code clip_grad_value_}. */
    public static void clipGradValue(List<Variable> params, double clipValue) {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            for (Variable p : params) if (p.grad() != null) p.grad().copyInPlace(p.grad().clamp(-clipValue, clipValue));
        }
    }

    private static Tensor norm(Tensor t, double p) {
        return p == Double.POSITIVE_INFINITY ? t.abs().max() : t.norm(p);
    }
}
