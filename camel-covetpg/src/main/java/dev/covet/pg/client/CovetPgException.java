package dev.covet.pg.client;

/**
 * What a route sees when PostgreSQL or the connection to it fails. It keeps the server's
 * diagnostic fields (SQLSTATE, detail, hint, constraint, schema, table, column) so that an
 * error handler can decide on them instead of parsing the message.
 */
public class CovetPgException extends RuntimeException {

    private final String sqlState;
    private final String detail;
    private final String hint;
    private final String constraint;
    private final String schema;
    private final String table;
    private final String column;
    /** Retries before this failure, said at the end of the message; 0 when it was not retried. */
    private final java.util.concurrent.atomic.AtomicInteger retries = new java.util.concurrent.atomic.AtomicInteger();

    public CovetPgException(String message, Throwable cause) {
        this(message, cause, null, null, null, null, null, null, null);
    }

    public CovetPgException(String message, Throwable cause, String sqlState, String detail, String hint,
                            String constraint, String schema, String table, String column) {
        super(message, cause);
        this.sqlState = sqlState;
        this.detail = detail;
        this.hint = hint;
        this.constraint = constraint;
        this.schema = schema;
        this.table = table;
        this.column = column;
    }

    /**
     * The message; when the operation was retried before it failed, it ends
     * {@code (gave up after n retries)}, whatever the kind of failure.
     */
    @Override
    public String getMessage() {
        int n = retries == null ? 0 : retries.get(); // null only while a subclass constructor runs
        String message = super.getMessage();
        return n == 0 ? message : message + " (gave up after " + n + (n == 1 ? " retry)" : " retries)");
    }

    /** How many times the operation was tried again before this failure ended it; 0 when it was not. */
    public int getRetries() {
        return retries.get();
    }

    /** Records that {@code count} more retries came before this failure (called by what retried, once it gives up). */
    void gaveUpAfter(int count) {
        if (count > 0) {
            retries.addAndGet(count);
        }
    }

    /** The five-character SQLSTATE the server reported, or null when the failure was not the server's. */
    public String getSqlState() {
        return sqlState;
    }

    public String getDetail() {
        return detail;
    }

    public String getHint() {
        return hint;
    }

    public String getConstraint() {
        return constraint;
    }

    public String getSchema() {
        return schema;
    }

    public String getTable() {
        return table;
    }

    public String getColumn() {
        return column;
    }
}
