package io.simdgrad.optim;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Limited-memory BFGS, PyTorch's {@code torch.optim.LBFGS(params, lr=1, max_iter=20,
 * max_eval=max_iter*5//4, tolerance_grad=1e-7, tolerance_change=1e-9, history_size=100,
 * line_search_fn=None)}, step for step: each {@link #step(Supplier)} runs up to {@code max_iter}
 * iterations of the two-loop recursion over the last {@code history_size} pairs
 * {@code (s, y)} (kept when {@code y·s > 1e-10}, initial Hessian {@code y·s / y·y}), with a fixed
 * step {@code lr} (the first iteration ever {@code min(1, 1/‖g‖₁)·lr}) or, with
 * {@code strongWolfe}, PyTorch's strong-Wolfe line search (cubic interpolation, {@code c1=1e-4},
 * {@code c2=0.9}). One parameter group only, as PyTorch.
 *
 * <p><b>Not compile-safe</b>: like PyTorch's, it decides in Java (reads losses and dot products),
 * so run it eagerly. {@link #stateDict()} holds what PyTorch's holds in the first parameter's
 * state: the {@code func_evals} and {@code n_iter} counters, and once a step has run the history
 * ({@code d}, {@code t}, {@code H_diag}, {@code prev_flat_grad}, and the lists {@code old_dirs},
 * {@code old_stps}, {@code ro} flattened to {@code old_dirs.<i>} and so on), so a loaded
 * optimiser continues bit for bit.
 */
public final class LBFGS extends Optimizer {
    /** Options, set fluently: {@code new LBFGS.Options().lr(1).historySize(10).strongWolfe(true)}. */
    public static final class Options {
        double lr = 1, toleranceGrad = 1e-7, toleranceChange = 1e-9;
        int maxIter = 20, maxEval = -1, historySize = 100;
        boolean strongWolfe;

        /** The step length (default 1). */
        public Options lr(double v) { lr = v; return this; }
        /** Iterations per {@code step} (default 20). */
        public Options maxIter(int v) { maxIter = v; return this; }
        /** Function evaluations per {@code step} (default {@code maxIter * 5 / 4}). */
        public Options maxEval(int v) { maxEval = v; return this; }
        /** Stop when {@code max|g| <= v} (default 1e-7). */
        public Options toleranceGrad(double v) { toleranceGrad = v; return this; }
        /** Stop when the loss or the step changes less than {@code v} (default 1e-9). */
        public Options toleranceChange(double v) { toleranceChange = v; return this; }
        /** Pairs kept (default 100). */
        public Options historySize(int v) { historySize = v; return this; }
        /** PyTorch's {@code line_search_fn='strong_wolfe'} (default: none, a fixed step). */
        public Options strongWolfe(boolean v) { strongWolfe = v; return this; }

        Map<String, Double> map() {
            return options("lr", lr, "max_iter", maxIter, "max_eval", maxEval < 0 ? maxIter * 5 / 4 : maxEval, "tolerance_grad", toleranceGrad,
                    "tolerance_change", toleranceChange, "history_size", historySize, "strong_wolfe", strongWolfe);
        }
    }

    private final List<Variable> params;
    private final List<Tensor> oldDirs = new ArrayList<>(), oldStps = new ArrayList<>();
    private final List<Double> ro = new ArrayList<>();
    private Tensor d, prevFlatGrad;
    private double t, hDiag = 1;

    /** L-BFGS with PyTorch's defaults and learning rate {@code lr}. */
    public LBFGS(List<Variable> params, double lr) {
        this(params, new Options().lr(lr));
    }

    /** L-BFGS over {@code params} with {@code options}. */
    public LBFGS(List<Variable> params, Options options) {
        super("LBFGS", options.map(), single(params));
        this.params = params;
    }

    @Override
    protected void validate(ParamGroup g) {
        checkNonNegative("LBFGS", g, "lr", "learning rate");
        if (g.get("max_iter") < 1 || g.get("history_size") < 1) {
            throw new IllegalArgumentException("LBFGS: max_iter and history_size must be positive, got " + (long) g.get("max_iter") + " and "
                    + (long) g.get("history_size"));
        }
    }

    @Override
    protected Map<String, Tensor> initState(ParamGroup g, Variable p) {
        Map<String, Tensor> s = new LinkedHashMap<>();
        if (p == g.params().get(0)) { // PyTorch keeps the counters in the first parameter's state
            s.put("func_evals", counter());
            s.put("n_iter", counter());
        }
        return s;
    }

    @Override
    protected void update(ParamGroup g, Tensor p, Tensor grad, Map<String, Tensor> s) {
        throw new UnsupportedOperationException("LBFGS.step: L-BFGS needs a closure that reevaluates the model: call step(closure)");
    }

    /** Throws: L-BFGS re-evaluates the loss, use {@link #step(Supplier)}. */
    @Override
    public void step() {
        update(null, null, null, null);
    }

    /**
     * One optimisation step, PyTorch's {@code step(closure)}: {@code closure} clears the
     * gradients, computes the loss, calls {@code backward()} and returns the loss (it runs with
     * grad enabled). Returns the loss of the first evaluation.
     */
    public Tensor step(Supplier<Variable> closure) {
        ParamGroup g = paramGroups().get(0);
        double lr = g.lr(), tolGrad = g.get("tolerance_grad"), tolChange = g.get("tolerance_change");
        int maxIter = (int) g.get("max_iter"), maxEval = (int) g.get("max_eval"), history = (int) g.get("history_size");
        Map<String, Tensor> counters = state(params.get(0));
        Tensor funcEvals = counters.get("func_evals"), nIterT = counters.get("n_iter");
        Tensor origLoss = evaluate(closure);
        double loss = origLoss.item();
        int currentEvals = 1;
        bump(funcEvals, 1);
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            Tensor flatGrad = flatGrad();
            if (flatGrad.abs().max().item() <= tolGrad) return origLoss;
            double prevLoss;
            for (int nIter = 1; nIter <= maxIter; nIter++) {
                double total = bump(nIterT, 1);
                if (total == 1) {
                    d = flatGrad.neg();
                    oldDirs.clear();
                    oldStps.clear();
                    ro.clear();
                    hDiag = 1;
                } else {
                    d = direction(flatGrad, history);
                }
                if (prevFlatGrad == null) prevFlatGrad = flatGrad.copy();
                else prevFlatGrad.copyInPlace(flatGrad);
                prevLoss = loss;
                if (total == 1) {
                    double inv = inDtype(1.0 / flatGrad.abs().sum().item());
                    t = inv < 1.0 ? inDtype(inv * lr) : lr;
                } else {
                    t = lr;
                }
                double gtd = flatGrad.dot(d).item();
                if (gtd > -tolChange) break;
                int lsEvals = 0;
                boolean optCond = false;
                if (g.flag("strong_wolfe")) {
                    List<Tensor> x0 = new ArrayList<>();
                    for (Variable p : params) x0.add(p.data().copy());
                    LineSearch ls = new LineSearch(closure, x0, d, loss, flatGrad, gtd, maxEval - currentEvals);
                    ls.run(t, tolChange);
                    loss = ls.fNew;
                    flatGrad = ls.gNew;
                    t = ls.t;
                    lsEvals = ls.evals;
                    addToParams(t, d);
                    optCond = flatGrad.abs().max().item() <= tolGrad;
                } else {
                    addToParams(t, d);
                    if (nIter != maxIter) {
                        loss = evaluate(closure).item();
                        flatGrad = flatGrad();
                        optCond = flatGrad.abs().max().item() <= tolGrad;
                        lsEvals = 1;
                    }
                }
                currentEvals += lsEvals;
                bump(funcEvals, lsEvals);
                if (nIter == maxIter || currentEvals >= maxEval || optCond) break;
                if (d.mul(t).abs().max().item() <= tolChange) break;
                if (Math.abs(loss - prevLoss) < tolChange) break;
            }
        }
        return origLoss;
    }

    private static final String STATE = "state.0.";
    private static final List<String> LISTS = List.of("old_dirs", "old_stps", "ro");

    /** The options and counters ({@link Optimizer#stateDict}) plus the history, as PyTorch's {@code state_dict()} holds it. */
    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = super.stateDict();
        if (d == null) return out;
        DType dt = params.get(0).dtype();
        out.put(STATE + "d", d.copy());
        out.put(STATE + "t", Tensor.scalar(DType.FLOAT64, t));
        out.put(STATE + "H_diag", Tensor.scalar(DType.FLOAT64, hDiag));
        out.put(STATE + "prev_flat_grad", prevFlatGrad.copy());
        for (int i = 0; i < oldDirs.size(); i++) {
            out.put(STATE + "old_dirs." + i, oldDirs.get(i).copy());
            out.put(STATE + "old_stps." + i, oldStps.get(i).copy());
            out.put(STATE + "ro." + i, Tensor.scalar(dt, ro.get(i)));
        }
        return out;
    }

    /**
     * Loads a {@link #stateDict()}: the counters and options as every optimiser, and the history
     * when present (all of it or none; vectors of the parameters' total size, one {@code ro} per
     * pair, at most {@code history_size} pairs). Everything is checked before the first write.
     */
    @Override
    public void loadStateDict(Map<String, Tensor> sd) {
        Map<String, Tensor> base = new LinkedHashMap<>(), hist = new LinkedHashMap<>();
        Map<String, Tensor> own = super.stateDict();
        sd.forEach((k, v) -> {
            // the counters and options go to Optimizer's loader (which also reports foreign keys), the history stays here
            if (own.containsKey(k) || !k.startsWith(STATE)) base.put(k, v);
            else hist.put(k.substring(STATE.length()), v);
        });
        long numel = 0;
        for (Variable p : params) numel += p.numel();
        List<String> errors = new ArrayList<>();
        int pairs = 0;
        while (hist.containsKey("old_dirs." + pairs)) pairs++;
        if (!hist.isEmpty()) {
            for (String k : List.of("d", "prev_flat_grad")) checkVector(hist.get(k), k, numel, errors);
            for (String k : List.of("t", "H_diag")) checkScalar(hist.get(k), k, errors);
            for (int i = 0; i < pairs; i++) {
                checkVector(hist.get("old_dirs." + i), "old_dirs." + i, numel, errors);
                checkVector(hist.get("old_stps." + i), "old_stps." + i, numel, errors);
                checkScalar(hist.get("ro." + i), "ro." + i, errors);
            }
            if (pairs > (int) paramGroups().get(0).get("history_size")) errors.add(pairs + " history pairs, more than history_size");
            for (String k : hist.keySet()) {
                boolean known = List.of("d", "t", "H_diag", "prev_flat_grad").contains(k);
                for (String l : LISTS) {
                    if (k.startsWith(l + ".")) {
                        String idx = k.substring(l.length() + 1);
                        known |= idx.matches("[0-9]{1,9}") && Integer.parseInt(idx) < pairs;
                    }
                }
                if (!known) errors.add("unexpected key \"" + STATE + k + "\"");
            }
        }
        if (!errors.isEmpty()) throw new IllegalArgumentException("LBFGS.loadStateDict: " + String.join(", ", errors));
        super.loadStateDict(base);
        oldDirs.clear();
        oldStps.clear();
        ro.clear();
        if (hist.isEmpty()) {
            d = prevFlatGrad = null;
            t = 0;
            hDiag = 1;
            return;
        }
        DType dt = params.get(0).dtype();
        d = hist.get("d").to(dt).reshape(-1).copy();
        prevFlatGrad = hist.get("prev_flat_grad").to(dt).reshape(-1).copy();
        t = hist.get("t").item();
        hDiag = hist.get("H_diag").item();
        for (int i = 0; i < pairs; i++) {
            oldDirs.add(hist.get("old_dirs." + i).to(dt).reshape(-1).copy());
            oldStps.add(hist.get("old_stps." + i).to(dt).reshape(-1).copy());
            ro.add(hist.get("ro." + i).item());
        }
    }

    private static void checkVector(Tensor v, String key, long numel, List<String> errors) {
        if (v == null) {
            errors.add("missing key \"" + STATE + key + "\"");
        } else if (v.dim() != 1 || v.numel() != numel) {
            errors.add("size mismatch for " + STATE + key + ": expected a vector of " + numel + " (the parameters' total size), got shape "
                    + java.util.Arrays.toString(v.shape()));
        }
    }

    private static void checkScalar(Tensor v, String key, List<String> errors) {
        if (v == null) errors.add("missing key \"" + STATE + key + "\"");
        else if (v.numel() != 1) errors.add("size mismatch for " + STATE + key + ": expected one element, got shape " + java.util.Arrays.toString(v.shape()));
    }

    /** The two-loop recursion: {@code -H g} from the history, after adding the last pair if its curvature is positive. */
    private Tensor direction(Tensor flatGrad, int history) {
        Tensor y = flatGrad.sub(prevFlatGrad), s = d.mul(t);
        double ys = y.dot(s).item();
        if (ys > 1e-10) {
            if (oldDirs.size() == history) {
                oldDirs.remove(0);
                oldStps.remove(0);
                ro.remove(0);
            }
            oldDirs.add(y);
            oldStps.add(s);
            ro.add(inDtype(1.0 / ys));
            hDiag = inDtype(ys / y.dot(y).item());
        }
        int n = oldDirs.size();
        double[] al = new double[n];
        Tensor q = flatGrad.neg();
        for (int i = n - 1; i >= 0; i--) {
            al[i] = inDtype(oldStps.get(i).dot(q).item() * ro.get(i));
            q.addScaledInPlace(oldDirs.get(i), -al[i]);
        }
        Tensor r = q.mul(hDiag);
        for (int i = 0; i < n; i++) {
            double be = inDtype(oldDirs.get(i).dot(r).item() * ro.get(i));
            r.addScaledInPlace(oldStps.get(i), inDtype(al[i] - be));
        }
        return r;
    }

    /**
     * {@code v} rounded to the parameters' dtype: PyTorch's scalars here are 0-d tensors of that
     * dtype (dot products, {@code 1/ys}, {@code H_diag}, the two-loop coefficients), so in float32
     * they are float32 values.
     */
    private double inDtype(double v) {
        return params.get(0).dtype() == DType.FLOAT32 ? (float) v : v;
    }

    private static double bump(Tensor counter, double by) {
        return counter.addInPlace(by).item();
    }

    private static Tensor evaluate(Supplier<Variable> closure) {
        try (Autograd.Scope ignored = Autograd.enableGrad()) {
            Variable loss = closure.get();
            if (loss == null || loss.numel() != 1) throw new IllegalArgumentException("LBFGS.step: the closure must return the loss (one element)");
            return loss.data();
        }
    }

    /** The gradients flattened and joined in parameter order (zeros for a missing one), PyTorch's {@code _gather_flat_grad}. */
    private Tensor flatGrad() {
        List<Tensor> views = new ArrayList<>();
        for (Variable p : params) views.add(p.grad() == null ? Tensor.zerosLike(p.data()).reshape(-1) : p.grad().reshape(-1));
        return Tensor.cat(views, 0);
    }

    /** {@code p += step · update[slice of p]} for every parameter. */
    private void addToParams(double step, Tensor update) {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            int off = 0;
            for (Variable p : params) {
                int n = p.numel();
                p.data().addScaledInPlace(update.narrow(0, off, n).reshape(p.shape()), step);
                off += n;
            }
        }
    }

    /** PyTorch's {@code _strong_wolfe}: the step t, the loss and gradient there, the evaluations spent. */
    private final class LineSearch {
        final Supplier<Variable> closure;
        final List<Tensor> x0;
        final Tensor dir;
        final double f, gtd;
        final int maxLs;
        final Tensor g;
        double t, fNew;
        Tensor gNew;
        int evals;

        LineSearch(Supplier<Variable> closure, List<Tensor> x0, Tensor dir, double f, Tensor g, double gtd, int maxLs) {
            this.closure = closure;
            this.x0 = x0;
            this.dir = dir;
            this.f = f;
            this.g = g.copy();
            this.gtd = gtd;
            this.maxLs = maxLs;
        }

        /** The loss and gradient at {@code x0 + step·dir}; the parameters are restored after. */
        double gtdAt(double step) {
            addToParams(step, dir);
            fNew = evaluate(closure).item();
            try (Autograd.Scope ignored = Autograd.noGrad()) {
                gNew = flatGrad();
                for (int i = 0; i < params.size(); i++) params.get(i).data().copyInPlace(x0.get(i));
            }
            evals++;
            return gNew.dot(dir).item();
        }

        void run(double t0, double tolChange) {
            final double c1 = 1e-4, c2 = 0.9;
            double dNorm = dir.abs().max().item();
            t = t0;
            double gtdNew = gtdAt(t);
            double tPrev = 0, fPrev = f, gtdPrev = gtd;
            Tensor gPrev = g;
            double[] br = null, brF = null, brGtd = null;
            Tensor[] brG = null;
            boolean done = false;
            int iter = 0;
            // bracketing phase
            while (iter < maxLs) {
                boolean armijoFails = fNew > f + c1 * t * gtd || (iter > 1 && fNew >= fPrev);
                if (!armijoFails && Math.abs(gtdNew) <= -c2 * gtd) {
                    br = new double[] {t};
                    brF = new double[] {fNew};
                    brG = new Tensor[] {gNew};
                    done = true;
                    break;
                }
                if (armijoFails || gtdNew >= 0) {
                    br = new double[] {tPrev, t};
                    brF = new double[] {fPrev, fNew};
                    brG = new Tensor[] {gPrev, gNew.copy()};
                    brGtd = new double[] {gtdPrev, gtdNew};
                    break;
                }
                double minStep = t + 0.01 * (t - tPrev), maxStep = t * 10, tmp = t;
                t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, minStep, maxStep);
                tPrev = tmp;
                fPrev = fNew;
                gPrev = gNew.copy();
                gtdPrev = gtdNew;
                gtdNew = gtdAt(t);
                iter++;
            }
            if (iter == maxLs) {
                br = new double[] {0, t};
                brF = new double[] {f, fNew};
                brG = new Tensor[] {g, gNew};
                // PyTorch keeps the bracket's slopes from the loop (none when it never bracketed)
                if (brGtd == null) brGtd = new double[] {Double.NaN, Double.NaN};
            }
            boolean insufProgress = false;
            int low = brF[0] <= brF[brF.length - 1] ? 0 : 1, high = 1 - low;
            // zoom phase
            while (!done && iter < maxLs) {
                if (Math.abs(br[1] - br[0]) * dNorm < tolChange) break;
                t = cubicInterpolate(br[0], brF[0], brGtd[0], br[1], brF[1], brGtd[1], Math.min(br[0], br[1]), Math.max(br[0], br[1]));
                double hi = Math.max(br[0], br[1]), lo = Math.min(br[0], br[1]), eps = 0.1 * (hi - lo);
                if (Math.min(hi - t, t - lo) < eps) {
                    if (insufProgress || t >= hi || t <= lo) {
                        t = Math.abs(t - hi) < Math.abs(t - lo) ? hi - eps : lo + eps;
                        insufProgress = false;
                    } else {
                        insufProgress = true;
                    }
                } else {
                    insufProgress = false;
                }
                gtdNew = gtdAt(t);
                iter++;
                if (fNew > f + c1 * t * gtd || fNew >= brF[low]) {
                    br[high] = t;
                    brF[high] = fNew;
                    brG[high] = gNew.copy();
                    brGtd[high] = gtdNew;
                    low = brF[0] <= brF[1] ? 0 : 1;
                    high = 1 - low;
                } else {
                    if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
                    else if (gtdNew * (br[high] - br[low]) >= 0) {
                        br[high] = br[low];
                        brF[high] = brF[low];
                        brG[high] = brG[low];
                        brGtd[high] = brGtd[low];
                    }
                    br[low] = t;
                    brF[low] = fNew;
                    brG[low] = gNew.copy();
                    brGtd[low] = gtdNew;
                }
            }
            t = br[low];
            fNew = brF[low];
            gNew = brG[low];
        }
    }

    /** The minimiser of the cubic through two points with slopes, clamped to [lo, hi]; the midpoint when it has none. */
    static double cubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2, double lo, double hi) {
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double d2Square = d1 * d1 - g1 * g2;
        if (d2Square < 0) return (lo + hi) / 2.0;
        double d2 = Math.sqrt(d2Square);
        double minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
        return Math.min(Math.max(minPos, lo), hi);
    }
}
