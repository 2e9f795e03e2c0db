package com.example;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;
import io.simdgrad.graph.CompiledFunction;
import io.simdgrad.graph.Graphs;
import java.util.List;

/** Fits y = 3x - 1 with one linear layer: an SGD step written eagerly, compiled, run 200 times. */
public class Train {
    public static void main(String[] args) {
        Generator g = new Generator(42);
        Tensor x = Tensor.randn(g, 64, 1);
        Tensor y = x.mul(3).sub(1);
        Variable w = new Variable(Tensor.zeros(1, 1), true);
        Variable b = new Variable(Tensor.zeros(1), true);
        CompiledFunction step = Graphs.compile(in -> {
            Variable loss = Functional.mseLoss(Functional.linear(new Variable(in.get(0)), w, b), new Variable(in.get(1)));
            w.zeroGrad();
            b.zeroGrad();
            loss.backward();
            try (Autograd.Scope ignored = Autograd.noGrad()) {
                w.data().addScaledInPlace(w.grad(), -0.1);
                b.data().addScaledInPlace(b.grad(), -0.1);
            }
            return List.of(loss.data());
        });
        double first = step.call(x, y).get(0).item(), last = first;
        for (int i = 1; i < 200; i++) last = step.call(x, y).get(0).item();
        System.out.printf("loss %.6f -> %.8f, w %.4f, b %.4f%n", first, last, w.data().item(), b.data().item());
        if (!(last < 1e-6)) throw new IllegalStateException("training did not converge: loss " + last);
    }
}
