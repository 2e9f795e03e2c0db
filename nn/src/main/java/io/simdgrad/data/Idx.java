package io.simdgrad.data;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The IDX format of MNIST and Fashion-MNIST ({@code train-images-idx3-ubyte.gz}, plain or gzip,
 * detected by the gzip magic): magic {@code 0 0 type rank}, {@code rank} big-endian int32 sizes,
 * big-endian data (types 0x08 unsigned byte, 0x09 byte, 0x0B int16, 0x0C int32, 0x0D float32,
 * 0x0E float64).
 *
 * <p>Hostile files are refused with an {@link IOException} naming the file: a bad magic, type or
 * rank (at most 8), negative sizes, an element count past the largest Java array (computed
 * exactly), data shorter or longer than the sizes say, corrupt gzip. Memory grows with the data
 * actually read, never with the declared size alone (a compressed file's length proves nothing).
 */
public final class Idx {
    static final int MAX_RANK = 8;
    private static final long MAX_NUMEL = Integer.MAX_VALUE - 8;

    private Idx() {}

    /** Reads {@code path} into a tensor of {@code dtype} (values converted exactly: MNIST's bytes become 0..255). */
    public static Tensor read(Path path, DType dtype) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path))) {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            return read(new DataInputStream(in), path, dtype);
        } catch (ZipException e) {
            throw new IOException("Idx.read: " + path + " is not valid gzip data: " + e.getMessage(), e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Idx.read: ")) throw e;
            throw new IOException("Idx.read: " + path + ": " + e.getMessage() + " (truncated or corrupt gzip data)", e);
        }
    }

    private static Tensor read(DataInputStream in, Path path, DType dtype) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IOException("Idx.read: " + path + " ends inside the 4-byte magic number");
        }
        int type = (magic >>> 8) & 0xff, rank = magic & 0xff;
        if ((magic >>> 16) != 0) throw new IOException("Idx.read: " + path + " is not an IDX file: magic 0x" + Integer.toHexString(magic) + " does not start with two zero bytes");
        int size = switch (type) {
            case 0x08, 0x09 -> 1;
            case 0x0B -> 2;
            case 0x0C, 0x0D -> 4;
            case 0x0E -> 8;
            default -> throw new IOException("Idx.read: " + path + " has unknown data type 0x" + Integer.toHexString(type) + " (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)");
        };
        if (rank == 0 || rank > MAX_RANK) throw new IOException("Idx.read: " + path + " has " + rank + " dimensions, expected 1 to " + MAX_RANK);
        int[] shape = new int[rank];
        long numel = 1;
        for (int i = 0; i < rank; i++) {
            try {
                shape[i] = in.readInt();
            } catch (EOFException e) {
                throw new IOException("Idx.read: " + path + " ends inside the sizes");
            }
            if (shape[i] < 0) throw new IOException("Idx.read: " + path + " has size " + Integer.toUnsignedString(shape[i]) + " in dim " + i + ", more than an int");
        }
        for (int s : shape) numel = s == 0 ? 0 : numel;
        for (int i = 0; i < rank && numel != 0; i++) {
            numel *= shape[i];
            if (numel > MAX_NUMEL) throw new IOException("Idx.read: " + path + " of shape " + Arrays.toString(shape) + " has more elements than a Java array holds");
        }
        int n = (int) numel;
        // grow the buffer as data arrives: a small file may claim a huge shape
        byte[] bytes = new byte[(int) Math.min((long) n * size, 1 << 20)];
        long need = (long) n * size;
        int have = 0;
        while (have < need) {
            if (have == bytes.length) bytes = Arrays.copyOf(bytes, (int) Math.min(need, 2L * bytes.length));
            int r = in.read(bytes, have, bytes.length - have);
            if (r < 0) throw new IOException("Idx.read: " + path + " has " + have + " data bytes but shape " + Arrays.toString(shape) + " needs " + need);
            have += r;
        }
        if (in.read() >= 0) throw new IOException("Idx.read: " + path + " has data after the " + need + " bytes its shape " + Arrays.toString(shape) + " needs");
        ByteBuffer buf = ByteBuffer.wrap(bytes, 0, have).order(ByteOrder.BIG_ENDIAN);
        double[] d = dtype == DType.INT64 ? null : new double[n];
        long[] l = dtype == DType.INT64 ? new long[n] : null;
        for (int i = 0; i < n; i++) {
            double v;
            long lv;
            switch (type) {
                case 0x08 -> lv = buf.get() & 0xff;
                case 0x09 -> lv = buf.get();
                case 0x0B -> lv = buf.getShort();
                case 0x0C -> lv = buf.getInt();
                default -> lv = Long.MIN_VALUE;
            }
            if (type == 0x0D) v = buf.getFloat();
            else if (type == 0x0E) v = buf.getDouble();
            else v = lv;
            if (l != null) {
                if (type >= 0x0D && (v != Math.rint(v) || Double.isInfinite(v))) {
                    throw new IOException("Idx.read: " + path + " holds the non-integer " + v + " at element " + i + ", which INT64 cannot hold");
                }
                l[i] = type >= 0x0D ? (long) v : lv;
            } else {
                d[i] = v;
            }
        }
        return switch (dtype) {
            case INT64 -> Tensor.of(l, shape);
            case FLOAT64 -> Tensor.of(d, shape);
            case FLOAT32 -> Tensor.of(d, shape).to(DType.FLOAT32);
        };
    }
}
