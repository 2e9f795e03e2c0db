package io.simdgrad.core;

import io.simdgrad.core.GradCheck.GradcheckError;
import io.simdgrad.core.ops.Ops;
import io.simdgrad.simd.UnaryOp;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GradCheck itself: it passes on correct gradients, and it fails, naming the input, the element,
 * the output element and both values, on deliberately wrong ones (a detached term, an op whose
 * VJP is wrong, a VJP that is right but not differentiable).
 */
class GradCheckTest {

    private static Variable leaf(double[] v, int... shape) {
        return new Variable(Tensor.of(v.clone(), shape), true);
    }

    /** sin with a chosen (possibly wrong) vector-Jacobian product. */
    private record CustomSin(String name, java.util.function.BiFunction<Op.Saved, Variable, Variable> vjp) implements Op {
        @Override public int[] shape(Tensor[] in) { return in[0].shape(); }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public void forward(Tensor[] in, Tensor out) { Ops.Unary.of(UnaryOp.SIN).forward(in, out); }
        @Override public boolean savesInput(int i) { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) { return new Variable[] {vjp.apply(s, g)}; }
    }

    private static Function<List<Variable>, Variable> custom(CustomSin op) {
        return xs -> Autograd.apply(op, xs.get(0));
    }

    @Test
    void passesOnCorrectGradientsOfNonScalarOutputs() {
        Variable x = leaf(new double[] {0.5, -1.2, 2.0, 0.3, 1.1, -0.7}, 2, 3);
        Variable y = leaf(new double[] {1.5, -0.4, 0.9}, 3);
        Function<List<Variable>, Variable> f = xs -> xs.get(0).mul(xs.get(1)).add(xs.get(0).sin()).tanh();
        assertTrue(GradCheck.gradcheck(f, x, y));
        assertTrue(GradCheck.gradgradcheck(f, x, y));
    }

