package io.simdgrad.nn;

import io.simdgrad.core.Tensor;
import io.simdgrad.core.io.Npy;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's {@code .npz} archives of named arrays, as {@code np.savez} / {@code np.savez_compressed}
 * write them and {@code np.load} reads them: a zip file whose entries {@code <name>.npy} are
 * {@code .npy} images ({@link Npy}), stored or deflated. A state dict saved here loads with
 * {@code dict(np.load(path))} and the other way round.
 *
 * <p>Archives are hostile until read. Only entries named {@code *.npy} are accepted, each name
 * once; every entry must declare its uncompressed size and the declared sizes together may not
 * pass a budget ({@link #MAX_BYTES} unless given), checked on the central directory before any
 * entry is inflated; an entry is inflated through a stream that stops at its declared size (a zip
 * bomb that declares little and inflates to much is cut off there, and fails as truncated), and
 * each image goes through {@code Npy.read}'s checks (header size and syntax, dtype, shape, data
 * length against the declared size before allocating). At most {@link #MAX_ENTRIES} entries.
 * Every problem is an {@link IOException} naming the archive and the entry.
 */
public final class Npz {
    /** The default bound on the uncompressed bytes of an archive's entries (4 GiB). */
    public static final long MAX_BYTES = 1L << 32;
    /** The most entries an archive may have. */
    public static final int MAX_ENTRIES = 1 << 20;

    private Npz() {}

    /** Writes {@code tensors} as {@code np.savez} does: one stored (uncompressed) entry {@code <name>.npy} per tensor, in map order. */
    public static void save(Map<String, Tensor> tensors, Path path) throws IOException {
        write(tensors, path, false);
    }

    /** Writes {@code tensors} as {@code np.savez_compressed} does: deflated entries. */
    public static void saveCompressed(Map<String, Tensor> tensors, Path path) throws IOException {
        write(tensors, path, true);
    }

    /** Reads an archive's arrays by name (the entry names without {@code .npy}), in archive order, within {@link #MAX_BYTES}. */
    public static Map<String, Tensor> load(Path path) throws IOException {
        return load(path, MAX_BYTES);
    }

    /** {@link #load(Path)} with a budget of {@code maxBytes} uncompressed bytes (for trusted, larger archives). */
    public static Map<String, Tensor> load(Path path, long maxBytes) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new IOException("Npz.load: " + path + " is not a zip archive (" + e.getMessage() + ")", e);
        }
        try (zip) {
            if (zip.size() > MAX_ENTRIES) {
                throw new IOException("Npz.load: " + path + " has " + zip.size() + " entries, more than the " + MAX_ENTRIES + " allowed");
            }
            List<ZipEntry> entries = new ArrayList<>();
            Map<String, Tensor> out = new LinkedHashMap<>();
            long total = 0;
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                String what = path + "[" + e.getName() + "]";
                if (e.isDirectory() || !e.getName().endsWith(".npy")) {
                    throw new IOException("Npz.load: entry " + what + " is not a .npy array (an .npz holds only <name>.npy entries)");
                }
                String key = e.getName().substring(0, e.getName().length() - 4);
                if (out.containsKey(key)) throw new IOException("Npz.load: " + path + " has the entry " + e.getName() + " twice");
                out.put(key, null);
                long size = e.getSize();
                if (size < 0) throw new IOException("Npz.load: entry " + what + " does not declare its uncompressed size");
                total += size;
                if (total > maxBytes) {
                    throw new IOException("Npz.load: the entries of " + path + " declare more than the " + maxBytes + " bytes allowed (at "
                            + e.getName() + ", " + total + " bytes); if the archive is trusted, pass a larger limit to Npz.load(path, maxBytes)");
                }
                entries.add(e);
            }
            for (ZipEntry e : entries) {
                String what = path + "[" + e.getName() + "]";
                Npy.Array a;
                try (Bounded in = new Bounded(zip.getInputStream(e), e.getSize())) {
                    a = Npy.read(Channels.newChannel(in), e.getSize(), what, Npy.MAX_HEADER_SIZE);
                    long image = e.getSize() - in.left;
                    // the image must fill the entry: trailing bytes or a size the data does not reach mean a damaged or forged archive
                    if (in.read() >= 0 || in.left > 0) {
                        throw new IOException("Npz.load: entry " + what + " declares " + e.getSize() + " bytes but its .npy image is " + image
                                + " bytes long" + (in.left > 0 ? " and the entry ends there" : ""));
                    }
                } catch (ZipException z) {
                    throw new IOException("Npz.load: cannot inflate " + what + " (" + z.getMessage() + ")", z);
                }
                String key = e.getName().substring(0, e.getName().length() - 4);
                Tensor flat = switch (a.dtype()) {
                    case FLOAT32 -> Tensor.of((float[]) a.data());
                    case FLOAT64 -> Tensor.of((double[]) a.data());
                    case INT64 -> Tensor.of((long[]) a.data());
                };
                out.put(key, flat.reshape(a.shape())); // Tensor.of reads an empty shape as 1-D; a 0-d array stays 0-d
            }
            return out;
        }
    }

    /** An entry's stream that ends at its declared size, however much the data would inflate to. */
    private static final class Bounded extends FilterInputStream {
        private long left;

        Bounded(InputStream in, long size) {
            super(in);
            left = size;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return -1;
            int b = super.read();
            if (b >= 0) left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }
    }

    private static void write(Map<String, Tensor> tensors, Path path, boolean compressed) throws IOException {
        for (String k : tensors.keySet()) {
            if (k == null || k.isEmpty()) throw new IllegalArgumentException("Npz.save: invalid array name " + (k == null ? "null" : "\"\""));
            if (tensors.get(k) == null) throw new IllegalArgumentException("Npz.save: array \"" + k + "\" is null");
        }
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(path), 1 << 16))) {
            WritableByteChannel ch = Channels.newChannel(zip);
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Tensor t = e.getValue();
                Object data = switch (t.dtype()) {
                    case FLOAT32 -> t.toFloatArray();
                    case FLOAT64 -> t.toDoubleArray();
                    case INT64 -> t.toLongArray();
                };
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                if (compressed) {
                    entry.setMethod(ZipEntry.DEFLATED);
                } else {
                    // a stored entry needs its size and CRC up front: one pass to measure, one to write
                    Crc crc = new Crc();
                    Npy.write(crc, t.dtype(), t.shape(), data);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(crc.size);
                    entry.setCompressedSize(crc.size);
                    entry.setCrc(crc.crc.getValue());
                }
                zip.putNextEntry(entry);
                Npy.write(ch, t.dtype(), t.shape(), data);
                zip.closeEntry();
            }
        }
    }

    /** A sink that only counts and checksums what is written. */
    private static final class Crc implements WritableByteChannel {
        final CRC32 crc = new CRC32();
        long size;

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            crc.update(src);
            size += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }
}
