package io.simdgrad.data;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A numeric CSV file as a {@code [rows, columns]} tensor, parsed by Apache Commons CSV (RFC 4180
 * quoting), like {@code torch.tensor(pandas.read_csv(path).values)}. Every cell must parse as a
 * number (or an integer for INT64); a ragged row or a bad cell is an {@link IOException} naming
 * the file, the line and the column.
 */
public final class Csv {
    private Csv() {}

    /** The file's numbers; {@code header} skips the first record (the column names). */
    public static Tensor read(Path path, boolean header, DType dtype) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setSkipHeaderRecord(header).setHeader().setIgnoreSurroundingSpaces(true).get();
        if (!header) format = CSVFormat.RFC4180.builder().setIgnoreSurroundingSpaces(true).get();
        List<double[]> rows = new ArrayList<>();
        List<long[]> longRows = new ArrayList<>();
        int cols = -1;
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8); CSVParser p = CSVParser.parse(r, format)) {
            for (CSVRecord rec : p) {
                if (cols < 0) cols = rec.size();
                if (rec.size() != cols) {
                    throw new IOException("Csv.read: " + path + " line " + p.getCurrentLineNumber() + " has " + rec.size() + " columns, expected " + cols);
                }
                double[] d = new double[cols];
                long[] l = new long[cols];
                for (int c = 0; c < cols; c++) {
                    String cell = rec.get(c);
                    try {
                        if (dtype == DType.INT64) l[c] = Long.parseLong(cell);
                        else d[c] = Double.parseDouble(cell);
                    } catch (NumberFormatException e) {
                        String shown = cell.length() > 40 ? cell.substring(0, 40) + "..." : cell;
                        throw new IOException("Csv.read: " + path + " line " + p.getCurrentLineNumber() + " column " + (c + 1) + ": \"" + shown
                                + "\" is not " + (dtype == DType.INT64 ? "an integer" : "a number"));
                    }
                }
                if (dtype == DType.INT64) longRows.add(l);
                else rows.add(d);
            }
        } catch (java.io.UncheckedIOException e) {
            throw new IOException("Csv.read: " + path + ": " + e.getCause().getMessage(), e.getCause());
        }
        int n = dtype == DType.INT64 ? longRows.size() : rows.size();
        int c = Math.max(cols, 0);
        int total = Math.multiplyExact(n, c);
        if (dtype == DType.INT64) {
            long[] all = new long[total];
            for (int i = 0; i < n; i++) System.arraycopy(longRows.get(i), 0, all, i * c, c);
            return Tensor.of(all, n, c);
        }
        double[] all = new double[total];
        for (int i = 0; i < n; i++) System.arraycopy(rows.get(i), 0, all, i * c, c);
        Tensor t = Tensor.of(all, n, c);
        return t.to(dtype);
    }
}
