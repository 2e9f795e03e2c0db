package io.simdgrad.benchmarks;

import io.simdgrad.simd.FloatReductionKernels;
import io.simdgrad.simd.FloatReductions;
import io.simdgrad.simd.ReduceOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Reduction twins in one run: sum and dot of 1e5 and 1e6 floats through the Vector API facade
 * ({@code FloatReductions}, at 1 and 2 threads, in the width- and thread-independent summation
 * order) against the sequential scalar twin; row-wise softmax of 256 x 1000 and 64 x 10 with the
 * vector kernel against the scalar one (one thread each). Targets (issue 2): sum f32 1e6 >= 15x
 * its scalar twin, dot f32 1e6 >= 8x.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ReductionBench {
    private static final FloatReductionKernels SCALAR = FloatReductions.scalar();
    private static final FloatReductionKernels VECTOR = FloatReductions.vector();

    /** Operands of sum and dot: 1e6 (4 MB per array, beyond the 2 MB L2) and 1e5 (inside L2). */
    @State(Scope.Thread)
    public static class Data {
        @Param({"100000", "1000000"})
        int n;
        float[] a;
        float[] b;

        @Setup
        public void setup() {
            SplittableRandom r = new SplittableRandom(42);
            a = new float[n];
            b = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (float) r.nextDouble(-1, 1);
                b[i] = (float) r.nextDouble(-1, 1);
            }
        }
    }

    /** Logits of a classifier batch (256 x 1000) and of a small one (64 x 10), in [-10, 10]. */
    @State(Scope.Thread)
    public static class Logits {
        float[] wide = logits(256 * 1000);
        float[] narrow = logits(64 * 10);
        float[] out = new float[256 * 1000];

        private static float[] logits(int n) {
            SplittableRandom r = new SplittableRandom(7);
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (float) r.nextDouble(-10, 10);
            return x;
        }
    }

    @Benchmark
    public float sumVector(Data d, ThreadsState t) {
        return FloatReductions.reduce(ReduceOp.SUM, d.a, 0, 1, d.n);
    }

    @Benchmark
    public float sumScalar(Data d) {
        return SCALAR.sum(d.a, 0, d.n);
    }

    /**
     * Reference, not a twin: a plain 4-accumulator Vector API sum in no fixed order (reduceLanes),
     * the kind of loop behind the anchor; it shows what the defined order costs.
     */
    @Benchmark
    public float sumQuick4(Data d) {
        VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
        int l = s.length(), i = 0, n = d.n;
        float[] a = d.a;
        FloatVector s0 = FloatVector.zero(s), s1 = s0, s2 = s0, s3 = s0;
        for (int bound = n - n % (4 * l); i < bound; i += 4 * l) {
            s0 = s0.add(FloatVector.fromArray(s, a, i));
            s1 = s1.add(FloatVector.fromArray(s, a, i + l));
            s2 = s2.add(FloatVector.fromArray(s, a, i + 2 * l));
            s3 = s3.add(FloatVector.fromArray(s, a, i + 3 * l));
        }
        float r = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) r += a[i];
        return r;
    }

    @Benchmark
    public float dotVector(Data d, ThreadsState t) {
        return FloatReductions.dot(d.a, 0, d.b, 0, d.n);
    }

    @Benchmark
    public float dotScalar(Data d) {
        return SCALAR.dot(d.a, 0, d.b, 0, d.n);
    }

    @Benchmark
    public float[] softmax256x1000Vector(Logits l) {
        VECTOR.softmaxRows(l.wide, 0, 256, 1000, 1000, l.out, 0, 1000);
        return l.out;
    }

    @Benchmark
    public float[] softmax256x1000Scalar(Logits l) {
        SCALAR.softmaxRows(l.wide, 0, 256, 1000, 1000, l.out, 0, 1000);
        return l.out;
    }

    @Benchmark
    public float[] softmax64x10Vector(Logits l) {
        VECTOR.softmaxRows(l.narrow, 0, 64, 10, 10, l.out, 0, 10);
        return l.out;
    }

    @Benchmark
    public float[] softmax64x10Scalar(Logits l) {
        SCALAR.softmaxRows(l.narrow, 0, 64, 10, 10, l.out, 0, 10);
        return l.out;
    }
}
