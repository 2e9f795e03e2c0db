package io.simdgrad.core;

import io.simdgrad.core.io.Npy;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks {@link Npy} against files NumPy 1.24 wrote (fixtures made by make_npy_fixtures.py). */
class NpyTest {

    private static final Path DIR = fixtureDir();

    @TestFactory
    Stream<DynamicTest> readsNumPyFiles() throws IOException {
        return records().stream().filter(r -> r.containsKey("dtype")).map(r -> DynamicTest.dynamicTest(r.get("file"), () -> {
            Npy.Array a = Npy.read(DIR.resolve(r.get("file")));
            assertEquals(dtypeOf(r), a.dtype());
            assertArrayEquals(shapeOf(r), a.shape());
            assertSameValues(expectedData(r), a.data());
        }));
    }

    @TestFactory
    Stream<DynamicTest> writesTheBytesNumPyWrites() throws IOException {
        return records().stream().filter(r -> "true".equals(r.get("numpy_save"))).map(r -> DynamicTest.dynamicTest(r.get("file"), () -> {
            Path tmp = Files.createTempFile("npy", ".npy");
            try {
                Npy.write(tmp, dtypeOf(r), shapeOf(r), expectedData(r));
                assertArrayEquals(Files.readAllBytes(DIR.resolve(r.get("file"))), Files.readAllBytes(tmp));
            } finally {
                Files.delete(tmp);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> rejectsUnsupportedFiles() throws IOException {
        return records().stream().filter(r -> r.containsKey("error")).map(r -> DynamicTest.dynamicTest(r.get("file"), () -> {
            Path file = DIR.resolve(r.get("file"));
            IOException e = assertThrows(IOException.class, () -> Npy.read(file));
            assertTrue(e.getMessage().contains(r.get("error")), () -> "message lacks '" + r.get("error") + "': " + e.getMessage());
            assertTrue(e.getMessage().contains(file.toString()), () -> "message lacks the file name: " + e.getMessage());
        }));
    }

    @Test
    void namesTheDtypeAndWhatIsExpected() {
        Path file = DIR.resolve("i4.npy");
        IOException e = assertThrows(IOException.class, () -> Npy.read(file));
        assertEquals("Npy.read: unsupported dtype '<i4' in " + file + "; expected '<f4', '<f8' or '<i8'", e.getMessage());
    }

    @Test
    void rejectsDataThatDoesNotFitTheShape() {
        Path p = Path.of("unused.npy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Npy.write(p, DType.FLOAT32, new int[] {2, 3}, new double[6]));
        assertEquals("Npy.write: FLOAT32 data must be a float[], got double[]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Npy.write(p, DType.INT64, new int[] {2, 3}, new long[5]));
        assertEquals("Npy.write: shape [2, 3] has 6 elements but the long[] has 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Npy.write(p, DType.INT64, new int[] {-1}, new long[0]));
        assertEquals("Npy.write: negative size in shape [-1]", e.getMessage());
        assertTrue(Files.notExists(p));
    }

    @Test
    void roundTripsArraysLargerThanOneChunk() throws IOException {
        double[] data = new double[200_003];
        for (int i = 0; i < data.length; i++) data[i] = Math.sin(i) * i;
        assertRoundTrip(new Npy.Array(DType.FLOAT64, new int[] {200_003}, data));
    }

    @Property(tries = 300)
    void writeThenReadGivesTheSameArray(@ForAll("arrays") Npy.Array array) throws IOException {
        assertRoundTrip(array);
    }

    @Provide
    Arbitrary<Npy.Array> arrays() {
        Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(1, 7)));
        Arbitrary<int[]> shapes = sizes.list().ofMaxSize(4)
                .map(l -> l.stream().mapToInt(Integer::intValue).toArray());
        return Combinators.combine(Arbitraries.of(DType.values()), shapes).flatAs((dtype, shape) -> {
            int n = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
            Arbitrary<?> data = switch (dtype) {
                case FLOAT32 -> Arbitraries.floats().withStandardSpecialValues().array(float[].class).ofSize(n);
                case FLOAT64 -> Arbitraries.doubles().withStandardSpecialValues().array(double[].class).ofSize(n);
                case INT64 -> Arbitraries.longs().array(long[].class).ofSize(n);
            };
            return data.map(d -> new Npy.Array(dtype, shape, d));
        });
    }

    private static void assertRoundTrip(Npy.Array array) throws IOException {
        Path tmp = Files.createTempFile("npy", ".npy");
        try {
            Npy.write(tmp, array.dtype(), array.shape(), array.data());
            assertEquals(0, (Files.size(tmp) - dataBytes(array)) % 64, "the data must start at a multiple of 64 bytes");
            Npy.Array back = Npy.read(tmp);
            assertEquals(array.dtype(), back.dtype());
            assertArrayEquals(array.shape(), back.shape());
            assertSameValues(array.data(), back.data());
        } finally {
            Files.delete(tmp);
        }
    }

    private static long dataBytes(Npy.Array a) {
        return (long) java.lang.reflect.Array.getLength(a.data()) * a.dtype().itemSize();
    }

    /** Bitwise equality (distinguishes -0.0, treats NaN as equal to NaN). */
    private static void assertSameValues(Object expected, Object actual) {
        assertEquals(expected.getClass(), actual.getClass());
        int n = java.lang.reflect.Array.getLength(expected);
        assertEquals(n, java.lang.reflect.Array.getLength(actual));
        for (int i = 0; i < n; i++) {
            Object e = java.lang.reflect.Array.get(expected, i);
            Object a = java.lang.reflect.Array.get(actual, i);
            int index = i;
            assertEquals(e, a, () -> "element " + index);
        }
    }

    private static Object expectedData(Map<String, String> r) {
        String values = r.get("values");
        String[] tokens = values.isEmpty() ? new String[0] : values.split(" ");
        return switch (dtypeOf(r)) {
            case FLOAT32 -> {
                float[] f = new float[tokens.length];
                for (int i = 0; i < f.length; i++) f[i] = (float) parsePythonFloat(tokens[i]);
                yield f;
            }
            case FLOAT64 -> Arrays.stream(tokens).mapToDouble(NpyTest::parsePythonFloat).toArray();
            case INT64 -> Arrays.stream(tokens).mapToLong(Long::parseLong).toArray();
        };
    }

    private static double parsePythonFloat(String s) {
        return switch (s) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    private static DType dtypeOf(Map<String, String> r) {
        return switch (r.get("dtype")) {
            case "float32" -> DType.FLOAT32;
            case "float64" -> DType.FLOAT64;
            case "int64" -> DType.INT64;
            default -> throw new IllegalArgumentException("unknown dtype " + r.get("dtype"));
        };
    }

    private static int[] shapeOf(Map<String, String> r) {
        String s = r.get("shape");
        return s.isEmpty() ? new int[0] : Arrays.stream(s.split(" ")).mapToInt(Integer::parseInt).toArray();
    }

    private static List<Map<String, String>> records() throws IOException {
        List<Map<String, String>> out = new ArrayList<>();
        Map<String, String> r = new HashMap<>();
        for (String line : Files.readAllLines(DIR.resolve("expected.txt"))) {
            if (line.startsWith("#")) continue;
            if (line.isEmpty()) {
                if (!r.isEmpty()) out.add(r);
                r = new HashMap<>();
                continue;
            }
            int sp = line.indexOf(' ');
            r.put(sp < 0 ? line : line.substring(0, sp), sp < 0 ? "" : line.substring(sp + 1));
        }
        if (!r.isEmpty()) out.add(r);
        return out;
    }

    private static Path fixtureDir() {
        try {
            return Path.of(NpyTest.class.getResource("/fixtures/npy/expected.txt").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
