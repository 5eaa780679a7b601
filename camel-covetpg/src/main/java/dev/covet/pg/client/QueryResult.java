package dev.covet.pg.client;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.List;
import java.util.Map;

/**
 * What one statement returned.
 *
 * @param rows     the rows, or null when the statement returns no columns (DML without RETURNING, DDL)
 * @param rowCount rows returned by a query, or rows affected by DML (with or without RETURNING)
 * @param retries  how many times it was tried again after a failure that allowed it
 */
public record QueryResult(List<Map<String, Object>> rows, long rowCount, int retries) {

    public QueryResult(List<Map<String, Object>> rows, long rowCount) {
        this(rows, rowCount, 0);
    }

    /** The same result, got after {@code retries} retries. */
    QueryResult withRetries(int retries) {
        return new QueryResult(rows, rowCount, retries);
    }

    public boolean hasRows() {
        return rows != null;
    }

    static QueryResult of(RowSet<Row> rowSet) {
        List<String> columns = rowSet.columnsNames();
        if (columns == null || columns.isEmpty()) {
            return new QueryResult(null, rowSet.rowCount());
        }
        return new QueryResult(TypeMapping.rows(rowSet), rowSet.rowCount());
    }
}
