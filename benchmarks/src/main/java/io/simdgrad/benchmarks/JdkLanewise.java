package io.simdgrad.benchmarks;

import io.simdgrad.simd.SimdSpecies;
import io.simdgrad.simd.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Benchmark-only baseline: the vector kernels as they were before {@code FloatVectorMath}, with
 * the JDK's lanewise EXP, LOG and TANH (SVML-style stubs in C2, {@link Math} in the interpreter,
 * so their last bit depends on the JIT tier) and {@code reduceLanes(ADD)} for softmax's row sum.
 * Kept here, outside the library, so that the speed of the tier-stable kernels can be measured
 * against them in the same run. The scalar tail of the library kernels is left out (n is a
 * multiple of the lane count in the benchmarks).
 */
final class JdkLanewise {
    private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
    private static final int L = S.length();

    private JdkLanewise() {}

    static void unary(UnaryOp op, float[] a, float[] out, int n) {
        switch (op) {
            case EXP -> exp(a, out, n);
            case LOG -> log(a, out, n);
            case TANH -> tanh(a, out, n);
            case SIGMOID -> sigmoid(a, out, n);
            default -> throw new IllegalArgumentException("JdkLanewise: no baseline for " + op);
        }
    }

    private static void exp(float[] a, float[] out, int n) {
        for (int i = 0; i < S.loopBound(n); i += L) FloatVector.fromArray(S, a, i).lanewise(VectorOperators.EXP).intoArray(out, i);
    }

    private static void log(float[] a, float[] out, int n) {
        for (int i = 0; i < S.loopBound(n); i += L) FloatVector.fromArray(S, a, i).lanewise(VectorOperators.LOG).intoArray(out, i);
    }

    private static void tanh(float[] a, float[] out, int n) {
        for (int i = 0; i < S.loopBound(n); i += L) FloatVector.fromArray(S, a, i).lanewise(VectorOperators.TANH).intoArray(out, i);
    }

    private static void sigmoid(float[] a, float[] out, int n) {
        FloatVector one = FloatVector.broadcast(S, 1), zero = FloatVector.zero(S);
        for (int i = 0; i < S.loopBound(n); i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            FloatVector e = x.abs().neg().lanewise(VectorOperators.EXP);
            FloatVector d = one.add(e);
            e.div(d).blend(one.div(d), x.compare(VectorOperators.GE, zero)).intoArray(out, i);
        }
    }

    /** The old softmaxRows for rows longer than a vector: max, exponentials and their sum, scale. */
    static void softmaxRows(float[] a, int rows, int cols, float[] out) {
        for (int r = 0; r < rows; r++) {
            int ai = r * cols;
            FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            int i = 0;
            for (int bound = S.loopBound(cols); i < bound; i += L) mx = mx.max(FloatVector.fromArray(S, a, ai + i));
            VectorMask<Float> tail = S.indexInRange(i, cols);
            mx = mx.max(FloatVector.fromArray(S, a, ai + i, tail).blend(Float.NEGATIVE_INFINITY, tail.not()));
            FloatVector vs = FloatVector.broadcast(S, mx.reduceLanes(VectorOperators.MAX));
            FloatVector s0 = FloatVector.zero(S);
            for (i = 0; i < S.loopBound(cols); i += L) {
                FloatVector e = FloatVector.fromArray(S, a, ai + i).sub(vs).lanewise(VectorOperators.EXP);
                e.intoArray(out, ai + i);
                s0 = s0.add(e);
            }
            if (i < cols) {
                FloatVector e = FloatVector.fromArray(S, a, ai + i, tail).sub(vs).lanewise(VectorOperators.EXP);
                e.intoArray(out, ai + i, tail);
                s0 = s0.add(e, tail);
            }
            FloatVector inv = FloatVector.broadcast(S, 1 / s0.reduceLanes(VectorOperators.ADD));
            for (i = 0; i < S.loopBound(cols); i += L) FloatVector.fromArray(S, out, ai + i).mul(inv).intoArray(out, ai + i);
            if (i < cols) FloatVector.fromArray(S, out, ai + i, tail).mul(inv).intoArray(out, ai + i, tail);
        }
    }
}
