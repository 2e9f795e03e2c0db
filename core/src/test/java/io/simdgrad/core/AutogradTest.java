package io.simdgrad.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Engine semantics, checked against hand-derived gradients and PyTorch's messages (torch 1.13). */
class AutogradTest {

    private static Variable leaf(double... v) {
        return new Variable(Tensor.of(v), true);
    }

    @Test
    void gradientOfATransposedWeightIsComputedInTheWeightsLayoutWithTheSameBits() {
        Generator gen = new Generator(21);
        Tensor xv = Tensor.randn(gen, 37, 70), wv = Tensor.randn(gen, 45, 70), gv = Tensor.randn(gen, 37, 45);
        Variable x = new Variable(xv, true), w = new Variable(wv, true);
        x.matmul(w.t()).backward(gv);                        // as linear: the weight stored transposed
        // oracle: the plain formulas, a^T g for the weight, g b^T for the input
        Tensor expectedW = xv.t().matmul(gv).t().contiguous(), expectedX = gv.matmul(wv);
        assertArrayEquals(expectedW.toFloatArray(), w.grad().toFloatArray(), "(g^T x) equals (x^T g)^T bit for bit");
        assertArrayEquals(expectedX.toFloatArray(), x.grad().toFloatArray());
        Variable a = new Variable(xv.t().contiguous().t(), true);   // an input stored transposed too
        a.matmul(new Variable(wv.t())).backward(gv);
        assertArrayEquals(expectedX.toFloatArray(), a.grad().toFloatArray());
    }

    @Test
    void gradientsAccumulateUntilZeroed() {
        Variable x = leaf(1, 2, 3);
        x.mul(x).sum().backward();
        assertArrayEquals(new double[] {2, 4, 6}, x.grad().toDoubleArray());
        x.mul(x).sum().backward();
        assertArrayEquals(new double[] {4, 8, 12}, x.grad().toDoubleArray());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void broadcastingIsSummedBackToEachInputsShape() {
        Variable row = leaf(1, 2, 3);
        Variable m = new Variable(Tensor.of(new double[] {1, 1, 1, 2, 2, 2}, 2, 3), true);
        Variable col = new Variable(Tensor.of(new double[] {10, 20}, 2, 1), true);
        m.mul(row).add(col).sum().backward();
        assertArrayEquals(new double[] {3, 3, 3}, row.grad().toDoubleArray()); // column sums of m
        assertArrayEquals(new double[] {1, 2, 3, 1, 2, 3}, m.grad().toDoubleArray());
        assertArrayEquals(new int[] {2, 1}, col.grad().shape());
        assertArrayEquals(new double[] {3, 3}, col.grad().toDoubleArray());
    }

    @Test
    void diamondsAndReusedInputsAccumulate() {
        Variable x = leaf(2);
        Variable a = x.mul(x);      // x^2
        Variable b = x.mul(3.0);    // 3x
        a.add(b).mul(a).sum().backward(); // (x^2 + 3x) x^2 -> 4x^3 + 9x^2 = 32 + 36
        assertEquals(68, x.grad().item(), 1e-12);
    }

    @Test
    void nonScalarBackwardNeedsAGradient() {
        Variable x = leaf(1, 2);
        var e = assertThrows(IllegalStateException.class, () -> x.mul(2.0).backward());
        assertTrue(e.getMessage().startsWith("grad can be implicitly created only for scalar outputs"));
        var e2 = assertThrows(IllegalArgumentException.class, () -> x.mul(2.0).backward(Tensor.ones(DType.FLOAT64, 3)));
        assertEquals("Mismatch in shape: grad_output[0] has a shape of [3] and output[0] has a shape of [2].", e2.getMessage());
        assertNull(x.grad());
    }

    @Test
    void secondBackwardThroughFreedSavedValuesFails() {
        Variable x = leaf(1, 2);
        Variable z = x.mul(x).sum();
        z.backward();
        var e = assertThrows(IllegalStateException.class, z::backward);
        assertTrue(e.getMessage().startsWith("Trying to backward through the graph a second time"));
        assertArrayEquals(new double[] {2, 4}, x.grad().toDoubleArray(), "a failed backward leaves .grad as it was");
        // a graph whose nodes saved nothing can run twice, as in PyTorch
        Variable s = x.add(2.0).sum();
        s.backward();
        s.backward();
        assertArrayEquals(new double[] {4, 6}, x.grad().toDoubleArray());
        // retainGraph keeps saved values
        Variable r = x.mul(x).sum();
        r.backward(null, true, false);
        r.backward();
        assertArrayEquals(new double[] {8, 14}, x.grad().toDoubleArray());
    }

    @Test
    void inPlaceWriteToASavedTensorIsDetectedAndNamed() {
        Variable x = new Variable(Tensor.ones(2, 2), true);
        Variable y = x.mul(2.0);
        Variable z = y.mul(y);
        y.data().mulInPlace(2.0);
        var e = assertThrows(IllegalStateException.class, () -> z.sum().backward());
        assertTrue(e.getMessage().startsWith("one of the variables needed for gradient computation has been modified by an "
                + "inplace operation: [FLOAT32 [2, 2]], which is output 0 of MulBackward0, is at version 1; "
                + "expected version 0 instead."), e.getMessage());
        assertTrue(e.getMessage().contains("mulInPlace"), "names the op that wrote in place");
        assertNull(x.grad());
    }

    @Test
    void inPlaceOnALeafThatRequiresGradFails() {
        Variable x = leaf(1, 2);
        var e = assertThrows(IllegalStateException.class, () -> x.addInPlace(1.0));
        assertEquals("a leaf Variable that requires grad is being used in an in-place operation.", e.getMessage());
        assertArrayEquals(new double[] {1, 2}, x.data().toDoubleArray());
        try (var ignored = Autograd.noGrad()) {
            x.addInPlace(1.0); // the optimiser's way
        }
        assertArrayEquals(new double[] {2, 3}, x.data().toDoubleArray());
    }

    @Test
    void noGradDetachAndRequiresGradPropagation() {
        Variable x = leaf(1, 2);
        try (var ignored = Autograd.noGrad()) {
            Variable y = x.mul(2.0);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
            try (var again = Autograd.enableGrad()) {
                assertTrue(x.mul(2.0).requiresGrad());
            }
        }
        Variable d = x.detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.data().sharesStorageWith(x.data()));
        Variable c = new Variable(Tensor.of(new double[] {3, 4}));
        assertFalse(c.mul(c).requiresGrad());
        Variable y = c.mul(x);
        assertTrue(y.requiresGrad());
        assertFalse(y.isLeaf());
        y.sum().backward();
        assertNull(y.grad(), "a non-leaf keeps no grad");
        assertNull(c.grad());
        Variable y2 = c.mul(x).retainGrad();
        y2.sum().backward();
        assertArrayEquals(new double[] {1, 1}, y2.grad().toDoubleArray());
    }

