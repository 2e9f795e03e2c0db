package io.simdgrad.optim;

import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum, PyTorch's {@code torch.optim.SGD(params, lr=1e-3,
 * momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False)}:
 * {@code g += wd·p; b = μ·b + (1 - τ)·g} (b = g on the first step); {@code g = nesterov ? g + μ·b : b};
 * {@code p -= lr·g}.
 */
public final class SGD extends Optimizer {
    /** Default options, set fluently: {@code new SGD.Options().lr(0.1).momentum(0.9)}. */
    public static final class Options {
        /** The defaults of torch.optim.SGD. */
        public Options() {}

        double lr = 1e-3, momentum, dampening, weightDecay;
        boolean nesterov, maximize;

        /** The learning rate (default 1e-3). */
        public Options lr(double v) { lr = v; return this; }
        /** Momentum factor μ (default 0). */
        public Options momentum(double v) { momentum = v; return this; }
        /** Dampening τ of the momentum (default 0). */
        public Options dampening(double v) { dampening = v; return this; }
        /** L2 penalty (default 0). */
        public Options weightDecay(double v) { weightDecay = v; return this; }
        /** Nesterov momentum (default false). */
        public Options nesterov(boolean v) { nesterov = v; return this; }
        /** Maximise the objective (default false). */
        public Options maximize(boolean v) { maximize = v; return this; }

        Map<String, Double> map() {
            return options("lr", lr, "momentum", momentum, "dampening", dampening, "weight_decay", weightDecay,
                    "nesterov", nesterov, "maximize", maximize);
        }
    }

    /** Plain SGD with learning rate {@code lr}. */
    public SGD(List<Variable> params, double lr) {
        this(params, new Options().lr(lr));
    }

    /** SGD over one group with {@code options}. */
    public SGD(List<Variable> params, Options options) {
        super("SGD", options.map(), single(params));
    }

    private SGD(Options defaults, List<ParamGroup> groups) {
        super("SGD", defaults.map(), groups);
    }

    /** SGD over parameter groups, each with its own options over {@code defaults}. */
    public static SGD withGroups(List<ParamGroup> groups, Options defaults) {
        return new SGD(defaults, groups);
    }

    @Override
    protected void validate(ParamGroup g) {
        checkNonNegative("SGD", g, "lr", "learning rate");
        checkNonNegative("SGD", g, "momentum", "momentum");
        checkNonNegative("SGD", g, "weight_decay", "weight_decay");
        if (g.flag("nesterov") && (g.get("momentum") <= 0 || g.get("dampening") != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum and zero dampening");
        }
    }

    @Override
    protected Map<String, Tensor> initState(ParamGroup g, Variable p) {
        Map<String, Tensor> s = new LinkedHashMap<>();
        if (g.get("momentum") != 0) {
            s.put("step", counter());
            s.put("momentum_buffer", Tensor.zerosLike(p.data()));
        }
        return s;
    }

    @Override
    protected void update(ParamGroup g, Tensor p, Tensor grad, Map<String, Tensor> s) {
        Tensor d = decayed(g, p, grad, true);
        if (g.get("momentum") != 0) {
            Tensor momentum = g.optionTensor("momentum").to(p.dtype());
            Tensor buf = s.get("momentum_buffer"), step = s.get("step");
            // PyTorch starts the buffer as a copy of the gradient: selected by the step count (a tensor), not a Java branch
            Tensor next = buf.mul(momentum).add(d.mul(1 - g.get("dampening")));
            buf.copyInPlace(Tensor.where(step.eq(0), d, next));
            step.addInPlace(1);
            d = g.flag("nesterov") ? d.add(buf.mul(momentum)) : buf;
        }
        p.addInPlace(d.mul(g.lrTensor().neg().to(p.dtype())));
    }
}
