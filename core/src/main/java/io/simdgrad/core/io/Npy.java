package io.simdgrad.core.io;

import io.simdgrad.core.DType;
import io.simdgrad.core.ops.Shapes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NumPy's {@code .npy} format (format versions 1.0, 2.0 and 3.0) for little-endian {@code <f4},
 * {@code <f8} and {@code <i8} arrays.
 *
 * <p>Reading accepts C and Fortran order (Fortran-order data is transposed to C order), 0-d arrays
 * and empty arrays; a descr of {@code =f4} or {@code |f4} (native order) is read in this machine's
 * byte order, as NumPy does. Anything else (big-endian data, other dtypes, structured or object
 * arrays, a bad magic string, a malformed header, truncated data) fails with an
 * {@link IOException} whose message names the file and what was found.
 *
 * <p>Hostile files fail quickly in bounded memory: a header longer than {@link #MAX_HEADER_SIZE}
 * bytes (NumPy's default {@code max_header_size}) is refused before it is read, literals nested
 * deeper than 32 are refused, error messages quote at most 200 characters of a header, and the
 * data's length is checked against the file before the array is allocated.
 *
 * <p>Writing produces the bytes NumPy's {@code np.save} produces for the same array: a version 1.0
 * header (2.0 only if the header outgrows 65535 bytes, as NumPy does) whose dictionary is
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}, padded with spaces and a
 * final newline so the data starts at a multiple of 64 bytes, then C-order little-endian data.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ARRAY_ALIGN = 64;
    /** NumPy leaves room in the header so the growth axis can get up to this many digits in place. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    /** Elements converted per chunk between the file and the Java array. */
    private static final int CHUNK = 1 << 16;
    private static final String EXPECTED = "expected '<f4', '<f8' or '<i8'";
    /** The longest header {@link #read(Path)} accepts, NumPy's default {@code max_header_size}. */
    public static final int MAX_HEADER_SIZE = 10_000;
    /** How deep header literals may nest (a real header nests two deep: the dict and its shape tuple). */
    static final int MAX_NESTING = 32;
    /** How many characters of a header an error message quotes. */
    static final int QUOTE_LIMIT = 200;

    private Npy() {}

    /**
     * An array read from or written to a {@code .npy} file.
     *
     * @param dtype the element type
     * @param shape the sizes ({@code int[0]} for a 0-d array)
     * @param data  row-major (C order) values: {@code float[]} for FLOAT32, {@code double[]} for
     *              FLOAT64, {@code long[]} for INT64
     */
    public record Array(DType dtype, int[] shape, Object data) {}

    /**
     * Reads a {@code .npy} file.
     *
     * @return the array, with data in C order whatever the file's order
     * @throws IOException if the file cannot be read or is not a supported {@code .npy} file
     */
    public static Array read(Path path) throws IOException {
        return read(path, MAX_HEADER_SIZE);
    }

    /**
     * Reads a {@code .npy} file whose header may be up to {@code maxHeaderSize} bytes long (for
     * trusted files with very long headers; NumPy's {@code np.load(..., max_header_size=n)}).
     *
     * @throws IOException if the file cannot be read, is not a supported {@code .npy} file, or
     *     has a longer header
     */
    public static Array read(Path path, int maxHeaderSize) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(ch, ch.size(), path.toString(), maxHeaderSize);
        }
    }

    /**
     * Reads a {@code .npy} image of {@code size} bytes from {@code ch} (an entry of an archive, say),
     * with the checks of {@link #read(Path, int)}; messages name it {@code name}. Reads no more than
     * the header and the data the header declares, and allocates the array only after checking
     * that {@code size} holds it.
     */
    public static Array read(ReadableByteChannel ch, long size, String name, int maxHeaderSize) throws IOException {
        Source in = new Source(ch, name);
        String path = name; // the messages name the file or the archive entry
        ByteBuffer pre = in.readFully(8, "the magic string and version");
        byte[] magic = new byte[6];
        pre.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException("Npy.read: " + path + " is not a .npy file: starts with "
                    + hex(magic) + ", expected \\x93NUMPY");
        }
        int major = pre.get() & 0xff;
        int minor = pre.get() & 0xff;
        if (minor != 0 || major < 1 || major > 3) {
            throw new IOException("Npy.read: unsupported .npy format version " + major + "." + minor
                    + " in " + path + "; expected 1.0, 2.0 or 3.0");
        }
        long headerLen = major == 1
                ? in.readFully(2, "the header length").getShort() & 0xffff
                : in.readFully(4, "the header length").getInt() & 0xffffffffL;
        if (headerLen > maxHeaderSize) {
            throw new IOException("Npy.read: the header of " + path + " is " + headerLen + " bytes long, more than the "
                    + maxHeaderSize + " allowed (NumPy's max_header_size); if the file is trusted, pass a larger limit to "
                    + "Npy.read(path, maxHeaderSize)");
        }
        if (in.pos + headerLen > size) {
            throw new IOException("Npy.read: truncated header in " + path + ": header length " + headerLen
                    + " but only " + (size - in.pos) + " bytes follow");
        }
        byte[] hb = new byte[(int) headerLen];
        in.readFully(hb.length, "the header").get(hb);
        String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header h = Header.parse(header, path);

        long numel = Shapes.numel(h.shape); // the header checked that it fits
        long dataBytes = numel * h.dtype.itemSize();
        long available = size - in.pos;
        if (available < dataBytes) {
            throw new IOException("Npy.read: truncated data in " + path + ": shape " + Shapes.tupleString(h.shape)
                    + " of '" + h.descr + "' needs " + dataBytes + " bytes after the " + in.pos
                    + "-byte header, found " + available);
        }
        Object data = readData(in, h.dtype, (int) numel, h.order);
        if (h.fortranOrder && h.shape.length > 1) data = fortranToC(data, h.shape);
        return new Array(h.dtype, h.shape, data);
    }

    /**
     * Writes {@code data} as a {@code .npy} file byte-identical to NumPy's {@code np.save} of the
     * same array (version 1.0 header, little-endian, C order), replacing any existing file.
     *
     * @param dtype the element type
     * @param shape the sizes ({@code int[0]} for a 0-d array); not modified
     * @param data  row-major values: {@code float[]} for FLOAT32, {@code double[]} for FLOAT64,
     *              {@code long[]} for INT64, of exactly the shape's element count; not modified
     * @throws IllegalArgumentException if the data's type or length does not fit dtype and shape
     * @throws IOException              if the file cannot be written
     */
    public static void write(Path path, DType dtype, int[] shape, Object data) throws IOException {
        int length = checkData(dtype, shape, data);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeImage(ch, dtype, shape, data, length);
        }
    }

    /** Writes the bytes {@link #write(Path, DType, int[], Object)} writes to {@code ch} (an archive entry, say); checks the data first. */
    public static void write(WritableByteChannel ch, DType dtype, int[] shape, Object data) throws IOException {
        writeImage(ch, dtype, shape, data, checkData(dtype, shape, data));
    }

    /** The data's length after checking that it fits dtype and shape. */
    private static int checkData(DType dtype, int[] shape, Object data) {
        long numel = 1;
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("Npy.write: negative size in shape " + Arrays.toString(shape));
            numel *= s;
        }
        Class<?> expected = switch (dtype) {
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case INT64 -> long[].class;
        };
        if (data == null || data.getClass() != expected) {
            throw new IllegalArgumentException("Npy.write: " + dtype + " data must be a " + expected.getSimpleName()
                    + ", got " + (data == null ? "null" : data.getClass().getSimpleName()));
        }
        int length = java.lang.reflect.Array.getLength(data);
        if (length != numel) {
            throw new IllegalArgumentException("Npy.write: shape " + Arrays.toString(shape) + " has " + numel
                    + " elements but the " + expected.getSimpleName() + " has " + length);
        }
        return length;
    }

    private static void writeImage(WritableByteChannel ch, DType dtype, int[] shape, Object data, int length) throws IOException {
        byte[] header = header(descr(dtype), shape);
        writeFully(ch, ByteBuffer.wrap(header));
        ByteBuffer buf = ByteBuffer.allocate(CHUNK * dtype.itemSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < length; off += CHUNK) {
            int n = Math.min(CHUNK, length - off);
            buf.clear();
            switch (dtype) {
                case FLOAT32 -> buf.asFloatBuffer().put((float[]) data, off, n);
                case FLOAT64 -> buf.asDoubleBuffer().put((double[]) data, off, n);
                case INT64 -> buf.asLongBuffer().put((long[]) data, off, n);
            }
            buf.limit(n * dtype.itemSize());
            writeFully(ch, buf);
        }
    }

    private static String descr(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case INT64 -> "<i8";
        };
    }

    /** Magic, version, header length and the padded header dictionary, as NumPy writes them. */
    static byte[] header(String descr, int[] shape) {
        StringBuilder dict = new StringBuilder()
                .append("{'descr': '").append(descr).append("', 'fortran_order': False, 'shape': ")
                .append(Shapes.tupleString(shape)).append(", }");
        if (shape.length > 0) dict.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length()));
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        int major = 1;
        int prefix = MAGIC.length + 2 + 2;
        int padded = padded(text.length, prefix);
        if (padded > 0xffff) {
            major = 2;
            prefix = MAGIC.length + 2 + 4;
            padded = padded(text.length, prefix);
        }
        ByteBuffer b = ByteBuffer.allocate(prefix + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) b.putShort((short) padded);
        else b.putInt(padded);
        b.put(text);
        while (b.remaining() > 1) b.put((byte) ' ');
        b.put((byte) '\n');
        return b.array();
    }

    /** NumPy's padding: spaces and a newline up to the next multiple of 64 (a full 64 when already aligned). */
    private static int padded(int textLength, int prefix) {
        int withNewline = textLength + 1;
        return withNewline + ARRAY_ALIGN - (prefix + withNewline) % ARRAY_ALIGN;
    }

    private static Object readData(Source in, DType dtype, int numel, ByteOrder order) throws IOException {
        Object data = switch (dtype) {
            case FLOAT32 -> new float[numel];
            case FLOAT64 -> new double[numel];
            case INT64 -> new long[numel];
        };
        ByteBuffer buf = ByteBuffer.allocate(Math.min(CHUNK, Math.max(numel, 1)) * dtype.itemSize()).order(order);
        for (int off = 0; off < numel; off += CHUNK) {
            int n = Math.min(CHUNK, numel - off);
            buf.clear().limit(n * dtype.itemSize());
            in.fill(buf, null);
            buf.flip();
            switch (dtype) {
                case FLOAT32 -> buf.asFloatBuffer().get((float[]) data, off, n);
                case FLOAT64 -> buf.asDoubleBuffer().get((double[]) data, off, n);
                case INT64 -> buf.asLongBuffer().get((long[]) data, off, n);
            }
        }
        return data;
    }

    /** Reorders column-major data (first index fastest) into row-major order. */
    private static Object fortranToC(Object src, int[] shape) {
        int n = java.lang.reflect.Array.getLength(src);
        Object dst = java.lang.reflect.Array.newInstance(src.getClass().getComponentType(), n);
        int rank = shape.length;
        long[] fStride = new long[rank];
        long s = 1;
        for (int d = 0; d < rank; d++) {
            fStride[d] = s;
            s *= shape[d];
        }
        int[] index = new int[rank];
        long f = 0;
        for (int c = 0; c < n; c++) {
            System.arraycopy(src, (int) f, dst, c, 1);
            // odometer over the C index, last dim fastest, keeping the Fortran offset in step
            for (int d = rank - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    f += fStride[d];
                    break;
                }
                index[d] = 0;
                f -= (shape[d] - 1) * fStride[d];
            }
        }
        return dst;
    }

    /** A channel read from its start, counting the bytes read (for messages and bounds). */
    private static final class Source {
        final ReadableByteChannel ch;
        final String name;
        long pos;

        Source(ReadableByteChannel ch, String name) {
            this.ch = ch;
            this.name = name;
        }

        ByteBuffer readFully(int n, String what) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
            fill(b, what);
            return b.flip();
        }

        /** Fills {@code b}'s remaining bytes; {@code what} null: the data, which the size promised. */
        void fill(ByteBuffer b, String what) throws IOException {
            while (b.hasRemaining()) {
                int r = ch.read(b);
                if (r < 0) {
                    throw new IOException(what == null ? "Npy.read: " + name + " shrank while reading (ends after " + pos + " bytes)"
                            : "Npy.read: " + name + " ends after " + pos + " bytes, inside " + what);
                }
                pos += r;
            }
        }
    }

    private static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    /** At most {@link #QUOTE_LIMIT} characters of header text, for messages. */
    private static String quote(String text) {
        String t = text.strip();
        return t.length() <= QUOTE_LIMIT ? t : t.substring(0, QUOTE_LIMIT) + "... (" + t.length() + " characters)";
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte x : bytes) {
            if (x >= 0x20 && x < 0x7f && x != '\\') sb.append((char) x);
            else sb.append(String.format("\\x%02x", x & 0xff));
        }
        return sb.toString();
    }

    /** The header dictionary, validated. */
    private record Header(String descr, DType dtype, ByteOrder order, boolean fortranOrder, int[] shape) {

        static Header parse(String text, String path) throws IOException {
            Map<String, Object> dict;
            Map<String, String> raw = new LinkedHashMap<>();
            try {
                dict = new Literal(text, raw).dict();
            } catch (IllegalArgumentException e) {
                throw new IOException("Npy.read: cannot parse the header of " + path + " (" + quote(e.getMessage()) + "): "
                        + quote(text), e);
            }
            if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
                throw new IOException("Npy.read: the header of " + path + " has keys " + quote(dict.keySet().toString())
                        + "; expected descr, fortran_order and shape");
            }
            if (!(dict.get("descr") instanceof String descr)) {
                String what = dict.get("descr") instanceof PyList ? " (a structured dtype)" : "";
                throw new IOException("Npy.read: unsupported dtype " + quote(raw.get("descr")) + what + " in "
                        + path + "; " + EXPECTED);
            }
            if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
                throw new IOException("Npy.read: fortran_order is " + quote(raw.get("fortran_order")) + " in " + path
                        + "; expected True or False");
            }
            if (!(dict.get("shape") instanceof Tuple(List<Object> items))) {
                throw new IOException("Npy.read: shape is " + quote(raw.get("shape")) + " in " + path + "; expected a tuple of ints");
            }
            int[] shape = new int[items.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!(items.get(i) instanceof Long v) || v < 0) {
                    throw new IOException("Npy.read: shape is " + quote(raw.get("shape")) + " in " + path
                            + "; expected a tuple of non-negative ints");
                }
                if (v > Integer.MAX_VALUE) {
                    throw new IOException("Npy.read: size " + v + " in shape " + quote(raw.get("shape")) + " in " + path
                            + " is larger than a tensor's sizes (Java ints, at most " + Integer.MAX_VALUE + ")");
                }
                shape[i] = (int) (long) v;
            }
            try {
                Shapes.numel("Npy.read", shape);
            } catch (IllegalArgumentException e) {
                throw new IOException("Npy.read: shape " + quote(raw.get("shape")) + " in " + path + " has "
                        + Shapes.exactNumel(shape) + " elements, more than the " + Shapes.MAX_NUMEL + " a Java array can hold", e);
            }
            String type = descr.isEmpty() ? "" : descr.substring("<>=|".indexOf(descr.charAt(0)) >= 0 ? 1 : 0);
            char orderChar = descr.length() > type.length() ? descr.charAt(0) : '=';
            DType dtype = switch (type) {
                case "f4" -> DType.FLOAT32;
                case "f8" -> DType.FLOAT64;
                case "i8" -> DType.INT64;
                default -> null;
            };
            if (dtype == null) {
                throw new IOException("Npy.read: unsupported dtype '" + descr + "' in " + path + "; " + EXPECTED);
            }
            if (orderChar == '>') {
                throw new IOException("Npy.read: unsupported big-endian dtype '" + descr + "' in " + path + "; " + EXPECTED);
            }
            ByteOrder order = orderChar == '<' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.nativeOrder();
            return new Header(descr, dtype, order, fortran, shape);
        }
    }

    private record Tuple(List<Object> items) {}

    private record PyList(List<Object> items) {}

    /**
     * A parser for the Python literals a header may hold: a dict with string keys whose values are
     * strings, True/False/None, ints (with Python 2's trailing L), tuples and lists.
     */
    private static final class Literal {
        private static final Object NONE = new Object();
        private final String s;
        private final Map<String, String> rawValues;
        private int pos;
        private int depth;

        Literal(String s, Map<String, String> rawValues) {
            this.s = s;
            this.rawValues = rawValues;
        }

        Map<String, Object> dict() {
            skipSpace();
            expect('{');
            Map<String, Object> out = new LinkedHashMap<>();
            while (!peek('}')) {
                if (!(value() instanceof String key)) throw new IllegalArgumentException("dict key is not a string at " + pos);
                skipSpace();
                expect(':');
                skipSpace();
                int start = pos;
                Object v = value();
                if (out.put(key, v) != null) throw new IllegalArgumentException("repeated key '" + key + "'");
                rawValues.put(key, s.substring(start, pos));
                if (!peek('}')) expect(',');
            }
            expect('}');
            skipSpace();
            if (pos != s.length()) throw new IllegalArgumentException("text after the dict at " + pos);
            return out;
        }

        private Object value() {
            skipSpace();
            if (pos >= s.length()) throw new IllegalArgumentException("unexpected end");
            char c = s.charAt(pos);
            if (c == '\'' || c == '"') return string(c);
            if (c == '(' || c == '[') return sequence(c);
            if (c == '-' || Character.isDigit(c)) return integer();
            for (String word : new String[] {"True", "False", "None"}) {
                if (s.startsWith(word, pos)) {
                    pos += word.length();
                    return word.equals("None") ? NONE : Boolean.valueOf(word.equals("True"));
                }
            }
            throw new IllegalArgumentException("unexpected '" + c + "' at " + pos);
        }

        /** A Python string literal with its escapes (an unknown escape keeps its backslash, as in Python). */
        private String string(char quote) {
            StringBuilder sb = new StringBuilder();
            pos++;
            while (pos < s.length() && s.charAt(pos) != quote) {
                char c = s.charAt(pos++);
                if (c != '\\' || pos >= s.length()) {
                    sb.append(c);
                    continue;
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '\\', '\'', '"' -> sb.append(e);
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case '0' -> sb.append('\0');
                    case 'a' -> sb.append('\u0007');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'v' -> sb.append('\u000b');
                    case '\n' -> { } // a line continuation
                    case 'x' -> sb.append(hexEscape(2));
                    case 'u' -> sb.append(hexEscape(4));
                    default -> sb.append('\\').append(e);
                }
            }
            expect(quote);
            return sb.toString();
        }

        private char hexEscape(int digits) {
            if (pos + digits > s.length()) throw new IllegalArgumentException("truncated \\x or \\u escape at " + pos);
            int c = 0;
            for (int i = 0; i < digits; i++) {
                int d = Character.digit(s.charAt(pos + i), 16);
                if (d < 0) throw new IllegalArgumentException("bad \\x or \\u escape at " + pos);
                c = c * 16 + d;
            }
            pos += digits;
            return (char) c;
        }

        private Object sequence(char open) {
            char close = open == '(' ? ')' : ']';
            if (++depth > MAX_NESTING) throw new IllegalArgumentException("literals nested deeper than " + MAX_NESTING + " at " + pos);
            pos++;
            List<Object> items = new ArrayList<>();
            boolean comma = false;
            while (!peek(close)) {
                items.add(value());
                comma = peek(',');
                if (comma) pos++;
                else if (!peek(close)) throw new IllegalArgumentException("expected ',' or '" + close + "' at " + pos);
            }
            expect(close);
            depth--;
            // (5) is just 5 in Python; only (5,) is a tuple
            if (open == '(' && items.size() == 1 && !comma) return items.get(0);
            return open == '(' ? new Tuple(items) : new PyList(items);
        }

        private Long integer() {
            int start = pos;
            if (s.charAt(pos) == '-') pos++;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
            String digits = s.substring(start, pos);
            if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) pos++;
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad integer '" + digits + "' at " + start);
            }
        }

        private boolean peek(char c) {
            skipSpace();
            return pos < s.length() && s.charAt(pos) == c;
        }

        private void expect(char c) {
            skipSpace();
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + pos);
            }
            pos++;
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }
    }
}
