package io.simdgrad.benchmarks;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;
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
 * Issue 10's transformer-size workloads, eager: layerNorm forward + backward (input, weight and
 * bias gradients), logSoftmax + nllLoss forward + backward and embedding forward + backward at
 * batch·seq 2048 x 512 (f32; 512 classes for the loss, a 30000-row table for the embedding), and
 * gather, indexSelect and scatterAdd over 1e6 elements, on {@code threads} threads. The PyTorch
 * peers are {@code benchmarks/index_peers.py THREADS} (same shapes).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Thread)
public class IndexNormBench {
    @Param({"1", "2"})
    int threads;

    Variable x, w, b, table;
    Tensor gOut, rows, src, index, labels, src2, picks;
    float[] srcArray;
    long[] indexArray;

    @Setup
    public void setup() {
        Simd.setMaxThreads(threads);
        Generator g = new Generator(1);
        x = new Variable(Tensor.randn(g, 2048, 512), true);
        w = new Variable(Tensor.ones(512), true);
        b = new Variable(Tensor.zeros(512), true);
        gOut = Tensor.randn(g, 2048, 512);
        table = new Variable(Tensor.randn(g, 30000, 512), true);
        rows = Tensor.randint(g, 0, 30000, 2048);
        src = Tensor.randn(g, 1000, 1000);
        index = Tensor.randint(g, 0, 1000, 1000, 1000);
        labels = Tensor.randint(g, 0, 512, 2048);
        src2 = Tensor.randn(g, 1000, 1000);
        picks = Tensor.randint(g, 0, 1000, 1000);
        srcArray = src.toFloatArray();
        indexArray = index.toLongArray();
    }

    /** nllLoss(logSoftmax(x, 1), labels) with mean reduction over [2048, 512] logits, then the logits' gradient. */
    @Benchmark
    public List<Variable> logSoftmaxNllForwardBackward() {
        Variable loss = Functional.nllLoss(x.logSoftmax(1), labels);
        return Autograd.grad(List.of(loss), List.of(x), null, false);
    }

    /** layerNorm over the last dim of [2048, 512], then the gradients of input, weight and bias. */
    @Benchmark
    public List<Variable> layerNormForwardBackward() {
        Variable y = Functional.layerNorm(x, new int[] {512}, w, b, 1e-5);
        return Autograd.grad(List.of(y), List.of(x, w, b), List.of(gOut), false);
    }

    /** 2048 rows of a [30000, 512] table, then the table's gradient. */
    @Benchmark
    public List<Variable> embeddingForwardBackward() {
        Variable y = Functional.embedding(rows, table);
        return Autograd.grad(List.of(y), List.of(table), List.of(gOut), false);
    }

    /** gather along dim 1 of [1000, 1000] with a [1000, 1000] index. */
    @Benchmark
    public Tensor gather1e6() {
        return src.gather(1, index);
    }

    /** 1000 random rows (repeats allowed) of [1000, 1000]: index_select along dim 0. */
    @Benchmark
    public Tensor indexSelect1e6() {
        return src.indexSelect(0, picks);
    }

    /** scatter_add along dim 1 of [1000, 1000] with a random [1000, 1000] index (out of place: self is copied first). */
    @Benchmark
    public Tensor scatterAdd1e6() {
        return src.scatterAdd(1, index, src2);
    }

    /** The floor of any op that returns a new 1e6-element f32 tensor: the JVM's zeroed allocation alone. */
    @Benchmark
    public float[] allocate1e6() {
        return new float[1_000_000];
    }

    /** Allocation plus one contiguous copy of 4 MB (what indexSelect along dim 0 must at least do). */
    @Benchmark
    public float[] copyOf1e6() {
        return java.util.Arrays.copyOf(srcArray, srcArray.length);
    }

    /** The raw kernel under gather1e6, scalar twin: checked int64 indices, one load and store each. */
    @Benchmark
    public float[] gatherAlongScalar() {
        float[] out = new float[1_000_000];
        io.simdgrad.simd.FloatLayout.scalar().gatherAlong(srcArray, 0, indexArray, 0, out, 0, 1000, 1000, 1000, 1);
        return out;
    }

    /** The raw kernel under gather1e6, Vector API: vector index checks, then gathers through an int map. */
    @Benchmark
    public float[] gatherAlongVector() {
        float[] out = new float[1_000_000];
        io.simdgrad.simd.FloatLayout.vector().gatherAlong(srcArray, 0, indexArray, 0, out, 0, 1000, 1000, 1000, 1);
        return out;
    }
}
