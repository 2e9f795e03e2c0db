package io.simdgrad.optim;

import io.simdgrad.core.Tensor;
import io.simdgrad.core.ops.OptimOps;
import io.simdgrad.core.Variable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adagrad, PyTorch's {@code torch.optim.Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0,
 * initial_accumulator_value=0, eps=1e-10, maximize=False)}: {@code s += g²},
 * {@code p -= lr/(1 + (t-1)·lr_decay) · g / (√s + ε)}.
 */
public final class Adagrad extends Optimizer {
    /** Default options, set fluently. */
    public static final class Options {
        /** The defaults of torch.optim.Adagrad. */
        public Options() {}

        double lr = 1e-2, lrDecay, weightDecay, initialAccumulatorValue, eps = 1e-10;
        boolean maximize;

        /** The learning rate (default 1e-2). */
        public Options lr(double v) { lr = v; return this; }
        /** Learning-rate decay (default 0). */
        public Options lrDecay(double v) { lrDecay = v; return this; }
        /** L2 penalty (default 0). */
        public Options weightDecay(double v) { weightDecay = v; return this; }
        /** The accumulator's initial value (default 0). */
        public Options initialAccumulatorValue(double v) { initialAccumulatorValue = v; return this; }
        /** ε (default 1e-10). */
        public Options eps(double v) { eps = v; return this; }
        /** Maximise the objective (default false). */
        public Options maximize(boolean v) { maximize = v; return this; }

        Map<String, Double> map() {
            return options("lr", lr, "lr_decay", lrDecay, "weight_decay", weightDecay,
                    "initial_accumulator_value", initialAccumulatorValue, "eps", eps, "maximize", maximize);
        }
    }

    /** Adagrad with learning rate {@code lr}. */
    public Adagrad(List<Variable> params, double lr) {
        this(params, new Options().lr(lr));
    }

    /** Adagrad over one group with {@code options}. */
    public Adagrad(List<Variable> params, Options options) {
        super("Adagrad", options.map(), single(params));
    }

    private Adagrad(Options defaults, List<ParamGroup> groups) {
        super("Adagrad", defaults.map(), groups);
    }

    /** Adagrad over parameter groups, each with its own options over {@code defaults}. */
    public static Adagrad withGroups(List<ParamGroup> groups, Options defaults) {
        return new Adagrad(defaults, groups);
    }

    @Override
    protected void validate(ParamGroup g) {
        checkNonNegative("Adagrad", g, "lr", "learning rate");
        checkNonNegative("Adagrad", g, "lr_decay", "lr_decay");
        checkNonNegative("Adagrad", g, "weight_decay", "weight_decay");
        checkNonNegative("Adagrad", g, "initial_accumulator_value", "initial_accumulator_value");
        checkNonNegative("Adagrad", g, "eps", "epsilon");
    }

    @Override
    protected Map<String, Tensor> initState(ParamGroup g, Variable p) {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("step", counter());
        s.put("sum", Tensor.zerosLike(p.data()).fillInPlace(g.get("initial_accumulator_value")));
        return s;
    }

    @Override
    protected void update(ParamGroup g, Tensor p, Tensor grad, Map<String, Tensor> s) {
        Tensor step = s.get("step").addInPlace(1);
        Tensor d = decayed(g, p, grad, true);
        Tensor clr = g.lrTensor().div(step.sub(1).mul(g.get("lr_decay")).add(1));
        Tensor sum = s.get("sum");
        OptimOps.expAvgSq(sum, d, 1, 1); // sum + g·g: the product by 1 is exact
        // p - clr·g / (√sum + eps), one pass (the division of √sum by 1 is exact)
        OptimOps.adamStep(p, d, sum, clr.neg(), Tensor.scalar(p.dtype(), 1), g.get("eps"));
    }
}
