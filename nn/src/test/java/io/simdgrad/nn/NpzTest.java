package io.simdgrad.nn;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code .npz} against archives NumPy made (src/test/python/make_npz_golden.py: np.savez and
 * np.savez_compressed of a PyTorch state dict and arrays of every kind), round trips, a state dict
 * through an archive, and hostile archives (zip bombs, lying sizes, foreign entries, bad images).
 */
class NpzTest {
    static final List<String> NAMES = List.of("0.weight", "0.bias", "2.weight", "2.bias", "labels", "scalar", "empty", "fortran", "special");

    @TempDir
    Path dir;

    static void same(Tensor want, Tensor got, String what) {
        assertEquals(want.dtype(), got.dtype(), what);
        assertArrayEquals(want.shape(), got.shape(), what);
        if (want.dtype() == DType.INT64) assertArrayEquals(want.toLongArray(), got.toLongArray(), what);
        else assertArrayEquals(want.toDoubleArray(), got.toDoubleArray(), what); // bitwise: NaN, -0.0 and subnormals too
    }

    @Test
    void readsWhatNumPyWrote() throws Exception {
        for (String file : new String[] {"golden.npz", "golden_compressed.npz"}) {
            Map<String, Tensor> m = Npz.load(SafeTensorsTest.resource(file));
            assertEquals(NAMES, List.copyOf(m.keySet()), file);
            for (String n : NAMES) same(Tensor.load(SafeTensorsTest.resource("npz_" + n + ".npy")), m.get(n), file + " " + n);
        }
    }

    @Test
    void roundTripsAndWritesNumPysEntries() throws Exception {
        Map<String, Tensor> m = Npz.load(SafeTensorsTest.resource("golden.npz"));
        for (boolean compressed : new boolean[] {false, true}) {
            Path p = dir.resolve(compressed ? "c.npz" : "s.npz");
            if (compressed) Npz.saveCompressed(m, p);
            else Npz.save(m, p);
            Map<String, Tensor> back = Npz.load(p);
            assertEquals(List.copyOf(m.keySet()), List.copyOf(back.keySet()));
            m.forEach((k, t) -> same(t, back.get(k), k));
            // each entry is the .npy image np.save writes (Npy writes NumPy's bytes), stored or deflated as NumPy's
            try (var zip = new java.util.zip.ZipFile(p.toFile())) {
                ZipEntry e = zip.getEntry("0.weight.npy");
                assertEquals(compressed ? ZipEntry.DEFLATED : ZipEntry.STORED, e.getMethod());
                byte[] want = Files.readAllBytes(SafeTensorsTest.resource("npz_0.weight.npy"));
                assertArrayEquals(want, zip.getInputStream(e).readAllBytes());
            }
        }
    }

    @Test
    void aStateDictRoundTripsThroughAnArchive() throws Exception {
        Sequential a = new Sequential(new Conv2d(1, 4, 3, new Generator(1)), new BatchNorm2d(4), new Flatten(), new Linear(4 * 26 * 26, 10, new Generator(2)));
        Sequential b = new Sequential(new Conv2d(1, 4, 3, new Generator(3)), new BatchNorm2d(4), new Flatten(), new Linear(4 * 26 * 26, 10, new Generator(4)));
        Path p = dir.resolve("model.npz");
        Npz.save(a.stateDict(), p);
        b.loadStateDict(Npz.load(p));
        a.stateDict().forEach((k, t) -> same(t, b.stateDict().get(k), k));
    }

    // ------------------------------------------------------------------ hostile archives

    static byte[] npy(DType dtype, int[] shape, Object data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(Channels.newChannel(out), dtype, shape, data);
        return out.toByteArray();
    }

    static byte[] zip(boolean deflate, Object... nameBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < nameBytes.length; i += 2) {
                ZipEntry e = new ZipEntry((String) nameBytes[i]);
                byte[] b = (byte[]) nameBytes[i + 1];
                if (!deflate) {
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(b);
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(b.length);
                    e.setCompressedSize(b.length);
                    e.setCrc(crc.getValue());
                }
                z.putNextEntry(e);
                z.write(b);
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** Overwrites the uncompressed size that the central directory declares for entry {@code index}. */
    static byte[] declareSize(byte[] zip, int index, long size) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int seen = 0;
        for (int i = 0; i + 4 <= zip.length; i++) {
            if (b.getInt(i) == 0x02014b50 && seen++ == index) {
                b.putInt(i + 24, (int) size);
                return zip;
            }
        }
        throw new IllegalStateException("no central directory entry " + index);
    }

