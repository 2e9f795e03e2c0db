package io.simdgrad.graph;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A compiled classifier step (linear, relu, linear, cross-entropy, backward, SGD) over minibatches
 * with fresh random labels replays on every minibatch, with the parameters bit for bit those of
 * the same steps run eagerly; and Java values that change between calls are found, never frozen.
 */
class MinibatchReplayTest {
    /** A 10-16-3 classifier. */
    static final class Net {
        final List<Variable> params = new ArrayList<>();

        Net(long seed) {
            Generator g = new Generator(seed);
            int[][] shapes = {{16, 10}, {16}, {3, 16}, {3}};
            for (int[] s : shapes) params.add(new Variable(Tensor.randn(g, s).mul(0.3), true));
        }

        List<Tensor> step(List<Tensor> in) {
            Variable x = new Variable(in.get(0));
            Variable h = Functional.relu(Functional.linear(x, params.get(0), params.get(1)));
            Variable loss = Functional.crossEntropy(Functional.linear(h, params.get(2), params.get(3)), in.get(1));
            for (Variable p : params) p.zeroGrad();
            loss.backward();
            try (Autograd.Scope ignored = Autograd.noGrad()) {
                for (Variable p : params) p.data().addScaledInPlace(p.grad(), -0.1);
            }
            return List.of(loss.data());
        }
    }

    static List<Tensor> minibatch(Generator g, int n) {
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) labels[i] = (long) (g.nextDouble() * 3);
        return List.of(Tensor.randn(g, n, 10), Tensor.of(labels));
    }

    @Test
    void fiftyMinibatchesWithRandomLabelsReplayAndEqualEagerBitForBit() {
        Net eager = new Net(1), compiled = new Net(1);
        CompiledFunction f = Graphs.compile(compiled::step);
        Generator data = new Generator(2);
        for (int i = 0; i < 50; i++) {
            List<Tensor> b = minibatch(data, 32);
            double le = eager.step(b).get(0).item();
            assertEquals(le, f.call(b).get(0).item(), "loss at minibatch " + i);
        }
        assertEquals(2, f.captureCount(), "a capture and its check, then replays");
        assertEquals(48, f.replayCount());
        assertTrue(f.graph().guards().isEmpty(), "labels are an input, not a guard");
        List<Tensor> last = minibatch(data, 20); // a smaller last minibatch: a second signature
        assertEquals(eager.step(last).get(0).item(), f.call(last).get(0).item());
        assertEquals(3, f.captureCount(), "the last, smaller batch is captured for its own signature, not a failure");
        for (int p = 0; p < eager.params.size(); p++) {
            assertArrayEquals(eager.params.get(p).data().toFloatArray(), compiled.params.get(p).data().toFloatArray(), "param " + p);
        }
        assertTrue(f.warnings().isEmpty(), f.warnings().toString());
    }

    /** {@code p -= lr * g} with a Java {@code lr} going 0.1 -> 0 -> 0: eager gives 0.9 (the example). */
    @Test
    void aLearningRateThatChangesBetweenCallsIsFoundAndRunsEagerly() {
        Tensor p = Tensor.of(new float[] {1, 1, 1});
        double[] lr = {0.1};
        CompiledFunction f = Graphs.compile(in -> {
            p.addScaledInPlace(in.get(0), -lr[0]);
            return List.of(p.mul(1));
        });
        Tensor g = Tensor.ones(3);
        f.call(g);
        lr[0] = 0;
        f.call(g);
        f.call(g);
        assertArrayEquals(new float[] {0.9f, 0.9f, 0.9f}, p.toFloatArray(), "eager: only the first step moved p");
        assertEquals(0, f.replayCount());
        assertEquals(1, f.eagerCount());
        assertEquals(1, f.warnings().size());
        String w = f.warnings().get(0);
        assertTrue(w.contains("addScaled") && w.contains("alpha=-0.1") && w.contains("alpha=-0.0") && w.contains("as tensors"), w);

        Tensor q = Tensor.of(new float[] {1, 1, 1});
        CompiledFunction s = Graphs.compileStrict(in -> {
            q.addScaledInPlace(in.get(0), -lr[0]);
            return List.of(q.mul(1));
        });
        lr[0] = 0.1;
        s.call(g);
        lr[0] = 0.2;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.call(g));
        assertTrue(e.getMessage().startsWith("compiled function (strict): the function computed with a changed Java value"), e.getMessage());
    }

    /** A constant tensor made inside the function from a Java value is found the same way. */
    @Test
    void aConstantTensorThatChangesBetweenCallsIsFound() {
        int[] t = {1};
        CompiledFunction f = Graphs.compile(in -> List.of(in.get(0).mul(Tensor.scalar((float) (1 - Math.pow(0.9, t[0]++))))));
        for (int i = 0; i < 4; i++) {
            double want = (1 - Math.pow(0.9, i + 1)) * 2;
            assertEquals(want, f.call(Tensor.of(new float[] {2})).get(0).item(), 1e-6, "call " + i);
        }
        assertEquals(0, f.replayCount());
        assertTrue(f.warnings().get(0).contains("constant"), f.warnings().toString());
    }

    /** A function that keeps failing its guards warns once, naming the guard. */
    @Test
    void aFunctionThatKeepsCapturingWarnsOnce() {
        CompiledFunction f = Graphs.compile(in -> {
            Tensor x = in.get(0);
            return List.of(x.sum().item() > 0 ? x.mul(2) : x.mul(3)); // a guard on the raw sum: fails for every new value
        });
        for (int i = 0; i < 12; i++) f.call(Tensor.of(new float[] {i + 1, 1}));
        assertEquals(1, f.warnings().size(), f.warnings().toString());
        assertTrue(f.warnings().get(0).contains("keeps capturing") && f.warnings().get(0).contains("guard failed: guard %"),
                f.warnings().get(0));
    }

    /** Many input shapes: the cache keeps a bounded number of signatures and warns once. */
    @Test
    void signaturesAreBoundedLeastRecentlyUsedFirst() {
        CompiledFunction f = Graphs.compile(in -> List.of(in.get(0).mul(2))).maxSignatures(4);
        for (int n = 1; n <= 10; n++) {
            for (int k = 0; k < 2; k++) {
                assertArrayEquals(Tensor.ones(n).mul(2).toFloatArray(), f.call(Tensor.ones(n)).get(0).toFloatArray());
            }
        }
        assertEquals(4, f.signatureCount());
        assertEquals(6, f.evictionCount());
        assertEquals(1, f.warnings().size(), f.warnings().toString());
        assertThrows(IllegalArgumentException.class, () -> f.maxSignatures(0));
    }
}
