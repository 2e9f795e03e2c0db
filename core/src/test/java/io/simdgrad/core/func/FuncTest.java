package io.simdgrad.core.func;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.ForwardAD;
import io.simdgrad.core.GradCheck;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transforms against {@link GradCheck}'s float64 central differences (values) and its
 * checks (the transformed functions' own derivatives, reverse and forward), and against each
 * other where their definitions must agree.
 */
class FuncTest {
    private static final double TOL = 1e-6;

    private static Variable randn(long seed, int... shape) {
        return new Variable(Tensor.randn(DType.FLOAT64, new Generator(seed), shape), false);
    }

    /** A scalar function with every kind of rule: elementwise, matmul, reductions, softmax, views, and the default (norm, max). */
    private static final UnaryOperator<Variable> SCALAR = x -> {
        Variable m = x.reshape(2, 3);
        Variable a = m.matmul(m.t()).tanh().sum();
        Variable b = m.softmax(1).mul(m.sin()).logsumexp(0).sum();
        return a.add(b).add(x.norm().mul(x.exp().max()));
    };

    /** A vector function R^6 -> R^4. */
    private static final UnaryOperator<Variable> VECTOR = x -> {
        Variable m = x.reshape(3, 2);
        return m.t().matmul(m.sigmoid()).reshape(4).mul(x.narrow(0, 1, 4).cos()).add(x.sum().square());
    };

    private static Tensor numerical(UnaryOperator<Variable> f, Variable x) {
        Variable leaf = new Variable(x.data().copy(), true);
        return GradCheck.numericalJacobian(xs -> f.apply(xs.get(0)), 1e-6, leaf).get(0);
    }

    static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= tol * Math.max(1, Math.abs(e[i])), what + ": element " + i + " expected " + e[i] + " but was " + a[i]);
        }
    }

    @Test
    void gradEqualsCentralDifferencesAndIsItselfDifferentiable() {
        Variable x = randn(1, 6);
        assertClose(numerical(SCALAR, x), Func.grad(SCALAR).apply(x).data(), TOL, "grad");
        // the gradient function's own derivative (the Hessian), in reverse and in forward mode
        GradCheck.gradcheck(xs -> Func.grad(SCALAR).apply(xs.get(0)), new Variable(x.data().copy(), true));
        GradCheck.forwardGradcheck(xs -> Func.grad(SCALAR).apply(xs.get(0)), new Variable(x.data().copy(), true));
    }

    @Test
    void valueAndGradGivesTheValueOnceAndTheGradient() {
        Variable x = randn(2, 6);
        Func.ValueAndGrad vg = Func.valueAndGrad(SCALAR).apply(x);
        assertClose(SCALAR.apply(x).data(), vg.value().data(), 0, "value");
        assertClose(Func.grad(SCALAR).apply(x).data(), vg.grad().data(), 0, "grad");
        assertFalse(vg.value().requiresGrad(), "no outer variable requires grad: the value carries no graph");
        assertFalse(x.requiresGrad());
    }

    @Test
    void jacrevAndJacfwdEqualCentralDifferencesAndEachOther() {
        Variable x = randn(3, 6);
        Tensor num = numerical(VECTOR, x);
        assertArrayEquals(new int[] {4, 6}, num.shape());
        assertClose(num, Func.jacrev(VECTOR).apply(x).data(), TOL, "jacrev");
        assertClose(num, Func.jacfwd(VECTOR).apply(x).data(), TOL, "jacfwd");
        assertClose(Func.jacrev(VECTOR).apply(x).data(), Func.jacfwd(VECTOR).apply(x).data(), 1e-12, "jacfwd vs jacrev");
    }

    @Test
    void jvpIsTheJacobianTimesTheTangentAndVjpItsTranspose() {
        Variable x = randn(4, 6), v = randn(5, 6), u = randn(6, 4);
        Tensor j = Func.jacrev(VECTOR).apply(x).data();
        Func.ValueAndTangent vt = Func.jvp(VECTOR, x, v);
        assertClose(VECTOR.apply(x).data(), vt.value().data(), 0, "jvp value");
        assertClose(j.matmul(v.data()), vt.tangent().data(), 1e-12, "jvp = J v");
        Func.Vjp vjp = Func.vjp(VECTOR, x);
        assertClose(u.data().matmul(j), vjp.apply(u).data(), 1e-12, "vjp = u^T J");
        assertClose(u.data().matmul(j), vjp.apply(u).data(), 1e-12, "a vjp may be called again");
    }

    @Test
    void hessianIsSymmetricAndEqualsCentralDifferencesOfTheGradient() {
        Variable x = randn(7, 6);
        Tensor h = Func.hessian(SCALAR).apply(x).data();
        assertArrayEquals(new int[] {6, 6}, h.shape());
        assertClose(numerical(Func.grad(SCALAR), x), h, TOL, "hessian vs differences of grad");
        assertClose(h.t().contiguous(), h, 1e-12, "symmetric");
        Variable v = randn(8, 6);
        assertClose(h.matmul(v.data()), Func.hvp(SCALAR, x, v).data(), 1e-12, "hvp = H v");
    }

    @Test
    void everyCompositionOfTheJacobiansGivesTheSameHessian() {
        Variable x = randn(9, 6);
        Tensor h = Func.hessian(SCALAR).apply(x).data();
        UnaryOperator<Variable> g = Func.grad(SCALAR);
        assertClose(h, Func.jacrev(Func.jacrev(SCALAR)).apply(x).data(), 1e-10, "jacrev(jacrev)");
        assertClose(h, Func.jacrev(Func.jacfwd(SCALAR)).apply(x).data().reshape(6, 6), 1e-10, "jacrev(jacfwd)");
        assertClose(h, Func.jacfwd(Func.jacfwd(SCALAR)).apply(x).data().reshape(6, 6), 1e-10, "jacfwd(jacfwd): nested dual levels");
        assertClose(h, Func.jacfwd(g).apply(x).data(), 1e-10, "jacfwd(grad)");
    }

    @Test
    void gradOfGradOfAScalarFunctionIsTheSecondDerivative() {
        UnaryOperator<Variable> f = x -> x.sin().mul(x.square()).sum();
        Variable x = new Variable(Tensor.scalar(0.7), false);
        double g2 = Func.grad(Func.grad(f)).apply(x).item();
        double g3 = Func.grad(Func.grad(Func.grad(f))).apply(x).item();
        double s = Math.sin(0.7), c = Math.cos(0.7), t = 0.7;
        // f = t^2 sin t: f'' = 2 sin t + 4 t cos t - t^2 sin t; f''' = 6 cos t - 6 t sin t - t^2 cos t
        assertTrue(Math.abs(g2 - (2 * s + 4 * t * c - t * t * s)) < 1e-12, "f'' " + g2);
        assertTrue(Math.abs(g3 - (6 * c - 6 * t * s - t * t * c)) < 1e-12, "f''' " + g3);
    }

    @Test
    void argnumsDifferentiateTheChosenInputsInOrder() {
        Function<List<Variable>, Variable> f = xs -> xs.get(0).matmul(xs.get(1)).mul(xs.get(2)).sum();
        Variable a = randn(10, 2, 3), b = randn(11, 3, 2), c = randn(12, 2);
        List<Variable> g = Func.grad(f, 1, 0).apply(List.of(a, b, c));
        List<Tensor> num = GradCheck.numericalJacobian(f, 1e-6, new Variable(a.data().copy(), true),
                new Variable(b.data().copy(), true), c);
        assertClose(num.get(1), g.get(0).data(), TOL, "d/db first");
        assertClose(num.get(0), g.get(1).data(), TOL, "d/da second");
        List<Variable> jf = Func.jacfwd(f, 0, 1).apply(List.of(a, b, c)), jr = Func.jacrev(f, -3, -2).apply(List.of(a, b, c));
        for (int i = 0; i < 2; i++) assertClose(jr.get(i).data(), jf.get(i).data(), 1e-12, "jacfwd vs jacrev " + i);
        assertClose(num.get(0), jr.get(0).data(), TOL, "jacrev with negative argnums");
    }

    @Test
    void transformsSeeThroughClosuresOverVariablesThatRequireGrad() {
        // grad of a loss in x whose parameter w requires grad: d/dw of the gradient (a mixed second derivative)
        Variable w = new Variable(Tensor.of(new double[] {0.3, -0.8, 1.1}), true);
        Variable x = randn(13, 3);
        Variable gx = Func.grad(v -> v.mul(w).sin().sum()).apply(x);
        assertTrue(gx.requiresGrad(), "depends on w: keeps its graph");
        List<Variable> gw = Autograd.grad(List.of(gx.sum()), List.of(w), io.simdgrad.core.GradOptions.create());
        GradCheck.gradcheck(ws -> Func.grad(v -> v.mul(ws.get(0)).sin().sum()).apply(x).sum(), new Variable(w.data().copy(), true));
        assertArrayEquals(new int[] {3}, gw.get(0).shape());
    }

    @Test
    void vmapEqualsALoopOfTheFunction() {
        Variable xs = randn(14, 5, 6), shared = randn(15, 6);
        Function<List<Variable>, Variable> f = in -> in.get(0).mul(in.get(1)).reshape(2, 3).softmax(1);
        Variable batched = Func.vmap(f, new int[] {0, Func.NOT_BATCHED}, 0).apply(List.of(xs, shared));
        List<Variable> loop = new ArrayList<>();
        for (int b = 0; b < 5; b++) loop.add(f.apply(List.of(xs.select(0, b), shared)));
        assertClose(Variable.stack(loop, 0).data(), batched.data(), 0, "vmap");
        // in_dim 1 and out_dim -1
        Variable xt = new Variable(xs.data().t().contiguous(), false);
        Variable other = Func.vmap(x -> x.exp().sum(), 1, -1).apply(xt);
        assertClose(xs.data().exp().sum(1, false), other.data(), 1e-15, "in_dim 1");
    }

    @Test
    void vmapOfGradGivesPerExampleGradients() {
        Variable xs = randn(16, 4, 6);
        Tensor per = Func.vmap(Func.grad(SCALAR)).apply(xs).data();
        for (int b = 0; b < 4; b++) {
            assertClose(numerical(SCALAR, xs.select(0, b)), per.select(0, b), TOL, "per-example gradient " + b);
        }
        // gradients flow through vmap to the batched input
        GradCheck.gradcheck(in -> Func.vmap(x -> x.sin().mul(x).sum()).apply(in.get(0)), new Variable(xs.data().narrow(0, 0, 2).contiguous(), true));
    }

    @Test
    void forwardModeLeavesNoTangentBehindAndKeepsTheInputs() {
        Variable x = randn(17, 6), v = randn(18, 6);
        double[] before = x.data().toDoubleArray();
        Func.jvp(SCALAR, x, v);
        assertFalse(ForwardAD.isActive());
        assertNull(ForwardAD.tangent(x));
        assertArrayEquals(before, x.data().toDoubleArray());
    }

    @Test
    void errorsNameTheTransformAndWhatWasExpected() {
        Variable x = randn(19, 3);
        var e1 = assertThrows(IllegalArgumentException.class, () -> Func.grad(Variable::exp).apply(x));
        assertTrue(e1.getMessage().contains("grad(f)(x): Expected f(x) to return a scalar Tensor, got tensor with 1 dims (shape [3])"), e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> Func.jvp(Variable::exp, x, randn(20, 4)));
        assertTrue(e2.getMessage().contains("Expected primals and tangents to have the same shape"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> Func.grad(xs -> xs.get(0).sum(), 2).apply(List.of(x)));
        assertTrue(e3.getMessage().contains("Got argnums=2, but only 1 positional inputs"), e3.getMessage());
        var e4 = assertThrows(IllegalArgumentException.class,
                () -> Func.vmap(in -> in.get(0).add(in.get(1)), new int[] {0, 0}, 0).apply(List.of(randn(21, 2, 3), randn(22, 3, 3))));
        assertTrue(e4.getMessage().contains("Expected all tensors to have the same size in the mapped dimension"), e4.getMessage());
        var e5 = assertThrows(IllegalArgumentException.class, () -> {
            try (ForwardAD.Level l = ForwardAD.dualLevel()) {
                ForwardAD.makeDual(x, randn(23, 2));
            }
        });
        assertTrue(e5.getMessage().contains("Tensor is of size [3] while the given forward gradient is of size [2]"), e5.getMessage());
        var e6 = assertThrows(IllegalArgumentException.class,
                () -> Func.grad(v -> v.sum()).apply(new Variable(Tensor.of(new long[] {1, 2}), false)));
        assertTrue(e6.getMessage().contains("only floating point inputs can be differentiated"), e6.getMessage());
    }

    @Test
    void anUnusedInputHasAZeroGradient() {
        Function<List<Variable>, Variable> f = xs -> xs.get(0).sum();
        List<Variable> g = Func.grad(f, 0, 1).apply(List.of(randn(24, 2), randn(25, 3)));
        assertClose(Tensor.zeros(DType.FLOAT64, 3), g.get(1).data(), 0, "unused");
        assertClose(Tensor.zeros(DType.FLOAT64, 3), Func.grad(v -> new Variable(Tensor.scalar(1.0), false)).apply(randn(26, 3)).data(), 0, "constant f");
    }

    @Test
    void aFailingOpInsideALevelLeavesTheLevelUsable() {
        Variable x = randn(27, 2, 3), v = randn(28, 2, 3);
        try (ForwardAD.Level l = ForwardAD.dualLevel()) {
            Variable d = ForwardAD.makeDual(x, v);
            assertThrows(IllegalArgumentException.class, () -> d.matmul(d));
            Variable y = d.sin();
            assertClose(v.data().mul(x.data().cos()), ForwardAD.tangent(y).data(), 1e-15, "tangent after a failed op");
        }
        assertFalse(ForwardAD.isActive());
    }
}
