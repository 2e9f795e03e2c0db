package io.simdgrad.jqwik;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;
import io.simdgrad.graph.CompiledFunction;
import io.simdgrad.graph.Graphs;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A small conv net's forward and backward (conv2d with bias and groups, relu, max pooling with
 * tied values, average and adaptive pooling, reflect padding, unfold, convTranspose2d), compiled
 * and called with new input values on every call (the max-pool indices change with them): each
 * replay equals eager execution on the same inputs bit for bit.
 */
class ConvReplayProperties {
    static final Function<List<Tensor>, List<Tensor>> NET = in -> {
        Variable x = new Variable(in.get(0), true), w = new Variable(in.get(1), true), b = new Variable(in.get(2), true);
        Variable t = new Variable(in.get(3), true);
        Variable y = Functional.conv2d(x, w, b, new int[] {1}, new int[] {1}, new int[] {1}, 2).relu();
        Variable p = Functional.maxPool2d(y, new int[] {3}, new int[] {2}, new int[] {1}, new int[] {1}, true);
        Variable q = Functional.pad(Functional.avgPool2d(y, new int[] {2}, new int[] {1}, new int[] {1}, false, false, 0), new int[] {1, 1, 1, 1},
                "reflect", 0);
        Variable u = Functional.unfold(Functional.adaptiveAvgPool2d(q, new int[] {3, 3}), new int[] {2}, new int[] {1}, new int[] {0}, new int[] {1});
        Variable z = Functional.convTranspose2d(p, t, null, new int[] {2}, new int[] {1}, new int[] {1}, 1, new int[] {1});
        Variable loss = z.square().sum().add(u.sum()).add(p.mul(p).mean());
        loss.backward();
        return List.of(loss.data(), z.data(), x.grad(), w.grad(), b.grad(), t.grad());
    };

    static List<Tensor> inputs(Generator g, int n, int hw) {
        // integer-valued images: many ties in the max-pool windows
        Tensor x = Tensor.randn(g, n, 4, hw, hw).mul(2).to(DType.INT64).to(DType.FLOAT32);
        return List.of(x, Tensor.randn(g, 6, 2, 3, 3), Tensor.randn(g, 6), Tensor.randn(g, 6, 3, 2, 2));
    }

    @Property(tries = 8)
    void aCompiledConvNetReplaysAsEagerWithNewInputsOnEveryCall(@ForAll @IntRange(min = 1, max = 3) int n,
                                                                 @ForAll @IntRange(min = 4, max = 9) int hw, @ForAll long seed) {
        Generator g = new Generator(seed);
        CompiledFunction f = Graphs.compile(NET);
        for (int call = 0; call < 5; call++) {
            List<Tensor> in = inputs(g, n, hw);
            List<Tensor> got = f.call(copies(in));
            List<Tensor> want = NET.apply(copies(in));
            assertEquals(want.size(), got.size());
            for (int o = 0; o < want.size(); o++) {
                assertArrayEquals(want.get(o).shape(), got.get(o).shape());
                assertArrayEquals(bits(want.get(o)), bits(got.get(o)), "call " + call + ", output " + o);
            }
        }
        assertEquals(3, f.replayCount(), "calls 3 to 5 replay (the first captures, the second checks)");
    }

    static int[] bits(Tensor t) {
        float[] v = t.toFloatArray();
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToIntBits(v[i]);
        return b;
    }

    static List<Tensor> copies(List<Tensor> in) {
        List<Tensor> r = new ArrayList<>();
        for (Tensor t : in) r.add(t.copy());
        return r;
    }
}
