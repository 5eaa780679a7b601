package dev.covet.pg.jmh;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** The narrow rows {@code (id int, v int)} that the bulk load benchmarks write: row i is {@code (i, value(i))}. */
final class TestRows {

    private TestRows() {
    }

    static int value(int id) {
        return (int) (id * 7L % 1_000_003);
    }

    /** Rows 1..n as {@code List<Object>} of two Integers, made as they are read (nothing held in memory). */
    static Iterator<List<Object>> lists(int n) {
        return new Iterator<>() {
            private int next = 1;

            @Override
            public boolean hasNext() {
                return next <= n;
            }

            @Override
            public List<Object> next() {
                if (next > n) {
                    throw new NoSuchElementException();
                }
                int id = next++;
                return List.of(id, value(id));
            }
        };
    }

    /** Rows 1..n in COPY text format ({@code id\tv\n}). */
    static byte[] textFormat(int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(n * 16);
        StringBuilder chunk = new StringBuilder(70_000);
        for (int id = 1; id <= n; id++) {
            chunk.append(id).append('\t').append(value(id)).append('\n');
            if (chunk.length() > 64_000) {
                out.writeBytes(chunk.toString().getBytes(StandardCharsets.US_ASCII));
                chunk.setLength(0);
            }
        }
        out.writeBytes(chunk.toString().getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
