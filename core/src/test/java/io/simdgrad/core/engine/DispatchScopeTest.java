package io.simdgrad.core.engine;

import io.simdgrad.core.DType;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DispatchScopeTest {
    /** Records the names of the outermost ops it sees. */
    static final class Names implements Tracer {
        final List<String> seen = new ArrayList<>();

        @Override public void onOp(Op op, Tensor[] in, Tensor out) { seen.add(op.name()); }

        @Override public void onInPlace(Op op, Tensor self, Tensor[] rest) { seen.add(op.name() + "_"); }

        @Override public void onRead(Tensor t) { seen.add("read"); }
    }

    @Test
    void scopesNestAndRestoreTheOuterTracer() {
        Names outer = new Names(), inner = new Names();
        Tensor x = Tensor.of(new float[] {1, 2});
        assertNull(Dispatch.tracer());
        try (var a = Dispatch.trace(outer)) {
            x.exp();
            try (var b = Dispatch.trace(inner)) {
                assertSame(outer, b.previous());
                x.neg();
                try (var c = Dispatch.untraced()) {
                    x.abs();                                   // recorded by neither
                    assertNull(Dispatch.tracer());
                }
                assertSame(inner, Dispatch.tracer());
                b.close();
                b.close();                                     // a second close changes nothing
                assertSame(outer, Dispatch.tracer());
            }
            assertSame(outer, Dispatch.tracer());              // closing b again at the end of its block did not detach outer
            x.sqrt();
        }
        assertNull(Dispatch.tracer());
        assertEquals(List.of("exp", "sqrt"), outer.seen);
        assertEquals(List.of("neg"), inner.seen);
    }

    @Test
    void aThrowingBodyStillRestoresTheTracer() {
        Names t = new Names();
        assertThrows(IllegalStateException.class, () -> {
            try (var s = Dispatch.trace(t)) {
                throw new IllegalStateException("body");
            }
        });
        assertNull(Dispatch.tracer());
    }

    @Test
    void abstractValuesHaveShapeAndDtypeButNoData() {
        // 1.6e9 floats would be 6.4 GB: the test JVM could not allocate them
        Tensor big = Internals.abstractValue(DType.FLOAT32, new int[] {40_000, 40_000});
        assertEquals(1_600_000_000L, big.numel());
        assertEquals(1_600_000_000, Internals.storage(big).length());
        assertEquals(0, ((float[]) Internals.storage(big).array).length);
        Tensor v = big.transpose(0, 1).narrow(0, 10, 5);       // views read metadata only
        assertEquals(List.of(5, 40_000), List.of(v.size(0), v.size(1)));
        assertThrows(IllegalArgumentException.class, () -> Internals.abstractValue(DType.FLOAT64, new int[] {-1}));
    }
}
