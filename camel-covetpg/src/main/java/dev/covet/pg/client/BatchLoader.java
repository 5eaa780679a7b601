package dev.covet.pg.client;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Runs a statement for every parameter set of a (possibly endless) iterator, {@code batchSize}
 * sets per round trip, on one held connection. All-or-nothing by default (one transaction for
 * everything); with {@code transacted=false} each chunk commits on its own.
 *
 * <p>When a chunk fails, its sets are replayed one by one (inside the same transaction, after a
 * savepoint, or in a transaction that is rolled back) to find the exact set the server refused,
 * so the exception can name it.
 */
public final class BatchLoader {

    /** How one chunk of parameter sets becomes statements. */
    public interface ChunkStatement {
        /** Writes the sets in one round trip; returns rows affected. */
        long write(PgSession session, List<List<Object>> chunk);

        /** Writes one set (used to find the one that fails). */
        long writeOne(PgSession session, List<Object> set);
    }

    private static final String SAVEPOINT = "covetpg_chunk";

    private final PgSession session;
    private final ChunkStatement statement;
    private final int batchSize;
    private final boolean transacted;

    public BatchLoader(PgSession session, ChunkStatement statement, int batchSize, boolean transacted) {
        this.session = session;
        this.statement = statement;
        this.batchSize = batchSize;
        this.transacted = transacted;
    }

    /** Loads every set; returns rows affected in total. On failure nothing (transacted) or the chunks before (not) remain. */
    public long load(Iterator<List<Object>> sets) {
        long total = 0;
        long index = 0;
        if (transacted) {
            session.begin();
        }
        try {
            List<List<Object>> chunk = new ArrayList<>(batchSize);
            while (true) {
                chunk.clear();
                while (chunk.size() < batchSize && sets.hasNext()) {
                    chunk.add(sets.next());
                }
                if (chunk.isEmpty()) {
                    break;
                }
                total += writeChunk(chunk, index, total);
                index += chunk.size();
            }
            if (transacted) {
                session.commit();
            }
            return total;
        } finally {
            if (session.inTransaction()) {
                session.rollback();
            }
        }
    }

    private long writeChunk(List<List<Object>> chunk, long firstIndex, long committedBefore) {
        if (transacted) {
            // a savepoint lets us replay the chunk after a failure with the earlier chunks' rows in place;
            // it is pipelined with the chunk, so it costs no extra round trip
            session.connection().query("SAVEPOINT " + SAVEPOINT).execute();
        } else {
            session.begin();
        }
        try {
            long written = statement.write(session, chunk);
            if (!transacted) {
                session.commit();
            }
            return written;
        } catch (CovetPgException failure) {
            if (failure.getSqlState() == null) {
                throw failure; // the connection failed, not a row: nothing to replay
            }
            session.connection().query(transacted ? "ROLLBACK TO SAVEPOINT " + SAVEPOINT : "ROLLBACK").execute();
            if (!transacted) {
                session.begin();
            }
            throw locate(chunk, firstIndex, failure, committedBefore);
        }
    }

    /** Replays the chunk set by set until the server refuses one, and names it. */
    private CovetPgException locate(List<List<Object>> chunk, long firstIndex, CovetPgException chunkFailure, long committedBefore) {
        CovetPgException cause = chunkFailure;
        long failedAt = -1;
        for (int i = 0; i < chunk.size(); i++) {
            try {
                statement.writeOne(session, chunk.get(i));
            } catch (CovetPgException e) {
                cause = e;
                failedAt = firstIndex + i;
                break;
            }
        }
        String where = failedAt >= 0 ? "at parameter set " + failedAt + " (counting from 0)"
                : "in parameter sets " + firstIndex + ".." + (firstIndex + chunk.size() - 1);
        String outcome = transacted ? "nothing was written (one transaction for the whole body)"
                : committedBefore + " row(s) from earlier chunks stay committed (transacted=false)";
        return new CovetPgException("Batch failed " + where + ": " + cause.getMessage() + "; " + outcome, cause,
                cause.getSqlState(), cause.getDetail(), cause.getHint(), cause.getConstraint(), cause.getSchema(),
                cause.getTable(), cause.getColumn());
    }
}
