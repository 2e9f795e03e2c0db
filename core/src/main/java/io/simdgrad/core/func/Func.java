package io.simdgrad.core.func;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.ForwardAD;
import io.simdgrad.core.GradOptions;
import io.simdgrad.core.Node;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Function transforms after {@code torch.func} and JAX: each takes a function of
 * {@link Variable}s and returns a function (or evaluates one) that computes a derivative.
 * They compose: {@code grad(grad(f))}, {@code jacfwd(jacrev(f))}, {@code vmap(grad(f))}.
 *
 * <ul>
 * <li>{@link #grad}, {@link #valueAndGrad}, {@link #vjp}, {@link #jacrev}: reverse mode (the
 *     autograd engine, through {@link Autograd#grad(List, List, GradOptions)}).
 * <li>{@link #jvp}, {@link #jacfwd}: forward mode ({@link ForwardAD}: every op computes the
 *     tangent of its result with its own JVP rule, in the same pass as its value).
 * <li>{@link #hessian} is {@code jacfwd(jacrev(f))} and {@link #hvp} is {@code jvp(grad(f))}:
 *     forward-over-reverse.
 * <li>{@link #vmap}: {@code f} mapped over a batch dim.
 * </ul>
 *
 * <p>A one-input function is a {@code UnaryOperator<Variable>}; a function of several inputs is
 * a {@code Function<List<Variable>, Variable>} (the form {@code GradCheck} takes) with the
 * indices of the inputs to differentiate ({@code argnums}). The inputs themselves are never
 * changed; a transform differentiates with respect to an alias of each. A result carries a graph
 * (can be differentiated again by an outer reverse transform or {@code backward}) exactly when
 * grad mode is on and it depends on some variable outside the transform that requires grad; it
 * carries forward-mode tangents whenever its inputs did, so an outer {@link #jvp} sees through it.
 */
public final class Func {
    private Func() {}

    /** The value of {@code f} and its gradients with respect to the differentiated inputs. */
    public record ValueAndGrad(Variable value, List<Variable> grads) {
        /** The gradient with respect to the first (for one-input functions: the only) differentiated input. */
        public Variable grad() {
            return grads.get(0);
        }
    }

    /** The value of {@code f} and its directional derivative (the Jacobian-vector product). */
    public record ValueAndTangent(Variable value, Variable tangent) {}

    /** The value of {@code f} at the primals and its vector-Jacobian product, a function of a cotangent. */
    public static final class Vjp {
        private final Variable value;
        private final List<Variable> inputs;
        private final boolean outerGrad;

        private Vjp(Variable value, List<Variable> inputs, boolean outerGrad) {
            this.value = value;
            this.inputs = inputs;
            this.outerGrad = outerGrad;
        }

        /** {@code f}'s value. */
        public Variable value() {
            return value;
        }

        /** {@code uᵀ J} with respect to the first (for one-input functions: the only) input. */
        public Variable apply(Variable cotangent) {
            return applyAll(cotangent).get(0);
        }

        /**
         * {@code uᵀ J_i} for each input i ({@code cotangent} has the value's shape): the gradients of
         * {@code <value, cotangent>}, so a cotangent that requires grad or carries a tangent is
         * differentiated through too. May be called any number of times.
         */
        public List<Variable> applyAll(Variable cotangent) {
            if (cotangent == null) throw new NullPointerException("vjp: the cotangent is null");
            if (!Arrays.equals(cotangent.shape(), value.shape())) {
                throw new IllegalArgumentException("vjp: Expected the cotangent to have the shape of f's output "
                        + Arrays.toString(value.shape()) + ", got " + Arrays.toString(cotangent.shape()));
            }
            if (!value.requiresGrad()) return zerosLike(inputs);
            boolean graph = outerGrad && (needsGraph(value, inputs) || cotangent.requiresGrad());
            try (Autograd.Scope ignored = Autograd.enableGrad()) {
                Variable u = cotangent.dtype() == value.dtype() ? cotangent : cotangent.to(value.dtype());
                Variable dot = value.mul(u).sum();
                return Autograd.grad(List.of(dot), inputs,
                        GradOptions.create().retainGraph(true).createGraph(graph).materializeGrads(true));
            }
        }
    }

    // ------------------------------------------------------------------ reverse mode

    /**
     * {@code x -> df/dx} for a function with a 0-d result (torch.func.grad); the gradient has x's
     * shape.
     */
    public static UnaryOperator<Variable> grad(UnaryOperator<Variable> f) {
        requireFn("grad", f);
        return x -> valueAndGrad("grad", single(f), List.of(requireArg("grad", x)), new int[] {0}).grad();
    }

    /** The gradients of {@code f} with respect to inputs {@code argnum, more...}, in that order (torch.func.grad with argnums). */
    public static Function<List<Variable>, List<Variable>> grad(Function<List<Variable>, Variable> f, int argnum, int... more) {
        requireFn("grad", f);
        int[] argnums = argnums(argnum, more);
        return xs -> valueAndGrad("grad", f, xs, argnums).grads();
    }

    /** {@code x -> (f(x), df/dx)} (torch.func.grad_and_value), f's value computed once. */
    public static Function<Variable, ValueAndGrad> valueAndGrad(UnaryOperator<Variable> f) {
        requireFn("valueAndGrad", f);
        return x -> valueAndGrad("valueAndGrad", single(f), List.of(requireArg("valueAndGrad", x)), new int[] {0});
    }

    /** {@link #valueAndGrad(UnaryOperator)} with respect to inputs {@code argnum, more...}. */
    public static Function<List<Variable>, ValueAndGrad> valueAndGrad(Function<List<Variable>, Variable> f, int argnum, int... more) {
        requireFn("valueAndGrad", f);
        int[] argnums = argnums(argnum, more);
        return xs -> valueAndGrad("valueAndGrad", f, xs, argnums);
    }

    private static ValueAndGrad valueAndGrad(String what, Function<List<Variable>, Variable> f, List<Variable> xs, int[] argnums) {
        boolean outerGrad = Autograd.isGradEnabled();
        List<Variable> args = new ArrayList<>(checkArgs(what, xs, argnums));
        List<Variable> diff = aliases(what, args, argnums);
        Variable y;
        try (Autograd.Scope ignored = Autograd.enableGrad()) {
            y = f.apply(Collections.unmodifiableList(args));
        }
        checkOutput(what, y);
        if (y.dim() != 0) {
            throw new IllegalArgumentException(what + "(f)(x): Expected f(x) to return a scalar Tensor, got tensor with " + y.dim()
                    + " dims (shape " + Arrays.toString(y.shape()) + "). Maybe you wanted to use the vjp or jacrev APIs instead?");
        }
        if (!y.requiresGrad()) return new ValueAndGrad(y, zerosLike(diff));
        boolean graph = outerGrad && needsGraph(y, diff);
        List<Variable> g = Autograd.grad(List.of(y), diff, GradOptions.create().createGraph(graph).materializeGrads(true));
        return new ValueAndGrad(graph ? y : ForwardAD.detach(y), g);
    }

    /**
     * {@code f}'s value at {@code x} and its vector-Jacobian product {@code u -> uᵀ J}
     * (torch.func.vjp), for outputs of any shape.
     */
    public static Vjp vjp(UnaryOperator<Variable> f, Variable x) {
        requireFn("vjp", f);
        return vjp(single(f), List.of(requireArg("vjp", x)));
    }

    /** {@link #vjp(UnaryOperator, Variable)} for a function of several inputs, all differentiated. */
    public static Vjp vjp(Function<List<Variable>, Variable> f, List<Variable> xs) {
        requireFn("vjp", f);
        int[] all = new int[xs == null ? 0 : xs.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        boolean outerGrad = Autograd.isGradEnabled();
        List<Variable> args = new ArrayList<>(checkArgs("vjp", xs, all));
        List<Variable> diff = aliases("vjp", args, all);
        Variable y;
        try (Autograd.Scope ignored = Autograd.enableGrad()) {
            y = f.apply(Collections.unmodifiableList(args));
        }
        checkOutput("vjp", y);
        return new Vjp(y, diff, outerGrad);
    }

    /**
     * {@code x -> J}, the Jacobian of {@code f} at x by reverse mode, one backward pass per output
     * element (torch.func.jacrev); its shape is {@code f(x).shape + x.shape}.
     */
    public static UnaryOperator<Variable> jacrev(UnaryOperator<Variable> f) {
        requireFn("jacrev", f);
        return x -> jacrev(single(f), List.of(requireArg("jacrev", x)), new int[] {0}).get(0);
    }

    /** The Jacobians of {@code f} with respect to inputs {@code argnum, more...} by reverse mode. */
    public static Function<List<Variable>, List<Variable>> jacrev(Function<List<Variable>, Variable> f, int argnum, int... more) {
        requireFn("jacrev", f);
        int[] argnums = argnums(argnum, more);
        return xs -> jacrev(f, xs, argnums);
    }

    private static List<Variable> jacrev(Function<List<Variable>, Variable> f, List<Variable> xs, int[] argnums) {
        boolean outerGrad = Autograd.isGradEnabled();
        List<Variable> args = new ArrayList<>(checkArgs("jacrev", xs, argnums));
        List<Variable> diff = aliases("jacrev", args, argnums);
        Variable y;
        try (Autograd.Scope ignored = Autograd.enableGrad()) {
            y = f.apply(Collections.unmodifiableList(args));
        }
        checkOutput("jacrev", y);
        int m = y.numel();
        List<List<Variable>> rows = new ArrayList<>(diff.size());
        for (int d = 0; d < diff.size(); d++) rows.add(new ArrayList<>(m));
        boolean graph = outerGrad && y.requiresGrad() && needsGraph(y, diff);
        for (int j = 0; j < m; j++) {
            List<Variable> g;
            if (!y.requiresGrad()) {
                g = zerosLike(diff);
            } else {
                Tensor e = basis(y, j);
                g = Autograd.grad(List.of(y), diff,
                        GradOptions.create().gradOutputs(List.of(e)).retainGraph(graph || j < m - 1).createGraph(graph).materializeGrads(true));
            }
            for (int d = 0; d < diff.size(); d++) rows.get(d).add(g.get(d));
        }
        List<Variable> r = new ArrayList<>(diff.size());
        for (int d = 0; d < diff.size(); d++) r.add(assemble(rows.get(d), 0, y.shape(), diff.get(d).shape(), y.dtype()));
        return r;
    }

    // ------------------------------------------------------------------ forward mode

    /**
     * {@code (f(x), J v)}: {@code f}'s value and its derivative at x in direction v, in one
     * forward pass (torch.func.jvp): each op's JVP rule computes its result's tangent.
     */
    public static ValueAndTangent jvp(UnaryOperator<Variable> f, Variable x, Variable v) {
        requireFn("jvp", f);
        return jvp(single(f), List.of(requireArg("jvp", x)), List.of(requireArg("jvp", v)));
    }

    /** {@link #jvp(UnaryOperator, Variable, Variable)} for several inputs, each with its tangent. */
    public static ValueAndTangent jvp(Function<List<Variable>, Variable> f, List<Variable> xs, List<Variable> vs) {
        requireFn("jvp", f);
        if (xs == null || vs == null) throw new NullPointerException("jvp: primals and tangents must not be null");
        if (xs.size() != vs.size()) {
            throw new IllegalArgumentException("jvp(f, primals, tangents): Expected primals and tangents to have the same length, got "
                    + xs.size() + " primals and " + vs.size() + " tangents");
        }
        int[] all = new int[xs.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        checkArgs("jvp", xs, all);
        for (int i = 0; i < vs.size(); i++) {
            Variable v = vs.get(i), x = xs.get(i);
            if (v == null) throw new NullPointerException("jvp: tangent " + i + " is null");
            if (!Arrays.equals(v.shape(), x.shape())) {
                throw new IllegalArgumentException("jvp(f, primals, tangents): Expected primals and tangents to have the same shape, "
                        + "got primal " + i + " of shape " + Arrays.toString(x.shape()) + " and tangent of shape "
                        + Arrays.toString(v.shape()));
            }
            if (!x.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException("jvp: primal " + i + " has dtype " + x.dtype() + "; only floating point inputs can be differentiated");
            }
        }
        try (ForwardAD.Level ignored = ForwardAD.dualLevel()) {
            List<Variable> args = new ArrayList<>(xs.size());
            for (int i = 0; i < xs.size(); i++) {
                Variable v = vs.get(i);
                args.add(ForwardAD.makeDual(xs.get(i), v.dtype() == xs.get(i).dtype() ? v : v.to(xs.get(i).dtype())));
            }
            Variable y = f.apply(Collections.unmodifiableList(args));
            checkOutput("jvp", y);
            Variable t = ForwardAD.tangent(y);
            if (t == null) t = zeros(y);
            return new ValueAndTangent(y, t);
        }
    }

    /**
     * {@code x -> J}, the Jacobian of {@code f} at x by forward mode, one forward pass per input
     * element (torch.func.jacfwd); its shape is {@code f(x).shape + x.shape}.
     */
    public static UnaryOperator<Variable> jacfwd(UnaryOperator<Variable> f) {
        requireFn("jacfwd", f);
        return x -> jacfwd(single(f), List.of(requireArg("jacfwd", x)), new int[] {0}).get(0);
    }

    /** The Jacobians of {@code f} with respect to inputs {@code argnum, more...} by forward mode. */
    public static Function<List<Variable>, List<Variable>> jacfwd(Function<List<Variable>, Variable> f, int argnum, int... more) {
        requireFn("jacfwd", f);
        int[] argnums = argnums(argnum, more);
        return xs -> jacfwd(f, xs, argnums);
    }

    private static List<Variable> jacfwd(Function<List<Variable>, Variable> f, List<Variable> xs, int[] argnums) {
        List<Variable> args0 = checkArgs("jacfwd", xs, argnums);
        for (int a : argnums) requireFloat("jacfwd", a, args0.get(a));
        List<Variable> r = new ArrayList<>(argnums.length);
        for (int a : argnums) {
            Variable x = args0.get(a);
            int n = x.numel();
            List<Variable> cols = new ArrayList<>(n);
            int[] yShape = null;
            Variable y0 = null;
            for (int i = 0; i < n; i++) {
                Tensor e = basis(x, i);
                try (ForwardAD.Level ignored = ForwardAD.dualLevel()) {
                    List<Variable> args = new ArrayList<>(args0);
                    args.set(a, ForwardAD.makeDual(x, new Variable(e, false)));
                    Variable y = f.apply(Collections.unmodifiableList(args));
                    checkOutput("jacfwd", y);
                    if (yShape != null && !Arrays.equals(yShape, y.shape())) {
                        throw new IllegalStateException("jacfwd: f returned shape " + Arrays.toString(y.shape()) + " for column " + i
                                + " but " + Arrays.toString(yShape) + " before");
                    }
                    yShape = y.shape();
                    y0 = y;
                    Variable t = ForwardAD.tangent(y);
                    cols.add(t != null ? t : zeros(y));
                }
            }
            if (n == 0) {
                // no column to run f for: evaluate it once for the output shape
                y0 = f.apply(Collections.unmodifiableList(args0));
                checkOutput("jacfwd", y0);
                yShape = y0.shape();
            }
            r.add(assemble(cols, yShape.length, yShape, x.shape(), y0.dtype()));
        }
        return r;
    }

    // ------------------------------------------------------------------ second order

    /**
     * {@code x -> H}, the Hessian of a function with a 0-d result, as
     * {@code jacfwd(jacrev(f))} (torch.func.hessian): forward mode over one reverse pass, so each
     * column costs one forward-and-backward pass with tangents. Shape {@code x.shape + x.shape}.
     */
    public static UnaryOperator<Variable> hessian(UnaryOperator<Variable> f) {
        requireFn("hessian", f);
        return jacfwd(jacrev(f));
    }

    /**
     * The Hessian-vector product {@code H v} of a function with a 0-d result at x, without
     * forming H: the forward-mode derivative of its gradient in direction v (forward-over-reverse,
     * one pass).
     */
    public static Variable hvp(UnaryOperator<Variable> f, Variable x, Variable v) {
        requireFn("hvp", f);
        return jvp(grad(f), x, v).tangent();
    }

    // ------------------------------------------------------------------ batching

    /** An {@code inDims} entry for an input that is not mapped over (shared by every batch element), torch's {@code None}. */
    public static final int NOT_BATCHED = Integer.MIN_VALUE;

    /** {@code vmap(f, 0, 0)}. */
    public static UnaryOperator<Variable> vmap(UnaryOperator<Variable> f) {
        return vmap(f, 0, 0);
    }

    /** {@code f} mapped over dim {@code inDim} of its input, results stacked along {@code outDim} (torch.func.vmap). */
    public static UnaryOperator<Variable> vmap(UnaryOperator<Variable> f, int inDim, int outDim) {
        requireFn("vmap", f);
        Function<List<Variable>, Variable> g = vmap(single(f), new int[] {inDim}, outDim);
        return x -> g.apply(List.of(requireArg("vmap", x)));
    }

    /**
     * {@code f} mapped over a batch dim (torch.func.vmap): input i is split along
     * {@code inDims[i]} ({@link #NOT_BATCHED}: passed whole to every element), every batched input
     * must have the same size there, and the results of the elements are stacked along
     * {@code outDim}. {@code vmap(f)(x)[b] == f(x[b])}, with gradients flowing to the inputs.
     */
    public static Function<List<Variable>, Variable> vmap(Function<List<Variable>, Variable> f, int[] inDims, int outDim) {
        requireFn("vmap", f);
        if (inDims == null) throw new NullPointerException("vmap: inDims is null");
        int[] dims = inDims.clone();
        return xs -> Batching.map(f, xs, dims, outDim);
    }

    // ------------------------------------------------------------------ helpers

    private static Function<List<Variable>, Variable> single(UnaryOperator<Variable> f) {
        return xs -> f.apply(xs.get(0));
    }

    private static <T> T requireFn(String what, T f) {
        if (f == null) throw new NullPointerException(what + ": f is null");
        return f;
    }

    private static Variable requireArg(String what, Variable x) {
        if (x == null) throw new NullPointerException(what + ": the input is null");
        return x;
    }

    private static int[] argnums(int first, int[] more) {
        int[] r = new int[1 + more.length];
        r[0] = first;
        System.arraycopy(more, 0, r, 1, more.length);
        return r;
    }

    /** Checks the inputs and argnums (in range, no repeats); negative argnums count from the end. */
    private static List<Variable> checkArgs(String what, List<Variable> xs, int[] argnums) {
        if (xs == null) throw new NullPointerException(what + ": the list of inputs is null");
        for (int i = 0; i < xs.size(); i++) {
            if (xs.get(i) == null) throw new NullPointerException(what + ": input " + i + " is null");
        }
        boolean[] seen = new boolean[xs.size()];
        for (int k = 0; k < argnums.length; k++) {
            int a = argnums[k];
            if (a < -xs.size() || a >= xs.size()) {
                throw new IllegalArgumentException(what + ": Got argnums=" + a + ", but only " + xs.size() + " positional inputs");
            }
            if (a < 0) argnums[k] = a += xs.size();
            if (seen[a]) throw new IllegalArgumentException(what + ": argnums must be unique, got " + a + " twice");
            seen[a] = true;
        }
        return xs;
    }

    private static void requireFloat(String what, int i, Variable x) {
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(what + ": input " + i + " has dtype " + x.dtype()
                    + "; only floating point inputs can be differentiated");
        }
    }

    /** Replaces the differentiated inputs by aliases that require grad (and keep their tangents); returns the aliases. */
    private static List<Variable> aliases(String what, List<Variable> args, int[] argnums) {
        List<Variable> diff = new ArrayList<>(argnums.length);
        // recorded even under noGrad: the transform's own reverse pass goes through the alias
        try (Autograd.Scope ignored = Autograd.enableGrad()) {
            for (int a : argnums) {
                requireFloat(what, a, args.get(a));
                Variable alias = ForwardAD.alias(args.get(a), true);
                args.set(a, alias);
                diff.add(alias);
            }
        }
        return diff;
    }

    private static void checkOutput(String what, Variable y) {
        if (y == null) throw new NullPointerException(what + ": f returned null");
        if (!y.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(what + ": f returned a tensor of dtype " + y.dtype() + "; expected a floating point result");
        }
    }

    /** The one-hot tensor of {@code like}'s shape and dtype with a 1 at row-major position {@code j}. */
    private static Tensor basis(Variable like, int j) {
        double[] a = new double[like.numel()];
        a[j] = 1;
        return Tensor.of(a).reshape(like.shape()).to(like.dtype());
    }

    private static Variable zeros(Variable like) {
        return new Variable(Tensor.zeros(like.dtype(), like.shape()), false);
    }

    private static List<Variable> zerosLike(List<Variable> xs) {
        List<Variable> r = new ArrayList<>(xs.size());
        for (Variable x : xs) r.add(zeros(x));
        return r;
    }

    /**
     * Whether {@code y}'s graph reaches a leaf that requires grad other than the transform's own
     * {@code inputs}: only then must the derivative be recorded for an outer reverse pass.
     */
    static boolean needsGraph(Variable y, List<Variable> inputs) {
        if (y.gradFn() == null) return false;
        Set<Variable> own = Collections.newSetFromMap(new IdentityHashMap<>());
        own.addAll(inputs);
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        stack.push(y.gradFn());
        seen.put(y.gradFn(), true);
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            if (n.variable() != null && !own.contains(n.variable())) return true;
            for (Node m : n.nextFunctions()) {
                if (m != null && seen.put(m, true) == null) stack.push(m);
            }
        }
        return false;
    }

    /**
     * Stacks Jacobian rows (each of {@code xShape}, stacked at dim 0) or columns (each of
     * {@code yShape}, stacked last) into {@code yShape + xShape}.
     */
    private static Variable assemble(List<Variable> parts, int stackDim, int[] yShape, int[] xShape, io.simdgrad.core.DType dtype) {
        int[] shape = Arrays.copyOf(yShape, yShape.length + xShape.length);
        System.arraycopy(xShape, 0, shape, yShape.length, xShape.length);
        if (parts.isEmpty()) return new Variable(Tensor.zeros(dtype, shape), false);
        List<Variable> flat = new ArrayList<>(parts.size());
        for (Variable p : parts) flat.add(p.reshape(-1));
        // rows: [m, n] stacked at 0; columns: [m] each stacked at 1 gives [m, n]
        Variable j = Variable.stack(flat, stackDim == 0 ? 0 : 1);
        return j.reshape(shape);
    }
}