    String fails(byte[] archive) throws IOException {
        Path p = Files.write(dir.resolve("hostile.npz"), archive);
        return assertThrows(IOException.class, () -> Npz.load(p)).getMessage();
    }

    @Test
    void aZipBombIsCutOffAtItsDeclaredSizeBeforeAnythingLargeIsAllocated() throws Exception {
        // 100 MB of float32 zeros inflate from ~100 KB; the directory claims 1000 bytes
        int n = 25_000_000;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("w.npy"));
            z.write(header(DType.FLOAT32, n));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 4 * n / zeros.length; i++) z.write(zeros);
            z.closeEntry();
        }
        byte[] bomb = out.toByteArray();
        assertTrue(bomb.length < 1_000_000, "the bomb is small: " + bomb.length);
        String msg = fails(declareSize(bomb.clone(), 0, 1000));
        assertTrue(msg.contains("hostile.npz[w.npy]") && msg.contains("truncated data") && msg.contains("needs 100000000 bytes"), msg);
        // the honest size is refused by the budget before anything is inflated
        Path p = Files.write(dir.resolve("bomb.npz"), bomb);
        String budget = assertThrows(IOException.class, () -> Npz.load(p, 10_000_000)).getMessage();
        assertTrue(budget.contains("declare more than the 10000000 bytes allowed"), budget);
    }

    static byte[] header(DType dtype, int n) throws IOException {
        byte[] full = npy(dtype, new int[] {0}, new float[0]);
        // the header of shape (n,) is the one of (0,) with the size changed in place (NumPy leaves room for the digits)
        String h = new String(full, java.nio.charset.StandardCharsets.ISO_8859_1).replace("(0,), }" + " ".repeat(20), "(" + n + ",), }"
                + " ".repeat(21 - Integer.toString(n).length()));
        return h.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void foreignAndBrokenEntriesFailNamingTheEntry() throws Exception {
        byte[] good = npy(DType.FLOAT32, new int[] {2}, new float[] {1, 2});
        assertTrue(fails(zip(false, "notes.txt", "hello".getBytes())).contains("entry " + dir.resolve("hostile.npz") + "[notes.txt] is not a .npy array"));
        assertTrue(fails(zip(true, "dir/", new byte[0])).contains("is not a .npy array"));
        assertTrue(fails("PK but not really a zip".getBytes()).contains("is not a zip archive"));
        byte[] bad = good.clone();
        bad[0] = 'X';
        assertTrue(fails(zip(false, "a.npy", bad)).contains("[a.npy] is not a .npy file"));
        byte[] i4 = new String(good, java.nio.charset.StandardCharsets.ISO_8859_1).replace("<f4", "<i4").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(fails(zip(true, "a.npy", i4)).contains("unsupported dtype '<i4' in " + dir.resolve("hostile.npz") + "[a.npy]"));
        // two entries of one name (the second renamed in the directory)
        byte[] twice = zip(false, "a.npy", good, "b.npy", good);
        ByteBuffer b = ByteBuffer.wrap(twice);
        for (int i = twice.length - 1; i >= 0; i--) {
            if (i + 5 <= twice.length && new String(twice, i, 5, java.nio.charset.StandardCharsets.ISO_8859_1).equals("b.npy")) {
                b.put(i, (byte) 'a');
                break;
            }
        }
        String dup = fails(twice);
        assertTrue(dup.contains("twice") || dup.contains("a.npy"), dup);
        // a size that claims more than the entry holds: truncated, not a hang or a huge array
        String longer = fails(declareSize(zip(true, "a.npy", good), 0, good.length + 4000));
        assertTrue(longer.contains("[a.npy] declares " + (good.length + 4000) + " bytes but its .npy image is " + good.length + " bytes long"), longer);
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 3);
        assertTrue(fails(zip(false, "a.npy", trailing)).contains("declares " + trailing.length + " bytes"));
        // null names and values are refused before the file is touched
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("x", null);
        assertThrows(IllegalArgumentException.class, () -> Npz.save(m, dir.resolve("x.npz")));
        assertTrue(Files.notExists(dir.resolve("x.npz")));
    }
}
