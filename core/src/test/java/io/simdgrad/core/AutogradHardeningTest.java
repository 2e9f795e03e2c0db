package io.simdgrad.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.simdgrad.core.HardeningTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The autograd findings of the hardening issue (hook results, racing backward passes,
 * allowUnused, backward that fails part way) and issue 13's anomaly mode and Java-shaped
 * messages.
 */
@SuppressWarnings("try") // anomaly-mode scopes are opened for their effect, not referenced
class AutogradHardeningTest {

    private static Variable leaf(double... v) {
        return new Variable(Tensor.of(v), true);
    }

    // 6: a hook's result must keep the gradient's shape and dtype

    @Test
    void leafHookThatChangesTheShapeFails() {
        Variable x = leaf(1, 2, 3);
        x.registerHook(g -> Tensor.ones(DType.FLOAT64, 1).mul(10));
        var e = assertThrows(IllegalStateException.class, () -> x.mul(2).sum().backward());
        assertMessage(e, "registerHook", "has changed the size of value", "[1]", "[3]");
        assertNull(x.grad());
    }

    @Test
    void nonLeafHookThatChangesTheShapeOrDtypeFailsWhereItReturns() {
        Variable x = leaf(1, 2, 3);
        Variable y = x.mul(2);
        y.registerHook(g -> Tensor.ones(DType.FLOAT64, 3, 1));
        var e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertMessage(e, "registerHook", "MulBackward0", "has changed the size of value", "[3, 1]");
        Variable z = x.mul(3);
        z.registerHook(g -> g.to(DType.FLOAT32));
        assertMessage(assertThrows(IllegalStateException.class, () -> z.sum().backward()), "changed the type of value",
                "FLOAT64", "FLOAT32");
        assertNull(x.grad());
        // a hook returning a tensor of the right shape replaces the gradient, as before
        Variable w = x.mul(4);
        w.registerHook(g -> g.mul(0.5));
        w.sum().backward();
        assertArrayEquals(new double[] {2, 2, 2}, x.grad().toDoubleArray());
    }

    // 11: two threads running backward over one graph without retainGraph