    @Test
    void nodesAreNamedAndLinkedAsInPyTorch() {
        Variable x = new Variable(Tensor.ones(2, 2), true);
        Variable y = x.add(2);
        Variable out = y.mul(y).mul(3).mean();
        assertEquals("MeanBackward0", out.gradFn().name());
        assertEquals("MulBackward0", out.gradFn().nextFunctions().get(0).name());
        assertTrue(y.gradFn().toString().matches("<AddBackward0 object at 0x[0-9a-f]+>"));
        Node acc = y.gradFn().nextFunctions().get(0);
        assertEquals("AccumulateGrad", acc.name());
        assertSame(x, acc.variable());
        assertEquals("SumBackward1", x.sum(0).gradFn().name());
        assertEquals("MmBackward0", x.matmul(x).gradFn().name());
        assertEquals("tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)", y.toString());
    }

    @Test
    void aChainOf100000OpsRunsBackwardWithoutRecursion() {
        Variable x = leaf(1);
        Variable y = x;
        for (int i = 0; i < 100_000; i++) y = y.mul(1.0);
        y.sum().backward();
        assertEquals(1, x.grad().item());
    }

    @Test
    void nothingOfTheGraphStaysReachableAfterBackward() throws InterruptedException {
        Variable x = new Variable(Tensor.ones(2, 2), true);
        java.lang.ref.WeakReference<Node> first = null;
        for (int i = 0; i < 1_000_000; i++) {
            Variable out = x.add(2).mul(x).mean();
            if (first == null) first = new java.lang.ref.WeakReference<>(out.gradFn());
            out.backward();
        }
        // a million steps ran; the first step's nodes are garbage once its variables are gone
        for (int i = 0; i < 50 && first.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(first.get(), "the first step's graph is still reachable");
        assertEquals(1_000_000 * 1.0, x.grad().get(0, 0), 0.0); // d/dx mean((x+2)x) = (2x+2)/4 = 1 per step at x = 1
    }

    @Test
    void createGraphGivesSecondDerivativesAndHessianVectorProducts() {
        Variable x = leaf(2, 3);
        Variable y = x.pow(3).sum();
        Variable g = Autograd.grad(List.of(y), List.of(x), null, true).get(0); // 3x^2
        assertArrayEquals(new double[] {12, 27}, g.data().toDoubleArray());
        Variable v = new Variable(Tensor.of(new double[] {1, 0.5}));
        Variable hv = Autograd.grad(List.of(g.mul(v).sum()), List.of(x), null, false).get(0); // 6x * v
        assertArrayEquals(new double[] {12, 9}, hv.data().toDoubleArray(), 1e-12);
        assertNull(x.grad(), "Autograd.grad touches no .grad");
        // through backward(createGraph) too
        Variable z = x.mul(x).mul(x).sum();
        z.backward(null, true, true); // PyTorch too needs retain_graph here: the second pass reuses saved values
        x.gradVariable().sum().backward();
        assertArrayEquals(new double[] {12 + 12, 27 + 18}, x.grad().toDoubleArray(), 1e-12); // 3x^2 + 6x at x = 2, 3
    }

    @Test
    void hooksSeeAndMayReplaceTheGradient() {
        Variable x = leaf(1, 2);
        List<double[]> seen = new ArrayList<>();
        x.registerHook(g -> {
            seen.add(g.toDoubleArray());
            return g.mul(10.0);
        });
        x.mul(3.0).sum().backward();
        assertArrayEquals(new double[] {3, 3}, seen.get(0));
        assertArrayEquals(new double[] {30, 30}, x.grad().toDoubleArray());
    }

    @Test
    void threadsBuildIndependentGraphsAndAccumulateSafelyIntoOneLeaf() throws Exception {
        Variable shared = leaf(1, 1, 1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        Variable own = leaf(2);
                        shared.mul(own).sum().backward();
                        assertEquals(3, own.grad().item());
                    }
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdown();
        }
        assertArrayEquals(new double[] {3200, 3200, 3200}, shared.grad().toDoubleArray());
    }
}
