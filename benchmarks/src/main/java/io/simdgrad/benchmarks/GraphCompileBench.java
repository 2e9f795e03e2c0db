package io.simdgrad.benchmarks;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;
import io.simdgrad.graph.CompiledFunction;
import io.simdgrad.graph.Graphs;
import io.simdgrad.simd.FloatGemm;
import io.simdgrad.simd.Simd;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The larger targets of issue 5, eager against replayed ({@link Graphs#compile}) in one run:
 * <ul>
 *   <li>{@code mlp*}: a 784-256-10 training step on a batch of 64 (linear, relu, linear,
 *       crossEntropy, backward, SGD update of the four params) at {@code threads} = 1 and 2, and
 *       {@code mlpGemmsOnly}: the five GEMMs of that step (two forward, three backward: the
 *       input needs no gradient) called directly on preallocated arrays, ~52 MFLOP. Targets:
 *       replayed within 1.15x of the GEMMs alone, &lt;= 0.65 ms on one thread, &lt;= 0.40 ms on two.</li>
 *   <li>{@code chain*}: 8 elementwise ops on 1e6 floats, one thread: eager, replayed unfused, and
 *       replayed fused (the default; target: fused &gt;= 3x eager).</li>
 *   <li>{@code captureAndCompile10k}: capturing a 10 000-node function on a [4, 4] input and
 *       compiling it (passes, which fuse the chain into one node, and buffer plan);
 *       {@code trace10k} the capture alone, {@code eager10k} the function alone. Target: &lt; 1 s.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GraphCompileBench {
    /** The 784-256-10 MLP, its inputs and compiled step. */
    @State(Scope.Thread)
    public static class Mlp {
        @Param({"1", "2"})
        public int threads;

        Variable[] params;
        List<Tensor> in;
        CompiledFunction step;
        Tensor loss;
        // the GEMM operands, shaped as the step's matmuls use them
        float[] x, w1, h, w2, z1, z2, g2, dw2, dh, g1, dw1;

        List<Tensor> run(List<Tensor> batch) {
            Variable x = new Variable(batch.get(0));
            Variable h = Functional.relu(Functional.linear(x, params[0], params[1]));
            Variable loss = Functional.crossEntropy(Functional.linear(h, params[2], params[3]), batch.get(1));
            for (Variable p : params) p.zeroGrad();
            loss.backward();
            try (Autograd.Scope ignored = Autograd.noGrad()) {
                for (Variable p : params) p.data().addScaledInPlace(p.grad(), -1e-3);
            }
            return List.of(loss.data());
        }

        @Setup
        public void setup() {
            Simd.setMaxThreads(threads);
            Generator g = new Generator(5);
            params = new Variable[] {
                new Variable(Tensor.randn(g, 256, 784).mul(0.03), true), new Variable(Tensor.zeros(256), true),
                new Variable(Tensor.randn(g, 10, 256).mul(0.06), true), new Variable(Tensor.zeros(10), true)};
            long[] labels = new long[64];
            for (int i = 0; i < labels.length; i++) labels[i] = (i * 7) % 10;
            in = List.of(Tensor.randn(g, 64, 784), Functional.labels(labels));
            step = Graphs.compile(this::run);
            step.call(in);
            step.call(in); // the second call checks the first capture
            loss = step.call(in).get(0);
            if (step.captureCount() != 2 || step.replayCount() != 1) throw new IllegalStateException("mlp step does not replay");
            x = in.get(0).toFloatArray();
            w1 = params[0].data().toFloatArray();
            w2 = params[2].data().toFloatArray();
            h = new float[64 * 256];
            z1 = new float[64 * 256];
            z2 = new float[64 * 10];
            g2 = new float[64 * 10];
            dw2 = new float[10 * 256];
            dh = new float[64 * 256];
            g1 = new float[64 * 256];
            dw1 = new float[256 * 784];
        }
    }

    @Benchmark
    public List<Tensor> mlpEager(Mlp s) {
        return s.run(s.in);
    }

    @Benchmark
    public List<Tensor> mlpReplayed(Mlp s) {
        return s.step.call(s.in);
    }

    /** Allocation baseline for {@code -prof gc}: only what a replay returns (a list of a new scalar loss). */
    @Benchmark
    public List<Tensor> mlpOutputsOnly(Mlp s) {
        return List.of(Tensor.zerosLike(s.loss));
    }

    /**
     * The step's GEMMs alone, in the forms the compiled step runs them: x·W1ᵀ, h·W2ᵀ, g2·W2,
     * and the weight gradients as g2ᵀ·h and g1ᵀ·x (the {@code transposeProducts} pass computes
     * them in W's layout, without a transposed copy).
     */
    @Benchmark
    public float[] mlpGemmsOnly(Mlp s) {
        FloatGemm.gemm(false, true, 64, 256, 784, 1, s.x, 0, 784, s.w1, 0, 784, 0, s.z1, 0, 256);
        FloatGemm.gemm(false, true, 64, 10, 256, 1, s.h, 0, 256, s.w2, 0, 256, 0, s.z2, 0, 10);
        FloatGemm.gemm(false, false, 64, 256, 10, 1, s.g2, 0, 10, s.w2, 0, 256, 0, s.dh, 0, 256);
        FloatGemm.gemm(true, false, 10, 256, 64, 1, s.g2, 0, 10, s.h, 0, 256, 0, s.dw2, 0, 256);
        FloatGemm.gemm(true, false, 256, 784, 64, 1, s.g1, 0, 256, s.x, 0, 784, 0, s.dw1, 0, 784);
        return s.dw1;
    }

    /** 8 elementwise ops on two 1e6-float inputs, one thread. */
    @State(Scope.Thread)
    public static class Chain {
        List<Tensor> in;
        CompiledFunction chain;
        CompiledFunction unfused;

        static List<Tensor> run(List<Tensor> in) {
            Tensor x = in.get(0), y = in.get(1);
            return List.of(x.mul(1.5).add(y).relu().mul(y).sub(0.25).square().add(0.5).sqrt());
        }

        @Setup
        public void setup() {
            Simd.setMaxThreads(1);
            Generator g = new Generator(7);
            in = List.of(Tensor.randn(g, 1000, 1000), Tensor.randn(g, 1000, 1000));
            chain = Graphs.compile(Chain::run);
            chain.call(in);
            chain.call(in); // the check; replays follow
            unfused = Graphs.compileUnfused(Chain::run);
            unfused.call(in);
            unfused.call(in);
        }
    }

    @Benchmark
    public List<Tensor> chainEager(Chain s) {
        return Chain.run(s.in);
    }

    /** Replayed with the chain fused (the default). */
    @Benchmark
    public List<Tensor> chainReplayed(Chain s) {
        return s.chain.call(s.in);
    }

    /** Replayed one op at a time into preallocated buffers. */
    @Benchmark
    public List<Tensor> chainReplayedUnfused(Chain s) {
        return s.unfused.call(s.in);
    }

    /** A function of 10 000 nodes (5 000 times mul and add by scalars) on a [4, 4] input. */
    @State(Scope.Thread)
    public static class Big {
        Tensor x;

        static List<Tensor> run(List<Tensor> in) {
            Tensor y = in.get(0);
            for (int i = 0; i < 5000; i++) y = y.mul(1.0001).add(1e-4);
            return List.of(y);
        }

        @Setup
        public void setup() {
            Simd.setMaxThreads(1);
            x = Tensor.randn(new Generator(9), 4, 4);
        }
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public List<Tensor> captureAndCompile10k(Big s) {
        CompiledFunction f = Graphs.compile(Big::run);
        List<Tensor> r = f.call(s.x);
        int nodes = f.capturedGraph().nodes().size();
        if (nodes < 10_000) throw new IllegalStateException("expected 10 000 nodes, got " + nodes);
        return r;
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Object trace10k(Big s) {
        return Graphs.trace(Big::run, s.x);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public List<Tensor> eager10k(Big s) {
        return Big.run(List.of(s.x));
    }
}
