package io.simdgrad.graph;

import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays read qualifying inputs in place and copy the others: every kind of input tensor gives
 * what the eager function gives on a copy of it.
 */
class ReplayInputsTest {
    static List<Tensor> chain(List<Tensor> in) {
        Tensor x = in.get(0), y = in.get(1);
        return List.of(x.mul(y).add(x.exp()).sigmoid(), x.sum(1, false));
    }

    static void assertSame(List<Tensor> expected, List<Tensor> actual) {
        for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i).toFloatArray(), actual.get(i).toFloatArray(), "output " + i);
    }

    @Test
    void contiguousTransposedSharedAndRepeatedInputs() {
        Generator g = new Generator(11);
        CompiledFunction f = Graphs.compile(ReplayInputsTest::chain);
        f.call(Tensor.randn(g, 40, 70), Tensor.randn(g, 40, 70));
        Tensor a = Tensor.randn(g, 40, 70), b = Tensor.randn(g, 40, 70);
        assertSame(chain(List.of(a.copy(), b.copy())), f.call(a, b));
        Tensor t = Tensor.randn(g, 70, 40).t();                       // not contiguous: copied
        assertSame(chain(List.of(t.contiguous(), b.copy())), f.call(t, b));
        assertSame(chain(List.of(a.copy(), a.copy())), f.call(a, a));   // one tensor twice
        Tensor big = Tensor.randn(g, 2 * 40 * 70);
        Tensor part = big.narrow(0, 40 * 70, 40 * 70).view(40, 70);    // contiguous at an offset
        assertSame(chain(List.of(part.copy(), b.copy())), f.call(part, b));
        assertSame(chain(List.of(a.copy(), b.copy())), f.call(a, b));   // after the copies, bound again
        assertArrayEquals(new int[] {2, 4}, new int[] {f.captureCount(), f.replayCount()});
    }

    @Test
    void anInputThatIsAParamUpdatedInPlaceIsReadAsItWasAtTheCall() {
        Tensor w = Tensor.of(new float[] {1, 2, 3});
        CompiledFunction f = Graphs.compile(in -> {
            Tensor x = in.get(0);
            Tensor r = x.add(1);
            w.addScaledInPlace(x, 1.0);
            return List.of(r, x.mul(3));
        });
        f.call(Tensor.of(new float[] {10, 20, 30}));                    // w = {11, 22, 33}
        f.call(Tensor.of(new float[] {0, 0, 0}));                       // the check: compiled
        List<Tensor> r = f.call(w);                                       // the param itself as input: runs eagerly
        assertArrayEquals(new float[] {12, 23, 34}, r.get(0).toFloatArray());
        assertArrayEquals(new float[] {66, 132, 198}, r.get(1).toFloatArray(), "x is w, updated in place before x * 3, as eager code sees it");
        assertArrayEquals(new float[] {22, 44, 66}, w.toFloatArray());
        assertArrayEquals(new int[] {2, 0, 1}, new int[] {f.captureCount(), f.replayCount(), f.eagerCount()});
        assertTrue(f.warnings().get(0).contains("input 0 shares memory with the param"), f.warnings().toString());
        f.call(Tensor.of(new float[] {1, 1, 1}));                       // other inputs replay
        assertArrayEquals(new float[] {23, 45, 67}, w.toFloatArray());
        assertEquals(1, f.replayCount());
    }
}