    @Test
    void aDetachedTermIsReportedWithInputElementAndBothValues() {
        Variable a = leaf(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Variable b = leaf(new double[] {0.5, 1.5, 2.5, 3.5, 4.5, 5.5}, 2, 3);
        Tensor onlyOne = Tensor.zeros(DType.FLOAT64, 2, 3);
        onlyOne.select(0, 1).select(0, 2).fillInPlace(1);
        // the engine misses d/db of b * mask at [1, 2]: numerical a[1, 2] + 2 b[1, 2] = 17, analytical 6
        Function<List<Variable>, Variable> f = xs ->
                xs.get(0).mul(xs.get(1)).add(xs.get(1).square().mul(new Variable(onlyOne)).detach());
        GradcheckError e = assertThrows(GradcheckError.class, () -> GradCheck.gradcheck(f, a, b));
        assertEquals(1, e.input());
        assertArrayEquals(new int[] {1, 2}, e.inputElement());
        assertEquals(0, e.output());
        assertArrayEquals(new int[] {1, 2}, e.outputElement());
        assertEquals(17, e.numerical(), 1e-6);
        assertEquals(6, e.analytical(), 0);
        String m = e.getMessage();
        assertTrue(m.startsWith("gradcheck: Jacobian mismatch for output 0 with respect to input 1,\nnumerical: 17.0"), m);
        assertTrue(m.contains("\nanalytical: 6.0\n"), m);
        assertTrue(m.contains("at input 1 element [1, 2] (shape [2, 3]) and output element [1, 2] (shape [2, 3])"), m);
        assertTrue(m.contains("1 of 36 entries of this Jacobian mismatch"), m);
        assertArrayEquals(new double[] {0.5, 1.5, 2.5, 3.5, 4.5, 5.5}, b.data().toDoubleArray(), "inputs restored");
    }

    @Test
    void aWrongVjpIsReported() {
        // d sin(x) = cos(x), this op claims sin(x)
        CustomSin wrong = new CustomSin("wrongSin", (s, g) -> g.mul(s.input(0).sin()));
        Variable x = leaf(new double[] {0.3, 1.0, -0.8}, 3);
        GradcheckError e = assertThrows(GradcheckError.class, () -> GradCheck.gradcheck(custom(wrong), x));
        assertEquals(0, e.input());
        assertArrayEquals(new int[] {0}, e.inputElement());
        assertArrayEquals(new int[] {0}, e.outputElement());
        assertEquals(Math.cos(0.3), e.numerical(), 1e-8);
        assertEquals(Math.sin(0.3), e.analytical(), 1e-15);
        assertTrue(e.getMessage().contains("3 of 9 entries"), e.getMessage());
    }

    @Test
    void aCorrectButNonDifferentiableVjpPassesGradcheckAndFailsGradgradcheck() {
        // cos(x) taken from the data as a constant: first derivatives right, second derivatives 0
        CustomSin flat = new CustomSin("flatSin", (s, g) -> g.mul(new Variable(s.input(0).data().cos(), false)));
        CustomSin good = new CustomSin("goodSin", (s, g) -> g.mul(s.input(0).cos()));
        Variable x = leaf(new double[] {0.3, 1.0, -0.8, 2.0}, 2, 2);
        assertTrue(GradCheck.gradcheck(custom(flat), x));
        assertTrue(GradCheck.gradgradcheck(custom(good), x));
        GradcheckError e = assertThrows(GradcheckError.class, () -> GradCheck.gradgradcheck(custom(flat), x));
        assertTrue(e.getMessage().startsWith("gradgradcheck: Jacobian mismatch for output 0 (the gradient with respect to input 0)"
                + " with respect to input 0,"), e.getMessage());
        // d/dx (v cos x) = -v sin x with the seeded v
        double v0 = Tensor.randn(DType.FLOAT64, new Generator(GradCheck.GRAD_OUTPUT_SEED), 2, 2).get(0, 0);
        assertEquals(-v0 * Math.sin(0.3), e.numerical(), 1e-8);
        assertEquals(0, e.analytical());
    }

    @Test
    void float32InputsAreRefusedUnlessTolerancesAreGiven() {
        Variable x = new Variable(Tensor.of(new float[] {0.5f, 1.5f}), true);
        Function<List<Variable>, Variable> f = xs -> xs.get(0).square();
        var e = assertThrows(IllegalArgumentException.class, () -> GradCheck.gradcheck(f, x));
        assertTrue(e.getMessage().startsWith("gradcheck: input 0 is FLOAT32; finite differences"), e.getMessage());
        assertTrue(e.getMessage().contains("gradcheck(fn, eps, atol, rtol, inputs...)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GradCheck.gradgradcheck(f, x));
        assertTrue(GradCheck.gradcheck(f, 0x1p-7, 1e-4, 1e-3, x));
        assertTrue(GradCheck.gradgradcheck(f, 0x1p-7, 1e-3, 1e-3, x));
        // a float64 input with a float32 constant elsewhere is fine
        Variable c = new Variable(Tensor.of(new float[] {2f, 3f}), false);
        assertTrue(GradCheck.gradcheck(xs -> xs.get(0).mul(xs.get(1)), leaf(new double[] {1, 2}), c));
    }

    @Test
    void inputsAreRestoredWhenFnThrowsDuringTheNumericalPass() {
        double[] v = {0.1, 0.7, -0.3};
        Variable x = leaf(v, 3);
        Function<List<Variable>, Variable> f = xs -> {
            if (xs.get(0).data().get(1) > 0.7) throw new IllegalStateException("boom");
            return xs.get(0).exp();
        };
        var e = assertThrows(IllegalStateException.class, () -> GradCheck.gradcheck(f, x));
        assertEquals("boom", e.getMessage());
        assertArrayEquals(v, x.data().toDoubleArray());
        assertEquals(0, x.data().version(), "perturbations are not in-place ops of the graph");
    }

    @Test
    void stridedInputsArePerturbedInPlace() {
        Tensor base = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 4);
        Variable x = new Variable(base.t().narrow(0, 1, 2), true); // shape [2, 3], strides [1, 4], offset 1
        assertTrue(GradCheck.gradcheck(xs -> xs.get(0).square().sum(1, false), x));
        GradcheckError e = assertThrows(GradcheckError.class,
                () -> GradCheck.gradcheck(xs -> xs.get(0).mul(xs.get(0).detach()).sum(0, false), x));
        assertArrayEquals(new int[] {0, 0}, e.inputElement());
        assertEquals(4, e.numerical(), 1e-6); // 2 * x[0, 0] = 2 * base[0, 1]
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, base.toDoubleArray());
    }

    @Test
    void unusedInputsAndConstantsHaveZeroGradients() {
        Variable x = leaf(new double[] {1, 2});
        Variable unused = leaf(new double[] {3});
        Variable mask = leaf(new double[] {1, -1}); // no element near 0, where where() jumps
        Variable target = new Variable(Tensor.of(new double[] {0.5, 0.25}));
        assertTrue(GradCheck.gradcheck(xs -> xs.get(0).mul(xs.get(3)), x, unused, mask, target));
        // a mask that requires grad reaches where() but gets no gradient from it
        assertTrue(GradCheck.gradcheck(xs -> Variable.where(xs.get(2), xs.get(0), xs.get(3)), x, unused, mask, target));
        assertTrue(GradCheck.gradgradcheck(xs -> Variable.where(xs.get(2), xs.get(0).square(), xs.get(3)), x, unused, mask, target));
        // an output that does not depend on any input
        assertTrue(GradCheck.gradcheck(xs -> new Variable(Tensor.ones(DType.FLOAT64, 2)), x));
        // linear functions: the gradient is constant, the second derivative 0
        assertTrue(GradCheck.gradgradcheck(xs -> xs.get(0).mul(3.0).sum(), x));
    }

    @Test
    void inputsThatShareOrOverlapMemoryAreRefused() {
        Variable x = leaf(new double[] {1, 2, 3, 4}, 2, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> GradCheck.gradcheck(xs -> xs.get(0).add(xs.get(1)), x, x));
        assertEquals("gradcheck: inputs 0 and 1 share memory, so perturbing one would move the other; pass separate copies", e.getMessage());
        Variable expanded = new Variable(Tensor.of(new double[] {1, 2}).expand(3, 2), true);
        var e2 = assertThrows(IllegalArgumentException.class, () -> GradCheck.gradcheck(xs -> xs.get(0).sum(), expanded));
        assertTrue(e2.getMessage().contains("overlaps itself"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> GradCheck.gradcheck(xs -> xs.get(0).sum(), new Variable(x.data())));
        assertEquals("gradcheck: expected at least one input that requires grad", e3.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GradCheck.gradcheck(xs -> xs.get(0).sum(), 0, 1e-5, 1e-3, x));
    }

    @Test
    void worksInsideNoGradScopes() {
        Variable x = leaf(new double[] {0.2, 0.4});
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            assertTrue(GradCheck.gradgradcheck(xs -> xs.get(0).exp().sum(), x));
        }
        assertTrue(Autograd.isGradEnabled());
    }
}
