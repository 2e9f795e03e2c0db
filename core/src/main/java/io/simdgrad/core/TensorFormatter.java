package io.simdgrad.core;

import io.simdgrad.core.ops.Shapes;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch's tensor {@code repr}, to the character, with PyTorch's default print options
 * (precision 4, threshold 1000, edge items 3, line width 80, automatic scientific mode), as
 * PyTorch 1.13's {@code torch/_tensor_str.py} prints a dense CPU tensor.
 *
 * <p>Numbers are formatted like Python's {@code '{:.4f}'} / {@code '{:.4e}'}: from the exact
 * binary value, rounded half-even (Java's {@code String.format} rounds the shortest decimal
 * half-up, which differs on ties such as 0.125).
 */
final class TensorFormatter {
    private static final int PRECISION = 4;
    private static final int THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;
    private static final int LINE_WIDTH = 80;
    private static final String PREFIX = "tensor(";

    private TensorFormatter() {}

    /**
     * PyTorch's {@code repr(t)} of a dense tensor.
     *
     * @param dtype    element type; FLOAT64 adds {@code dtype=torch.float64}, INT64 prints its dtype
     *                 only when the tensor is empty (int64 is PyTorch's default integer type)
     * @param shape    the sizes, {@code int[0]} for a 0-d tensor
     * @param floats   row-major values for FLOAT32 / FLOAT64 (float32 widened exactly), else null
     * @param longs    row-major values for INT64, else null
     * @param suffixes extra suffixes such as {@code grad_fn=<AddBackward0>} or
     *                 {@code requires_grad=True}, appended after the size/dtype suffixes with
     *                 PyTorch's line-wrapping rule
     * @return the text, e.g. {@code tensor([[1., 1.],\n        [1., 1.]])}
     */
    static String repr(DType dtype, int[] shape, double[] floats, long[] longs, List<String> suffixes) {
        long numel = 1;
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("repr: negative size in shape " + java.util.Arrays.toString(shape));
            numel *= s;
        }
        boolean isLong = dtype == DType.INT64;
        long have = isLong ? (longs == null ? -1 : longs.length) : (floats == null ? -1 : floats.length);
        if (have != numel) {
            throw new IllegalArgumentException("repr: " + dtype + " tensor of shape " + java.util.Arrays.toString(shape)
                    + " needs " + numel + " " + (isLong ? "longs" : "floats") + ", got "
                    + (have < 0 ? "null" : String.valueOf(have)));
        }
        List<String> all = new ArrayList<>();
        String body;
        if (numel == 0) {
            // PyTorch prints the size unless it is (0,), and the dtype unless it is float32.
            if (shape.length != 1) all.add("size=" + Shapes.tupleString(shape));
            if (dtype != DType.FLOAT32) all.add("dtype=" + dtype.torchName());
            body = "[]";
        } else {
            if (dtype == DType.FLOAT64) all.add("dtype=" + dtype.torchName());
            body = new Printer(shape, floats, longs, numel > THRESHOLD).print();
        }
        all.addAll(suffixes);
        return addSuffixes(PREFIX + body, all, PREFIX.length());
    }


    /**
     * Joins the suffixes with ", ", wrapping onto a new line indented by {@code indent} when the
     * last line would exceed the line width. The line-length bookkeeping deliberately follows
     * PyTorch's (it overcounts a line without a newline by two).
     */
    private static String addSuffixes(String text, List<String> suffixes, int indent) {
        StringBuilder sb = new StringBuilder(text);
        int lastLineLen = text.length() - text.lastIndexOf('\n') + 1;
        for (String suffix : suffixes) {
            if (lastLineLen + suffix.length() + 2 > LINE_WIDTH) {
                sb.append(",\n").append(" ".repeat(indent)).append(suffix);
                lastLineLen = indent + suffix.length();
            } else {
                sb.append(", ").append(suffix);
                lastLineLen += suffix.length() + 2;
            }
        }
        return sb.append(')').toString();
    }

    /** Walks the (possibly summarised) tensor; one instance per repr call. */
    private static final class Printer {
        private final int[] shape;
        private final long[] strides;
        private final double[] floats;
        private final long[] longs;
        private final boolean summarize;
        private final Format format;

        Printer(int[] shape, double[] floats, long[] longs, boolean summarize) {
            this.shape = shape;
            this.floats = floats;
            this.longs = longs;
            this.summarize = summarize;
            this.strides = new long[shape.length];
            long s = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                strides[d] = s;
                s *= shape[d];
            }
            this.format = longs != null ? longFormat() : floatFormat();
        }

        String print() {
            return tensorString(0, 0, PREFIX.length());
        }

        /** Indices printed along dim d: all, or the edge items when summarising a long dim. */
        private int[] printedIndices(int d) {
            int n = shape[d];
            if (summarize && n > 2 * EDGE_ITEMS) {
                int[] idx = new int[2 * EDGE_ITEMS];
                for (int i = 0; i < EDGE_ITEMS; i++) {
                    idx[i] = i;
                    idx[EDGE_ITEMS + i] = n - EDGE_ITEMS + i;
                }
                return idx;
            }
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) idx[i] = i;
            return idx;
        }

        private boolean elided(int d) {
            return summarize && shape[d] > 2 * EDGE_ITEMS;
        }

        /** Calls {@code visitor} with the flat index of every printed element. */
        private void forEachPrinted(int d, long base, java.util.function.LongConsumer visitor) {
            if (d == shape.length) {
                visitor.accept(base);
                return;
            }
            for (int i : printedIndices(d)) forEachPrinted(d + 1, base + i * strides[d], visitor);
        }

        private String tensorString(int d, long base, int indent) {
            int dims = shape.length - d;
            if (dims == 0) return format.apply(base);
            if (dims == 1) return vectorString(d, base, indent);
            int[] idx = printedIndices(d);
            List<String> slices = new ArrayList<>(idx.length + 1);
            for (int k = 0; k < idx.length; k++) {
                if (elided(d) && k == EDGE_ITEMS) slices.add("...");
                slices.add(tensorString(d + 1, base + idx[k] * strides[d], indent + 1));
            }
            String sep = "," + "\n".repeat(dims - 1) + " ".repeat(indent + 1);
            return "[" + String.join(sep, slices) + "]";
        }

        private String vectorString(int d, long base, int indent) {
            int elementLength = format.width + 2;
            int perLine = Math.max(1, (LINE_WIDTH - indent) / elementLength);
            int[] idx = printedIndices(d);
            List<String> items = new ArrayList<>(idx.length + 1);
            for (int k = 0; k < idx.length; k++) {
                if (elided(d) && k == EDGE_ITEMS) items.add(" ...");
                items.add(format.apply(base + idx[k] * strides[d]));
            }
            StringBuilder sb = new StringBuilder("[");
            String lineSep = ",\n" + " ".repeat(indent + 1);
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) sb.append(i % perLine == 0 ? lineSep : ", ");
                sb.append(items.get(i));
            }
            return sb.append(']').toString();
        }

        private Format longFormat() {
            int[] width = {1};
            forEachPrinted(0, 0, i -> width[0] = Math.max(width[0], Long.toString(longs[(int) i]).length()));
            return new Format(width[0], i -> Long.toString(longs[(int) i]));
        }

        /**
         * PyTorch's {@code _Formatter}: integer mode when every non-zero finite printed value is an
         * integer, scientific mode when their magnitudes span more than 1000x, exceed 1e8, or (not
         * integer mode) go below 1e-4; the width is the longest non-zero finite value's text.
         */
        private Format floatFormat() {
            double[] minMax = {Double.POSITIVE_INFINITY, 0};
            boolean[] intMode = {true};
            forEachPrinted(0, 0, i -> {
                double v = floats[(int) i];
                if (v != 0 && Double.isFinite(v)) {
                    double a = Math.abs(v);
                    minMax[0] = Math.min(minMax[0], a);
                    minMax[1] = Math.max(minMax[1], a);
                    if (v != Math.ceil(v)) intMode[0] = false;
                }
            });
            if (minMax[1] == 0) {
                // no non-zero finite value: PyTorch keeps integer mode and width 1
                return new Format(1, i -> intText(floats[(int) i]));
            }
            double min = minMax[0];
            double max = minMax[1];
            boolean sci = max / min > 1000.0 || max > 1.0e8 || (!intMode[0] && min < 1.0e-4);
            java.util.function.DoubleFunction<String> text =
                    sci ? TensorFormatter::sciText : intMode[0] ? TensorFormatter::intText : TensorFormatter::fixedText;
            int[] width = {1};
            forEachPrinted(0, 0, i -> {
                double v = floats[(int) i];
                if (v != 0 && Double.isFinite(v)) width[0] = Math.max(width[0], text.apply(v).length());
            });
            return new Format(width[0], i -> text.apply(floats[(int) i]));
        }
    }

    /** Formats the element at a flat index and left-pads it to the common width. */
    private static final class Format {
        final int width;
        private final java.util.function.LongFunction<String> text;

        Format(int width, java.util.function.LongFunction<String> text) {
            this.width = width;
            this.text = text;
        }

        String apply(long flatIndex) {
            String s = text.apply(flatIndex);
            return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
        }
    }

    /** Integer mode: Python's {@code '{:.0f}'} plus a trailing '.' on finite values ({@code 1.}, {@code -0.}). */
    static String intText(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return special(v);
        return sign(v) + new BigDecimal(Math.abs(v)).setScale(0, RoundingMode.HALF_EVEN).toPlainString() + ".";
    }

    /** Python's {@code '{:.4f}'}: exact value, round half-even. */
    static String fixedText(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return special(v);
        return sign(v) + new BigDecimal(Math.abs(v)).setScale(PRECISION, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** Python's {@code '{:.4e}'}: {@code 2.0480e+02}, exponent signed with at least two digits. */
    static String sciText(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return special(v);
        double a = Math.abs(v);
        String mantissa;
        int exponent;
        if (a == 0) {
            mantissa = "0." + "0".repeat(PRECISION);
            exponent = 0;
        } else {
            BigDecimal r = new BigDecimal(a).round(new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN));
            exponent = r.precision() - r.scale() - 1;
            mantissa = r.movePointLeft(exponent).setScale(PRECISION, RoundingMode.UNNECESSARY).toPlainString();
        }
        String e = Integer.toString(Math.abs(exponent));
        return sign(v) + mantissa + "e" + (exponent < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
    }

    private static String sign(double v) {
        return Double.doubleToRawLongBits(v) < 0 ? "-" : "";
    }

    private static String special(double v) {
        return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    }
}
