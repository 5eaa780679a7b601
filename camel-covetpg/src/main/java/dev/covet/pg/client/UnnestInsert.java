package dev.covet.pg.client;

import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * A plain insert of many rows as one statement: every column travels as one {@code text[]}
 * parameter and the server casts each element to the column's type,
 * {@code INSERT INTO t (a, b) SELECT u.c1::integer, u.c2::date FROM unnest($1::text[], $2::text[]) AS u(c1, c2)}.
 * One statement per chunk instead of one execution per row; text keeps it independent of how
 * the driver would type each Java value (and takes JSON text for json columns as it is).
 */
public final class UnnestInsert implements BatchLoader.ChunkStatement {

    private final String sql;
    private final List<String> types;

    /**
     * @param table   checked SQL text of the table
     * @param columns checked SQL text of each column
     * @param types   each column's type as {@code format_type} prints it
     */
    public UnnestInsert(String table, List<String> columns, List<String> types) {
        this.types = List.copyOf(types);
        StringBuilder select = new StringBuilder();
        StringBuilder arrays = new StringBuilder();
        StringBuilder aliases = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            String sep = i == 0 ? "" : ", ";
            select.append(sep).append("u.c").append(i + 1).append("::").append(types.get(i));
            arrays.append(sep).append('$').append(i + 1).append("::text[]");
            aliases.append(sep).append('c').append(i + 1);
        }
        this.sql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") SELECT " + select + " FROM unnest(" + arrays
                + ") AS u(" + aliases + ")";
    }

    /** Array columns would need nested array literals; such tables take the per-row path. */
    public static boolean supports(List<String> types) {
        return types.stream().noneMatch(t -> t.endsWith("[]"));
    }

    public String sql() {
        return sql;
    }

    @Override
    public long write(PgSession session, List<List<Object>> chunk) {
        int columns = types.size();
        String[][] arrays = new String[columns][chunk.size()];
        for (int row = 0; row < chunk.size(); row++) {
            List<Object> set = chunk.get(row);
            for (int c = 0; c < columns; c++) {
                arrays[c][row] = PgText.format(set.get(c));
            }
        }
        Object[] params = new Object[columns];
        System.arraycopy(arrays, 0, params, 0, columns);
        return session.executeChunk(sql, Tuple.wrap(params));
    }

    @Override
    public long writeOne(PgSession session, List<Object> set) {
        return write(session, List.of(set));
    }
}
