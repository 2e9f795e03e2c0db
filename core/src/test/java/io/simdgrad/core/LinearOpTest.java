package io.simdgrad.core;

import io.simdgrad.core.nn.Functional;
import io.simdgrad.core.ops.Ops;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Functional.linear} on 2-D input is one op ({@link Ops.Linear}, PyTorch's addmm): its value
 * and its three gradients are, bit for bit, those of {@code x.matmul(w.t()).add(b)} (the
 * two-op form, itself checked against naive loops and finite differences elsewhere), for inner
 * sizes on both sides of the GEMM's k chunk, both dtypes and a transposed input.
 */
class LinearOpTest {
    @Property(tries = 40)
    void equalsMatmulThenAddBitForBit(@ForAll @IntRange(min = 1, max = 40) int m, @ForAll @IntRange(min = 0, max = 600) int k,
                                      @ForAll @IntRange(min = 1, max = 40) int n, @ForAll boolean f64, @ForAll boolean transposedInput,
                                      @ForAll long seed) {
        DType dtype = f64 ? DType.FLOAT64 : DType.FLOAT32;
        Generator g = new Generator(seed);
        Tensor xt = transposedInput ? Tensor.randn(g, k, m).to(dtype).t() : Tensor.randn(g, m, k).to(dtype);
        Variable x = new Variable(xt, true), w = new Variable(Tensor.randn(g, n, k).to(dtype), true),
                b = new Variable(Tensor.randn(g, n).to(dtype), true);
        Tensor up = Tensor.randn(g, m, n).to(dtype);
        Variable fused = Functional.linear(x, w, b);
        assertEquals("AddmmBackward0", fused.gradFn().name());
        Variable twoOps = x.matmul(w.t()).add(b);
        assertArrayEquals(twoOps.data().toDoubleArray(), fused.data().toDoubleArray(), 0.0);
        List<Variable> gf = Autograd.grad(List.of(fused), List.of(x, w, b), List.of(up), false);
        List<Variable> gt = Autograd.grad(List.of(twoOps), List.of(x, w, b), List.of(up), false);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(gt.get(i).data().toDoubleArray(), gf.get(i).data().toDoubleArray(), 0.0, "gradient " + i);
            assertArrayEquals(gt.get(i).shape(), gf.get(i).shape());
        }
    }

    @Test
    void badShapesNameTheOpAndTheShapes() {
        Variable x = new Variable(Tensor.zeros(4, 3)), w = new Variable(Tensor.zeros(5, 3)), b = new Variable(Tensor.zeros(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Variable.apply(Ops.Linear.INSTANCE, x, w, b));
        assertEquals("linear: expected input [M, K], weight [N, K] and bias [N] of one floating point dtype, got f32[4, 3], f32[5, 3], f32[4]",
                e.getMessage());
        // Functional.linear leaves what the op does not take to matmul and add, with their messages
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
                () -> Functional.linear(new Variable(Tensor.zeros(4, 2)), w, new Variable(Tensor.zeros(5))));
        assertTrue(m.getMessage().startsWith("matmul: shapes [4, 2] and [3, 5] cannot be multiplied"), m.getMessage());
    }
}
