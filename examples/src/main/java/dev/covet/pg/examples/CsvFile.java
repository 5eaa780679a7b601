package dev.covet.pg.examples;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A CSV file written row by row, kept open for the whole extract (opening it once per row, as a
 * {@code file:} endpoint with {@code fileExist=Append} would, costs more than the query).
 */
final class CsvFile {

    private final Path path;
    private final List<String> columns;
    private BufferedWriter writer;
    private long rows;

    CsvFile(Path path, String... columns) {
        this.path = path;
        this.columns = List.of(columns);
    }

    /** Creates or truncates the file and writes the header line. */
    synchronized void open() throws IOException {
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
        rows = 0;
        writer.write(String.join(",", columns));
        writer.newLine();
    }

    /** Writes one row's values in the header's column order. */
    synchronized void write(Map<?, ?> row) {
        if (writer == null) {
            throw new IllegalStateException("CSV file " + path + " is not open");
        }
        try {
            for (int i = 0; i < columns.size(); i++) {
                if (i > 0) {
                    writer.write(',');
                }
                writer.write(field(row.get(columns.get(i))));
            }
            writer.newLine();
            rows++;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write to " + path, e);
        }
    }

    synchronized void close() throws IOException {
        if (writer != null) {
            writer.close();
            writer = null;
        }
    }

    synchronized long rows() {
        return rows;
    }

    private static String field(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
