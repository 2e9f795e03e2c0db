package io.simdgrad.benchmarks;

import io.simdgrad.simd.FloatLayout;
import io.simdgrad.simd.FloatLayoutKernels;
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
 * Transpose of an n x n float matrix (what Tensor.contiguous() does to a transposed view):
 * the Vector API kernel and its blocked scalar twin against System.arraycopy of the same n*n
 * floats. Target: n = 2048 within 3x of the arraycopy.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Thread)
public class LayoutBench {
    @Param({"512", "2048"})
    int n;
    float[] src;
    float[] dst;

    private static final FloatLayoutKernels SCALAR = FloatLayout.scalar();

    @Setup
    public void setup() {
        src = new float[n * n];
        dst = new float[n * n];
        for (int i = 0; i < src.length; i++) src[i] = i;
    }

    @Benchmark
    public float[] transposeVector() {
        FloatLayout.transpose(src, 0, n, n, n, dst, 0, n);
        return dst;
    }

    @Benchmark
    public float[] transposeScalarTwin() {
        SCALAR.transpose(src, 0, n, n, n, dst, 0, n);
        return dst;
    }

    /** The same transpose reached as Tensor.contiguous() reaches it: a view with strides (1, n). */
    @Benchmark
    public float[] contiguousOfTransposedView() {
        FloatLayout.copy2d(src, 0, n, n, 1, n, dst, 0, n);
        return dst;
    }

    @Benchmark
    public float[] arraycopy() {
        System.arraycopy(src, 0, dst, 0, n * n);
        return dst;
    }
}
