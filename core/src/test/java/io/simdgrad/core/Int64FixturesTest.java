package io.simdgrad.core;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * int64 operands of floor/ceil/round/trunc/sign, sum and addcmul, and mixed dtypes in
 * lerp/addcmul/addcdiv, against what PyTorch 2.13 did ({@code make_int64_fixtures.py}): the
 * result's dtype and values (int64 exactly, beyond 2^53 too), or its error text after our op name.
 */
class Int64FixturesTest {
    private static final Tensor BIG = Tensor.of(new long[] {-3, 0, 5, (1L << 53) + 1, Long.MIN_VALUE, Long.MAX_VALUE}, 6);
    private static final Tensor M = Tensor.of(new long[] {1, -2, 3, 1L << 53, 1, 7}, 2, 3);
    private static final Tensor L = Tensor.of(new long[] {1, 2, 3}, 3);
    private static final Tensor F = Tensor.of(new float[] {0.5f, -1.5f, 2.25f}, 3);
    private static final Tensor D = Tensor.of(new double[] {0.25, 4.0, -1.0}, 3);
    private static final Map<String, Supplier<Tensor>> CASES = new LinkedHashMap<>();

    static {
        CASES.put("floor", BIG::floor);
        CASES.put("ceil", BIG::ceil);
        CASES.put("round", BIG::round);
        CASES.put("trunc", BIG::trunc);
        CASES.put("sign", BIG::sign);
        CASES.put("sum_exact", () -> Tensor.of(new long[] {(1L << 53) + 1, 2}, 2).sum());
        CASES.put("sum_wraps", () -> Tensor.of(new long[] {1L << 62, 1L << 62}, 2).sum());
        CASES.put("sum_dim0", () -> M.sum(0));
        CASES.put("sum_dim1_keepdim", () -> M.sum(1, true));
        CASES.put("addcmul_long", () -> L.addcmul(L, Tensor.of(new long[] {4, -5, 6}, 3), 2));
        CASES.put("addcmul_long_fraction", () -> L.addcmul(L, L, -2.5));
        CASES.put("addcmul_long_big", () -> Tensor.of(new long[] {1L << 62}, 1).addcmul(Tensor.of(new long[] {1}, 1), Tensor.of(new long[] {3}, 1)));
        CASES.put("addcmul_float_long_long", () -> F.addcmul(L, L, 2.5));
        CASES.put("addcmul_double_float_float", () -> D.addcmul(F, F));
        CASES.put("addcmul_float_double_float", () -> F.addcmul(D, F, 0.5));
        CASES.put("addcdiv_long_float_long", () -> L.addcdiv(F, L));
        CASES.put("addcdiv_float_double_float", () -> F.addcdiv(D, F, 2));
        CASES.put("addcdiv_float_long_long", () -> F.addcdiv(L, L));
        CASES.put("lerp_double_float_scalar", () -> D.lerp(F, 0.5));
        CASES.put("lerp_float_float_double", () -> F.lerp(F, D));
        CASES.put("lerp_float_double_float", () -> F.lerp(D, F));
        CASES.put("lerp_long_float_scalar", () -> L.lerp(F, 0.5));
        CASES.put("lerp_long_scalar", () -> L.lerp(L, 0.5));
        CASES.put("lerp_long_tensor", () -> L.lerp(L, L));
    }

    @Test
    void matchesPyTorch() throws Exception {
        int seen = 0;
        try (var in = new BufferedReader(new InputStreamReader(Int64FixturesTest.class.getResourceAsStream("/fixtures/int64_fixtures.txt"), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] f = line.split("\t");
                Supplier<Tensor> c = CASES.get(f[0]);
                assertTrue(c != null, "no Java case for " + f[0]);
                seen++;
                String op = f[0].substring(0, f[0].indexOf('_') < 0 ? f[0].length() : f[0].indexOf('_'));
                if (f[1].equals("error")) {
                    var e = assertThrows(IllegalArgumentException.class, c::get, f[0]);
                    assertEquals(op + ": " + f[2], e.getMessage(), f[0]);
                    continue;
                }
                Tensor got = c.get();
                assertEquals(f[1], got.dtype().torchName().replace("torch.", ""), f[0]);
                String[] vs = f[2].split(" ");
                if (got.dtype() == DType.INT64) {
                    long[] want = new long[vs.length];
                    for (int i = 0; i < vs.length; i++) want[i] = Long.parseLong(vs[i]);
                    assertArrayEquals(want, got.toLongArray(), f[0]);
                } else {
                    double[] g = got.toDoubleArray();
                    for (int i = 0; i < vs.length; i++) {
                        double w = Double.parseDouble(vs[i]);
                        assertEquals(w, g[i], Math.abs(w) * (got.dtype() == DType.FLOAT32 ? 1e-7 : 1e-15), f[0] + " at " + i);
                    }
                }
            }
        }
        assertEquals(CASES.size(), seen, "every Java case has a fixture line");
    }

    @Test
    void int64AddcmulValueMustFitInt64() {
        var e = assertThrows(IllegalArgumentException.class, () -> L.addcmul(L, L, 1e20));
        assertTrue(e.getMessage().startsWith("addcmul: value 1.0E20 cannot be converted to type"), e.getMessage());
    }
}
