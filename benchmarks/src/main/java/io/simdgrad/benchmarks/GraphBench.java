package io.simdgrad.benchmarks;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;
import io.simdgrad.graph.CompiledFunction;
import io.simdgrad.graph.Graphs;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Eager vs replayed (issue 5), one thread: the tutorial step (x 2x2: y = x + 2; z = y * y * 3;
 * out = z.mean(); backward; returns x.grad) and a 2-16-16-1 MLP training step on a batch of 32
 * (forward, MSE, zero grads, backward, SGD update of the six params). Each pair runs the same
 * function: {@code eager*} calls it, {@code replayed*} calls its {@link Graphs#compile}d form.
 * Targets: tutorial replayed >= 3x faster than eager; MLP step replayed <= 5 µs; run with
 * {@code -prof gc} for the allocation per replay (target <= 64 B beyond the returned outputs:
 * {@code *OutputsOnly} allocate just those).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dsimdgrad.threads=1"})
@State(Scope.Thread)
public class GraphBench {
    List<Tensor> tutorialIn;
    List<Tensor> mlpIn;
    Variable[] params;
    CompiledFunction tutorial;
    CompiledFunction mlp;
    Tensor tutorialOut, mlpOut;

    static List<Tensor> tutorialStep(List<Tensor> in) {
        Variable x = new Variable(in.get(0), true);
        Variable y = x.add(2);
        Variable out = y.mul(y).mul(3).mean();
        out.backward();
        return List.of(x.grad());
    }

    List<Tensor> mlpStep(List<Tensor> in) {
        Variable x = new Variable(in.get(0)), t = new Variable(in.get(1));
        Variable h = Functional.relu(Functional.linear(x, params[0], params[1]));
        h = Functional.relu(Functional.linear(h, params[2], params[3]));
        Variable loss = Functional.mseLoss(Functional.linear(h, params[4], params[5]), t);
        for (Variable p : params) p.zeroGrad();
        loss.backward();
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            for (Variable p : params) p.data().addScaledInPlace(p.grad(), -1e-4);
        }
        return List.of(loss.data());
    }

    @Setup
    public void setup() {
        Generator g = new Generator(3);
        tutorialIn = List.of(Tensor.ones(2, 2));
        params = new Variable[] {
            new Variable(Tensor.randn(g, 16, 2).mul(0.5), true), new Variable(Tensor.zeros(16), true),
            new Variable(Tensor.randn(g, 16, 16).mul(0.25), true), new Variable(Tensor.zeros(16), true),
            new Variable(Tensor.randn(g, 1, 16).mul(0.25), true), new Variable(Tensor.zeros(1), true)};
        mlpIn = List.of(Tensor.randn(g, 32, 2), Tensor.randn(g, 32, 1));
        tutorial = Graphs.compile(GraphBench::tutorialStep);
        mlp = Graphs.compile(this::mlpStep);
        tutorial.call(tutorialIn); // capture; the second call checks it (both eager), replays follow
        mlp.call(mlpIn);
        tutorialOut = tutorial.call(tutorialIn).get(0);
        mlpOut = mlp.call(mlpIn).get(0);
    }

    /** Allocation baseline for {@code -prof gc}: only what a tutorial replay returns (a list of a new 2x2 tensor). */
    @Benchmark
    public List<Tensor> tutorialOutputsOnly() {
        return List.of(Tensor.zerosLike(tutorialOut));
    }

    /** Allocation baseline: only what an MLP replay returns (a list of a new scalar tensor). */
    @Benchmark
    public List<Tensor> mlpOutputsOnly() {
        return List.of(Tensor.zerosLike(mlpOut));
    }

    @Benchmark
    public List<Tensor> eagerTutorial() {
        return tutorialStep(tutorialIn);
    }

    @Benchmark
    public List<Tensor> replayedTutorial() {
        return tutorial.call(tutorialIn);
    }

    @Benchmark
    public List<Tensor> eagerMlpStep() {
        return mlpStep(mlpIn);
    }

    @Benchmark
    public List<Tensor> replayedMlpStep() {
        return mlp.call(mlpIn);
    }
}
