package io.simdgrad.graph;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Hardening item 13 in a replay: a compiled function returning (or computing on) an empty view taken past the end of its storage. */
class EmptyViewReplayTest {

    @Test
    void emptyViewsPastTheEndCaptureAndReplay() {
        CompiledFunction f = Graphs.compile(in -> {
            Tensor row = in.get(0).select(0, 2);
            return List.of(row, row.sum(), in.get(0).narrow(0, 3, 1).exp(), row.add(row));
        });
        for (int call = 0; call < 3; call++) {
            List<Tensor> r = f.call(Tensor.zeros(DType.FLOAT64, 4, 0));
            assertArrayEquals(new int[] {0}, r.get(0).shape());
            assertEquals(0, r.get(0).toDoubleArray().length);
            assertEquals(0.0, r.get(1).item());
            assertArrayEquals(new int[] {1, 0}, r.get(2).shape());
            assertEquals(0, r.get(3).numel());
        }
        assertEquals(2, f.captureCount(), "a capture and its check");
        assertEquals(1, f.replayCount());
    }
}
