package dev.covet.pg.tx;

/** PostgreSQL's transaction isolation levels (READ UNCOMMITTED behaves as READ COMMITTED there). */
public enum IsolationLevel {
    READ_COMMITTED("READ COMMITTED"),
    REPEATABLE_READ("REPEATABLE READ"),
    SERIALIZABLE("SERIALIZABLE");

    private final String sql;

    IsolationLevel(String sql) {
        this.sql = sql;
    }

    /** As written after ISOLATION LEVEL. */
    public String sql() {
        return sql;
    }
}
