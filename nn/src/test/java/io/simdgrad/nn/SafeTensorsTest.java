package io.simdgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simdgrad.core.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** safetensors against a file made on the PyTorch side (make_safetensors_golden.py), both ways, and hostile files. */
class SafeTensorsTest {
    static final List<String> NAMES = List.of("fc.weight", "fc.bias", "labels", "empty", "scalar", "special");

    static Path resource(String name) throws Exception {
        return Path.of(SafeTensorsTest.class.getResource(name).toURI());
    }

    static Map<String, Tensor> expected() throws Exception {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (String n : NAMES) m.put(n, Tensor.load(resource("st_" + n + ".npy")));
        return m;
    }

    static void assertSameTensor(Tensor want, Tensor got, String name) {
        assertEquals(want.dtype(), got.dtype(), name);
        assertArrayEquals(want.shape(), got.shape(), name);
        switch (want.dtype()) {
            case FLOAT32 -> {
                float[] a = want.toFloatArray(), b = got.toFloatArray();
                for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), name);
            }
            case FLOAT64 -> {
                double[] a = want.toDoubleArray(), b = got.toDoubleArray();
                for (int i = 0; i < a.length; i++) assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]), name);
            }
            case INT64 -> assertArrayEquals(want.toLongArray(), got.toLongArray(), name);
        }
    }

    @Test
    void readsTheTorchSideFile() throws Exception {
        SafeTensors.Contents c = SafeTensors.read(resource("golden.safetensors"));
        Map<String, Tensor> want = expected();
        assertEquals(want.keySet(), c.tensors().keySet());
        want.forEach((k, t) -> assertSameTensor(t, c.tensors().get(k), k));
        assertEquals(Map.of("format", "pt", "note", "quote \" and \u00e9"), c.metadata());
    }

    @Test
    void writesTheSameBytesAsTheTorchSide(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.safetensors");
        SafeTensors.save(expected(), Map.of("note", "quote \" and \u00e9", "format", "pt"), out);
        assertArrayEquals(Files.readAllBytes(resource("golden.safetensors")), Files.readAllBytes(out));
    }

    @Test
    void roundTripsAModelStateDict(@TempDir Path dir) throws Exception {
        Sequential a = new Sequential(new Linear(6, 5, new io.simdgrad.core.Generator(1)), new ReLU(), new Linear(5, 2, new io.simdgrad.core.Generator(2)));
        Sequential b = new Sequential(new Linear(6, 5, new io.simdgrad.core.Generator(3)), new ReLU(), new Linear(5, 2, new io.simdgrad.core.Generator(4)));
        Path f = dir.resolve("m.safetensors");
        SafeTensors.save(a.stateDict(), f);
        b.loadStateDict(SafeTensors.load(f));
        a.stateDict().forEach((k, t) -> assertSameTensor(t, b.stateDict().get(k), k));
    }

    // ------------------------------------------------------------------ hostile files

    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(h.length).put(h).put(data).array();
    }

    static String refuse(Path dir, byte[] bytes) throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, bytes);
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().startsWith("SafeTensors.read: " + f), e.getMessage());
        return e.getMessage();
    }

    @Test
    void refusesMalformedFiles(@TempDir Path dir) throws IOException {
        String one = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertTrue(refuse(dir, new byte[3]).contains("shorter than the 8-byte header length"));
        byte[] huge = file(one, new byte[8]);
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        assertTrue(refuse(dir, huge).contains("more than the limit"));
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -5);
        assertTrue(refuse(dir, huge).contains("more than the limit"));
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1000);
        assertTrue(refuse(dir, huge).contains("has only"));
        assertTrue(refuse(dir, file(one, new byte[4])).contains("cover"));
        assertTrue(refuse(dir, file(one, new byte[12])).contains("cover"));
        assertTrue(refuse(dir, file("[1]", new byte[0])).contains("does not start with '{'"));
        assertTrue(refuse(dir, file("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4])).contains("supported: F32, F64, I64"));
        assertTrue(refuse(dir, file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8])).contains("needs 12 bytes"));
        assertTrue(refuse(dir, file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", new byte[8])).contains("begin after end"));
        assertTrue(refuse(dir, file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                new byte[4])).contains("without gaps or overlaps"));
        assertTrue(refuse(dir, file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8])).contains("starts at data offset 4"));
        assertTrue(refuse(dir, file("{\"a\":1,\"a\":2}", new byte[0])).contains("duplicate key"));
        assertTrue(refuse(dir, file("{\"a\":{\"b\":{\"c\":[1]}}}", new byte[0])).contains("nesting deeper"));
        assertTrue(refuse(dir, file("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536,65536],\"data_offsets\":[0,0]}}", new byte[0]))
                .contains("more elements than a Java array holds"));
        assertTrue(refuse(dir, file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,0],\"data_offsets\":[0,0]}}", new byte[0])).contains("more than an int"));
        assertTrue(refuse(dir, file("{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,0]}}", new byte[0])).contains("too large"));
        assertTrue(refuse(dir, file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", new byte[0])).contains("malformed"));
        assertTrue(refuse(dir, file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,0]}}", new byte[0])).contains("not an integer"));
        assertTrue(refuse(dir, file("{\"__metadata__\":{\"k\":1}}", new byte[0])).contains("not a string"));
        assertTrue(refuse(dir, file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0],\"x\":[]}}", new byte[0])).contains("unknown field"));
        byte[] notUtf8 = file("{\"\u00e9\":1}", new byte[0]);
        notUtf8[10] = (byte) 0xFF;
        assertTrue(refuse(dir, notUtf8).contains("not valid UTF-8"));
        assertTrue(refuse(dir, file("{} x", new byte[0])).contains("after the top-level object"));
        String longHeader = "{\"" + "k".repeat(5000) + "\":";
        assertTrue(refuse(dir, file(longHeader, new byte[0])).length() < 600, "the message quotes at most 200 characters");
    }

    @Property(tries = 200)
    void mutatedFilesAreReadOrRefusedWithAnIOException(@ForAll @IntRange(min = 0, max = 10_000) int seed) throws Exception {
        byte[] good = Files.readAllBytes(resource("golden.safetensors"));
        java.util.Random r = new java.util.Random(seed);
        byte[] bad = good.clone();
        int flips = 1 + r.nextInt(4);
        for (int i = 0; i < flips; i++) bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
        if (r.nextInt(4) == 0) bad = java.util.Arrays.copyOf(bad, r.nextInt(bad.length));
        Path f = Files.createTempFile("mutated", ".safetensors");
        try {
            Files.write(f, bad);
            try {
                SafeTensors.read(f);
            } catch (IOException expected) {
                assertTrue(expected.getMessage().startsWith("SafeTensors.read: "));
            }
        } finally {
            Files.delete(f);
        }
    }
}
