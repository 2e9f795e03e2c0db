package io.simdgrad.benchmarks;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.func.Func;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The Hessian of a 100-parameter f64 function, {@code f(x) = sum(tanh(W x)^2) + sum(sin(x) x)}
 * with W of [50, 100] (issue 14: at least as fast as {@code torch.func.hessian} of the same
 * function; the peer is {@code benchmarks/peers.py torch 1 func}): forward-over-reverse
 * ({@code hessian} = {@code jacfwd(jacrev(f))}, 100 forward passes with tangents over one
 * gradient each) and reverse-over-reverse ({@code jacrev(jacrev(f))}, 100 backward passes over
 * one recorded gradient), one thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dsimdgrad.threads=1"})
@State(Scope.Thread)
public class FuncBench {
    Variable x;
    UnaryOperator<Variable> f;
    UnaryOperator<Variable> hessian;
    UnaryOperator<Variable> revRev;

    @Setup
    public void setup() {
        Generator g = new Generator(14);
        Variable w = new Variable(Tensor.randn(DType.FLOAT64, g, 50, 100).mul(0.1));
        x = new Variable(Tensor.randn(DType.FLOAT64, g, 100));
        f = v -> w.matmul(v).tanh().square().sum().add(v.sin().mul(v).sum());
        hessian = Func.hessian(f);
        revRev = Func.jacrev(Func.jacrev(f));
    }

    @Benchmark
    public Tensor hessian100() {
        return hessian.apply(x).data();
    }

    @Benchmark
    public Tensor jacrevJacrev100() {
        return revRev.apply(x).data();
    }
}
