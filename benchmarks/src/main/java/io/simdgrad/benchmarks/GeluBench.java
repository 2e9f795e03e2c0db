package io.simdgrad.benchmarks;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.simd.Simd;
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
 * gelu forward + backward, eager, f32 [2048, 512] (a transformer's batch·seq × width; issue 10's
 * Speed section), exact and tanh forms, at 1 and 2 threads. The peer is {@code gelu_peer.py}
 * (PyTorch's F.gelu forward + backward on the same shape), run beside it. Exact gelu is a vector
 * kernel with a one-pass backward; the tanh form is still the scalar twin and a chain of vector ops.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Thread)
public class GeluBench {
    @Param({"none", "tanh"})
    String approximate;

    @Param({"1", "2"})
    int threads;

    private Tensor x, ones;

    /** A standard normal input and the ones gradient; the thread cap. */
    @Setup
    public void setup() {
        Simd.setMaxThreads(threads);
        x = Tensor.randn(DType.FLOAT32, new Generator(1), 2048, 512);
        ones = Tensor.ones(DType.FLOAT32, 2048, 512);
    }

    /** {@code gelu(x)} and its backward into a fresh leaf. */
    @Benchmark
    public Tensor forwardBackward() {
        Variable v = new Variable(x, true);
        v.gelu(approximate).backward(ones);
        return v.grad();
    }
}
