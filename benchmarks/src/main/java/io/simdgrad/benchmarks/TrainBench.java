package io.simdgrad.benchmarks;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.graph.CompiledFunction;
import io.simdgrad.graph.Graphs;
import io.simdgrad.nn.Conv2d;
import io.simdgrad.nn.CrossEntropyLoss;
import io.simdgrad.nn.Flatten;
import io.simdgrad.nn.Linear;
import io.simdgrad.nn.MaxPool2d;
import io.simdgrad.nn.ReLU;
import io.simdgrad.nn.Sequential;
import io.simdgrad.nn.Unflatten;
import io.simdgrad.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Training pieces against PyTorch 2.13 ({@code peers.py torch N adam cnn}, the same shapes):
 * <ul>
 *   <li>{@code adamStep*}: one {@code Adam.step()} (lr 1e-3, PyTorch's defaults) over the six
 *       parameters of a 784-1024-256-10 MLP, 1,068,810 floats, gradients fixed; eager and as a
 *       replayed compiled function. PyTorch's peer: {@code torch.optim.Adam} with
 *       {@code foreach=False} (the for-loop), {@code foreach=True} and {@code fused=True}.</li>
 *   <li>{@code cnnStep*}: one Fashion-MNIST training step of the demo's CNN (examples'
 *       {@code FashionMnist.cnn}: conv 1-16 k3 p1, ReLU, max-pool 2, conv 16-32 k3 p1, ReLU,
 *       max-pool 2, linear 1568-10), batch 64, cross-entropy, Adam 1e-3; an epoch is 937 steps.</li>
 * </ul>
 * At 1 and 2 kernel threads ({@link ThreadsState}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class TrainBench {
    Adam adamEager, adamCompiled;
    CompiledFunction adamReplay;

    Sequential cnnEager, cnnCompiled;
    Adam cnnOptEager, cnnOptCompiled;
    CompiledFunction cnnReplay;
    Tensor x, y;
    final CrossEntropyLoss lossFn = new CrossEntropyLoss();

    static List<Variable> mlpParams(Generator g) {
        int[] sizes = {784, 1024, 256, 10};
        List<Variable> ps = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            Linear l = new Linear(sizes[i], sizes[i + 1], g);
            ps.addAll(l.parameters());
        }
        for (Variable p : ps) p.mul(1.0).backward(Tensor.randn(g, p.shape()).mul(1e-2)); // fixed gradients: the benchmark times step() alone
        return ps;
    }

    static Sequential cnn(Generator g) {
        return new Sequential(new Unflatten(1, 1, 28, 28), new Conv2d(1, 16, 3, 1, 1, 1, 1, true, DType.FLOAT32, g), new ReLU(), new MaxPool2d(2),
                new Conv2d(16, 32, 3, 1, 1, 1, 1, true, DType.FLOAT32, g), new ReLU(), new MaxPool2d(2), new Flatten(),
                new Linear(32 * 7 * 7, 10, g));
    }

    List<Tensor> cnnStep(Sequential m, Adam opt, List<Tensor> in) {
        Variable loss = lossFn.forward(m.forward(in.get(0)), in.get(1));
        opt.zeroGrad();
        loss.backward();
        opt.step();
        return List.of(loss.data());
    }

    @Setup
    public void setup(ThreadsState t) {
        Generator g = new Generator(5);
        adamEager = new Adam(mlpParams(g), 1e-3);
        adamCompiled = new Adam(mlpParams(g), 1e-3);
        adamReplay = Graphs.compile(in -> {
            adamCompiled.step();
            return List.of();
        });
        x = Tensor.rand(g, 64, 784);
        long[] labels = new long[64];
        for (int i = 0; i < labels.length; i++) labels[i] = i % 10;
        y = Tensor.of(labels, 64);
        cnnEager = cnn(new Generator(0));
        cnnCompiled = cnn(new Generator(0));
        cnnOptEager = new Adam(cnnEager.parameters(), 1e-3);
        cnnOptCompiled = new Adam(cnnCompiled.parameters(), 1e-3);
        cnnReplay = Graphs.compile(in -> cnnStep(cnnCompiled, cnnOptCompiled, in));
        for (int i = 0; i < 3; i++) { // capture, the second call's check, then replays
            adamReplay.call();
            cnnReplay.call(x, y);
        }
        if (!adamReplay.warnings().isEmpty() || !cnnReplay.warnings().isEmpty()) {
            throw new IllegalStateException("compile warned: " + adamReplay.warnings() + cnnReplay.warnings());
        }
    }

    @Benchmark
    public Adam adamStepEager(ThreadsState t) {
        adamEager.step();
        return adamEager;
    }

    @Benchmark
    public List<Tensor> adamStepReplayed(ThreadsState t) {
        return adamReplay.call();
    }

    @Benchmark
    public List<Tensor> cnnStepEager(ThreadsState t) {
        return cnnStep(cnnEager, cnnOptEager, List.of(x, y));
    }

    @Benchmark
    public List<Tensor> cnnStepReplayed(ThreadsState t) {
        return cnnReplay.call(x, y);
    }
}
