package io.simdgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Checks {@link TensorFormatter} against PyTorch 1.13's repr (fixtures made by make_print_fixtures.py). */
class TensorFormatterTest {

    private record Fixture(String name, DType dtype, int[] shape, List<String> suffixes, String values, String expected) {}

    @TestFactory
    Stream<DynamicTest> matchesPyTorchRepr() throws IOException {
        List<Fixture> fixtures = readFixtures();
        assertTrue(fixtures.size() >= 60, "expected at least 60 fixtures, found " + fixtures.size());
        return fixtures.stream().map(f -> DynamicTest.dynamicTest(f.name(), () -> {
            String[] tokens = f.values().isEmpty() ? new String[0] : f.values().split(" ");
            double[] floats = null;
            long[] longs = null;
            if (f.dtype() == DType.INT64) {
                longs = Arrays.stream(tokens).mapToLong(Long::parseLong).toArray();
            } else {
                floats = Arrays.stream(tokens).mapToDouble(TensorFormatterTest::parsePythonFloat).toArray();
            }
            assertEquals(f.expected(), TensorFormatter.repr(f.dtype(), f.shape(), floats, longs, f.suffixes()), f.name());
        }));
    }

    @Test
    void roundsTheExactBinaryValueHalfEven() {
        // 0.125 is exact; Python's '{:.2f}' would give 0.12. At precision 4: 0.03125 -> 0.0312.
        assertEquals("0.0312", TensorFormatter.fixedText(0.03125));
        assertEquals("0.0938", TensorFormatter.fixedText(0.09375));
        assertEquals("-0.0000", TensorFormatter.fixedText(-1e-7));
        // 0.1f widened is 0.100000001490116..., not a tie
        assertEquals("0.1000", TensorFormatter.fixedText((float) 0.1));
        assertEquals("3.2062e+01", TensorFormatter.sciText(32.0625));
        assertEquals("1.0000e+01", TensorFormatter.sciText(9.99996));
        assertEquals("-4.9407e-324", TensorFormatter.sciText(-Double.MIN_VALUE));
        assertEquals("1.0000e+300", TensorFormatter.sciText(1e300));
        assertEquals("-0.0000e+00", TensorFormatter.sciText(-0.0));
        assertEquals("-0.", TensorFormatter.intText(-0.0));
        assertEquals("nan", TensorFormatter.intText(Double.NaN));
        assertEquals("-inf", TensorFormatter.fixedText(Double.NEGATIVE_INFINITY));
    }

    @Test
    void rejectsDataOfTheWrongLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorFormatter.repr(DType.FLOAT32, new int[] {2, 3}, new double[5], null, List.of()));
        assertEquals("repr: FLOAT32 tensor of shape [2, 3] needs 6 floats, got 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TensorFormatter.repr(DType.INT64, new int[] {2}, new double[2], null, List.of()));
        assertEquals("repr: INT64 tensor of shape [2] needs 2 longs, got null", e.getMessage());
    }

    private static double parsePythonFloat(String s) {
        return switch (s) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s); // Python's repr round-trips; parseDouble rounds correctly
        };
    }

    private static List<Fixture> readFixtures() throws IOException {
        List<Fixture> out = new ArrayList<>();
        try (InputStream in = TensorFormatterTest.class.getResourceAsStream("/fixtures/print_fixtures.txt")) {
            if (in == null) throw new IOException("fixtures/print_fixtures.txt not on the test class path");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, String> fields = new HashMap<>();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("#")) continue;
                if (line.isEmpty()) {
                    if (!fields.isEmpty()) out.add(toFixture(fields));
                    fields.clear();
                    continue;
                }
                int sp = line.indexOf(' ');
                fields.put(sp < 0 ? line : line.substring(0, sp), sp < 0 ? "" : line.substring(sp + 1));
            }
            if (!fields.isEmpty()) out.add(toFixture(fields));
        }
        return out;
    }

    private static Fixture toFixture(Map<String, String> f) {
        DType dtype = switch (f.get("dtype")) {
            case "float32" -> DType.FLOAT32;
            case "float64" -> DType.FLOAT64;
            case "int64" -> DType.INT64;
            default -> throw new IllegalArgumentException("unknown dtype " + f.get("dtype"));
        };
        String shape = f.get("shape");
        int[] dims = shape.isEmpty() ? new int[0] : Arrays.stream(shape.split(" ")).mapToInt(Integer::parseInt).toArray();
        String suffixes = f.get("suffixes");
        List<String> sfx = suffixes.isEmpty() ? List.of() : List.of(suffixes.split("\t"));
        return new Fixture(f.get("case"), dtype, dims, sfx, f.get("values"), unescape(f.get("repr")));
    }

    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                sb.append(n == 'n' ? '\n' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
