package dev.covet.pg.client;

import java.util.List;

/** A user's statement run once per parameter set: Bind/Execute for every set, one Sync per chunk. */
public final class PerSetStatement implements BatchLoader.ChunkStatement {

    private final String sql;

    public PerSetStatement(String sql) {
        this.sql = sql;
    }

    @Override
    public long write(PgSession session, List<List<Object>> chunk) {
        return session.executeBatch(sql, chunk);
    }

    @Override
    public long writeOne(PgSession session, List<Object> set) {
        return session.query(sql, set).rowCount();
    }
}
