package io.simdgrad.core;

import io.simdgrad.core.ops.Shapes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks the engine's gradients against finite differences, like {@code torch.autograd.gradcheck}
 * and {@code torch.autograd.gradgradcheck}.
 *
 * <p>For a function {@code y = fn(x_0, ..., x_{k-1})} and every input {@code x_i} that requires
 * grad, the numerical Jacobian comes from central differences in FLOAT64:
 * {@code (y(x + eps e) - y(x - eps e)) / (x_+ - x_-)} per input element {@code e}, where the
 * element is perturbed in place in the input's data (and restored afterwards, even when
 * {@code fn} throws), {@code fn} runs under {@link Autograd#noGrad()}, and {@code x_+ - x_-} is
 * the difference of the values actually stored (exactly {@code 2 eps} up to rounding). The
 * analytical Jacobian comes from the engine: one {@link Autograd#grad} per output element, with a
 * one-hot gradient. Every entry is compared: {@code |a - n| <= atol + rtol * |n|}. An input the
 * output does not depend on (or only through non-differentiable ops) has an analytical gradient
 * of zero, as with torch's {@code allow_unused}.
 *
 * <p>{@link #forwardGradcheck} checks forward mode the same way, its analytical Jacobian built
 * column by column from one-hot tangents ({@link ForwardAD}); {@link #numericalJacobian} gives
 * the central differences themselves, as an oracle for derivatives computed any other way.
 *
 * <p>Inputs that require grad must not share storage with another input and must not overlap
 * themselves (an expanded view), since perturbing one element would then move several.
 * Inputs that do not require grad (targets, masks) are passed through unchanged.
 */
public final class GradCheck {
    /** The default step of the central differences. */
    public static final double DEFAULT_EPS = 1e-6;
    /** The default absolute tolerance. */
    public static final double DEFAULT_ATOL = 1e-5;
    /** The default relative tolerance (relative to the numerical value). */
    public static final double DEFAULT_RTOL = 1e-3;
    /**
     * The seed of the {@link Generator} that draws {@link #gradgradcheck}'s gradient outputs:
     * standard normal values in the output's dtype and shape, the same on every run.
     */
    public static final long GRAD_OUTPUT_SEED = 20240607L;

    private GradCheck() {}

    /**
     * A gradient check that failed. Extends {@link AssertionError}, so test frameworks report it
     * as a failed assertion (not as an error in the test). For a Jacobian mismatch the accessors
     * give the first mismatching entry; for other failures (a gradient of the wrong shape) they
     * return -1, null or NaN.
     */
    public static final class GradcheckError extends AssertionError {
        private static final long serialVersionUID = 1L;
        private final int input;
        private final int[] inputElement;
        private final int output;
        private final int[] outputElement;
        private final double numerical;
        private final double analytical;

        GradcheckError(String message, int input, int[] inputElement, int output, int[] outputElement,
                       double numerical, double analytical) {
            super(message);
            this.input = input;
            this.inputElement = inputElement;
            this.output = output;
            this.outputElement = outputElement;
            this.numerical = numerical;
            this.analytical = analytical;
        }

        GradcheckError(String message) {
            this(message, -1, null, -1, null, Double.NaN, Double.NaN);
        }

        /** The index of the input (in the argument list) whose Jacobian column mismatched, or -1. */
        public int input() {
            return input;
        }

        /** The multi-index of the perturbed input element, or null. */
        public int[] inputElement() {
            return inputElement == null ? null : inputElement.clone();
        }

        /** The index of the output (always 0 for gradcheck), or -1. */
        public int output() {
            return output;
        }

        /** The multi-index of the output element, or null. */
        public int[] outputElement() {
            return outputElement == null ? null : outputElement.clone();
        }

        /** The finite-difference value of the mismatching entry, or NaN. */
        public double numerical() {
            return numerical;
        }

        /** The engine's value of the mismatching entry, or NaN. */
        public double analytical() {
            return analytical;
        }
    }

    // ------------------------------------------------------------------ public API

    /**
     * Checks the gradients of {@code fn} at {@code inputs} with the default eps 1e-6, atol 1e-5
     * and rtol 1e-3. Inputs that require grad must be FLOAT64 (finite differences in FLOAT32 are
     * too coarse for these tolerances; pass tolerances explicitly to check FLOAT32 inputs).
     *
     * @return true when every Jacobian entry matches
     * @throws GradcheckError naming the input, its element, the output element and both values of
     *         the first mismatching entry
     * @throws IllegalArgumentException when an input that requires grad is FLOAT32, when no
     *         input requires grad, or when inputs share memory
     */
    public static boolean gradcheck(Function<List<Variable>, Variable> fn, Variable... inputs) {
        return run("gradcheck", single(fn), DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL, true, inputs, null, false);
    }

    /**
     * {@link #gradcheck(Function, Variable...)} with the caller's step and tolerances; FLOAT32
     * inputs are accepted (perturbed in FLOAT32, differences and comparisons in FLOAT64).
     */
    public static boolean gradcheck(Function<List<Variable>, Variable> fn, double eps, double atol, double rtol,
                                    Variable... inputs) {
        return run("gradcheck", single(fn), eps, atol, rtol, false, inputs, null, false);
    }

    /**
     * Checks second derivatives: runs {@link #gradcheck} on the function
     * {@code x -> Autograd.grad([fn(x)], [x_i that require grad], [v], createGraph = true)}, whose
     * outputs are the gradients with respect to each input that requires grad, for a fixed
     * gradient output {@code v} of standard normal values drawn from
     * {@code new Generator(GRAD_OUTPUT_SEED)} (a constant, not differentiated). Output {@code k} of
     * a reported mismatch is the gradient with respect to the k-th input that requires grad.
     * Default eps, atol and rtol, FLOAT64 inputs, as {@link #gradcheck(Function, Variable...)}.
     */
    public static boolean gradgradcheck(Function<List<Variable>, Variable> fn, Variable... inputs) {
        return gradgrad(fn, DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL, true, inputs);
    }

    /** {@link #gradgradcheck(Function, Variable...)} with the caller's step and tolerances; FLOAT32 inputs are accepted. */
    public static boolean gradgradcheck(Function<List<Variable>, Variable> fn, double eps, double atol, double rtol,
                                        Variable... inputs) {
        return gradgrad(fn, eps, atol, rtol, false, inputs);
    }

    /**
     * Checks forward mode, like {@code torch.autograd.gradcheck(..., check_forward_ad=True)}: the
     * analytical Jacobian comes from {@link ForwardAD}, one forward pass per input element with a
     * one-hot tangent (each op's {@link Op#jvp}), compared with the same central differences.
     * Defaults and FLOAT64 inputs as {@link #gradcheck(Function, Variable...)}.
     */
    public static boolean forwardGradcheck(Function<List<Variable>, Variable> fn, Variable... inputs) {
        return run("forwardGradcheck", single(fn), DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL, true, inputs, null, true);
    }

    /** {@link #forwardGradcheck(Function, Variable...)} with the caller's step and tolerances; FLOAT32 inputs are accepted. */
    public static boolean forwardGradcheck(Function<List<Variable>, Variable> fn, double eps, double atol, double rtol,
                                           Variable... inputs) {
        return run("forwardGradcheck", single(fn), eps, atol, rtol, false, inputs, null, true);
    }

    /**
     * The central-difference Jacobian of {@code fn} at {@code inputs}, as the checks compute it:
     * one FLOAT64 tensor per input that requires grad, of shape {@code fn(inputs).shape + input.shape}
     * (torch.func.jacrev's layout), entry {@code (j, e)} being
     * {@code (y_j(x + eps e) - y_j(x - eps e)) / (x_+ - x_-)}. An oracle for derivatives computed
     * any other way (function transforms, hand-written gradients).
     */
    public static List<Tensor> numericalJacobian(Function<List<Variable>, Variable> fn, double eps, Variable... inputs) {
        if (fn == null) throw new NullPointerException("numericalJacobian: fn is null");
        checkArguments("numericalJacobian", eps, 0, 0, false, inputs);
        List<Variable> xs = List.of(inputs);
        List<Integer> diffIndex = requiringGrad(inputs);
        List<Variable> diff = new ArrayList<>();
        for (int i : diffIndex) diff.add(inputs[i]);
        Function<List<Variable>, List<Variable>> f = single(fn);
        int[] outShape;
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            Variable y = fn.apply(xs);
            checkOutput("numericalJacobian", 0, y);
            outShape = y.shape();
        }
        double[][][][] jn = numerical("numericalJacobian", f, eps, xs, diff, diffIndex, new int[][] {outShape}, null);
        List<Tensor> r = new ArrayList<>(diff.size());
        int m = Shapes.numel(outShape);
        for (int d = 0; d < diff.size(); d++) {
            int[] inShape = diff.get(d).shape();
            int n = Shapes.numel(inShape);
            double[] v = new double[Math.multiplyExact(m, n)];
            for (int e = 0; e < n; e++) for (int j = 0; j < m; j++) v[j * n + e] = jn[0][d][e][j];
            int[] shape = Arrays.copyOf(outShape, outShape.length + inShape.length);
            System.arraycopy(inShape, 0, shape, outShape.length, inShape.length);
            r.add(Tensor.of(v, shape));
        }
        return r;
    }

    // ------------------------------------------------------------------ implementation

    private static Function<List<Variable>, List<Variable>> single(Function<List<Variable>, Variable> fn) {
        if (fn == null) throw new NullPointerException("gradcheck: fn is null");
        return xs -> Collections.singletonList(fn.apply(xs));
    }

    private static boolean gradgrad(Function<List<Variable>, Variable> fn, double eps, double atol, double rtol,
                                    boolean strictDtype, Variable[] inputs) {
        if (fn == null) throw new NullPointerException("gradgradcheck: fn is null");
        checkArguments("gradgradcheck", eps, atol, rtol, strictDtype, inputs);
        List<Variable> xs = List.of(inputs);
        List<Integer> diffIndex = requiringGrad(inputs);
        List<Variable> diff = new ArrayList<>();
        for (int i : diffIndex) diff.add(inputs[i]);
        Variable y0;
        try (Autograd.Scope ignored = Autograd.enableGrad()) {
            y0 = fn.apply(xs);
        }
        checkOutput("gradgradcheck", 0, y0);
        Tensor v = Tensor.randn(y0.dtype(), new Generator(GRAD_OUTPUT_SEED), y0.shape());
        Function<List<Variable>, List<Variable>> grads = in -> {
            try (Autograd.Scope ignored = Autograd.enableGrad()) {
                Variable y = fn.apply(in);
                checkOutput("gradgradcheck", 0, y);
                return gradients(y, diff, v, true);
            }
        };
        String[] names = new String[diff.size()];
        for (int k = 0; k < names.length; k++) names[k] = "output " + k + " (the gradient with respect to input " + diffIndex.get(k) + ")";
        return run("gradgradcheck", grads, eps, atol, rtol, strictDtype, inputs, names, false);
    }

    /** The indices of the inputs that require grad. */
    private static List<Integer> requiringGrad(Variable[] inputs) {
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) if (inputs[i].requiresGrad()) r.add(i);
        return r;
    }

    private static void checkArguments(String what, double eps, double atol, double rtol, boolean strictDtype, Variable[] inputs) {
        if (!(eps > 0) || Double.isInfinite(eps)) throw new IllegalArgumentException(what + ": eps must be positive and finite, got " + eps);
        if (!(atol >= 0) || !(rtol >= 0)) {
            throw new IllegalArgumentException(what + ": atol and rtol must be non-negative, got atol " + atol + " and rtol " + rtol);
        }
        if (inputs == null || inputs.length == 0) throw new IllegalArgumentException(what + ": expected at least one input");
        boolean any = false;
        for (int i = 0; i < inputs.length; i++) {
            Variable x = inputs[i];
            if (x == null) throw new NullPointerException(what + ": input " + i + " is null");
            if (!x.requiresGrad()) continue;
            any = true;
            if (strictDtype && x.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException(what + ": input " + i + " is " + x.dtype() + "; finite differences with the "
                        + "default eps " + DEFAULT_EPS + " and tolerances need FLOAT64 inputs. Convert it with "
                        + "data().to(DType.FLOAT64), or pass tolerances that suit " + x.dtype() + " with " + what
                        + "(fn, eps, atol, rtol, inputs...)");
            }
            Tensor t = x.data();
            for (int d = 0; d < t.dim(); d++) {
                if (t.strides[d] == 0 && t.shape[d] > 1) {
                    throw new IllegalArgumentException(what + ": input " + i + " (shape " + Shapes.str(t.shape) + ", strides "
                            + Arrays.toString(t.strides) + ") overlaps itself, so perturbing one element would move several; "
                            + "pass data().contiguous()");
                }
            }
            for (int j = 0; j < inputs.length; j++) {
                if (j != i && inputs[j] != null && inputs[j].data().sharesStorageWith(t)) {
                    throw new IllegalArgumentException(what + ": inputs " + Math.min(i, j) + " and " + Math.max(i, j)
                            + " share memory, so perturbing one would move the other; pass separate copies");
                }
            }
        }
        if (!any) throw new IllegalArgumentException(what + ": expected at least one input that requires grad");
    }

    private static void checkOutput(String what, int k, Variable y) {
        if (y == null) throw new NullPointerException(what + ": fn returned null for output " + k);
        if (!y.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(what + ": output " + k + " is " + y.dtype() + "; only floating point outputs have gradients");
        }
    }

    /**
     * The gradients of {@code y} with respect to each of {@code xs} for the gradient output
     * {@code gy}, zeros for inputs {@code y} does not reach or reaches only through ops that
     * give them no gradient. The graph of {@code y} is retained.
     */
    private static List<Variable> gradients(Variable y, List<Variable> xs, Tensor gy, boolean createGraph) {
        Variable[] r = new Variable[xs.size()];
        if (y.requiresGrad()) {
            Set<Node> reachable = reachableNodes(y.gradEdge());
            List<Variable> used = new ArrayList<>();
            List<Integer> at = new ArrayList<>();
            for (int i = 0; i < xs.size(); i++) {
                if (reachable.contains(xs.get(i).gradEdge())) {
                    used.add(xs.get(i));
                    at.add(i);
                }
            }
            if (!used.isEmpty()) {
                List<Variable> g;
                try {
                    g = Autograd.grad(List.of(y), used, List.of(gy), true, createGraph);
                } catch (IllegalArgumentException e) {
                    if (!isUnused(e)) throw e;
                    // a reached input to which every path gives no gradient (a where() mask): ask one by one
                    g = new ArrayList<>();
                    for (Variable u : used) {
                        try {
                            g.add(Autograd.grad(List.of(y), List.of(u), List.of(gy), true, createGraph).get(0));
                        } catch (IllegalArgumentException none) {
                            if (!isUnused(none)) throw none;
                            g.add(null);
                        }
                    }
                }
                for (int k = 0; k < used.size(); k++) r[at.get(k)] = g.get(k);
            }
        }
        List<Variable> out = new ArrayList<>(r.length);
        for (int i = 0; i < r.length; i++) {
            out.add(r[i] != null ? r[i] : new Variable(Tensor.zeros(xs.get(i).dtype(), xs.get(i).shape()), false));
        }
        return out;
    }

    /** Autograd.grad's failure for an input no gradient reached (torch's allow_unused=False message). */
    private static boolean isUnused(IllegalArgumentException e) {
        return e.getMessage() != null && e.getMessage().contains("appears to not have been used in the graph");
    }

    private static Set<Node> reachableNodes(Node root) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node> stack = new ArrayDeque<>();
        seen.add(root);
        stack.push(root);
        while (!stack.isEmpty()) {
            for (Node m : stack.pop().next) {
                if (m != null && seen.add(m)) stack.push(m);
            }
        }
        return seen;
    }

    /** The check proper: numerical and analytical Jacobians of every output with respect to every input that requires grad. */
    private static boolean run(String what, Function<List<Variable>, List<Variable>> fn, double eps, double atol, double rtol,
                               boolean strictDtype, Variable[] inputs, String[] outputNames, boolean forward) {
        checkArguments(what, eps, atol, rtol, strictDtype, inputs);
        List<Variable> xs = List.of(inputs);
        List<Integer> diffIndex = requiringGrad(inputs);
        List<Variable> diff = new ArrayList<>();
        for (int i : diffIndex) diff.add(inputs[i]);

        // analytical: ja[k][d][e][j] = d out_k[j] / d x_d[e], one backward per output element (or one forward per input element)
        List<Variable> outs;
        try (Autograd.Scope ignored = Autograd.enableGrad()) {
            outs = fn.apply(xs);
        }
        int nOut = outs.size();
        int[][] outShapes = new int[nOut][];
        double[][][][] ja = new double[nOut][diff.size()][][];
        for (int k = 0; k < nOut && forward; k++) {
            checkOutput(what, k, outs.get(k));
            outShapes[k] = outs.get(k).shape();
        }
        if (forward) forwardJacobian(what, fn, inputs, diffIndex, outShapes, ja);
        for (int k = 0; k < nOut && !forward; k++) {
            Variable y = outs.get(k);
            checkOutput(what, k, y);
            outShapes[k] = y.shape();
            int m = y.numel();
            for (int d = 0; d < diff.size(); d++) ja[k][d] = new double[diff.get(d).numel()][m];
            for (int j = 0; j < m; j++) {
                Tensor gy = Tensor.zeros(y.dtype(), outShapes[k]);
                gy.storage.set(j, 1);
                List<Variable> g = gradients(y, diff, gy, false);
                for (int d = 0; d < diff.size(); d++) {
                    Tensor gd = g.get(d).data();
                    Variable x = diff.get(d);
                    if (!Arrays.equals(gd.shape, x.data().shape)) {
                        throw new GradcheckError(what + ": the analytical gradient of " + outputName(outputNames, k)
                                + " with respect to input " + diffIndex.get(d) + " has shape " + Shapes.str(gd.shape)
                                + ", expected the input's shape " + Shapes.str(x.data().shape));
                    }
                    double[] col = gd.toDoubleArray();
                    for (int e = 0; e < col.length; e++) ja[k][d][e][j] = col[e];
                }
            }
        }
        outs = null;
        double[][][][] jn = numerical(what, fn, eps, xs, diff, diffIndex, outShapes, outputNames);
        compare(what, atol, rtol, eps, diff, diffIndex, outShapes, outputNames, ja, jn);
        return true;
    }

    /** Forward mode's Jacobian: a one-hot tangent per element of each differentiated input, the outputs' tangents as columns. */
    private static void forwardJacobian(String what, Function<List<Variable>, List<Variable>> fn, Variable[] inputs,
                                        List<Integer> diffIndex, int[][] outShapes, double[][][][] ja) {
        for (int d = 0; d < diffIndex.size(); d++) {
            Variable x = inputs[diffIndex.get(d)];
            int n = x.numel();
            for (int k = 0; k < outShapes.length; k++) ja[k][d] = new double[n][];
            for (int e = 0; e < n; e++) {
                double[] onehot = new double[n];
                onehot[e] = 1;
                try (ForwardAD.Level ignored = ForwardAD.dualLevel()) {
                    List<Variable> args = new ArrayList<>(List.of(inputs));
                    args.set(diffIndex.get(d), ForwardAD.makeDual(x, new Variable(Tensor.of(onehot).reshape(x.shape()).to(x.dtype()), false)));
                    List<Variable> outs = fn.apply(args);
                    for (int k = 0; k < outShapes.length; k++) {
                        Variable y = outs.get(k);
                        checkOutput(what, k, y);
                        Variable t = ForwardAD.tangent(y);
                        if (t != null && !Arrays.equals(t.shape(), outShapes[k])) {
                            throw new GradcheckError(what + ": the tangent of output " + k + " has shape " + Shapes.str(t.data().shape)
                                    + ", expected the output's shape " + Shapes.str(outShapes[k]));
                        }
                        ja[k][d][e] = t != null ? t.data().toDoubleArray() : new double[Shapes.numel(outShapes[k])];
                    }
                }
            }
        }
    }

    /** The central differences: jn[k][d][e][j], perturbing each element in place and restoring it. */
    private static double[][][][] numerical(String what, Function<List<Variable>, List<Variable>> fn, double eps, List<Variable> xs,
                                            List<Variable> diff, List<Integer> diffIndex, int[][] outShapes, String[] outputNames) {
        int nOut = outShapes.length;
        double[][][][] jn = new double[nOut][diff.size()][][];
        for (int d = 0; d < diff.size(); d++) {
            Tensor t = diff.get(d).data();
            int n = t.numel();
            for (int k = 0; k < nOut; k++) jn[k][d] = new double[n][];
            for (int e = 0; e < n; e++) {
                int p = t.flatIndex(what, unravel(e, t.shape));
                double orig = t.storage.get(p);
                double[][] plus, minus;
                double step;
                try {
                    t.storage.set(p, orig + eps);
                    double xp = t.storage.get(p);
                    plus = evaluate(what, fn, xs, outShapes, outputNames);
                    t.storage.set(p, orig - eps);
                    double xm = t.storage.get(p);
                    minus = evaluate(what, fn, xs, outShapes, outputNames);
                    step = xp - xm;
                } finally {
                    t.storage.set(p, orig);
                }
                if (step == 0) {
                    throw new IllegalArgumentException(what + ": eps " + eps + " does not change element "
                            + Arrays.toString(unravel(e, t.shape)) + " (value " + orig + ") of input " + diffIndex.get(d)
                            + " in " + t.dtype() + "; choose a larger eps");
                }
                for (int k = 0; k < nOut; k++) {
                    double[] col = new double[plus[k].length];
                    for (int j = 0; j < col.length; j++) col[j] = (plus[k][j] - minus[k][j]) / step;
                    jn[k][d][e] = col;
                }
            }
        }

        return jn;
    }

    /** Compares every entry; reports the first mismatch and how many there are. */
    private static void compare(String what, double atol, double rtol, double eps, List<Variable> diff, List<Integer> diffIndex,
                                int[][] outShapes, String[] outputNames, double[][][][] ja, double[][][][] jn) {
        for (int k = 0; k < outShapes.length; k++) {
            for (int d = 0; d < diff.size(); d++) {
                int[] inShape = diff.get(d).data().shape;
                int bad = 0, firstE = -1, firstJ = -1;
                for (int e = 0; e < jn[k][d].length; e++) {
                    for (int j = 0; j < jn[k][d][e].length; j++) {
                        double a = ja[k][d][e][j], num = jn[k][d][e][j];
                        if (!(Math.abs(a - num) <= atol + rtol * Math.abs(num))) {
                            if (bad++ == 0) {
                                firstE = e;
                                firstJ = j;
                            }
                        }
                    }
                }
                if (bad > 0) {
                    double a = ja[k][d][firstE][firstJ], num = jn[k][d][firstE][firstJ];
                    int[] ie = unravel(firstE, inShape), oe = unravel(firstJ, outShapes[k]);
                    int total = jn[k][d].length * outputSize(outShapes[k]);
                    throw new GradcheckError(what + ": Jacobian mismatch for " + outputName(outputNames, k)
                            + " with respect to input " + diffIndex.get(d) + ",\n"
                            + "numerical: " + num + "\n"
                            + "analytical: " + a + "\n"
                            + "at input " + diffIndex.get(d) + " element " + Arrays.toString(ie) + " (shape " + Shapes.str(inShape)
                            + ") and output element " + Arrays.toString(oe) + " (shape " + Shapes.str(outShapes[k]) + "); "
                            + "|analytical - numerical| = " + Math.abs(a - num) + " > atol + rtol * |numerical| = "
                            + (atol + rtol * Math.abs(num)) + " (eps " + eps + ", atol " + atol + ", rtol " + rtol + "); "
                            + bad + " of " + total + " entries of this Jacobian mismatch",
                            diffIndex.get(d), ie, k, oe, num, a);
                }
            }
        }
    }

    /** The multi-index of row-major position {@code p} in {@code shape}. */
    private static int[] unravel(int p, int[] shape) {
        int[] idx = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            idx[i] = p % shape[i];
            p /= shape[i];
        }
        return idx;
    }

    private static int outputSize(int[] shape) {
        return Shapes.numel(shape);
    }

    private static String outputName(String[] names, int k) {
        return names == null ? "output " + k : names[k];
    }

    /** The outputs of {@code fn} as row-major doubles, computed without recording. */
    private static double[][] evaluate(String what, Function<List<Variable>, List<Variable>> fn, List<Variable> xs,
                                       int[][] outShapes, String[] outputNames) {
        List<Variable> outs;
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            outs = fn.apply(xs);
        }
        if (outs.size() != outShapes.length) {
            throw new IllegalStateException(what + ": fn returned " + outs.size() + " outputs, earlier " + outShapes.length);
        }
        double[][] r = new double[outs.size()][];
        for (int k = 0; k < r.length; k++) {
            Variable y = outs.get(k);
            checkOutput(what, k, y);
            if (!Arrays.equals(y.shape(), outShapes[k])) {
                throw new IllegalStateException(what + ": " + outputName(outputNames, k) + " has shape " + Shapes.str(y.shape())
                        + " at a perturbed input, but " + Shapes.str(outShapes[k]) + " at the input itself");
            }
            r[k] = y.data().toDoubleArray();
        }
        return r;
    }
}
