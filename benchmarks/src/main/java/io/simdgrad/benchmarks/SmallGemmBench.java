package io.simdgrad.benchmarks;

import io.simdgrad.simd.FloatGemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Small f32 products, one thread: the vector kernel's {@code gemm} (which skips packing below
 * its size limit) against {@code gemmParallel(1, ...)}, which always packs. Shapes m x n x k with
 * a transpose form: the MLP's layers (batch 32, 2-16-16-1) and squares around the limit.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dsimdgrad.threads=1"})
@State(Scope.Thread)
public class SmallGemmBench {
    /** m x n x k and the form, NN, NT or TN (no commas: JMH's -p splits at them). */
    @Param({"32x16x2NT", "32x16x16NT", "32x1x16NT", "16x16x32TN", "32x16x16NN",
            "16x16x16NN", "32x32x32NN", "48x48x48NN", "64x64x64NN"})
    public String shape;

    int m, n, k, lda, ldb;
    boolean transA, transB;
    float[] a, b, c;

    @Setup(Level.Trial)
    public void setUp() {
        String form = shape.substring(shape.length() - 2);
        String[] s = shape.substring(0, shape.length() - 2).split("x");
        m = Integer.parseInt(s[0]);
        n = Integer.parseInt(s[1]);
        k = Integer.parseInt(s[2]);
        transA = form.charAt(0) == 'T';
        transB = form.charAt(1) == 'T';
        lda = transA ? m : k;
        ldb = transB ? k : n;
        SplittableRandom r = new SplittableRandom(5);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
    }

    @Benchmark
    public float[] gemm() {
        FloatGemm.vector().gemm(transA, transB, m, n, k, 1, a, 0, lda, b, 0, ldb, 0, c, 0, n);
        return c;
    }

    @Benchmark
    public float[] packed() {
        FloatGemm.vector().gemmParallel(1, transA, transB, m, n, k, 1, a, 0, lda, b, 0, ldb, 0, c, 0, n);
        return c;
    }
}
