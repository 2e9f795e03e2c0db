package io.simdgrad.core;

import io.simdgrad.core.func.Func;
import io.simdgrad.core.ops.Shapes;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The transforms' defining identities on random programs ({@link GradCheckProperties.Program}:
 * 2 to 6 ops of every family over 2 or 3 FLOAT64 inputs, diamonds included): {@code jvp} is
 * {@code J v} with J from {@code jacrev}, {@code vjp} is {@code uᵀ J} with J from {@code jacfwd};
 * the Hessian of a scalar reduction is symmetric and equals central differences of
 * {@code grad}; {@code vmap} equals a loop.
 */
class FuncProperties {
    private static final double TOL = 1e-9;

    private static Variable randn(Random r, int[] shape) {
        double[] v = new double[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
        return new Variable(Tensor.of(v).reshape(shape), false);
    }

    private static List<Variable> constants(Variable[] in) {
        List<Variable> r = new ArrayList<>();
        for (Variable v : in) r.add(new Variable(v.data().copy(), false));
        return r;
    }

    private static void close(Tensor want, Tensor got, double tol, String what) {
        double[] w = want.toDoubleArray(), g = got.toDoubleArray();
        if (!java.util.Arrays.equals(want.shape, got.shape)) throw new AssertionError(what + ": shape " + Shapes.str(got.shape) + " != " + Shapes.str(want.shape));
        for (int i = 0; i < w.length; i++) {
            if (!(Math.abs(w[i] - g[i]) <= tol * Math.max(1, Math.abs(w[i])))) {
                throw new AssertionError(what + ": element " + i + " expected " + w[i] + " but was " + g[i]);
            }
        }
    }

    /** J_i (shape out + in_i) contracted with v_i over in_i's dims, summed over i. */
    private static Tensor contract(List<Variable> jacobians, List<Variable> vs, int[] outShape) {
        Tensor sum = Tensor.zeros(DType.FLOAT64, outShape);
        for (int i = 0; i < vs.size(); i++) {
            int m = Shapes.numel(outShape), n = vs.get(i).numel();
            Tensor j = jacobians.get(i).data().reshape(m, n);
            sum = sum.add(j.matmul(vs.get(i).data().reshape(n)).reshape(outShape));
        }
        return sum;
    }

    @Property(tries = 150, shrinking = ShrinkingMode.OFF)
    void jvpIsJacrevTimesTheTangentAndVjpIsTheTransposeOfJacfwd(@ForAll long seed) {
        Random r = new Random(seed);
        GradCheckProperties.Program p = GradCheckProperties.Program.random(r);
        Function<List<Variable>, Variable> f = p.test().fn();
        List<Variable> xs = constants(p.inputs());
        String what = "program (seed " + seed + ")\n" + p.text();
        List<Variable> vs = new ArrayList<>();
        for (Variable x : xs) vs.add(randn(r, x.shape()));
        int[] all = new int[xs.size() - 1];
        for (int i = 0; i < all.length; i++) all[i] = i + 1;
        Func.ValueAndTangent vt = Func.jvp(f, xs, vs);
        int[] outShape = vt.value().shape();
        close(contract(Func.jacrev(f, 0, all).apply(xs), vs, outShape), vt.tangent().data(), TOL, "jvp vs jacrev: " + what);
        Variable u = randn(r, outShape);
        List<Variable> jf = Func.jacfwd(f, 0, all).apply(xs);
        List<Variable> pulled = Func.vjp(f, xs).applyAll(u);
        for (int i = 0; i < xs.size(); i++) {
            int m = u.numel(), n = xs.get(i).numel();
            Tensor want = u.data().reshape(1, m).matmul(jf.get(i).data().reshape(m, n)).reshape(xs.get(i).shape());
            close(want, pulled.get(i).data(), TOL, "vjp of input " + i + " vs jacfwd: " + what);
        }
    }

    @Property(tries = 100, shrinking = ShrinkingMode.OFF)
    void hessianIsSymmetricAndEqualsDifferencesOfGrad(@ForAll long seed) {
        Random r = new Random(seed);
        GradCheckProperties.Program p = GradCheckProperties.Program.random(r);
        Function<List<Variable>, Variable> f = p.test().fn();
        List<Variable> xs = constants(p.inputs());
        Variable w = randn(r, f.apply(xs).shape());
        UnaryOperator<Variable> scalar = x -> {
            List<Variable> args = new ArrayList<>(xs);
            args.set(0, x);
            return f.apply(args).mul(w).sum();
        };
        String what = "program (seed " + seed + ")\n" + p.text();
        Tensor h = Func.hessian(scalar).apply(xs.get(0)).data();
        int n = xs.get(0).numel();
        Tensor hm = h.reshape(n, n);
        close(hm.t().contiguous(), hm, 1e-10, "hessian symmetric: " + what);
        Variable leaf = new Variable(xs.get(0).data().copy(), true);
        Tensor num = GradCheck.numericalJacobian(in -> Func.grad(scalar).apply(in.get(0)), 1e-6, leaf).get(0);
        close(num, h, 1e-5, "hessian vs central differences of grad: " + what);
        Variable v = randn(r, xs.get(0).shape());
        close(hm.matmul(v.data().reshape(n)).reshape(xs.get(0).shape()), Func.hvp(scalar, xs.get(0), v).data(), TOL, "hvp: " + what);
    }

    @Property(tries = 100, shrinking = ShrinkingMode.OFF)
    void vmapEqualsALoopAlsoOfGrad(@ForAll long seed) {
        Random r = new Random(seed);
        GradCheckProperties.Program p = GradCheckProperties.Program.random(r);
        Function<List<Variable>, Variable> f = p.test().fn();
        List<Variable> xs = constants(p.inputs());
        int batch = 1 + r.nextInt(3);
        List<Variable> copies = new ArrayList<>();
        for (int b = 0; b < batch; b++) copies.add(xs.get(0).add(randn(r, xs.get(0).shape()).mul(0.01)));
        Variable stacked = Variable.stack(copies, 0);
        int[] inDims = new int[xs.size()];
        for (int i = 1; i < inDims.length; i++) inDims[i] = Func.NOT_BATCHED;
        List<Variable> args = new ArrayList<>(xs);
        args.set(0, stacked);
        Function<List<Variable>, Variable> scalar = in -> f.apply(in).sum();
        Function<List<Variable>, Variable> gradOf0 = in -> Func.grad(scalar, 0).apply(in).get(0);
        Variable mapped = Func.vmap(f, inDims, 0).apply(args), mappedGrad = Func.vmap(gradOf0, inDims, 0).apply(args);
        for (int b = 0; b < batch; b++) {
            List<Variable> one = new ArrayList<>(xs);
            one.set(0, copies.get(b));
            close(f.apply(one).data(), mapped.data().select(0, b), 0, "vmap element " + b + ", seed " + seed);
            close(gradOf0.apply(one).data(), mappedGrad.data().select(0, b), 0, "vmap(grad) element " + b + ", seed " + seed);
        }
    }
}
