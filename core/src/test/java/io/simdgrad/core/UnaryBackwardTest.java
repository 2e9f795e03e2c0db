package io.simdgrad.core;

import io.simdgrad.core.ops.ElementwiseOps;
import io.simdgrad.simd.UnaryOp;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * relu, sigmoid and tanh take their first-order gradient in one fused pass
 * ({@link ElementwiseOps.UnaryBackward}) when no graph of the backward is asked for: checked
 * against the derivative in float64 over the saved output (naive loops), with contiguous and
 * transposed gradients, tails, both dtypes and special values; and against the op-written form
 * that createGraph runs.
 */
class UnaryBackwardTest {
    enum Kind {
        RELU(Variable::relu), SIGMOID(Variable::sigmoid), TANH(Variable::tanh);
        final UnaryOperator<Variable> f;
        Kind(UnaryOperator<Variable> f) { this.f = f; }

        /** g f'(x), from the output y, in double. */
        double grad(double y, double g) {
            return switch (this) {
                case RELU -> y > 0 ? g : 0;
                case SIGMOID -> g * y * (1 - y);
                case TANH -> g * (1 - y * y);
            };
        }
    }

    private static final double[] SPECIAL = {0, -0.0, 1e-30, -1e-30, 20, -20, 90, -90, Double.NaN};

    private static Tensor values(SplittableRandom r, int n, DType dtype, boolean specials) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = specials && r.nextInt(6) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : r.nextDouble(-6, 6);
        }
        return Tensor.of(v, n).to(dtype);
    }

    @Property(tries = 60)
    void fusedGradientIsTheDerivativeFromTheOutput(@ForAll Kind kind, @ForAll boolean f64, @ForAll @IntRange(min = 1, max = 70) int rows,
                                                   @ForAll @IntRange(min = 1, max = 40) int cols, @ForAll boolean transposedGrad,
                                                   @ForAll long seed) {
        DType dtype = f64 ? DType.FLOAT64 : DType.FLOAT32;
        SplittableRandom r = new SplittableRandom(seed);
        Variable x = new Variable(values(r, rows * cols, dtype, true).reshape(rows, cols), true);
        Tensor g = transposedGrad ? values(r, rows * cols, dtype, true).reshape(cols, rows).t()
                : values(r, rows * cols, dtype, true).reshape(rows, cols);
        Variable y = kind.f.apply(x);
        Tensor fused = Autograd.grad(List.of(y), List.of(x), List.of(g), false).get(0).data();
        double[] yv = y.data().toDoubleArray(), gv = g.contiguous().toDoubleArray(), got = fused.toDoubleArray();
        double eps = f64 ? 0x1p-52 : 0x1p-23, tiny = f64 ? Double.MIN_NORMAL : Float.MIN_NORMAL; // subnormal results: absolute
        for (int i = 0; i < got.length; i++) {
            double want = kind.grad(yv[i], gv[i]);
            if (Double.isNaN(want)) {
                assertTrue(Double.isNaN(got[i]), kind + " at " + i + ": y " + yv[i] + ", g " + gv[i] + " gave " + got[i]);
                continue;
            }
            if (got[i] == want) continue; // exact, and the relu zeros of a NaN or infinite g
            // the kernels round twice or three times; |g| bounds each term's size (|y (1 - y)| <= 1/4, |1 - y^2| <= 1)
            double bound = 4 * eps * Math.abs(gv[i]) + tiny;
            assertTrue(Math.abs(got[i] - want) <= bound,
                    kind + " " + dtype + " at " + i + ": y " + yv[i] + ", g " + gv[i] + " gave " + got[i] + ", want " + want);
        }
        // the op-written form (createGraph) agrees within the same bound, NaN where g * 0 is NaN aside
        Tensor ops = Autograd.grad(List.of(kind.f.apply(x)), List.of(x), List.of(g), true).get(0).data();
        double[] ov = ops.toDoubleArray();
        for (int i = 0; i < got.length; i++) {
            if (Double.isNaN(ov[i]) || Double.isNaN(got[i])) continue;
            assertTrue(Math.abs(got[i] - ov[i]) <= 4 * eps * Math.abs(gv[i]) + tiny,
                    kind + " " + dtype + " at " + i + ": fused " + got[i] + ", ops " + ov[i]);
        }
    }

    /** PyTorch's threshold_backward: 0 where the output is 0, whatever g is (NaN, infinite, negative: +0). */
    @Test
    void reluGradientIsZeroWhereTheOutputIsZeroEvenForNaN() {
        Variable x = new Variable(Tensor.of(new float[] {-1, 0, 2, -3}, 4), true);
        Tensor g = Tensor.of(new float[] {Float.NaN, Float.NEGATIVE_INFINITY, Float.NaN, -5}, 4);
        float[] got = Autograd.grad(List.of(x.relu()), List.of(x), List.of(g), false).get(0).data().toFloatArray();
        assertEquals(0f, got[0]);
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(got[1]));
        assertTrue(Float.isNaN(got[2]));
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(got[3]));
    }

    @Test
    void refusesMismatchedOperandsAndKindsWithoutAFusedForm() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Variable.apply(new ElementwiseOps.UnaryBackward(UnaryOp.TANH), new Variable(a), new Variable(b)));
        assertTrue(e.getMessage().startsWith("tanhBackward: expected an output and a gradient of one floating point dtype and shape, got "),
                e.getMessage());
        List<String> kinds = new ArrayList<>();
        for (UnaryOp k : UnaryOp.values()) {
            try {
                new ElementwiseOps.UnaryBackward(k);
                kinds.add(k.name());
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().contains(k.name()));
            }
        }
        assertEquals(List.of("TANH", "SIGMOID", "RELU", "GELU", "GELU_TANH").stream().sorted().toList(), kinds.stream().sorted().toList());
    }
}
