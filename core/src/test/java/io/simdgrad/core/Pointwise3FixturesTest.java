package io.simdgrad.core;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * lerp, addcmul and addcdiv against PyTorch 2.13's values, gradients and Hessian-vector products
 * ({@code core/src/test/python/make_pointwise3_fixtures.py}), plus lerp's exact endpoints in float32
 * and the errors.
 */
class Pointwise3FixturesTest {
    private static final Map<String, Function<List<Variable>, Variable>> FUNCTIONS = new LinkedHashMap<>();

    static {
        FUNCTIONS.put("lerp", x -> x.get(0).lerp(x.get(1), x.get(2)));
        FUNCTIONS.put("lerp_special", x -> x.get(0).lerp(x.get(1), x.get(2)));
        FUNCTIONS.put("lerp_scalar_low", x -> x.get(0).lerp(x.get(1), 0.3));
        FUNCTIONS.put("lerp_scalar_high", x -> x.get(0).lerp(x.get(1), 0.8));
        FUNCTIONS.put("lerp_scalar_negative", x -> x.get(0).lerp(x.get(1), -0.6));
        FUNCTIONS.put("addcmul", x -> x.get(0).addcmul(x.get(1), x.get(2), -0.7));
        FUNCTIONS.put("addcmul_default", x -> x.get(0).addcmul(x.get(1), x.get(2)));
        FUNCTIONS.put("addcdiv", x -> x.get(0).addcdiv(x.get(1), x.get(2), 1.3));
        FUNCTIONS.put("addcdiv_default", x -> x.get(0).addcdiv(x.get(1), x.get(2)));
    }

    @TestFactory
    List<DynamicTest> matchPyTorch() throws IOException {
        List<TorchGradFixturesTest.Fixture> fixtures = TorchGradFixturesTest.load("/fixtures/pointwise3_fixtures.txt");
        assertEquals(FUNCTIONS.keySet(), new java.util.LinkedHashSet<>(fixtures.stream().map(TorchGradFixturesTest.Fixture::name).toList()),
                "every fixture has a function and every function a fixture");
        return fixtures.stream().map(f -> DynamicTest.dynamicTest(f.name(), () -> TorchGradFixturesTest.check(f, FUNCTIONS.get(f.name()), 1e-12))).toList();
    }

    @Test
    void lerpIsExactAtItsEndsInFloat32() {
        float[] a = {1e30f, -3.1f, 7e-8f, 123456.79f}, b = {-2.5f, 1e-30f, 9.9e20f, 0.1f};
        Tensor ta = Tensor.of(a, 4), tb = Tensor.of(b, 4);
        assertArrayEquals(b, ta.lerp(tb, 1.0).toFloatArray());
        assertArrayEquals(a, ta.lerp(tb, 0.0).toFloatArray());
        assertArrayEquals(b, ta.lerp(tb, Tensor.ones(DType.FLOAT32, 4)).toFloatArray());
        assertArrayEquals(a, ta.lerp(tb, Tensor.zeros(DType.FLOAT32, 4)).toFloatArray());
        // the weight is rounded with the operands' dtype, each element once: 0.5 gives the midpoint of exact halves
        assertArrayEquals(new float[] {5f}, Tensor.of(new float[] {4f}, 1).lerp(Tensor.of(new float[] {6f}, 1), 0.5).toFloatArray());
    }

    @Test
    void badOperandsFailNamingTheOp() {
        Tensor a = Tensor.zeros(DType.FLOAT64, 2, 3), b = Tensor.zeros(DType.FLOAT64, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> a.addcmul(a, b));
        assertTrue(e.getMessage().contains("addcmul"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.lerp(b, 0.5));
        assertTrue(e.getMessage().contains("lerp"), e.getMessage());
        Tensor i = Tensor.zeros(DType.INT64, 3);
        e = assertThrows(IllegalArgumentException.class, () -> i.addcdiv(i, i));
        assertTrue(e.getMessage().startsWith("addcdiv: Integer division with addcdiv is no longer supported"), e.getMessage());
    }
}
