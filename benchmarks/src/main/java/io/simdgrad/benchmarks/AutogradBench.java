package io.simdgrad.benchmarks;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;
import io.simdgrad.simd.BinaryOp;
import io.simdgrad.simd.FloatElementwise;
import io.simdgrad.simd.FloatLayout;
import io.simdgrad.simd.FloatReductions;
import io.simdgrad.simd.ReduceOp;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * Eager autograd cost, one thread (issue 4 targets): the tutorial's step (x 2x2: y = x + 2;
 * z = y * y * 3; out = z.mean(); out.backward()) <= 4 µs; one recorded 2x2 add <= 0.2 µs; a
 * training step of a 2-16-16-1 MLP on a batch of 32 (forward, MSE, backward, SGD) <= 20 µs;
 * for large tensors, forward + backward of {@code (x * x).sum()} within 1.3x of the same kernels
 * called directly ({@code largeBackward} vs {@code largeKernels}).
 * Run with {@code -prof gc} for allocation per op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dsimdgrad.threads=1"})
@State(Scope.Thread)
public class AutogradBench {
    Variable x;
    Variable y;
    Variable w1, b1, w2, b2, w3, b3;
    Variable input;
    Variable target;
    Variable large;
    float[] largeData;

    @Setup
    public void setup() {
        x = new Variable(Tensor.ones(2, 2), true);
        y = new Variable(Tensor.ones(2, 2), true);
        Generator g = new Generator(3);
        w1 = new Variable(Tensor.randn(g, 16, 2).mul(0.5), true);
        b1 = new Variable(Tensor.zeros(16), true);
        w2 = new Variable(Tensor.randn(g, 16, 16).mul(0.25), true);
        b2 = new Variable(Tensor.zeros(16), true);
        w3 = new Variable(Tensor.randn(g, 1, 16).mul(0.25), true);
        b3 = new Variable(Tensor.zeros(1), true);
        input = new Variable(Tensor.randn(g, 32, 2));
        target = new Variable(Tensor.randn(g, 32, 1));
        large = new Variable(Tensor.randn(g, 1000, 1000), true);
        largeData = large.data().toFloatArray();
    }

    @Benchmark
    public Tensor largeBackward() {
        large.zeroGrad();
        large.mul(large).sum().backward();
        return large.grad();
    }

    /**
     * The kernels {@link #largeBackward} runs, called directly with the same allocations: the
     * product, its sum, the two VJPs of mul (gradient 1 broadcast times the other factor), their
     * sum, and the copy into the leaf's grad.
     */
    @Benchmark
    public float[] largeKernels() {
        int n = largeData.length;
        float[] prod = new float[n];
        FloatElementwise.binary(BinaryOp.MUL, largeData, 0, largeData, 0, prod, 0, n);
        float s = FloatReductions.reduce(ReduceOp.SUM, prod, 0, 1, n);
        float[] g1 = new float[n];
        float[] g2 = new float[n];
        FloatElementwise.scalarBinary(BinaryOp.MUL, s * 0 + 1, largeData, 0, g1, 0, n);
        FloatElementwise.scalarBinary(BinaryOp.MUL, 1, largeData, 0, g2, 0, n);
        float[] g = new float[n];
        FloatElementwise.binary(BinaryOp.ADD, g1, 0, g2, 0, g, 0, n);
        float[] grad = new float[n];
        FloatLayout.copy(g, 0, grad, 0, n);
        return grad;
    }

    @Benchmark
    public Tensor tutorialStep() {
        x.zeroGrad();
        Variable yy = x.add(2);
        Variable out = yy.mul(yy).mul(3).mean();
        out.backward();
        return x.grad();
    }

    @Benchmark
    public Variable recordedAdd() {
        return x.add(y);
    }

    @Benchmark
    public Variable mlpTrainingStep() {
        Variable h = Functional.linear(input, w1, b1).relu();
        h = Functional.linear(h, w2, b2).relu();
        Variable loss = Functional.mseLoss(Functional.linear(h, w3, b3), target);
        for (Variable p : new Variable[] {w1, b1, w2, b2, w3, b3}) p.zeroGrad();
        loss.backward();
        try (var ignored = Autograd.noGrad()) {
            for (Variable p : new Variable[] {w1, b1, w2, b2, w3, b3}) p.addScaledInPlace(new Variable(p.grad()), -0.01);
        }
        return loss;
    }
}
