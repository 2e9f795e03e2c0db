package io.simdgrad.graph;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CaptureTest {
    /** The tutorial's loop: doubles y until its norm reaches 1000, then backward with a gradient. */
    static List<Tensor> tutorial(List<Tensor> in) {
        Variable x = new Variable(in.get(0), true);
        Variable y = x.mul(2);
        while (y.data().norm().lt(1000).item() != 0) y = y.mul(2);
        y.backward(in.get(1));
        return List.of(y.data(), x.grad());
    }

    @Test
    void tutorialGraphPrints() {
        Tensor x = Tensor.randn(new Generator(1), 3);
        Tensor g = Tensor.of(new float[] {0.1f, 1.0f, 0.0001f});
        Graph graph = Graphs.trace(CaptureTest::tutorial, x, g);
        System.out.println(graph);
        graph.check();
        Graph opt = Passes.optimize(graph);
        System.out.println(opt);
        opt.check();
        System.out.println(opt.toDot());
    }
}
