package io.simdgrad.optim;

import io.simdgrad.core.Tensor;
import io.simdgrad.core.ops.OptimOps;
import io.simdgrad.core.Variable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RMSprop, PyTorch's {@code torch.optim.RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8,
 * weight_decay=0, momentum=0, centered=False, maximize=False)}: {@code s = α·s + (1-α)·g²};
 * centered: {@code ḡ = lerp(ḡ, g, 1-α)}, {@code a = √(s - ḡ²) + ε}, else {@code a = √s + ε};
 * momentum: {@code b = μ·b + g/a, p -= lr·b}, else {@code p -= lr·g/a}.
 */
public final class RMSprop extends Optimizer {
    /** Default options, set fluently. */
    public static final class Options {
        /** The defaults of torch.optim.RMSprop. */
        public Options() {}

        double lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay, momentum;
        boolean centered, maximize;

        /** The learning rate (default 1e-2). */
        public Options lr(double v) { lr = v; return this; }
        /** Smoothing constant α (default 0.99). */
        public Options alpha(double v) { alpha = v; return this; }
        /** ε (default 1e-8). */
        public Options eps(double v) { eps = v; return this; }
        /** L2 penalty (default 0). */
        public Options weightDecay(double v) { weightDecay = v; return this; }
        /** Momentum factor (default 0). */
        public Options momentum(double v) { momentum = v; return this; }
        /** Normalise by the estimated variance of the gradient (default false). */
        public Options centered(boolean v) { centered = v; return this; }
        /** Maximise the objective (default false). */
        public Options maximize(boolean v) { maximize = v; return this; }

        Map<String, Double> map() {
            return options("lr", lr, "alpha", alpha, "eps", eps, "weight_decay", weightDecay, "momentum", momentum,
                    "centered", centered, "maximize", maximize);
        }
    }

    /** RMSprop with learning rate {@code lr}. */
    public RMSprop(List<Variable> params, double lr) {
        this(params, new Options().lr(lr));
    }

    /** RMSprop over one group with {@code options}. */
    public RMSprop(List<Variable> params, Options options) {
        super("RMSprop", options.map(), single(params));
    }

    private RMSprop(Options defaults, List<ParamGroup> groups) {
        super("RMSprop", defaults.map(), groups);
    }

    /** RMSprop over parameter groups, each with its own options over {@code defaults}. */
    public static RMSprop withGroups(List<ParamGroup> groups, Options defaults) {
        return new RMSprop(defaults, groups);
    }

    @Override
    protected void validate(ParamGroup g) {
        checkNonNegative("RMSprop", g, "lr", "learning rate");
        checkNonNegative("RMSprop", g, "eps", "epsilon");
        checkNonNegative("RMSprop", g, "momentum", "momentum");
        checkNonNegative("RMSprop", g, "weight_decay", "weight_decay");
        checkNonNegative("RMSprop", g, "alpha", "alpha");
    }

    @Override
    protected Map<String, Tensor> initState(ParamGroup g, Variable p) {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("step", counter());
        s.put("square_avg", Tensor.zerosLike(p.data()));
        if (g.get("momentum") > 0) s.put("momentum_buffer", Tensor.zerosLike(p.data()));
        if (g.flag("centered")) s.put("grad_avg", Tensor.zerosLike(p.data()));
        return s;
    }

    @Override
    protected void update(ParamGroup g, Tensor p, Tensor grad, Map<String, Tensor> s) {
        double alpha = g.get("alpha");
        s.get("step").addInPlace(1);
        Tensor d = decayed(g, p, grad, true);
        Tensor sq = OptimOps.expAvgSq(s.get("square_avg"), d, alpha, 1 - alpha);
        Tensor avg;
        if (g.flag("centered")) {
            Tensor ga = s.get("grad_avg");
            OptimOps.expAvg(ga, d, Tensor.scalar(p.dtype(), 1 - alpha));
            avg = sq.add(ga.mul(-1.0).mul(ga)).sqrt();
        } else {
            avg = sq.sqrt();
        }
        avg = avg.add(g.get("eps"));
        Tensor negLr = g.lrTensor().neg().to(p.dtype());
        if (g.get("momentum") > 0) {
            Tensor buf = s.get("momentum_buffer").mulInPlace(g.optionTensor("momentum").to(p.dtype()));
            buf.addInPlace(d.div(avg));
            p.addInPlace(buf.mul(negLr));
        } else {
            p.addInPlace(d.mul(negLr).div(avg));
        }
    }
}
