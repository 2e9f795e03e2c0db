package io.simdgrad.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link ElementwiseMath}'s functions against exact values (mpmath at 50 digits, rounded once;
 * {@code simd/src/test/python/make_math_fixtures.py} writes them), within the ulps stated here,
 * and their special values against PyTorch's conventions.
 */
class ElementwiseMathTest {
    /** Largest allowed error in ulps of the exact value, per function. */
    private static final Map<String, Double> ULPS = Map.ofEntries(
            Map.entry("erf", 2.0), Map.entry("erfc", 3.0), Map.entry("erfinv", 3.0), Map.entry("gelu", 4.0),
            Map.entry("gelu_tanh", 3.0), Map.entry("silu", 3.0), Map.entry("mish", 4.0), Map.entry("logsigmoid", 3.0),
            Map.entry("log2", 2.0), Map.entry("asinh", 3.0), Map.entry("acosh", 3.0), Map.entry("atanh", 3.0));

    private static final Map<String, DoubleUnaryOperator> FUNCTIONS = Map.ofEntries(
            Map.entry("erf", ElementwiseMath::erf), Map.entry("erfc", ElementwiseMath::erfc),
            Map.entry("erfinv", ElementwiseMath::erfinv), Map.entry("gelu", ElementwiseMath::gelu),
            Map.entry("gelu_tanh", ElementwiseMath::geluTanh), Map.entry("silu", ElementwiseMath::silu),
            Map.entry("mish", ElementwiseMath::mish), Map.entry("logsigmoid", ElementwiseMath::logSigmoid),
            Map.entry("log2", ElementwiseMath::log2), Map.entry("asinh", ElementwiseMath::asinh),
            Map.entry("acosh", ElementwiseMath::acosh), Map.entry("atanh", ElementwiseMath::atanh));

    @Test
    void functionsAreWithinTheirUlpsOfTheExactValues() throws IOException {
        Map<String, Double> worst = new TreeMap<>();
        int lines = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                ElementwiseMathTest.class.getResourceAsStream("/fixtures/elementwise_math.txt"), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; lines++) {
                String[] f = line.split(" ");
                double x = Double.parseDouble(f[1]), want = Double.parseDouble(f[2]);
                double got = FUNCTIONS.get(f[0]).applyAsDouble(x);
                // ulps of the exact value; a subnormal result is measured in the smallest ulp
                double ulps = want == got ? 0 : Math.abs(got - want) / Math.ulp(want);
                worst.merge(f[0], ulps, Math::max);
                assertTrue(ulps <= ULPS.get(f[0]), f[0] + "(" + x + ") = " + got + ", exact " + want + ": " + ulps + " ulps");
            }
        }
        assertTrue(lines > 2000, "fixture lines: " + lines);
        assertEquals(FUNCTIONS.keySet(), worst.keySet());
    }

    @Test
    void specialValuesFollowPyTorch() {
        double nan = Double.NaN, inf = Double.POSITIVE_INFINITY;
        assertEquals(1.0, ElementwiseMath.erf(inf));
        assertEquals(-1.0, ElementwiseMath.erf(-inf));
        assertEquals(-0.0, ElementwiseMath.erf(-0.0));
        assertEquals(0.0, ElementwiseMath.erfc(inf));
        assertEquals(2.0, ElementwiseMath.erfc(-inf));
        assertEquals(inf, ElementwiseMath.erfinv(1));
        assertEquals(-inf, ElementwiseMath.erfinv(-1));
        assertEquals(nan, ElementwiseMath.erfinv(1.5));
        assertEquals(nan, ElementwiseMath.gelu(-inf)); // -inf * 0, as torch
        assertEquals(inf, ElementwiseMath.gelu(inf));
        assertEquals(nan, ElementwiseMath.silu(-inf));
        assertEquals(-inf, ElementwiseMath.logSigmoid(-inf));
        assertEquals(0.0, ElementwiseMath.sign(nan)); // torch.sign(nan) == 0
        assertEquals(0.0, ElementwiseMath.sign(-0.0));
        assertEquals(nan, ElementwiseMath.frac(inf));
        assertEquals(-0.0, ElementwiseMath.trunc(-0.5));
        assertEquals(3.0, ElementwiseMath.log2(8));
        assertEquals(-1074.0, ElementwiseMath.log2(Double.MIN_VALUE));
        assertEquals(-inf, ElementwiseMath.log2(0));
        assertEquals(nan, ElementwiseMath.log2(-1));
        assertEquals(inf, ElementwiseMath.atanh(1));
        assertEquals(nan, ElementwiseMath.acosh(0.5));
        assertEquals(inf, ElementwiseMath.remainder(-5.5, inf)); // Python: -5.5 % inf == inf
        assertEquals(1.0, ElementwiseMath.remainder(-3, 2));
        assertEquals(-1.0, ElementwiseMath.remainder(3, -2));
        assertEquals(-1.0, ElementwiseMath.fmod(-3, 2));
    }
}
