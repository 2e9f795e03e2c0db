package io.simdgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DataLoader, TensorDataset, randomSplit, the IDX reader and CSV, against naive oracles. */
class DataTest {
    static TensorDataset dataset(int n) {
        double[] x = new double[n * 3];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) x[i * 3 + j] = i * 10 + j;
            y[i] = i;
        }
        return new TensorDataset(Tensor.of(x, n, 3), Tensor.of(y, n));
    }

    static List<Long> labels(DataLoader loader) {
        List<Long> out = new ArrayList<>();
        for (List<Tensor> b : loader) {
            double[] x = b.get(0).toDoubleArray();
            long[] y = b.get(1).toLongArray();
            for (int i = 0; i < y.length; i++) {
                assertEquals(y[i] * 10.0, x[i * 3], "features and labels stay paired");
                out.add(y[i]);
            }
        }
        return out;
    }

    @Property(tries = 60)
    void everyEpochVisitsEverySampleOnce(@ForAll @IntRange(min = 0, max = 70) int n, @ForAll @IntRange(min = 1, max = 16) int bs,
            @ForAll boolean dropLast, @ForAll boolean shuffle, @ForAll @IntRange(min = 0, max = 3) int prefetch) {
        DataLoader.Builder b = DataLoader.builder(dataset(n)).batchSize(bs).dropLast(dropLast).prefetch(prefetch);
        if (shuffle) b.shuffle(new Generator(n));
        DataLoader loader = b.build();
        List<Long> seen = labels(loader);
        int expected = dropLast ? n / bs * bs : n;
        assertEquals(expected, seen.size());
        assertEquals(expected, seen.stream().distinct().count());
        int batches = 0;
        for (List<Tensor> batch : loader) {
            batches++;
            assertTrue(batch.get(0).size(0) == bs || (!dropLast && batches == loader.size()));
        }
        assertEquals(loader.size(), batches);
        if (!shuffle) for (int i = 0; i < seen.size(); i++) assertEquals(i, seen.get(i));
    }

    @Test
    void seededShuffleRepeatsAndDiffersPerEpoch() {
        DataLoader a = DataLoader.builder(dataset(50)).batchSize(7).shuffle(new Generator(3)).build();
        DataLoader b = DataLoader.builder(dataset(50)).batchSize(7).shuffle(new Generator(3)).prefetch(2).build();
        List<Long> a1 = labels(a), a2 = labels(a);
        assertEquals(a1, labels(b));
        assertEquals(a2, labels(b));
        assertNotEquals(a1, a2);
    }

    @Test
    void customCollateAndErrorsFromThePrefetchThread() {
        DataLoader sums = DataLoader.builder(dataset(10)).batchSize(4)
                .collate(samples -> List.of(Tensor.scalar(samples.stream().mapToLong(s -> s.get(1).toLongArray()[0]).sum()))).build();
        List<Long> got = new ArrayList<>();
        for (List<Tensor> b : sums) got.add(b.get(0).toLongArray()[0]);
        assertEquals(List.of(6L, 22L, 17L), got);
        DataLoader failing = DataLoader.builder(dataset(10)).batchSize(4).prefetch(1).collate(s -> {
            throw new IllegalStateException("boom");
        }).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> failing.iterator().next());
        assertEquals("boom", e.getCause().getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(dataset(3)).batchSize(0));
        assertThrows(IllegalArgumentException.class, () -> new TensorDataset(Tensor.zeros(3, 2), Tensor.zeros(4)));
        // the default collate (stack) agrees with TensorDataset's row copies
        List<Tensor> stacked = DataLoader.defaultCollate(List.of(dataset(5).get(3), dataset(5).get(1)));
        List<Tensor> copied = dataset(5).batch(new int[] {3, 1});
        assertArrayEquals(copied.get(0).toDoubleArray(), stacked.get(0).toDoubleArray());
        assertArrayEquals(copied.get(1).toLongArray(), stacked.get(1).toLongArray());
    }

    @Test
    void randomSplitPartitions() {
        List<Dataset> parts = DataLoader.randomSplit(dataset(30), new int[] {20, 7, 3}, new Generator(1));
        List<Long> all = new ArrayList<>();
        for (Dataset d : parts) for (int i = 0; i < d.size(); i++) all.add(d.get(i).get(1).toLongArray()[0]);
        assertEquals(30, all.stream().distinct().count());
        assertEquals(List.of(20, 7, 3), parts.stream().map(Dataset::size).toList());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.randomSplit(dataset(30), new int[] {20, 7}, new Generator(1)));
    }

    // ------------------------------------------------------------------ IDX

    static byte[] idx(int type, int[] shape, byte[] data) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(bo);
        o.writeInt((type << 8) | shape.length);
        for (int s : shape) o.writeInt(s);
        o.write(data);
        return bo.toByteArray();
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
            g.write(b);
        }
        return bo.toByteArray();
    }

    @Test
    void readsIdxPlainAndGzip(@TempDir Path dir) throws IOException {
        byte[] pixels = new byte[2 * 3 * 2];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) (i * 23);
        Path f = dir.resolve("images.idx3-ubyte"), g = dir.resolve("images.idx3-ubyte.gz");
        Files.write(f, idx(0x08, new int[] {2, 3, 2}, pixels));
        Files.write(g, gzip(idx(0x08, new int[] {2, 3, 2}, pixels)));
        for (Path p : List.of(f, g)) {
            Tensor t = Idx.read(p, DType.FLOAT32);
            assertArrayEquals(new int[] {2, 3, 2}, t.shape());
            float[] v = t.toFloatArray();
            for (int i = 0; i < v.length; i++) assertEquals(pixels[i] & 0xff, v[i]);
            long[] l = Idx.read(p, DType.INT64).toLongArray();
            for (int i = 0; i < l.length; i++) assertEquals(pixels[i] & 0xff, l[i]);
        }
        Path fl = dir.resolve("f.idx");
        Files.write(fl, idx(0x0D, new int[] {2}, new byte[] {0x3f, (byte) 0x80, 0, 0, (byte) 0xc0, 0x20, 0, 0}));
        assertArrayEquals(new float[] {1f, -2.5f}, Idx.read(fl, DType.FLOAT32).toFloatArray());
        assertThrows(IOException.class, () -> Idx.read(fl, DType.INT64));
    }

    static String refuse(Path dir, byte[] bytes) throws IOException {
        Path f = dir.resolve("bad.idx");
        Files.write(f, bytes);
        IOException e = assertThrows(IOException.class, () -> Idx.read(f, DType.FLOAT32));
        assertTrue(e.getMessage().startsWith("Idx.read: " + f), e.getMessage());
        return e.getMessage();
    }

    @Test
    void refusesHostileIdx(@TempDir Path dir) throws IOException {
        assertTrue(refuse(dir, new byte[] {0, 0}).contains("magic"));
        assertTrue(refuse(dir, new byte[] {1, 0, 8, 1, 0, 0, 0, 0}).contains("two zero bytes"));
        assertTrue(refuse(dir, idx(0x07, new int[] {1}, new byte[1])).contains("unknown data type"));
        assertTrue(refuse(dir, idx(0x08, new int[9], new byte[0])).contains("1 to 8"));
        assertTrue(refuse(dir, idx(0x08, new int[] {-1}, new byte[0])).contains("more than an int"));
        assertTrue(refuse(dir, idx(0x08, new int[] {65536, 65536}, new byte[0])).contains("more elements than a Java array"));
        assertTrue(refuse(dir, idx(0x08, new int[] {100_000_000}, new byte[10])).contains("needs 100000000"));
        assertTrue(refuse(dir, idx(0x08, new int[] {2}, new byte[3])).contains("data after"));
        byte[] gz = gzip(idx(0x08, new int[] {4}, new byte[4]));
        gz[gz.length - 5] ^= 0x55; // the CRC
        assertTrue(refuse(dir, gz).contains("gzip"));
        assertTrue(refuse(dir, Arrays.copyOf(gzip(idx(0x08, new int[] {400}, new byte[400])), 20)).contains(dir.toString()));
    }

    @Test
    void readsFashionMnistWhenInstalled() throws IOException {
        Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dir), "dataset-fashion-mnist is not installed");
        Tensor labels = Idx.read(dir.resolve("t10k-labels-idx1-ubyte.gz"), DType.INT64);
        assertArrayEquals(new int[] {10_000}, labels.shape());
        long[] counts = new long[10];
        for (long l : labels.toLongArray()) counts[(int) l]++;
        for (long c : counts) assertEquals(1000, c); // Fashion-MNIST's test set is balanced
    }

    // ------------------------------------------------------------------ CSV

    @Test
    void readsCsv(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("d.csv");
        Files.writeString(f, "a,b,\"c\"\n1, 2.5,-3e2\n\"4\",5,6\n");
        Tensor t = Csv.read(f, true, DType.FLOAT64);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(new double[] {1, 2.5, -300, 4, 5, 6}, t.toDoubleArray());
        Files.writeString(f, "1,2\n3,4\n");
        assertArrayEquals(new long[] {1, 2, 3, 4}, Csv.read(f, false, DType.INT64).toLongArray());
        Files.writeString(f, "1,2\n3\n");
        assertTrue(assertThrows(IOException.class, () -> Csv.read(f, false, DType.FLOAT32)).getMessage().contains("has 1 columns, expected 2"));
        Files.writeString(f, "1,2\n3,x\n");
        assertTrue(assertThrows(IOException.class, () -> Csv.read(f, false, DType.FLOAT32)).getMessage().contains("column 2: \"x\" is not a number"));
    }
}
