package dev.covet.pg.client;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Runs a statement for every parameter set of a (possibly endless) iterator, {@code batchSize}
 * sets per round trip, on one held connection, in one of the {@link Mode}s.
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

    /** Where the batch's transaction comes from. */
    public enum Mode {
        /** One transaction of its own for the whole body: all or nothing. */
        WHOLE_BODY,
        /** One transaction per chunk: a failure keeps the chunks before it. */
        PER_CHUNK,
        /** Inside a transaction someone else owns (a route's): all or nothing within it, the outcome left to the owner. */
        JOINED
    }

    /**
     * The SQLSTATE of a value covetpg refused before sending it, because it cannot be written
     * exactly as its column's or parameter's type: invalid_parameter_value, as no server code fits
     * better, so that it is handled like the server's own refusals (the set is named, nothing is retried).
     */
    public static final String BAD_VALUE = "22023";

    private static final String CHUNK_SAVEPOINT = "covetpg_chunk";
    private static final String BATCH_SAVEPOINT = "covetpg_batch";

    /** A value of a set that cannot be written as its column's type (the message names no value). */
    static CovetPgException badValue(String message) {
        return new CovetPgException(message, null, BAD_VALUE, null, null, null, null, null, null);
    }

    private final PgSession session;
    private final ChunkStatement statement;
    private final int batchSize;
    private final Mode mode;

    public BatchLoader(PgSession session, ChunkStatement statement, int batchSize, Mode mode) {
        this.session = session;
        this.statement = statement;
        this.batchSize = batchSize;
        this.mode = mode;
    }

    /** Loads every set; returns rows affected in total. On failure nothing (or, PER_CHUNK, the chunks before) remains. */
    public long load(Iterator<List<Object>> sets) {
        long total = 0;
        long index = 0;
        if (mode == Mode.WHOLE_BODY) {
            session.begin();
        } else if (mode == Mode.JOINED) {
            // everything of this batch can be undone without ending the owner's transaction
            session.connection().query("SAVEPOINT " + BATCH_SAVEPOINT).execute();
        }
        boolean done = false;
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
            if (mode == Mode.WHOLE_BODY) {
                session.commit();
            }
            done = true;
            return total;
        } finally {
            if (!done) {
                try {
                    if (mode == Mode.JOINED) {
                        session.await(session.connection().query("ROLLBACK TO SAVEPOINT " + BATCH_SAVEPOINT).execute(), "undoing the batch");
                    } else if (session.inTransaction()) {
                        session.rollback();
                    }
                } catch (CovetPgException undo) {
                    // the connection is gone and the server rolls back on its own: the failure that got us here is the one to report
                }
            }
        }
    }

    private long writeChunk(List<List<Object>> chunk, long firstIndex, long committedBefore) {
        if (mode == Mode.PER_CHUNK) {
            session.begin();
        } else {
            // a savepoint lets us replay the chunk after a failure with the earlier chunks' rows in place;
            // it is pipelined with the chunk, so it costs no extra round trip
            session.connection().query("SAVEPOINT " + CHUNK_SAVEPOINT).execute();
        }
        try {
            long written = statement.write(session, chunk);
            if (mode == Mode.PER_CHUNK) {
                session.commit();
            } else {
                // pipelined with the next chunk: without it a body of many chunks stacks a subtransaction per chunk
                session.connection().query("RELEASE SAVEPOINT " + CHUNK_SAVEPOINT).execute();
            }
            return written;
        } catch (CovetPgException failure) {
            if (failure.getSqlState() == null) {
                throw failure; // the connection failed, not a row: nothing to replay
            }
            session.connection().query(mode == Mode.PER_CHUNK ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT " + CHUNK_SAVEPOINT).execute();
            if (mode == Mode.PER_CHUNK) {
                session.begin();
            }
            if (failure instanceof CovetPgTimeoutException) {
                // a limit ran out, no row was refused: replaying the chunk row by row would only run out again
                throw new CovetPgTimeoutException("Batch failed in parameter sets " + firstIndex + ".." + (firstIndex + chunk.size() - 1)
                        + ": " + failure.getMessage() + "; " + outcome(committedBefore), failure, failure.getSqlState());
            }
            throw locate(chunk, firstIndex, failure, committedBefore);
        }
    }

    private String outcome(long committedBefore) {
        return switch (mode) {
            case WHOLE_BODY -> "nothing was written (one transaction for the whole body)";
            case JOINED -> "nothing of this batch was written (undone inside the route's transaction)";
            case PER_CHUNK -> committedBefore + " row(s) from earlier chunks stay committed (transacted=false)";
        };
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
        return new CovetPgException("Batch failed " + where + ": " + cause.getMessage() + "; " + outcome(committedBefore), cause,
                cause.getSqlState(), cause.getDetail(), cause.getHint(), cause.getConstraint(), cause.getSchema(),
                cause.getTable(), cause.getColumn());
    }
}
