package com.example;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import io.simdgrad.jqwik.GradAssertions;
import io.simdgrad.jqwik.TensorArbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TanhTest {
    @Test
    void tanhOfZeroIsZero() {
        assertEquals(0.0, Tensor.zeros(3).tanh().sum().item());
    }

    // The README's three-line example, as written there.
    @Property void tanhHasTheRightGradient(@ForAll("tensors") Tensor x) {
        GradAssertions.assertGradcheck(in -> in.get(0).tanh().sum(), x); }
    @Provide Arbitrary<Tensor> tensors() { return TensorArbitraries.tensors(DType.FLOAT64, TensorArbitraries.shapes()).anyLayout(); }
}