    @Test
    void racingBackwardPassesWithoutRetainGraphLetExactlyOneThrough() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int pair = 0; pair < 1000; pair++) { // the old engine failed ~1 pair in 100
                Variable x = leaf(1, 2, 3);
                Variable loss = x.mul(x).mul(x).sum();
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Throwable>> runs = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    runs.add(pool.submit(() -> {
                        start.await();
                        try {
                            loss.backward();
                            return null;
                        } catch (Throwable e) {
                            return e;
                        }
                    }));
                }
                Throwable a = runs.get(0).get(), b = runs.get(1).get();
                assertTrue((a == null) != (b == null), "pair " + pair + ": exactly one must succeed: " + a + " / " + b);
                Throwable failed = a != null ? a : b;
                assertTrue(failed instanceof IllegalStateException, "pair " + pair + ": " + failed);
                assertMessage(failed, "Trying to backward through the graph a second time", "retainGraph=true");
                assertArrayEquals(new double[] {3, 12, 27}, x.grad().toDoubleArray(), "pair " + pair);
            }
            // with retainGraph both succeed and the gradients add up
            Variable x = leaf(1, 2, 3);
            Variable loss = x.mul(x).sum();
            CyclicBarrier start = new CyclicBarrier(2);
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                runs.add(pool.submit(() -> {
                    start.await();
                    loss.backward(null, true, false);
                    return null;
                }));
            }
            for (Future<?> f : runs) f.get();
            assertArrayEquals(new double[] {4, 8, 12}, x.grad().toDoubleArray());
        } finally {
            pool.shutdownNow();
        }
    }

    // 14: allowUnused, and a backward that fails part way

    @Test
    void gradWithAllowUnusedGivesNullForAnUnusedInput() {
        Variable x = leaf(1, 2), w = leaf(5, 6);
        Variable y = x.mul(x).sum();
        var e = assertThrows(IllegalArgumentException.class, () -> Autograd.grad(List.of(y), List.of(x, w), null, true, false));
        assertMessage(e, "appears to not have been used in the graph", "allowUnused=true");
        List<Variable> g = Autograd.grad(List.of(y), List.of(x, w), null, false, false, true);
        assertArrayEquals(new double[] {2, 4}, g.get(0).data().toDoubleArray());
        assertNull(g.get(1));
        assertNull(x.grad());
    }

    @Test
    void backwardThatFailsPartWayLeavesEveryGradAsItWas() {
        Variable a = leaf(1, 2), b = leaf(3, 4);
        Variable c = new Variable(Tensor.of(new double[] {5, 6}), false);
        Variable cc = c.mul(1);
        // a's path saves nothing and reaches its AccumulateGrad first; b's path fails on the in-place write
        Variable loss = a.sum().add(b.mul(cc).sum());
        a.registerHook(g -> g);
        Variable prior = leaf(1, 1);
        prior.mul(2).sum().backward();
        cc.data().mulInPlace(2);
        assertThrows(IllegalStateException.class, loss::backward);
        assertNull(a.grad());
        assertNull(b.grad());
        assertArrayEquals(new double[] {2, 2}, prior.grad().toDoubleArray());
        // a retained gradient is held back too
        Variable x = leaf(1, 2);
        Variable mid = x.mul(3).retainGrad();
        Variable bad = x.mul(x);
        Variable out = mid.sum().add(bad.sum());
        x.data().addInPlace(0); // bumps x's version, which MulBackward0 of bad saved
        assertThrows(IllegalStateException.class, out::backward);
        assertNull(mid.grad());
        assertNull(x.grad());
    }

    // issue 13: anomaly mode

    @Test
    void anomalyModeNamesTheNodeItsShapesAndWhereItWasMade() {
        Variable x = leaf(4, -1);
        IllegalStateException e;
        try (Autograd.Scope anomaly = Autograd.detectAnomaly()) {
            assertTrue(Autograd.isAnomalyEnabled());
            Variable y = x.sqrt().sum();
            e = assertThrows(IllegalStateException.class, y::backward);
        }
        assertFalse(Autograd.isAnomalyEnabled());
        assertMessage(e, "Function 'SqrtBackward0' returned nan values in its 0th output", "inputs of shapes [2]");
        assertNotNull(e.getCause(), "the creation trace");
        assertTrue(Arrays.stream(e.getCause().getStackTrace())
                .anyMatch(f -> f.getMethodName().equals("anomalyModeNamesTheNodeItsShapesAndWhereItWasMade")));
        assertNull(x.grad());
        // outside anomaly mode the NaN flows into .grad, as in PyTorch
        x.sqrt().sum().backward();
        assertTrue(Double.isNaN(x.grad().toDoubleArray()[1]));
        // a node made outside the scope has no trace; the check still runs inside it
        Variable z = x.sqrt().sum();
        try (Autograd.Scope anomaly = Autograd.detectAnomaly()) {
            var e2 = assertThrows(IllegalStateException.class, z::backward);
            assertMessage(e2, "SqrtBackward0", "outside Autograd.detectAnomaly()");
            assertNull(e2.getCause());
        }
    }

    @Test
    void anomalyModeAttachesTheCreationTraceToOtherBackwardErrors() {
        Variable x = leaf(1, 2);
        Variable y;
        try (Autograd.Scope anomaly = Autograd.detectAnomaly()) {
            y = x.mul(2);
            Variable z = y.mul(y).sum();
            y.data().mulInPlace(2);
            var e = assertThrows(IllegalStateException.class, z::backward);
            assertMessage(e, "modified by an inplace operation");
            assertEquals(1, e.getSuppressed().length);
            assertMessage(e.getSuppressed()[0], "MulBackward0 was created here");
        }
    }

    // issue 13: messages name the Java API, not PyTorch's Python one

    @Test
    void autogradMessagesAreInJavaTerms() {
        List<Throwable> errors = new ArrayList<>();
        Variable x = leaf(1, 2);
        Variable y = x.mul(x).sum();
        y.backward();
        errors.add(assertThrows(IllegalStateException.class, y::backward));
        Variable v = x.mul(x);
        Variable s = v.mul(v).sum();
        v.data().addInPlace(1);
        errors.add(assertThrows(IllegalStateException.class, s::backward));
        errors.add(assertThrows(IllegalStateException.class, () -> new Variable(Tensor.ones(2)).sum().backward()));
        errors.add(assertThrows(IllegalStateException.class, () -> new Variable(Tensor.ones(2)).retainGrad()));
        errors.add(assertThrows(IllegalStateException.class, () -> new Variable(Tensor.ones(2)).registerHook(g -> g)));
        errors.add(assertThrows(IllegalStateException.class, () -> x.mul(2).backward()));
        errors.add(assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(List.of(x.sum()), List.of(leaf(1)), null, false)));
        for (Throwable e : errors) {
            for (String python : new String[] {"retain_graph", "set_detect_anomaly", "torch.", "requires_grad=", "grad_fn",
                    "allow_unused", ".backward()", "autograd.grad"}) {
                assertFalse(e.getMessage().contains(python), "'" + e.getMessage() + "' names Python's " + python);
            }
        }
        assertMessage(errors.get(0), "retainGraph=true", "backward(gradient, true, createGraph)");
        assertMessage(errors.get(1), "Autograd.detectAnomaly()");
    }
}
