package dev.covet.pg;

import dev.covet.pg.client.PgSession;
import dev.covet.pg.sql.Identifiers;
import dev.covet.pg.types.ColumnType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The target of a bulk write: a checked table name and its chosen columns (all of them when
 * none are named), with their types read from the catalog.
 *
 * @param table   the table as SQL text
 * @param columns the columns as SQL text, in order
 * @param names   the columns as the server stores them (the keys of Map rows)
 * @param types   each column's type, as a bulk write needs it
 */
record TableColumns(String table, List<String> columns, List<String> names, List<ColumnType> types) {

    /**
     * @param table   checked SQL text of the table
     * @param columns checked SQL text of the columns, or null for all of the table's
     */
    static TableColumns resolve(PgSession session, String table, List<String> columns) {
        Map<String, ColumnType> all = session.columnTypes(table);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("Table " + table + " has no columns visible to this user");
        }
        if (columns == null) {
            List<String> quoted = new ArrayList<>();
            for (String name : all.keySet()) {
                // names from the catalog go through the same check: one with a quote inside is refused
                quoted.add(Identifiers.identifier('"' + name + '"', "columns", table));
            }
            return new TableColumns(table, quoted, new ArrayList<>(all.keySet()), new ArrayList<>(all.values()));
        }
        Map<String, ColumnType> chosen = new LinkedHashMap<>();
        for (String column : columns) {
            String name = Identifiers.name(column);
            ColumnType type = all.get(name);
            if (type == null) {
                throw new IllegalArgumentException("Table " + table + " has no column " + column + "; its columns are " + all.keySet());
            }
            chosen.put(name, type);
        }
        return new TableColumns(table, columns, new ArrayList<>(chosen.keySet()), new ArrayList<>(chosen.values()));
    }
}
