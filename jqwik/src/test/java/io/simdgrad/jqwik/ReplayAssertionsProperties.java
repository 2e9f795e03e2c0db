package io.simdgrad.jqwik;

import static io.simdgrad.jqwik.ReplayAssertions.assertReplayEqualsEager;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Compiled replays of broadcasting forward and backward programs over non-contiguous FLOAT32
 * inputs (size-1 and size-0 dims included) equal eager execution bit for bit, checked with
 * {@link ReplayAssertions}; and the assertion failing when a replay cannot equal eager.
 */
class ReplayAssertionsProperties {
    /** Operands of shapes that broadcast together, in any layout. */
    @Provide
    Arbitrary<List<Tensor>> pairs() {
        return TensorArbitraries.broadcastingTensors(DType.FLOAT32, TensorArbitraries.broadcastableShapes(2, 3, 0, 5),
                TensorArbitrary::anyLayout);
    }

    @Property(tries = 60)
    void forwardAndBackwardReplayAsEager(@ForAll("pairs") List<Tensor> p) {
        assertReplayEqualsEager(in -> {
            Variable a = new Variable(in.get(0), true), b = new Variable(in.get(1), true);
            Variable y = a.mul(b).tanh().add(a.sub(b).square().mul(0.5));
            y.sum().backward();
            return List.of(y.data(), a.grad(), b.grad());
        }, p.get(0), p.get(1));
    }

    @Example
    void aJavaValueFrozenIntoTheGraphFails() {
        AtomicInteger calls = new AtomicInteger();
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
        // The factor is a Java value read per call: a capture would freeze it, eager code does not.
        AssertionError e = assertThrows(AssertionError.class,
                () -> assertReplayEqualsEager(in -> List.of(in.get(0).mul(calls.incrementAndGet())), x));
        // the compiled function finds the changed value on its second call and stays eager: no replay to compare
        assertTrue(e.getMessage().startsWith("assertReplayEqualsEager: the third call on the same inputs did not replay")
                && e.getMessage().contains("changed Java value"), e.getMessage());
        assertTrue(e.getMessage().contains("inputs:\n  [0] f32[3]: tensor([1., 2., 3.])"), e.getMessage());
    }
}
