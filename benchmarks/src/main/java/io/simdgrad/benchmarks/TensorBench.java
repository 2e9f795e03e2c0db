package io.simdgrad.benchmarks;

import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.simd.BinaryOp;
import io.simdgrad.simd.FloatElementwise;
import io.simdgrad.simd.Simd;
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
 * Tensor overhead against the bare kernels it calls, single-threaded (issue 3 targets):
 * contiguous add of [1000,1000] within 1.3x of the bare kernel (both allocate their output, as
 * an op must), broadcast add [1000,1000]+[1000] within 1.5x, and
 * {@code transpose(0,1).contiguous()} of [2048,2048] within 3x of a plain array copy.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dsimdgrad.threads=1"})
@State(Scope.Thread)
public class TensorBench {
    Tensor a;
    Tensor b;
    Tensor row;
    Tensor big;
    float[] af;
    float[] bf;
    float[] bigf;

    @Setup
    public void setup() {
        Generator g = new Generator(1);
        a = Tensor.rand(g, 1000, 1000);
        b = Tensor.rand(g, 1000, 1000);
        row = Tensor.rand(g, 1000);
        big = Tensor.rand(g, 2048, 2048);
        af = a.toFloatArray();
        bf = b.toFloatArray();
        bigf = big.toFloatArray();
        if (Simd.maxThreads() != 1) throw new IllegalStateException("expected one thread");
    }

    @Benchmark
    public Tensor addTensor() {
        return a.add(b);
    }

    @Benchmark
    public float[] addKernel() {
        float[] out = new float[af.length];
        FloatElementwise.binary(BinaryOp.ADD, af, 0, bf, 0, out, 0, af.length);
        return out;
    }

    @Benchmark
    public Tensor addBroadcastTensor() {
        return a.add(row);
    }

    @Benchmark
    public Tensor transposeContiguous() {
        return big.transpose(0, 1).contiguous();
    }

    @Benchmark
    public float[] arrayCopy() {
        float[] out = new float[bigf.length];
        System.arraycopy(bigf, 0, out, 0, bigf.length);
        return out;
    }
}
