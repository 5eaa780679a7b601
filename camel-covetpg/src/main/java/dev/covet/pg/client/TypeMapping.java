package dev.covet.pg.client;

import dev.covet.pg.types.TextValues;
import dev.covet.pg.wire.TypeDescriptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * From the driver's values to the plain Java types a route sees (DESIGN.md, "Rows"): no Vert.x
 * type reaches a route. The driver reads in binary only the types it reads exactly; every other
 * column arrives as the server's text (see {@link TypeDescriptions}) and becomes its Java value
 * here, by the column's real type ({@link TextValues}), or stays that exact text.
 */
public final class TypeMapping {

    private TypeMapping() {
    }

    /** A result's columns: each one's name and its real type, as {@link TypeDescriptions} passed them on. */
    static final class Columns {
        final String[] names;
        final int[] types;

        private Columns(List<ColumnDescriptor> descriptors) {
            int n = descriptors.size();
            names = new String[n];
            types = new int[n];
            for (int i = 0; i < n; i++) {
                String described = descriptors.get(i).name();
                int mark = described.lastIndexOf(TypeDescriptions.MARK);
                if (mark < 0) {
                    // every connection covetpg lends has the handler; a result without it cannot be read exactly
                    throw new IllegalStateException("A result came from a connection without covetpg's type handler ("
                            + TypeDescriptions.NAME + ")");
                }
                names[i] = described.substring(0, mark);
                types[i] = Integer.parseUnsignedInt(described, mark + 1, described.length(), 10);
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String name : names) {
                if (!seen.add(name)) {
                    // a row is a Map: one of the two values would be lost without a word
                    throw new IllegalArgumentException("The result has two columns named " + name + ", and a row keeps one value"
                            + " per name; give them names of their own (SELECT a.id AS a_id, b.id AS b_id ...)");
                }
            }
        }

        static Columns of(List<ColumnDescriptor> descriptors) {
            return new Columns(descriptors);
        }
    }

    /** Every row of a result as a column-ordered map. */
    public static List<Map<String, Object>> rows(RowSet<Row> rowSet) {
        Columns columns = Columns.of(rowSet.columnDescriptors());
        List<Map<String, Object>> rows = new ArrayList<>(rowSet.size());
        for (Row row : rowSet) {
            rows.add(row(row, columns));
        }
        return rows;
    }

    static Map<String, Object> row(Row row, Columns columns) {
        int n = row.size();
        Map<String, Object> map = new LinkedHashMap<>(Math.max(4, n * 4 / 3 + 1));
        for (int i = 0; i < n; i++) {
            map.put(columns.names[i], toJava(row.getValue(i), columns.types[i]));
        }
        return map;
    }

    /** The earliest timestamp the server has (4714-11-24 00:00:00 BC), which the driver reads as -infinity. */
    private static final LocalDateTime EARLIEST = LocalDateTime.of(-4713, 11, 24, 0, 0);
    /** What the driver makes of -infinity: the microseconds of Long.MIN_VALUE counted from 2000-01-01. */
    private static final LocalDateTime DRIVERS_MINUS_INFINITY = LocalDateTime.of(2000, 1, 1, 0, 0).plus(Long.MIN_VALUE, ChronoUnit.MICROS);

    /** One value of a column of type {@code oid}: text by the type, bytes as byte[], the rest as the driver read it. */
    static Object toJava(Object value, int oid) {
        if (value instanceof String text) {
            return TextValues.decode(oid, text);
        }
        if (value instanceof Buffer b) {
            return b.getBytes();
        }
        // vertx-pg-client 4.5 reads -infinity as a date 290279 BC and the earliest timestamp as -infinity: swap them back
        if (value instanceof LocalDateTime t) {
            return t.equals(LocalDateTime.MIN) ? EARLIEST : t.equals(DRIVERS_MINUS_INFINITY) ? LocalDateTime.MIN : t;
        }
        if (value instanceof OffsetDateTime t) {
            if (t.equals(OffsetDateTime.MIN)) {
                return OffsetDateTime.of(EARLIEST, ZoneOffset.UTC);
            }
            return t.toLocalDateTime().equals(DRIVERS_MINUS_INFINITY) ? OffsetDateTime.MIN : t;
        }
        return value;
    }
}
