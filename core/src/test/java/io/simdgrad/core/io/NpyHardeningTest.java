package io.simdgrad.core.io;

import io.simdgrad.core.DType;
import io.simdgrad.core.NpyFuzzTest;
import io.simdgrad.core.TensorProperties;
import io.simdgrad.core.ops.Shapes;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static io.simdgrad.core.HardeningTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Hostile {@code .npy} files (hardening item 5): deep nesting, claimed header lengths up to 4 GB,
 * empty arrays with huge sizes, escapes, non-string descrs; and random mutations of valid files,
 * each read correctly or refused with an IOException, quickly.
 */
class NpyHardeningTest {

    static byte[] v1(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h).put(data);
        return b.array();
    }

    static String dict(String descr, String shape) {
        return "{'descr': " + descr + ", 'fortran_order': False, 'shape': " + shape + ", }\n";
    }

    private static IOException refused(byte[] bytes) throws IOException {
        Path f = Files.createTempFile("hostile", ".npy");
        try {
            Files.write(f, bytes);
            IOException e = assertThrows(IOException.class, () -> Npy.read(f));
            assertMessage(e, f.toString());
            return e;
        } finally {
            Files.delete(f);
        }
    }

    private static Npy.Array read(byte[] bytes) throws IOException {
        Path f = Files.createTempFile("ok", ".npy");
        try {
            Files.write(f, bytes);
            return Npy.read(f);
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void deepNestingIsRefusedWithoutRecursingAway() throws IOException {
        assertMessage(refused(v1(dict("'<f4'", "(".repeat(2000) + ")".repeat(2000)), new byte[0])), "nested deeper than 32");
        assertMessage(refused(v1(dict("'<f4'", "(".repeat(5000) + ")".repeat(5000)), new byte[0])), "10000");
    }

    @Property(tries = 30)
    void claimedHeaderLengthsAreCappedBeforeReading(@ForAll @LongRange(min = 10_001, max = 0xffffffffL) long claimed) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt((int) claimed).put((byte) '{');
        IOException e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> refused(b.array()));
        assertMessage(e, "is " + claimed + " bytes long", "max_header_size");
        assertEquals(true, e.getMessage().length() < 500);
    }

    @Test
    void longHeadersAreReadWhenAllowed() throws IOException {
        String header = dict("'<f4'", "(1,)");
        header = header.substring(0, header.length() - 1) + " ".repeat(12_000) + "\n";
        byte[] file = v1(header, new byte[] {0, 0, (byte) 0x80, 0x3f});
        refused(file);
        Path f = Files.createTempFile("long", ".npy");
        try {
            Files.write(f, file);
            assertArrayEquals(new float[] {1}, (float[]) Npy.read(f, 20_000).data());
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void sizesAndCounts() throws IOException {
        assertMessage(refused(v1(dict("'<f4'", "(0, 4294967296)"), new byte[0])), "size 4294967296", "Java ints");
        assertArrayEquals(new int[] {0, 100000, 100000}, read(v1(dict("'<f8'", "(0, 100000, 100000)"), new byte[0])).shape());
        assertMessage(refused(v1(dict("'<f4'", "(65536, 65536, 65536, 65536)"), new byte[0])), "18446744073709551616 elements");
        assertMessage(refused(v1(dict("'<f4'", "(65535, 65537, 641, 6700417)"), new byte[0])), "18446744073709551615 elements");
        assertMessage(refused(v1(dict("'<f8'", "(2147483639,)"), new byte[8])), "truncated data", "17179869112 bytes");
    }

    @Test
    void escapesAndDescrs() throws IOException {
        Npy.Array a = read(v1("{'de\\x73cr': '<f4', 'fortran_order': False, 'sh\\u0061pe': (1,), }\n", new byte[] {0, 0, (byte) 0x80, 0x3f}));
        assertArrayEquals(new float[] {1}, (float[]) a.data());
        assertMessage(refused(v1("{'de\\scr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", new byte[4])), "de\\scr");
        IOException e = refused(v1(dict("5", "(1,)"), new byte[4]));
        assertMessage(e, "unsupported dtype 5 in");
        assertEquals(false, e.getMessage().contains("structured"));
        assertMessage(refused(v1(dict("[('a', '<f4')]", "(1,)"), new byte[4])), "a structured dtype");
        String quoted = refused(v1(dict("'<f4'", "(" + "9".repeat(5000) + ",)"), new byte[0])).getMessage();
        assertEquals(true, quoted.length() < 1000, quoted);
    }

    /**
     * Random mutations of valid files (truncation, flipped header and data bytes, a bogus header
     * length, spliced huge or nested shapes): every outcome is a correct read or an IOException
     * naming the file ({@link NpyFuzzTest#checkRead}), in bounded time.
     */
    @Property(tries = 400)
    void mutatedFilesAreReadOrRefused(@ForAll long seed) {
        Random r = new Random(seed);
        int[] shape = TensorProperties.randomShape(r, 3, 4);
        DType dtype = DType.values()[r.nextInt(3)];
        int n = Shapes.numel(shape);
        byte[] header = Npy.header(switch (dtype) {
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case INT64 -> "<i8";
        }, shape);
        byte[] file = new byte[header.length + n * dtype.itemSize()];
        System.arraycopy(header, 0, file, 0, header.length);
        byte[] mutated = switch (r.nextInt(5)) {
            case 0 -> java.util.Arrays.copyOf(file, r.nextInt(file.length + 1));
            case 1 -> {
                byte[] m = file.clone();
                for (int k = 1 + r.nextInt(4); k > 0; k--) m[r.nextInt(Math.min(m.length, header.length))] ^= (byte) (1 << r.nextInt(8));
                yield m;
            }
            case 2 -> {
                byte[] m = file.clone();
                m[8] = (byte) r.nextInt(256);
                m[9] = (byte) r.nextInt(256);
                yield m;
            }
            case 3 -> v1(dict("'<f8'", "(" + (r.nextBoolean() ? r.nextLong() : r.nextInt()) + ", " + r.nextInt() + ")"), new byte[r.nextInt(64)]);
            default -> {
                int depth = r.nextInt(100);
                yield v1(dict("'<i8'", "(".repeat(depth) + "1,".repeat(r.nextInt(3)) + ")".repeat(depth)), new byte[8]);
            }
        };
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> NpyFuzzTest.checkRead(mutated));
    }
}
