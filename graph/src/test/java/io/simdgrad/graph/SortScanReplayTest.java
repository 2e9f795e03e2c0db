package io.simdgrad.graph;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reductions over several dims, the sorting and selecting ops, scans and flip/roll/tril
 * inside a compiled function, forward and backward: each replay, on new values every call (other
 * ties, other winning indices, zeros moving in cumprod/prod), equals eager execution bit for bit,
 * and the indices are values of the graph (no guard, no recapture).
 */
class SortScanReplayTest {
    static List<Tensor> program(List<Tensor> in) {
        Variable x = new Variable(in.get(0), true);
        List<Variable> parts = new ArrayList<>();
        parts.add(x.sum(new int[] {0, 2}, false));
        parts.add(x.amax(new int[] {-1, 0}, true).reshape(-1));
        parts.add(x.amin(new int[] {1}, false).reshape(-1));
        parts.add(x.logsumexp(new int[] {0, 1}, false));
        parts.add(x.norm(3, new int[] {2}, false).reshape(-1));
        parts.add(x.norm(Double.POSITIVE_INFINITY, 1, false).reshape(-1));
        parts.add(x.var(new int[] {0, 2}, 0.5, false));
        parts.add(x.prod(2, false).reshape(-1));
        parts.add(x.max(1, false).values().reshape(-1));
        parts.add(x.min(2, true).values().reshape(-1));
        parts.add(x.sort(2, true).values().reshape(-1));
        parts.add(x.topk(2, 1, false, true).values().reshape(-1));
        parts.add(x.kthvalue(2, 2, false).values().reshape(-1));
        parts.add(x.median(1, false).values().reshape(-1));
        parts.add(x.median().reshape(1));
        parts.add(x.cumsum(1).reshape(-1));
        parts.add(x.cumprod(2).reshape(-1));
        parts.add(x.logcumsumexp(0).reshape(-1));
        parts.add(x.flip(0, 2).roll(new int[] {1, -2}, new int[] {1, 2}).tril(-1).reshape(-1));
        parts.add(x.triu(1).reshape(-1));
        Variable all = Variable.cat(parts, 0);
        Variable w = new Variable(Tensor.arange(DType.FLOAT32, 1, all.numel() + 1, 1).mul(0.01), false);
        all.mul(w).sum().backward();
        Tensor x64 = in.get(0).to(DType.FLOAT64);
        return List.of(all.data(), x.grad(), x64.argsort(1, false), x64.argmin(2, false), x64.countNonzero(0, 1),
                x64.all(0, false), x64.any(2, true), x64.max(0, true).indices(), x64.kthvalue(3, 1, true).indices());
    }

    /** Values on a grid of halves with zeros: ties and zeros in different places each call. */
    static Tensor values(Generator g) {
        Tensor u = Tensor.rand(g, 3, 4, 5);
        return u.mul(8).sub(4).to(DType.INT64).to(DType.FLOAT32).mul(0.5);
    }

    @Test
    void replaysOnNewValuesEqualEagerExecutionBitForBit() {
        CompiledFunction f = Graphs.compile(SortScanReplayTest::program);
        Generator g = new Generator(11);
        for (int call = 0; call < 6; call++) {
            Tensor x = values(g);
            List<Tensor> eager = program(List.of(x.copy()));
            List<Tensor> compiled = f.call(x.copy());
            assertEquals(eager.size(), compiled.size());
            for (int i = 0; i < eager.size(); i++) {
                assertArrayEquals(eager.get(i).shape(), compiled.get(i).shape(), "call " + call + ", output " + i);
                assertEquals(eager.get(i).dtype(), compiled.get(i).dtype());
                assertArrayEquals(bits(eager.get(i)), bits(compiled.get(i)), "call " + call + ", output " + i + " of " + x);
            }
        }
        assertEquals(2, f.captureCount(), "a capture and its check, then replays: " + f.warnings());
        assertEquals(4, f.replayCount());
        assertTrue(f.graph().guards().isEmpty(), f.graph().toString());
        String printed = f.graph().toString();
        assertTrue(printed.contains("= argsort(") && printed.contains("= kthvalue(") && printed.contains("= gather("), printed);
    }

    private static long[] bits(Tensor t) {
        double[] d = t.toDoubleArray();
        long[] b = new long[d.length];
        for (int i = 0; i < d.length; i++) b[i] = Double.isNaN(d[i]) ? 0x7ff8000000000000L : Double.doubleToRawLongBits(d[i]);
        return b;
    }
}
