package io.simdgrad.benchmarks;

import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.ValuesIndices;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The scans, sorts and reductions over several dims as eager FLOAT32 tensor ops (no autograd),
 * on the shapes of {@code peers.py sortscan}: cumsum of 1000 x 1000 along each dim, a stable sort
 * and topk(10) of its rows, sum over dims (0, 2) and amax over (1, 2) of 64 x 256 x 64.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class SortScanBench {
    /** The operands, uniform in [0, 1). */
    @State(Scope.Thread)
    public static class Data {
        Tensor m = Tensor.rand(new Generator(3), 1000, 1000);
        Tensor t = Tensor.rand(new Generator(4), 64, 256, 64);
    }

    @Benchmark
    public Tensor cumsumDim1(Data d) {
        return d.m.cumsum(1);
    }

    @Benchmark
    public Tensor cumsumDim0(Data d) {
        return d.m.cumsum(0);
    }

    @Benchmark
    public ValuesIndices<Tensor> sortDim1(Data d) {
        return d.m.sort(1, false);
    }

    @Benchmark
    public ValuesIndices<Tensor> topk10Dim1(Data d) {
        return d.m.topk(10, 1, true, true);
    }

    @Benchmark
    public Tensor sumDims02(Data d) {
        return d.t.sum(new int[] {0, 2}, false);
    }

    @Benchmark
    public Tensor amaxDims12(Data d) {
        return d.t.amax(new int[] {1, 2}, false);
    }
}
