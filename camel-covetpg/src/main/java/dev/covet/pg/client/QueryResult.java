package dev.covet.pg.client;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.List;
import java.util.Map;

/**
 * What one statement returned. The rows become Java maps only when {@link #rows()} is first
 * called: on the route's thread, so a result of many rows is not converted on the Vert.x event
 * loop that received it, where it would hold up every other connection of that loop.
 */
public final class QueryResult {

    private final RowSet<Row> rowSet;
    private final long rowCount;
    private final int retries;
    private List<Map<String, Object>> rows;

    private QueryResult(RowSet<Row> rowSet, long rowCount, int retries) {
        this.rowSet = rowSet;
        this.rowCount = rowCount;
        this.retries = retries;
    }

    static QueryResult of(RowSet<Row> rowSet) {
        List<String> columns = rowSet.columnsNames();
        return new QueryResult(columns == null || columns.isEmpty() ? null : rowSet, rowSet.rowCount(), 0);
    }

    /** Whether the statement returns columns (a query, DML with RETURNING); false for DML without RETURNING and DDL. */
    public boolean hasRows() {
        return rowSet != null;
    }

    /** The rows in order, each a map in column order; null when the statement returns no columns. */
    public synchronized List<Map<String, Object>> rows() {
        if (rows == null && rowSet != null) {
            rows = TypeMapping.rows(rowSet);
        }
        return rows;
    }

    /** Rows returned by a query, or rows affected by DML (with or without RETURNING). */
    public long rowCount() {
        return rowCount;
    }

    /** How many times it was tried again after a failure that allowed it. */
    public int retries() {
        return retries;
    }

    /** The same result, got after {@code retries} retries. */
    QueryResult withRetries(int retries) {
        return new QueryResult(rowSet, rowCount, retries);
    }
}
