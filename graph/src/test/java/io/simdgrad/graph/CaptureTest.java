package io.simdgrad.graph;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.engine.Dispatch;
import io.simdgrad.core.nn.Functional;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CaptureTest {
    /** The tutorial's loop: doubles y until its norm reaches 1000, then backward with a gradient. */
    static List<Tensor> tutorial(List<Tensor> in) {
        Variable x = new Variable(in.get(0), true);
        Variable y = x.mul(2);
        while (y.data().norm().lt(1000).item() != 0) y = y.mul(2);
        y.backward(in.get(1));
        return List.of(y.data(), x.grad());
    }

    static final Tensor GRADIENT = Tensor.of(new float[] {0.1f, 1.0f, 0.0001f});

    static void assertBitsEqual(List<Tensor> expected, List<Tensor> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).shape(), actual.get(i).shape(), "output " + i);
            assertArrayEquals(expected.get(i).toDoubleArray(), actual.get(i).toDoubleArray(), "output " + i);
        }
    }

    @Test
    void tutorialGraphPrintsOneLinePerStep() {
        Tensor x = Tensor.of(new float[] {1, 2, 3});
        Graph g = Graphs.trace(CaptureTest::tutorial, x, GRADIENT).check();
        String s = g.toString();
        assertTrue(s.startsWith("input %0 : f32[3]\ninput %1 : f32[3]\n%2 = mul(%0, scalar=2.0) : f32[3]\n%3 = norm(%2) : f32[]\n"
                + "%4 = lt(%3, scalar=1000.0) : f32[]\nguard %4 == 1.0\n"), s);
        // |x| = 3.74: 2^8 * 3.74 < 1000 < 2^9 * 3.74, so nine doublings forward and nine backward
        assertEquals(9, g.guards().size());
        assertEquals("guard %28 == 0.0", g.guards().get(8).toString());
        assertTrue(s.endsWith("return %26, %38\n"), s);
        assertTrue(g.toDot().startsWith("digraph G {"));
        assertTrue(g.toDot().contains("v2 -> v3;"));
    }

    @Test
    void tutorialReplaysForTheSameTripCountAndRecapturesOtherwise() {
        CompiledFunction f = Graphs.compile(CaptureTest::tutorial);
        Tensor x = Tensor.of(new float[] {1, 2, 3});
        assertBitsEqual(tutorial(List.of(x, GRADIENT)), f.call(x, GRADIENT));
        Tensor same = Tensor.of(new float[] {1.1f, -2, 2.9f});  // norm 3.77: same trip count
        assertBitsEqual(tutorial(List.of(same, GRADIENT)), f.call(same, GRADIENT));  // the check
        assertBitsEqual(tutorial(List.of(same, GRADIENT)), f.call(same, GRADIENT));
        assertEquals(2, f.captureCount());
        assertEquals(1, f.replayCount());
        Tensor other = Tensor.of(new float[] {10, 20, 30});    // fewer doublings: a guard fails
        assertBitsEqual(tutorial(List.of(other, GRADIENT)), f.call(other, GRADIENT));
        assertEquals(3, f.captureCount());
        assertEquals(2, f.cacheSize(), "one signature, two guarded variants");
        assertEquals(1, f.signatureCount());
        Tensor near = other.mul(1.01);
        assertBitsEqual(tutorial(List.of(near, GRADIENT)), f.call(near, GRADIENT));
        assertEquals(3, f.captureCount(), "the new capture replays");
        assertEquals(2, f.replayCount());
        // alternating trip counts: each call finds its variant, nothing is captured again
        for (int i = 0; i < 4; i++) {
            Tensor in = i % 2 == 0 ? same : near;
            assertBitsEqual(tutorial(List.of(in, GRADIENT)), f.call(in, GRADIENT));
        }
        assertEquals(3, f.captureCount());
        assertEquals(6, f.replayCount());
    }

    @Test
    void guardedVariantsPerSignatureAreCappedLeastRecentlyUsedFirstOut() {
        CompiledFunction f = Graphs.compile(CaptureTest::tutorial);
        // norms 3.74 * 2^j, j = 0..8, give nine trip counts (8 down to 0): one more than the cap
        int count = CompiledFunction.MAX_VARIANTS + 1;
        for (int j = 0; j < count; j++) {
            Tensor x = Tensor.of(new float[] {1, 2, 3}).mul(Math.pow(2, j));
            assertBitsEqual(tutorial(List.of(x, GRADIENT)), f.call(x, GRADIENT));
        }
        assertEquals(count, f.captureCount());
        assertEquals(CompiledFunction.MAX_VARIANTS, f.cacheSize());
        Tensor newest = Tensor.of(new float[] {1, 2, 3}).mul(Math.pow(2, count - 1) * 1.01);
        assertBitsEqual(tutorial(List.of(newest, GRADIENT)), f.call(newest, GRADIENT));
        Tensor oldest = Tensor.of(new float[] {1.01f, 2, 3});              // its variant was dropped
        assertBitsEqual(tutorial(List.of(oldest, GRADIENT)), f.call(oldest, GRADIENT));
        assertEquals(count + 1, f.captureCount());
        assertEquals(1, f.replayCount());
    }

    @Test
    void strictModeNamesTheFailedGuardAndTheSignature() {
        CompiledFunction f = Graphs.compileStrict(CaptureTest::tutorial);
        f.call(Tensor.of(new float[] {1, 2, 3}), GRADIENT);
        f.call(Tensor.of(new float[] {1, 2, 3}), GRADIENT);
        GuardFailure e = assertThrows(GuardFailure.class, () -> f.call(Tensor.of(new float[] {10, 20, 30}), GRADIENT));
        assertTrue(e.getMessage().startsWith("guard failed: guard %"), e.getMessage());
        assertTrue(e.getMessage().contains("== 1.0, but the replay computed 0.0"), e.getMessage());
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                () -> f.call(Tensor.of(new float[] {1, 2, 3, 4}), Tensor.ones(4)));
        assertEquals("compiled function (strict): expected inputs (f32[3], f32[3]), got (f32[4], f32[4])", s.getMessage());
        assertThrows(IllegalArgumentException.class, () -> f.call(Tensor.of(new double[] {1, 2, 3}), GRADIENT));
        assertEquals(2, f.captureCount());
    }

    /** A 2-16-16-1 MLP and its SGD step on mean squared error. */
    static final class Mlp {
        final List<Variable> params = new ArrayList<>();

        Mlp(long seed) {
            Generator g = new Generator(seed);
            int[][] shapes = {{16, 2}, {16}, {16, 16}, {16}, {1, 16}, {1}};
            for (int[] s : shapes) params.add(new Variable(Tensor.randn(g, s).mul(0.5), true));
        }

        List<Tensor> step(List<Tensor> in) {
            Variable x = new Variable(in.get(0)), y = new Variable(in.get(1));
            Variable h = Functional.relu(Functional.linear(x, params.get(0), params.get(1)));
            h = Functional.relu(Functional.linear(h, params.get(2), params.get(3)));
            Variable loss = Functional.mseLoss(Functional.linear(h, params.get(4), params.get(5)), y);
            for (Variable p : params) p.zeroGrad();
            loss.backward();
            try (Autograd.Scope ignored = Autograd.noGrad()) {
                for (Variable p : params) p.data().addScaledInPlace(p.grad(), -0.05);
            }
            return List.of(loss.data());
        }
    }

    static List<Tensor> batch(int i) {
        Generator g = new Generator(1000 + i % 7);
        Tensor x = Tensor.randn(g, 32, 2);
        Tensor y = x.select(1, 0).mul(x.select(1, 1)).unsqueeze(1);
        return List.of(x, y.contiguous());
    }

    @Test
    void mlpTrainingStepReplayedHundredTimesEndsWithTheEagerParameters() {
        Mlp eager = new Mlp(7), compiled = new Mlp(7);
        CompiledFunction f = Graphs.compile(compiled::step);
        for (int i = 0; i < 100; i++) {
            double le = eager.step(batch(i)).get(0).item();
            double lc = f.call(batch(i)).get(0).item();
            assertEquals(le, lc, "loss at step " + i);
        }
        assertEquals(2, f.captureCount(), "a capture and its check");
        assertEquals(98, f.replayCount());
        for (int p = 0; p < eager.params.size(); p++) {
            assertArrayEquals(eager.params.get(p).data().toFloatArray(), compiled.params.get(p).data().toFloatArray(), "param " + p);
        }
        Graph g = f.graph();
        assertEquals(6, g.params().size(), g.toString());
        assertEquals(6, g.nodes().stream().filter(Graph.Node::inPlace).count(), g.toString());
        assertTrue(g.toString().contains("addScaledInPlace("), g.toString());   // the biases
        assertTrue(g.toString().contains("addmmInPlace("), g.toString());       // the weights: gradient and update in one GEMM
        assertTrue(f.executable().bufferCount() < g.nodes().size(), "buffers are reused: " + f.executable().bufferCount());
    }

    @Test
    void crossEntropyTargetsAreInputsNotGuards() {
        Mlp m = new Mlp(3);
        CompiledFunction f = Graphs.compile(in -> {
            Variable x = new Variable(in.get(0));
            Variable logits = Functional.linear(x, m.params.get(0), m.params.get(1));
            return List.of(Functional.crossEntropy(logits, in.get(1)).data());
        });
        Tensor x = Tensor.randn(new Generator(5), 4, 2);
        f.call(x, Tensor.of(new long[] {0, 3, 15, 2}));
        f.call(x.mul(2), Tensor.of(new long[] {1, 1, 1, 1}));
        assertEquals(2, f.captureCount(), "a capture and its check");
        assertTrue(f.graph().guards().isEmpty(), f.graph().toString());
        Tensor t2 = Tensor.of(new long[] {1, 3, 15, 2});
        Variable ref = Functional.crossEntropy(Functional.linear(new Variable(x), m.params.get(0), m.params.get(1)), t2);
        assertEquals(ref.item(), f.call(x, t2).get(0).item(), "other targets: the same program replays with them");
        assertEquals(2, f.captureCount());
        assertEquals(1, f.replayCount());
    }

    /** An op that fails on negative data, to make a replay throw. */
    record Boom(boolean error) implements Op {
        @Override public String name() { return "boom"; }
        @Override public int[] shape(Tensor[] in) { return in[0].shape(); }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public void forward(Tensor[] in, Tensor out) {
            float[] v = in[0].toFloatArray();
            for (float f : v) {
                if (f < 0 && error) throw new AssertionError("boom: negative input " + f);
                if (f < 0) throw new ArithmeticException("boom: negative input " + f);
            }
            Dispatch.into(io.simdgrad.core.ops.Ops.Copy.INSTANCE, out, in[0]);
        }
    }

    @Test
    void anExceptionInAReplayNamesTheStepAndLeavesParamsUnchanged() {
        for (boolean updateFirst : new boolean[] {false, true}) {
            Tensor w = Tensor.of(new float[] {1, 2, 3});
            CompiledFunction f = Graphs.compile(in -> {
                if (updateFirst) w.addScaledInPlace(in.get(0), 0.5);
                Tensor y = Dispatch.call(new Boom(false), in.get(0).mul(2)).add(w);
                if (!updateFirst) w.addScaledInPlace(y, 0.5);
                return List.of(y);
            });
            f.call(Tensor.ones(3));
            f.call(Tensor.ones(3));
            float[] before = w.toFloatArray();
            int version = w.version();
            ReplayException e = assertThrows(ReplayException.class, () -> f.call(Tensor.of(new float[] {1, -1, 1})));
            assertTrue(e.getMessage().startsWith("while executing %"), e.getMessage());
            assertTrue(e.getMessage().contains(" = boom(%"), e.getMessage());
            assertInstanceOf(ArithmeticException.class, e.getCause());
            assertArrayEquals(before, w.toFloatArray(), "update first: " + updateFirst);
            assertTrue(w.version() >= version);
        }
    }

    @Test
    void paramsAreBackedUpOnlyWhenAStepThatMayFailFollowsTheirWrite() {
        Tensor w = Tensor.of(new float[] {1, 2, 3}), u = Tensor.of(new float[] {4, 5, 6});
        Tensor step = Tensor.scalar(DType.FLOAT64, 0);
        // an optimiser's shape: updates interleaved with 0-d float arithmetic, which cannot throw
        CompiledFunction f = Graphs.compile(in -> {
            w.addScaledInPlace(in.get(0), 0.5);
            step.addInPlace(1);
            u.addInPlace(in.get(0).mul(step.rsub(1).sqrt().to(DType.FLOAT32)));
            // and what a training step computes after its update: reductions and argmax cannot throw either
            return List.of(w.argmax(0).to(DType.FLOAT32).add(u.sum()));
        });
        for (int i = 0; i < 3; i++) f.call(Tensor.ones(3));
        assertEquals(0, f.executable().backupCount(), f.graph().toString());
        assertArrayEquals(new float[] {2.5f, 3.5f, 4.5f}, w.toFloatArray());
        // sqrt(1 - step) for steps 1, 2, 3: 0, NaN (IEEE arithmetic does not throw), NaN
        assertTrue(Float.isNaN(u.toFloatArray()[0]));
        // a guard after the first write: that param is copied first
        Tensor v = Tensor.of(new float[] {1, 2, 3});
        CompiledFunction g = Graphs.compile(in -> {
            v.addScaledInPlace(in.get(0), 0.5);
            if (in.get(0).sum().item() > 100) throw new AssertionError("not reached");
            return List.of();
        });
        for (int i = 0; i < 3; i++) g.call(Tensor.ones(3));
        assertEquals(1, g.executable().backupCount(), g.graph().toString());
    }

    @Test
    void anErrorInAReplayAlsoLeavesParamsUnchanged() {
        for (boolean updateFirst : new boolean[] {false, true}) {
            Tensor w = Tensor.of(new float[] {2, 3, 4});
            CompiledFunction f = Graphs.compile(in -> {
                if (updateFirst) w.addScaledInPlace(in.get(0), 0.5);
                Tensor y = Dispatch.call(new Boom(true), in.get(0).mul(2)).add(w);
                if (!updateFirst) w.addScaledInPlace(y, 0.5);
                return List.of(y);
            });
            f.call(Tensor.ones(3));
            f.call(Tensor.ones(3));
            float[] before = w.toFloatArray();
            AssertionError e = assertThrows(AssertionError.class, () -> f.call(Tensor.of(new float[] {1, -1, 1})));
            assertTrue(e.getSuppressed().length == 1 && e.getSuppressed()[0].getMessage().contains(" = boom(%"), "names the step");
            assertArrayEquals(before, w.toFloatArray(), "update first: " + updateFirst);
        }
    }

    @Test
    void replayBumpsParamVersionsLikeEagerInPlaceOps() {
        Tensor w = Tensor.of(new float[] {1, 2});
        CompiledFunction f = Graphs.compile(in -> {
            w.addInPlace(in.get(0));
            return List.of(w.mul(1));
        });
        f.call(Tensor.ones(2));
        int v = w.version();
        List<Tensor> r = f.call(Tensor.ones(2));
        assertEquals(v + 1, w.version());
        assertArrayEquals(new float[] {3, 4}, r.get(0).toFloatArray());
        assertArrayEquals(new float[] {3, 4}, w.toFloatArray());
    }

    @Test
    void inPlaceWritesIntoInputsRunEagerlyAndTraceRefusesThem() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Graphs.trace(in -> List.of(in.get(0).addInPlace(1)), Tensor.ones(2)));
        assertEquals("trace: addInPlace writes into input %0 (the caller's tensor); use an out-of-place op", e.getMessage());
        CompiledFunction f = Graphs.compile(in -> List.of(in.get(0).addInPlace(1).mul(2)));
        for (int i = 0; i < 3; i++) {
            Tensor x = Tensor.ones(2);
            assertArrayEquals(new float[] {4, 4}, f.call(x).get(0).toFloatArray());
            assertArrayEquals(new float[] {2, 2}, x.toFloatArray(), "the caller's tensor is written, as eager code writes it");
        }
        assertEquals(0, f.replayCount());
        assertEquals(1, f.warnings().size(), "warned once: " + f.warnings());
    }

    @Test
    void tensorLevelViewsOfResultsBecomeStridedViews() {
        Graph g = Graphs.trace(in -> {
            Tensor a = in.get(0).exp();
            return List.of(a.select(0, 1).add(a.narrow(1, 1, 1).squeeze()));
        }, Tensor.ones(3, 3));
        g.check();
        assertTrue(g.toString().contains("asStrided(%1, size=[3], stride=[3], offset=1)"), g.toString());
        Executable ex = Executable.compile(Passes.optimize(g));
        Tensor x = Tensor.arange(9).reshape(3, 3);
        Tensor a = x.exp();
        assertArrayEquals(a.select(0, 1).add(a.narrow(1, 1, 1).squeeze()).toFloatArray(), ex.run(List.of(x)).get(0).toFloatArray());
    }

    @Test
    void constantsCreatedInsideAreSnapshottedAndFolded() {
        Graph g = Graphs.trace(in -> {
            Tensor c = Tensor.zeros(3);
            c.select(0, 1).fillInPlace(2);           // builds a const: not recorded
            Tensor d = c.mul(3).add(1);              // folds at compile time
            return List.of(in.get(0).mul(d));
        }, Tensor.ones(3));
        assertEquals(1, g.consts().size(), g.toString());
        Graph opt = Passes.optimize(g);
        assertEquals(1, opt.nodes().size(), opt.toString());
        assertArrayEquals(new float[] {2, 14, 6}, Executable.compile(opt).run(List.of(Tensor.of(new float[] {2, 2, 6}))).get(0).toFloatArray());
    }

    @Test
    void compiledFunctionInsideACaptureRunsEagerly() {
        CompiledFunction inner = Graphs.compile(in -> List.of(in.get(0).exp()));
        Graph g = Graphs.trace(in -> inner.call(in.get(0).mul(2)), Tensor.ones(2));
        assertEquals(Arrays.asList("mul", "exp"), g.nodes().stream().map(n -> n.op().name()).toList());
    }
}
