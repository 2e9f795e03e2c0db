package io.simdgrad.benchmarks;

import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * conv2d forward and backward (input and weight gradients), f32, no bias, through autograd:
 * LeNet's two layers (batch 64, 1 -> 6 channels 28 x 28 k5; 6 -> 16 14 x 14 k5) and a ResNet
 * layer (batch 8, 64 -> 64 56 x 56 k3 padding 1), at 1 and 2 threads. A call does
 * {@code 3 * 2 N OC OH OW C kh kw} flops (three GEMMs of that size): benchmarks/README.md turns
 * the times into GFLOP/s beside {@link GemmBench}'s. The peer is {@code peers.py torch T conv}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class ConvBench {
    @Param({"lenet1", "lenet2", "resnet"})
    public String layer;

    Variable x, w;
    Tensor g;
    int padding;

    @Setup
    public void setup() {
        int[] l = switch (layer) {
            case "lenet1" -> new int[] {64, 1, 6, 28, 5, 0};
            case "lenet2" -> new int[] {64, 6, 16, 14, 5, 0};
            case "resnet" -> new int[] {8, 64, 64, 56, 3, 1};
            default -> throw new IllegalArgumentException(layer);
        };
        int n = l[0], c = l[1], oc = l[2], hw = l[3], k = l[4];
        padding = l[5];
        int o = hw + 2 * padding - k + 1;
        Generator gen = new Generator(7);
        x = new Variable(Tensor.randn(gen, n, c, hw, hw), true);
        w = new Variable(Tensor.randn(gen, oc, c, k, k).mul(0.1), true);
        g = Tensor.randn(gen, n, oc, o, o);
    }

    @Benchmark
    public Tensor forwardBackward(ThreadsState t) {
        x.zeroGrad();
        w.zeroGrad();
        Functional.conv2d(x, w, null, new int[] {1}, new int[] {padding}, new int[] {1}, 1).backward(g);
        return w.grad();
    }
}
