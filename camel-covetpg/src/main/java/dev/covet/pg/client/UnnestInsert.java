package dev.covet.pg.client;

import dev.covet.pg.types.ColumnType;
import dev.covet.pg.types.PgText;
import dev.covet.pg.types.ValueException;
import java.util.Arrays;
import java.util.List;

/**
 * A plain insert of many rows as one statement: every column travels as one {@code text[]}
 * parameter and each element is cast to the column's base type, without a modifier,
 * {@code INSERT INTO t (a, b) SELECT u.c1::"pg_catalog"."int4", u.c2::"pg_catalog"."bpchar" FROM unnest($1::text[], $2::text[]) AS u(c1, c2)}.
 * The INSERT's own assignment then applies each column's modifier and domain checks, as for psql:
 * a {@code char(10)} value is padded, a too long {@code varchar(5)} value is refused (a cast to
 * the column's full type would cut it). One statement per chunk instead of one execution per
 * row; each value's text is written for its column's type ({@link PgText#format(Object, int)}).
 */
public final class UnnestInsert implements BatchLoader.ChunkStatement {

    private final String sql;
    private final List<String> names;
    private final List<ColumnType> types;
    private final OnConflict conflict;
    private long inserted;
    private long updated;

    /**
     * @param table   checked SQL text of the table
     * @param columns checked SQL text of each column
     * @param names   each column's name, for messages
     * @param types   each column's type
     */
    public UnnestInsert(String table, List<String> columns, List<String> names, List<ColumnType> types) {
        this(table, columns, names, types, null);
    }

    /** As above, upserting by {@code conflict} (null for a plain insert). */
    public UnnestInsert(String table, List<String> columns, List<String> names, List<ColumnType> types, OnConflict conflict) {
        this.names = List.copyOf(names);
        this.types = List.copyOf(types);
        StringBuilder select = new StringBuilder();
        StringBuilder arrays = new StringBuilder();
        StringBuilder aliases = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            String sep = i == 0 ? "" : ", ";
            select.append(sep).append("u.c").append(i + 1).append("::").append(types.get(i).castType());
            arrays.append(sep).append('$').append(i + 1).append("::text[]");
            aliases.append(sep).append('c').append(i + 1);
        }
        String insert = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") SELECT " + select + " FROM unnest(" + arrays
                + ") AS u(" + aliases + ")";
        this.conflict = conflict;
        this.sql = conflict == null ? insert : OnConflict.counting(insert + conflict.clause(columns));
    }

    /** Rows inserted so far by an upserting load. */
    public long inserted() {
        return inserted;
    }

    /** Rows updated so far by an upserting load ({@code onConflict=update}). */
    public long updated() {
        return updated;
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
                try {
                    arrays[c][row] = PgText.format(set.get(c), types.get(c).oid());
                } catch (ValueException e) {
                    throw BatchLoader.badValue("Column " + names.get(c) + " (" + types.get(c).display() + "): " + e.getMessage());
                }
            }
        }
        if (conflict == null) {
            return session.executeChunk(sql, Arrays.asList((Object[]) arrays));
        }
        OnConflict.Written written = OnConflict.run(session, sql, Arrays.asList((Object[]) arrays));
        inserted += written.inserted();
        updated += written.updated();
        return written.inserted() + written.updated();
    }

    @Override
    public long writeOne(PgSession session, List<Object> set) {
        return write(session, List.of(set));
    }
}
