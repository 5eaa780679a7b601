package dev.covet.pg.client;

import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** A user's statement run once per parameter set: Bind/Execute for every set, one Sync per chunk. */
public final class PerSetStatement implements BatchLoader.ChunkStatement {

    private final String sql;

    public PerSetStatement(String sql) {
        this.sql = sql;
    }

    @Override
    public long write(PgSession session, List<List<Object>> chunk) {
        List<Tuple> tuples = new ArrayList<>(chunk.size());
        for (List<Object> set : chunk) {
            tuples.add(TypeMapping.tuple(set));
        }
        return session.executeBatch(sql, tuples);
    }

    @Override
    public long writeOne(PgSession session, List<Object> set) {
        return session.query(sql, set).rowCount();
    }
}
