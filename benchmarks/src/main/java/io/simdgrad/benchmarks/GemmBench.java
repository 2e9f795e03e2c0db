package io.simdgrad.benchmarks;

import io.simdgrad.simd.DoubleGemm;
import io.simdgrad.simd.FloatGemm;
import io.simdgrad.simd.Simd;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Square GEMM, C = A*B (no transposes), f32 and f64, through the public facade (so the vector
 * kernel and the thread split) at 1 and 2 threads. The secondary metric {@code gflops} counts
 * 2*N^3 floating-point operations per call, so in ops/ns it reads directly as GFLOP/s. The
 * naive scalar twin (one thread, no blocking) runs in {@link Scalar} at N <= 256 only.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class GemmBench {
    @Param({"64", "128", "256", "512", "1024"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    Operands x;
    private int savedThreads;

    /** Counts flops per call; JMH divides by time, giving GFLOP/s in ops/ns. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Flops {
        public long gflops;
    }

    /** Random n x n A and B in [-1, 1) (the same values in f32 and f64) and an output C. */
    static final class Operands {
        final float[] af, bf, cf;
        final double[] ad, bd, cd;

        Operands(int n) {
            SplittableRandom r = new SplittableRandom(42);
            af = new float[n * n];
            bf = new float[n * n];
            cf = new float[n * n];
            ad = new double[n * n];
            bd = new double[n * n];
            cd = new double[n * n];
            for (int i = 0; i < n * n; i++) {
                ad[i] = r.nextDouble(-1, 1);
                bd[i] = r.nextDouble(-1, 1);
                af[i] = (float) ad[i];
                bf[i] = (float) bd[i];
            }
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        savedThreads = Simd.maxThreads();
        Simd.setMaxThreads(threads);
        x = new Operands(n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Simd.setMaxThreads(savedThreads);
    }

    @Benchmark
    public float[] f32(Flops f) {
        FloatGemm.gemm(false, false, n, n, n, 1, x.af, 0, n, x.bf, 0, n, 0, x.cf, 0, n);
        f.gflops += 2L * n * n * n;
        return x.cf;
    }

    @Benchmark
    public double[] f64(Flops f) {
        DoubleGemm.gemm(false, false, n, n, n, 1, x.ad, 0, n, x.bd, 0, n, 0, x.cd, 0, n);
        f.gflops += 2L * n * n * n;
        return x.cd;
    }

    /**
     * The products of a 784-256-10 MLP training step, batch 64, and one batched product, f32:
     * {@code shape} is m x k x n with the form (NN, NT: B stored n x k, TN: A stored k x m),
     * {@code b32x} in front for 32 items of one product ({@code gemmBatched}). The same shapes
     * run in {@code peers.py} (section {@code mm}, names {@code gemm_<shape>}).
     */
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
    @State(Scope.Benchmark)
    public static class Shapes {
        @Param({"64x784x256NT", "256x64x784TN", "64x256x10NT", "64x10x256NN", "b32x64x64x64NN"})
        public String shape;

        @Param({"1", "2"})
        public int threads;

        int batch, m, n, k, lda, ldb;
        boolean transA, transB;
        float[] a, b, c;
        private int savedThreads;

        @Setup(Level.Trial)
        public void setUp() {
            savedThreads = Simd.maxThreads();
            Simd.setMaxThreads(threads);
            String s = shape.startsWith("b") ? shape.substring(shape.indexOf('x') + 1) : shape;
            batch = shape.startsWith("b") ? Integer.parseInt(shape.substring(1, shape.indexOf('x'))) : 1;
            String[] d = s.substring(0, s.length() - 2).split("x");
            m = Integer.parseInt(d[0]);
            k = Integer.parseInt(d[1]);
            n = Integer.parseInt(d[2]);
            transA = s.charAt(s.length() - 2) == 'T';
            transB = s.charAt(s.length() - 1) == 'T';
            lda = transA ? m : k;
            ldb = transB ? k : n;
            SplittableRandom r = new SplittableRandom(3);
            a = new float[batch * m * k];
            b = new float[batch * k * n];
            c = new float[batch * m * n];
            for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
            for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            Simd.setMaxThreads(savedThreads);
        }

        @Benchmark
        public float[] shape(Flops f) {
            if (batch == 1) {
                FloatGemm.gemm(transA, transB, m, n, k, 1, a, 0, lda, b, 0, ldb, 0, c, 0, n);
            } else {
                FloatGemm.gemmBatched(transA, transB, batch, m, n, k, 1, a, 0, m * k, lda, b, 0, k * n, ldb,
                        0, c, 0, m * n, n);
            }
            f.gflops += 2L * batch * m * n * k;
            return c;
        }
    }

    /** The naive scalar twins on one thread, at the sizes where they finish in reasonable time. */
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
    @State(Scope.Benchmark)
    public static class Scalar {
        @Param({"64", "128", "256"})
        public int n;

        Operands x;

        @Setup(Level.Trial)
        public void setUp() {
            x = new Operands(n);
        }

        @Benchmark
        public float[] f32Scalar(Flops f) {
            FloatGemm.scalar().gemm(false, false, n, n, n, 1, x.af, 0, n, x.bf, 0, n, 0, x.cf, 0, n);
            f.gflops += 2L * n * n * n;
            return x.cf;
        }

        @Benchmark
        public double[] f64Scalar(Flops f) {
            DoubleGemm.scalar().gemm(false, false, n, n, n, 1, x.ad, 0, n, x.bd, 0, n, 0, x.cd, 0, n);
            f.gflops += 2L * n * n * n;
            return x.cd;
        }
    }
}
