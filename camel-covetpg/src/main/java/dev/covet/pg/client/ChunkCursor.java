package dev.covet.pg.client;

import io.vertx.core.Future;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

/**
 * A query read chunk by chunk through a server-side cursor on a session's connection (inside
 * its transaction), for a consumer that routes one chunk at a time. It reads {@code ahead}
 * chunks beyond the one returned, no more: that bounds memory, and the first of them tells
 * whether the returned chunk is the last.
 */
public final class ChunkCursor implements AutoCloseable {

    /** One chunk of rows, and whether no row comes after it. */
    public record Chunk(List<Map<String, Object>> rows, boolean last) {
    }

    private final PgSession session;
    private final PreparedStatement statement;
    private final Cursor cursor;
    private final int chunkSize;
    private final int ahead;
    private final ArrayDeque<Future<RowSet<Row>>> reads = new ArrayDeque<>();
    private Future<RowSet<Row>> lastIssued;

    ChunkCursor(PgSession session, PreparedStatement statement, Cursor cursor, int chunkSize, int ahead) {
        this.session = session;
        this.statement = statement;
        this.cursor = cursor;
        this.chunkSize = chunkSize;
        this.ahead = ahead;
    }

    /** The next chunk, or null when every row has been returned. Blocks while it is fetched. */
    public Chunk next() {
        fill(1);
        RowSet<Row> current = session.await(reads.poll(), "fetching the next chunk");
        if (current == null || current.size() == 0) {
            return null;
        }
        List<Map<String, Object>> rows = TypeMapping.rows(current);
        fill(ahead);
        RowSet<Row> following = session.await(reads.peek(), "fetching the next chunk");
        return new Chunk(rows, following == null || following.size() == 0);
    }

    /** Issues reads until {@code target} are queued; each starts when the one before it ended with rows to spare. */
    private void fill(int target) {
        while (reads.size() < target) {
            Future<RowSet<Row>> read = lastIssued == null ? cursor.read(chunkSize)
                    : lastIssued.compose(previous -> previous == null || previous.size() == 0 || !cursor.hasMore()
                            ? Future.succeededFuture(null) : cursor.read(chunkSize));
            reads.add(read);
            lastIssued = read;
        }
    }

    @Override
    public void close() {
        try {
            session.await(cursor.close().eventually(v -> statement.close()), "closing the cursor");
        } catch (RuntimeException e) {
            // the transaction ends next, which closes the cursor anyway
        }
    }
}
