package io.simdgrad.benchmarks;

import io.simdgrad.simd.FloatElementwise;
import io.simdgrad.simd.FloatElementwiseKernels;
import io.simdgrad.simd.FloatReductionKernels;
import io.simdgrad.simd.FloatReductions;
import io.simdgrad.simd.UnaryOp;
import java.util.SplittableRandom;
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
 * The tier-stable vector transcendentals (plain vector arithmetic, {@code FloatVectorMath} in
 * simd) against the JDK's lanewise EXP/LOG/TANH they replaced ({@link JdkLanewise}, kept as a
 * baseline), one kernel call on 1e5 floats and softmax over 256 x 1000 rows, one thread.
 * {@code inputs=edges} mixes in a quarter of out-of-range and special lanes (NaN, infinities,
 * results that overflow or underflow, subnormal results) to show with {@code -prof gc} that the
 * kernels allocate nothing on those paths either. The {@code Facade} benchmarks call the public
 * entry points, at 1 and 2 threads ({@link ThreadsState}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class VectorMathBench {
    private static final FloatElementwiseKernels VECTOR = FloatElementwise.vector();
    private static final FloatReductionKernels REDUCTIONS = FloatReductions.vector();

    /** Values in [-10, 10] (log: (0, 10]), or those with a quarter of edge values mixed in. */
    static float[] inputs(int n, boolean positive, boolean edges, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -100, -(float) 87.5, 89, 1e30f,
            -1e30f, 1e-40f, -(float) 103.5, 0, -(float) 0.0};
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (positive ? 10 - r.nextDouble(0, 10) : r.nextDouble(-10, 10));
            if (edges && r.nextInt(4) == 0) a[i] = special[r.nextInt(special.length)];
        }
        return a;
    }

    @State(Scope.Thread)
    public static class Unary {
        @Param({"EXP", "TANH", "SIGMOID", "LOG"})
        UnaryOp op;
        @Param({"typical", "edges"})
        String inputs;
        final int n = 100_000;
        float[] a;
        float[] out;

        @Setup
        public void setup() {
            a = inputs(n, op == UnaryOp.LOG, inputs.equals("edges"), 7);
            out = new float[n];
        }
    }

    @State(Scope.Thread)
    public static class Rows {
        @Param({"typical", "edges"})
        String inputs;
        float[] a;
        float[] out = new float[256 * 1000];

        @Setup
        public void setup() {
            a = inputs(256 * 1000, false, inputs.equals("edges"), 11);
        }
    }

    @Benchmark
    public float[] unaryPlain(Unary s) {
        VECTOR.unary(s.op, s.a, 0, s.out, 0, s.n);
        return s.out;
    }

    /** The scalar twin (what the vector kernel ran for SILU before it had a vector loop). */
    @Benchmark
    public float[] unaryTwin(Unary s) {
        FloatElementwise.scalar().unary(s.op, s.a, 0, s.out, 0, s.n);
        return s.out;
    }

    @Benchmark
    public float[] unaryJdkLanewise(Unary s) {
        JdkLanewise.unary(s.op, s.a, s.out, s.n);
        return s.out;
    }

    @Benchmark
    public float[] softmax256x1000Plain(Rows s) {
        REDUCTIONS.softmaxRows(s.a, 0, 256, 1000, 1000, s.out, 0, 1000);
        return s.out;
    }

    /** exp / tanh through the public facade, which splits them over the threads (1e5 floats). */
    @Benchmark
    public float[] unaryFacade(Unary s, ThreadsState t) {
        FloatElementwise.unary(s.op, s.a, 0, s.out, 0, s.n);
        return s.out;
    }

    /** Softmax over 256 x 1000 rows through the public facade, rows split over the threads. */
    @Benchmark
    public float[] softmax256x1000Facade(Rows s, ThreadsState t) {
        FloatReductions.softmaxRows(s.a, 0, 256, 1000, 1000, s.out, 0, 1000);
        return s.out;
    }

    @Benchmark
    public float[] softmax256x1000JdkLanewise(Rows s) {
        JdkLanewise.softmaxRows(s.a, 256, 1000, s.out);
        return s.out;
    }
}
