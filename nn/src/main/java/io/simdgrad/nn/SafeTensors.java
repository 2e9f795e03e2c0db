package io.simdgrad.nn;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face's; {@code safetensors.torch.save_file} / {@code load_file}):
 * an 8-byte little-endian header length N, N bytes of JSON
 * ({@code {"__metadata__": {...}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}}),
 * then the tensors' little-endian bytes, offsets relative to the data's start.
 *
 * <p>Written as the {@code safetensors} library writes: tensors ordered by element size (largest
 * first) then name, compact JSON with the metadata first, the header padded with spaces to a
 * multiple of 8 bytes. F32, F64 and I64 are read and written.
 *
 * <p>Files are hostile until parsed (the rules of {@code Npy.read}): the header length is checked
 * against {@link #MAX_HEADER_SIZE} and the file's size before anything is allocated; the JSON is
 * parsed by a small strict parser (valid UTF-8, depth at most 3, no duplicate keys, integers
 * exact); every shape's element and byte count is computed exactly and must equal its offsets'
 * span; the spans must tile the data with no gap or overlap and end at the end of the file. Every
 * problem is an {@link IOException} naming the file and what is wrong, with at most 200
 * characters of the header quoted.
 */
public final class SafeTensors {
    /** The longest header accepted, the safetensors library's limit (100 MB). */
    public static final long MAX_HEADER_SIZE = 100_000_000;
    private static final int QUOTE_LIMIT = 200;
    private static final int CHUNK = 1 << 16;
    private static final long MAX_NUMEL = Integer.MAX_VALUE - 8;

    private SafeTensors() {}

    /** A file's tensors in file order and its {@code __metadata__} strings. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /** Writes {@code tensors} (no metadata). */
    public static void save(Map<String, Tensor> tensors, Path path) throws IOException {
        save(tensors, Map.of(), path);
    }

    /** Writes {@code tensors} and {@code metadata} (string to string, the format's only metadata). */
    public static void save(Map<String, Tensor> tensors, Map<String, String> metadata, Path path) throws IOException {
        List<Map.Entry<String, Tensor>> order = new ArrayList<>(tensors.entrySet());
        for (Map.Entry<String, Tensor> e : order) {
            if (e.getKey() == null || e.getKey().equals("__metadata__")) throw new IllegalArgumentException("SafeTensors.save: invalid tensor name " + e.getKey());
        }
        order.sort(Comparator.comparingInt((Map.Entry<String, Tensor> e) -> -e.getValue().dtype().itemSize()).thenComparing(Map.Entry::getKey));
        StringBuilder h = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            h.append("\"__metadata__\":{");
            boolean first = true;
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(metadata).entrySet()) {
                h.append(first ? "" : ",").append(jsonString(e.getKey())).append(':').append(jsonString(e.getValue()));
                first = false;
            }
            h.append('}');
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : order) {
            Tensor t = e.getValue();
            long n = (long) t.numel() * t.dtype().itemSize();
            h.append(h.length() == 1 ? "" : ",").append(jsonString(e.getKey())).append(":{\"dtype\":\"").append(code(t.dtype()))
                    .append("\",\"shape\":[");
            int[] s = t.shape();
            for (int i = 0; i < s.length; i++) h.append(i == 0 ? "" : ",").append(s[i]);
            h.append("],\"data_offsets\":[").append(offset).append(',').append(offset + n).append("]}");
            offset += n;
        }
        h.append('}');
        byte[] json = h.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (head.hasRemaining()) ch.write(head);
            ByteBuffer buf = ByteBuffer.allocate(CHUNK * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<String, Tensor> e : order) {
                Tensor t = e.getValue().contiguous();
                Object data = switch (t.dtype()) {
                    case FLOAT32 -> t.toFloatArray();
                    case FLOAT64 -> t.toDoubleArray();
                    case INT64 -> t.toLongArray();
                };
                int n = t.numel();
                for (int i = 0; i < n; i += CHUNK) {
                    buf.clear();
                    int m = Math.min(CHUNK, n - i);
                    switch (t.dtype()) {
                        case FLOAT32 -> buf.asFloatBuffer().put((float[]) data, i, m);
                        case FLOAT64 -> buf.asDoubleBuffer().put((double[]) data, i, m);
                        case INT64 -> buf.asLongBuffer().put((long[]) data, i, m);
                    }
                    buf.limit(m * t.dtype().itemSize());
                    while (buf.hasRemaining()) ch.write(buf);
                }
            }
        }
    }

    /** The tensors of a safetensors file, in file order. */
    public static Map<String, Tensor> load(Path path) throws IOException {
        return read(path).tensors();
    }

    /** A safetensors file's tensors and metadata. */
    public static Contents read(Path path) throws IOException {
        return read(path, MAX_HEADER_SIZE);
    }

    /** {@link #read(Path)} with another header-size limit (smaller for untrusted uploads, larger for trusted files). */
    public static Contents read(Path path, long maxHeaderSize) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw bad(path, "is " + size + " bytes long, shorter than the 8-byte header length");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, path, "the header length");
            long n = lenBuf.flip().getLong();
            if (n < 0 || n > maxHeaderSize) throw bad(path, "declares a header of " + Long.toUnsignedString(n) + " bytes, more than the limit of " + maxHeaderSize);
            if (n > size - 8) throw bad(path, "declares a header of " + n + " bytes but has only " + (size - 8) + " bytes after the length");
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, path, "the header");
            String json;
            try {
                json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(hb.flip()).toString();
            } catch (CharacterCodingException e) {
                throw bad(path, "has a header that is not valid UTF-8");
            }
            if (!json.startsWith("{")) throw bad(path, "has a header that does not start with '{': " + quote(json));
            Object parsed;
            try {
                parsed = new Json(json).document();
            } catch (IllegalArgumentException e) {
                throw bad(path, "has a malformed header (" + e.getMessage() + "): " + quote(json));
            }
            long dataLen = size - 8 - n;
            List<Entry> entries = new ArrayList<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            @SuppressWarnings("unchecked")
            Map<String, Object> top = (Map<String, Object>) parsed;
            for (Map.Entry<String, Object> e : top.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    if (!(e.getValue() instanceof Map<?, ?> m)) throw bad(path, "has a __metadata__ that is not an object");
                    for (Map.Entry<?, ?> me : m.entrySet()) {
                        if (!(me.getValue() instanceof String s)) throw bad(path, "has a __metadata__ value that is not a string: key " + quote((String) me.getKey()));
                        metadata.put((String) me.getKey(), s);
                    }
                } else {
                    entries.add(entry(path, e.getKey(), e.getValue()));
                }
            }
            List<Entry> byOffset = new ArrayList<>(entries);
            byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
            long expect = 0;
            for (Entry e : byOffset) {
                if (e.begin != expect) {
                    throw bad(path, "tensor " + quote(e.name) + " starts at data offset " + e.begin + " but the previous tensor ends at " + expect
                            + " (the data must be covered without gaps or overlaps)");
                }
                expect = e.end;
            }
            if (expect != dataLen) throw bad(path, "has " + dataLen + " bytes of data but its tensors cover " + expect);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : byOffset) tensors.put(e.name, readTensor(ch, 8 + n + e.begin, e, path));
            Map<String, Tensor> inFileOrder = new LinkedHashMap<>();
            for (Entry e : entries) inFileOrder.put(e.name, tensors.get(e.name));
            return new Contents(inFileOrder, metadata);
        }
    }

    private record Entry(String name, DType dtype, int[] shape, int numel, long begin, long end) {}

    private static Entry entry(Path path, String name, Object v) throws IOException {
        if (!(v instanceof Map<?, ?> m)) throw bad(path, "tensor " + quote(name) + " is not an object");
        for (Object k : m.keySet()) {
            if (!List.of("dtype", "shape", "data_offsets").contains(k)) throw bad(path, "tensor " + quote(name) + " has an unknown field " + quote((String) k));
        }
        if (!(m.get("dtype") instanceof String code)) throw bad(path, "tensor " + quote(name) + " has no dtype string");
        DType dtype = switch (code) {
            case "F32" -> DType.FLOAT32;
            case "F64" -> DType.FLOAT64;
            case "I64" -> DType.INT64;
            default -> throw bad(path, "tensor " + quote(name) + " has dtype " + quote(code) + "; supported: F32, F64, I64");
        };
        List<Long> shape = longs(path, name, "shape", m.get("shape"));
        List<Long> offsets = longs(path, name, "data_offsets", m.get("data_offsets"));
        if (offsets.size() != 2) throw bad(path, "tensor " + quote(name) + " has data_offsets of length " + offsets.size() + ", expected [begin, end]");
        int[] s = new int[shape.size()];
        for (int i = 0; i < s.length; i++) {
            long d = shape.get(i);
            if (d > Integer.MAX_VALUE) throw bad(path, "tensor " + quote(name) + " has size " + d + " in shape " + shape + ", more than an int");
            s[i] = (int) d;
        }
        long numel = 1;
        for (int d : s) {
            if (d == 0) {
                numel = 0;
                break;
            }
        }
        // ints multiplied in long stop at the first step past the largest array: no wrap
        for (int i = 0; i < s.length && numel != 0; i++) {
            numel *= s[i];
            if (numel > MAX_NUMEL) throw bad(path, "tensor " + quote(name) + " of shape " + shape + " has more elements than a Java array holds");
        }
        long begin = offsets.get(0), end = offsets.get(1);
        if (begin > end) throw bad(path, "tensor " + quote(name) + " has data_offsets [" + begin + ", " + end + "] with begin after end");
        long bytes = numel * dtype.itemSize();
        if (end - begin != bytes) {
            throw bad(path, "tensor " + quote(name) + " of dtype " + code + " and shape " + shape + " needs " + bytes + " bytes but its data_offsets ["
                    + begin + ", " + end + "] span " + (end - begin));
        }
        return new Entry(name, dtype, s, (int) numel, begin, end);
    }

    private static List<Long> longs(Path path, String name, String field, Object v) throws IOException {
        if (!(v instanceof List<?> list)) throw bad(path, "tensor " + quote(name) + " has no " + field + " array");
        List<Long> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Long l)) throw bad(path, "tensor " + quote(name) + " has a " + field + " entry that is not a non-negative integer");
            out.add(l);
        }
        return out;
    }

    private static Tensor readTensor(FileChannel ch, long pos, Entry e, Path path) throws IOException {
        int n = e.numel, es = e.dtype.itemSize();
        Object data = switch (e.dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT64 -> new long[n];
        };
        ByteBuffer buf = ByteBuffer.allocate(CHUNK * 8).order(ByteOrder.LITTLE_ENDIAN);
        ch.position(pos);
        for (int i = 0; i < n; i += CHUNK) {
            int m = Math.min(CHUNK, n - i);
            buf.clear().limit(m * es);
            readFully(ch, buf, path, "the data of " + quote(e.name));
            buf.flip();
            switch (e.dtype) {
                case FLOAT32 -> buf.asFloatBuffer().get((float[]) data, i, m);
                case FLOAT64 -> buf.asDoubleBuffer().get((double[]) data, i, m);
                case INT64 -> buf.asLongBuffer().get((long[]) data, i, m);
            }
        }
        Tensor t = switch (e.dtype) {
            case FLOAT32 -> Tensor.of((float[]) data, e.shape);
            case FLOAT64 -> Tensor.of((double[]) data, e.shape);
            case INT64 -> Tensor.of((long[]) data, e.shape);
        };
        return e.shape.length == 0 ? t.reshape() : t; // Tensor.of without a shape is 1-D
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, Path path, String what) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) throw bad(path, "ends inside " + what);
        }
    }

    private static String code(DType d) {
        return switch (d) {
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case INT64 -> "I64";
        };
    }

    private static IOException bad(Path path, String what) {
        return new IOException("SafeTensors.read: " + path + " " + what);
    }

    private static String quote(String s) {
        String q = s.length() > QUOTE_LIMIT ? s.substring(0, QUOTE_LIMIT) + "..." : s;
        return "\"" + q.replace("\n", "\\n") + "\"";
    }

    static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * The JSON the header may hold: objects (no duplicate keys), arrays, strings and
     * non-negative integers, nested at most {@link #MAX_DEPTH} deep (so recursion is bounded).
     */
    static final class Json {
        static final int MAX_DEPTH = 3;
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object document() {
            Object v = value(1);
            skip();
            if (i != s.length()) throw new IllegalArgumentException("unexpected " + near() + " after the top-level object");
            if (!(v instanceof Map)) throw new IllegalArgumentException("the top level is not an object");
            return v;
        }

        private Object value(int depth) {
            skip();
            if (i >= s.length()) throw new IllegalArgumentException("unexpected end");
            char c = s.charAt(i);
            if (c == '{' || c == '[') {
                if (depth > MAX_DEPTH) throw new IllegalArgumentException("nesting deeper than " + MAX_DEPTH + " at offset " + i);
                return c == '{' ? object(depth) : array(depth);
            }
            if (c == '"') return string();
            if (c >= '0' && c <= '9') return integer();
            throw new IllegalArgumentException("unexpected " + near());
        }

        private Map<String, Object> object(int depth) {
            i++;
            Map<String, Object> m = new LinkedHashMap<>();
            skip();
            if (peek() == '}') {
                i++;
                return m;
            }
            while (true) {
                skip();
                if (peek() != '"') throw new IllegalArgumentException("expected a key at offset " + i);
                String k = string();
                skip();
                expect(':');
                Object v = value(depth + 1);
                if (m.put(k, v) != null) throw new IllegalArgumentException("duplicate key " + quote(k));
                skip();
                if (peek() == ',') {
                    i++;
                } else {
                    expect('}');
                    return m;
                }
            }
        }

        private List<Object> array(int depth) {
            i++;
            List<Object> a = new ArrayList<>();
            skip();
            if (peek() == ']') {
                i++;
                return a;
            }
            while (true) {
                a.add(value(depth + 1));
                skip();
                if (peek() == ',') {
                    i++;
                } else {
                    expect(']');
                    return a;
                }
            }
        }

        private Long integer() {
            int start = i;
            long v = 0;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                if (v > (Long.MAX_VALUE - 9) / 10) throw new IllegalArgumentException("integer too large at offset " + start);
                v = v * 10 + (s.charAt(i++) - '0');
            }
            if (i - start > 1 && s.charAt(start) == '0') throw new IllegalArgumentException("integer with a leading zero at offset " + start);
            if (i < s.length() && (s.charAt(i) == '.' || s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                throw new IllegalArgumentException("a number that is not an integer at offset " + start);
            }
            return v;
        }

        private String string() {
            i++;
            StringBuilder b = new StringBuilder();
            while (true) {
                if (i >= s.length()) throw new IllegalArgumentException("unterminated string");
                char c = s.charAt(i++);
                if (c == '"') return b.toString();
                if (c < 0x20) throw new IllegalArgumentException("control character in a string at offset " + (i - 1));
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (i >= s.length()) throw new IllegalArgumentException("unterminated string");
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) throw new IllegalArgumentException("short \\u escape");
                        try {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException x) {
                            throw new IllegalArgumentException("bad \\u escape at offset " + i);
                        }
                        i += 4;
                    }
                    default -> throw new IllegalArgumentException("bad escape \\" + e + " at offset " + (i - 1));
                }
            }
        }

        private void skip() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\n' || s.charAt(i) == '\r' || s.charAt(i) == '\t')) i++;
        }

        private char peek() {
            if (i >= s.length()) throw new IllegalArgumentException("unexpected end");
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) throw new IllegalArgumentException("expected '" + c + "' but found " + near());
            i++;
        }

        private String near() {
            return i >= s.length() ? "the end" : "'" + s.charAt(i) + "' at offset " + i;
        }
    }
}
