package dev.covet.pg.jmh;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The rows the bulk load benchmarks write, in two shapes: row i is made from i alone, so every
 * contender writes the same rows and each can be checked.
 * <ul>
 *   <li>{@link #NARROW} {@code (id int, v int)}: what the load itself costs;</li>
 *   <li>{@link #MIXED} {@code (id bigint, name text, amount numeric(12,2))}: the shape of an ETL
 *       load, where the client's encoding of text and decimals counts.</li>
 * </ul>
 */
enum TestRows {

    NARROW("id int, v int", "id,v") {
        @Override
        List<Object> row(int id) {
            return List.of(id, value(id));
        }

        @Override
        void text(int id, StringBuilder out) {
            out.append(id).append('\t').append(value(id)).append('\n');
        }
    },
    MIXED("id bigint, name text, amount numeric(12,2)", "id,name,amount") {
        @Override
        List<Object> row(int id) {
            return List.of((long) id, name(id), amount(id));
        }

        @Override
        void text(int id, StringBuilder out) {
            out.append(id).append('\t').append(name(id)).append('\t').append(amount(id).toPlainString()).append('\n');
        }
    };

    /** The columns' definitions, for CREATE TABLE. */
    final String definitions;
    /** The columns, comma-separated, for a column list. */
    final String columns;

    TestRows(String definitions, String columns) {
        this.definitions = definitions;
        this.columns = columns;
    }

    /** Row {@code id}, as the list a route's body holds. */
    abstract List<Object> row(int id);

    /** Row {@code id} in COPY text format, with its newline. */
    abstract void text(int id, StringBuilder out);

    static int value(int id) {
        return (int) (id * 7L % 1_000_003);
    }

    static String name(int id) {
        return "customer " + id;
    }

    static BigDecimal amount(int id) {
        return BigDecimal.valueOf(value(id), 2);
    }

    int columnCount() {
        return columns.split(",").length;
    }

    /** Rows 1..n, made as they are read (nothing held in memory). */
    Iterator<List<Object>> lists(int n) {
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
                return row(next++);
            }
        };
    }

    /** Rows 1..n in COPY text format. */
    byte[] textFormat(int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(n * 32);
        StringBuilder chunk = new StringBuilder(70_000);
        for (int id = 1; id <= n; id++) {
            text(id, chunk);
            if (chunk.length() > 64_000) {
                out.writeBytes(chunk.toString().getBytes(StandardCharsets.UTF_8));
                chunk.setLength(0);
            }
        }
        out.writeBytes(chunk.toString().getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
