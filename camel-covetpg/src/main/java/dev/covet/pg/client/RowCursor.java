package dev.covet.pg.client;

import io.vertx.core.Future;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The rows of a query, fetched {@code fetchSize} at a time through a server-side cursor, so that
 * only one chunk is in memory. It holds a pooled connection and its transaction (PostgreSQL keeps
 * cursors only inside one), or runs in a route transaction's, until the last row is read or
 * {@link #close(boolean)} is called.
 *
 * <p>Reading blocks the reading thread while a chunk is fetched; it refuses to do so on an event loop.
 */
public final class RowCursor implements Iterator<Map<String, Object>>, AutoCloseable {

    private final PgClient client;
    private final java.util.function.Function<Boolean, Future<?>> finish;
    /** Cancels what runs on the cursor's connection and has it dropped (a read ran out of time). */
    private final Runnable abandon;
    private final long commandTimeout;
    private final PreparedStatement statement;
    private final Cursor cursor;
    private final int fetchSize;
    private final String what;
    private final ArrayDeque<Map<String, Object>> buffer = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean exhausted;
    private long rowsRead;

    /** @param finish ends what the cursor owns after it is closed (its transaction and connection), given commit or not */
    RowCursor(PgClient client, PreparedStatement statement, Cursor cursor, int fetchSize, long commandTimeout, String what,
              Runnable abandon, java.util.function.Function<Boolean, Future<?>> finish) {
        this.client = client;
        this.finish = finish;
        this.abandon = abandon;
        this.commandTimeout = commandTimeout;
        this.statement = statement;
        this.cursor = cursor;
        this.fetchSize = fetchSize;
        this.what = what;
    }

    @Override
    public boolean hasNext() {
        if (!buffer.isEmpty()) {
            return true;
        }
        if (exhausted) {
            return false;
        }
        if (closed.get()) {
            // an empty answer here would read as "no more rows": say that rows were cut off
            throw new IllegalStateException("The cursor over [" + what + "] was closed before its last row"
                    + " was read (its exchange completed or failed, or its transaction ended): read a StreamList body within its route,"
                    + " e.g. with split(body()).streaming()");
        }
        RowSet<Row> chunk;
        Future<RowSet<Row>> read = cursor.read(fetchSize);
        try {
            chunk = Await.result(read, commandTimeout, client.settings(), what);
        } catch (RuntimeException e) {
            if (Await.leftRunning(read, e)) {
                abandon.run(); // the fetch still runs on the server: stop it, and do not lend its connection again
            }
            close(false);
            throw e;
        }
        TypeMapping.Columns columns = chunk.size() == 0 ? null : TypeMapping.Columns.of(chunk.columnDescriptors());
        for (Row row : chunk) {
            buffer.add(TypeMapping.row(row, columns));
        }
        rowsRead += Math.max(1, chunk.size());
        if (buffer.isEmpty() || !cursor.hasMore()) {
            // the last chunk is in memory: give the connection back now, not when the route is done
            exhausted = true;
            close(true);
        }
        return !buffer.isEmpty();
    }

    @Override
    public Map<String, Object> next() {
        if (!hasNext()) {
            throw new NoSuchElementException("No more rows");
        }
        return buffer.poll();
    }

    /**
     * Closes the cursor and ends what it owns: its own transaction (commit when {@code commit},
     * else roll back) and connection; a route transaction's are left to the route. Safe to call more than once and from any thread.
     */
    public Future<Void> close(boolean commit) {
        if (!closed.compareAndSet(false, true)) {
            return Future.succeededFuture();
        }
        return cursor.close()
                .eventually(v -> statement.close())
                .eventually(v -> finish.apply(commit))
                .mapEmpty();
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        close(false);
    }
}
