package io.simdgrad.optim;

import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.ops.OptimOps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam, PyTorch's {@code torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
 * weight_decay=0, amsgrad=False, maximize=False)}, and with {@code decoupled} weight decay
 * {@code torch.optim.AdamW} (see {@link #adamW}): {@code m = lerp(m, g, 1-β1)},
 * {@code v = β2·v + (1-β2)·g²}, {@code p -= lr/(1-β1ᵗ) · m / (√v/√(1-β2ᵗ) + ε)} (with
 * {@code v} replaced by its running maximum under amsgrad).
 *
 * <p>The step count, β1 ({@link ParamGroup#optionTensor}: {@link OneCycleLR} may cycle it) and
 * {@code β1ᵗ}, {@code β2ᵗ} are tensors (state {@code step}, {@code beta1_power},
 * {@code beta2_power}): {@code β1ᵗ} is the current β1 to the power of the step, as PyTorch's
 * {@code beta1 ** step}, {@code β2ᵗ} a product kept once per step; a compiled step stays exact.
 */
public final class Adam extends Optimizer {
    /** Default options, set fluently: {@code new Adam.Options().lr(3e-4).amsgrad(true)}. */
    public static final class Options {
        /** The defaults of torch.optim.Adam. */
        public Options() {}

        double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay;
        boolean amsgrad, maximize, decoupled;

        /** The learning rate (default 1e-3). */
        public Options lr(double v) { lr = v; return this; }
        /** β1 and β2 (default 0.9, 0.999). */
        public Options betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
        /** ε (default 1e-8). */
        public Options eps(double v) { eps = v; return this; }
        /** Weight decay (default 0; AdamW's default is 1e-2). */
        public Options weightDecay(double v) { weightDecay = v; return this; }
        /** The AMSGrad variant (default false). */
        public Options amsgrad(boolean v) { amsgrad = v; return this; }
        /** Maximise the objective (default false). */
        public Options maximize(boolean v) { maximize = v; return this; }

        Map<String, Double> map() {
            return options("lr", lr, "beta1", beta1, "beta2", beta2, "eps", eps, "weight_decay", weightDecay,
                    "amsgrad", amsgrad, "maximize", maximize, "decoupled_weight_decay", decoupled);
        }
    }

    /** Adam with learning rate {@code lr}. */
    public Adam(List<Variable> params, double lr) {
        this(params, new Options().lr(lr));
    }

    /** Adam over one group with {@code options}. */
    public Adam(List<Variable> params, Options options) {
        this(options, single(params), "Adam");
    }

    private Adam(Options defaults, List<ParamGroup> groups, String name) {
        super(name, defaults.map(), groups);
    }

    /** Adam over parameter groups, each with its own options over {@code defaults}. */
    public static Adam withGroups(List<ParamGroup> groups, Options defaults) {
        return new Adam(defaults, groups, "Adam");
    }

    /**
     * AdamW, PyTorch's {@code torch.optim.AdamW} (weight_decay default 1e-2 there: pass it in
     * {@code options}): {@code p *= 1 - lr·wd} before the Adam step, the gradient undecayed.
     */
    public static Adam adamW(List<ParamGroup> groups, Options options) {
        options.decoupled = true;
        return new Adam(options, groups, "AdamW");
    }

    /** {@link #adamW(List, Options)} over one group. */
    public static Adam adamW(List<Variable> params, double lr, double weightDecay) {
        return adamW(single(params), new Options().lr(lr).weightDecay(weightDecay));
    }

    @Override
    protected void validate(ParamGroup g) {
        checkNonNegative(name(), g, "lr", "learning rate");
        checkNonNegative(name(), g, "eps", "epsilon");
        checkNonNegative(name(), g, "weight_decay", "weight_decay");
        for (String b : new String[] {"beta1", "beta2"}) {
            double v = g.get(b);
            if (!(v >= 0 && v < 1)) throw new IllegalArgumentException(name() + ": Invalid beta parameter at index " + (b.equals("beta1") ? 0 : 1) + ": " + v);
        }
    }

    @Override
    protected Map<String, Tensor> initState(ParamGroup g, Variable p) {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("step", counter());
        s.put("exp_avg", Tensor.zerosLike(p.data()));
        s.put("exp_avg_sq", Tensor.zerosLike(p.data()));
        if (g.flag("amsgrad")) s.put("max_exp_avg_sq", Tensor.zerosLike(p.data()));
        s.put("beta1_power", counter().addInPlace(1));
        s.put("beta2_power", counter().addInPlace(1));
        return s;
    }

    @Override
    protected void update(ParamGroup g, Tensor p, Tensor grad, Map<String, Tensor> s) {
        Tensor beta1 = g.optionTensor("beta1");
        double beta2 = g.get("beta2");
        boolean decoupled = g.flag("decoupled_weight_decay");
        Tensor lr = g.lrTensor();
        s.get("step").addInPlace(1);
        if (decoupled && g.get("weight_decay") != 0) p.mulInPlace(lr.mul(g.get("weight_decay")).rsub(1).to(p.dtype()));
        Tensor d = decayed(g, p, grad, !decoupled);
        Tensor m = s.get("exp_avg"), v = s.get("exp_avg_sq");
        // one pass each (OptimOps), with the bits of PyTorch's lerp_, mul_(β2).addcmul_ and addcdiv_ chain
        OptimOps.expAvg(m, d, beta1.rsub(1));
        OptimOps.expAvgSq(v, d, beta2, 1 - beta2);
        // β1ᵗ from the current β1 (a schedule may cycle it, PyTorch's beta1 ** step); β2 is fixed, its power a running product
        Tensor b1 = s.get("beta1_power").copyInPlace(beta1.pow(s.get("step"))), b2 = s.get("beta2_power").mulInPlace(beta2);
        Tensor stepSize = lr.div(b1.rsub(1));
        Tensor bc2Sqrt = b2.rsub(1).sqrt();
        Tensor second = v;
        if (g.flag("amsgrad")) second = s.get("max_exp_avg_sq").copyInPlace(s.get("max_exp_avg_sq").maximum(v));
        OptimOps.adamStep(p, m, second, stepSize.neg(), bc2Sqrt, g.get("eps"));
    }
}
