package io.simdgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.graph.CompiledFunction;
import io.simdgrad.graph.Graphs;
import io.simdgrad.nn.CrossEntropyLoss;
import io.simdgrad.nn.Linear;
import io.simdgrad.nn.ReLU;
import io.simdgrad.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A compiled training step (forward, loss, backward, optimizer.step, scheduler.step) over 100
 * minibatches equals the same step run eagerly bit for bit, captures once per signature (plus
 * the second call's check) and never trips compile's changed-constant detection.
 */
class CompiledTrainingTest {
    interface Recipe {
        LRScheduler build(Optimizer[] out, List<Variable> params);
    }

    static Sequential mlp() {
        return new Sequential(new Linear(20, 32, new Generator(1)), new ReLU(), new Linear(32, 5, new Generator(2)));
    }

    static Function<List<Tensor>, List<Tensor>> step(Sequential m, Optimizer opt, LRScheduler sched, boolean clip) {
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        return in -> {
            Variable loss = lossFn.forward(m.forward(in.get(0)), in.get(1));
            opt.zeroGrad();
            loss.backward();
            if (clip) ClipGrad.clipGradNorm(m.parameters(), 1.0);
            opt.step();
            if (sched instanceof ReduceLROnPlateau p) p.step(loss.data());
            else sched.step();
            return List.of(loss.data(), opt.paramGroups().get(0).lrTensor().copy());
        };
    }

    void check(Recipe recipe, boolean clip) {
        Generator g = new Generator(11);
        List<Tensor[]> batches = new ArrayList<>();
        for (int b = 0; b < 100; b++) {
            long[] labels = new long[16];
            for (int i = 0; i < 16; i++) labels[i] = (long) (g.nextDouble() * 5);
            batches.add(new Tensor[] {Tensor.randn(g, 16, 20), Tensor.of(labels, 16)});
        }
        Sequential eagerModel = mlp(), compiledModel = mlp();
        Optimizer[] eo = new Optimizer[1], co = new Optimizer[1];
        LRScheduler es = recipe.build(eo, eagerModel.parameters()), cs = recipe.build(co, compiledModel.parameters());
        Function<List<Tensor>, List<Tensor>> eager = step(eagerModel, eo[0], es, clip);
        CompiledFunction compiled = Graphs.compile(step(compiledModel, co[0], cs, clip));
        for (Tensor[] b : batches) {
            List<Tensor> e = eager.apply(List.of(b));
            List<Tensor> c = compiled.call(b);
            assertArrayEquals(e.get(0).toFloatArray(), c.get(0).toFloatArray(), "loss");
            assertArrayEquals(e.get(1).toDoubleArray(), c.get(1).toDoubleArray(), "lr");
        }
        for (int i = 0; i < eagerModel.parameters().size(); i++) {
            assertArrayEquals(eagerModel.parameters().get(i).data().toFloatArray(), compiledModel.parameters().get(i).data().toFloatArray());
        }
        assertEquals(List.of(), compiled.warnings());
        assertEquals(2, compiled.captureCount(), "the first call captures, the second checks it");
        assertEquals(98, compiled.replayCount());
        assertTrue(es.getLastLr().get(0) != 0.05 || es instanceof ReduceLROnPlateau, "the schedule moved");
    }

    @Test
    void adamWithCosineSchedule() {
        check((o, ps) -> {
            o[0] = new Adam(ps, new Adam.Options().lr(0.01).amsgrad(true).weightDecay(1e-4));
            return new CosineAnnealingLR(o[0], 30, 1e-4);
        }, false);
    }

    @Test
    void sgdMomentumOneCycleAndClipping() {
        check((o, ps) -> {
            o[0] = new SGD(ps, new SGD.Options().lr(0.05).momentum(0.9).nesterov(true));
            return new OneCycleLR(o[0], 0.1, 100);
        }, true);
    }

    @Test
    void rmspropStepLRAndAdagradPlateau() {
        check((o, ps) -> {
            o[0] = new RMSprop(ps, new RMSprop.Options().lr(0.01).centered(true).momentum(0.5));
            return new StepLR(o[0], 10, 0.7);
        }, false);
        check((o, ps) -> {
            o[0] = new Adagrad(ps, new Adagrad.Options().lr(0.05).lrDecay(0.01));
            return new ReduceLROnPlateau(o[0], false, 0.5, 3, 0.01, true, 2, 0, 1e-8);
        }, false);
    }

    @Test
    void warmRestartsLinearAndMultiStepInCompiledSteps() {
        check((o, ps) -> {
            o[0] = Adam.adamW(ps, 0.01, 0.01);
            return new CosineAnnealingWarmRestarts(o[0], 13, 1e-3);
        }, false);
        check((o, ps) -> {
            o[0] = new SGD(ps, 0.05);
            return new LinearLR(o[0], 0.1, 1.0, 40);
        }, false);
        check((o, ps) -> {
            o[0] = new SGD(ps, 0.05);
            return new MultiStepLR(o[0], new int[] {10, 50, 70}, 0.5);
        }, false);
    }

    @Test
    void momentumCyclingRestartsWithTMultAndSequentialInCompiledSteps() {
        check((o, ps) -> {
            o[0] = new SGD(ps, new SGD.Options().lr(0.05).momentum(0.9));
            return new OneCycleLR(o[0], 0.1, 100, 0.3, "cos", true, 0.85, 0.95, 25, 1e4, false);
        }, false);
        check((o, ps) -> {
            o[0] = new Adam(ps, 0.01);
            return new OneCycleLR(o[0], 0.02, 100, 0.25, "linear", true, 0.8, 0.9, 25, 1e4, true);
        }, false);
        check((o, ps) -> {
            o[0] = new SGD(ps, new SGD.Options().lr(0.05).momentum(0.9));
            return new CosineAnnealingWarmRestarts(o[0], 3, 2, 1e-3);
        }, false);
        check((o, ps) -> {
            o[0] = new Adam(ps, 0.01);
            return new SequentialLR(o[0], List.of(new LinearLR(o[0], 0.1, 1.0, 10), new StepLR(o[0], 7, 0.5),
                    new CosineAnnealingLR(o[0], 20, 1e-4)), new int[] {10, 40});
        }, false);
    }

    @Test
    void aFrozenJavaLearningRateIsWhatCompileWarnsAbout() {
        // the contrast: the optimizer's lr tensor rewritten from a Java double each call is caught, not silently frozen
        Sequential m = mlp();
        SGD opt = new SGD(m.parameters(), 0.1);
        double[] lr = {0.1};
        CompiledFunction f = Graphs.compile(in -> {
            Variable loss = new CrossEntropyLoss().forward(m.forward(in.get(0)), in.get(1));
            opt.zeroGrad();
            loss.backward();
            opt.paramGroups().get(0).lrTensor().fillInPlace(lr[0]);
            lr[0] *= 0.5;
            opt.step();
            return List.of(loss.data());
        });
        Tensor x = Tensor.randn(new Generator(1), 4, 20), y = Tensor.of(new long[] {0, 1, 2, 3}, 4);
        for (int i = 0; i < 3; i++) f.call(x, y);
        assertEquals(1, f.warnings().size(), f.warnings().toString());
        assertEquals(DType.FLOAT64, opt.paramGroups().get(0).lrTensor().dtype());
    }
}
