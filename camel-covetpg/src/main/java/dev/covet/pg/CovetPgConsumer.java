package dev.covet.pg;

import dev.covet.pg.client.ChannelListener;
import dev.covet.pg.client.ChunkCursor;
import dev.covet.pg.client.CovetPgException;
import dev.covet.pg.client.PgClient;
import dev.covet.pg.client.PgSession;
import dev.covet.pg.client.QueryResult;
import dev.covet.pg.client.StatementOptions;
import dev.covet.pg.sql.NamedParameters;
import dev.covet.pg.sql.ParsedSql;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.spi.ShutdownAware;
import org.apache.camel.support.ScheduledPollConsumer;

/**
 * {@code from("covetpg:query?sql=...")}: every poll streams the query's result through a
 * server-side cursor and routes it chunk by chunk (or row by row), waiting for each exchange
 * before the next: a slow route slows the reading, so memory holds a chunk or two, never the
 * table. With {@code skipLocked}, each chunk is instead claimed with {@code FOR UPDATE SKIP
 * LOCKED} in a transaction of its own that commits with the exchange, so several consumers can
 * share one table.
 *
 * <p>A failed exchange ends the poll (after {@code onConsumeFailed}); the cursor and its
 * connection are released, and the next poll, after the scheduler's delay and backoff, tries
 * again. Stopping the route lets the chunk in flight finish, then ends the poll the same way.
 *
 * <p>With {@code wakeOn}, a notification on one of its channels starts a poll at once, on a
 * thread of the consumer's own; polls on notification and on delay take turns, never overlap.
 */
public class CovetPgConsumer extends ScheduledPollConsumer implements ShutdownAware {

    /** Set when Camel starts shutting the route down: the chunk in flight finishes, no new one starts. */
    private volatile boolean shutdownPending;

    private ParsedSql query;
    /** With skipLocked: the statement that claims a chunk. */
    private String claim;
    private List<Object> queryParams;
    private ParsedSql onConsume;
    private ParsedSql onConsumeFailed;
    private ParsedSql onConsumeBatchComplete;
    private StatementOptions options;

    /** One poll at a time: the scheduled one or one woken by a notification. */
    private final ReentrantLock polling = new ReentrantLock();
    /** With wakeOn: the listener, and the thread that polls when it hears something. */
    private ChannelListener wakeListener;
    private ExecutorService waker;
    private volatile boolean waking;
    /** Set when the listener LISTENs again after a reconnect: what was written meanwhile was not announced. */
    private final AtomicBoolean wakeAsked = new AtomicBoolean();

    public CovetPgConsumer(CovetPgEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public CovetPgEndpoint getEndpoint() {
        return (CovetPgEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        CovetPgEndpoint e = getEndpoint();
        if (e.getSql() == null || e.getSql().isBlank()) {
            throw new IllegalArgumentException("from(\"covetpg:query\") needs the sql option");
        }
        if (e.getChunkSize() < 1) {
            throw new IllegalArgumentException("Invalid chunkSize '" + e.getChunkSize() + "': must be 1 or more");
        }
        if (e.getMaxInflightChunks() < 1 || e.getMaxInflightChunks() > 16) {
            throw new IllegalArgumentException("Invalid maxInflightChunks '" + e.getMaxInflightChunks() + "': must be between 1 and 16");
        }
        options = e.statementOptions();
        query = NamedParameters.parse(e.getSql());
        if (query.positionalCount() > 0 && !query.hasNamedParameters()) {
            throw new IllegalArgumentException("The consumer's sql uses $n parameters; name them (:#name) and set parameters.name=value");
        }
        queryParams = new ArrayList<>();
        for (String name : query.names()) {
            if (!e.getParameters().containsKey(name)) {
                throw new IllegalArgumentException("The consumer's sql uses :#" + name + " but no parameters." + name + " is set; set it, e.g. parameters."
                        + name + "=value");
            }
            queryParams.add(e.getParameters().get(name));
        }
        if (e.isSkipLocked()) {
            claim = claim(e);
        }
        onConsume = parseOptional(e.getOnConsume());
        onConsumeFailed = parseOptional(e.getOnConsumeFailed());
        onConsumeBatchComplete = parseOptional(e.getOnConsumeBatchComplete());
        boolean separateConnection = !e.isSkipLocked() && (onConsume != null || onConsumeFailed != null || onConsumeBatchComplete != null);
        if (separateConnection && e.getComponent().getConfiguration().getMaxPoolSize() < 2) {
            throw new IllegalArgumentException("onConsume statements run on a second connection while the cursor holds the first:"
                    + " maxPoolSize must be 2 or more (or use skipLocked=true, where they join the chunk's transaction)");
        }
        if (e.getChannel() != null) {
            throw new IllegalArgumentException("channel is an option of covetpg:listen; to poll when a notification comes, use wakeOn="
                    + e.getChannel());
        }
        if (e.getWakeOn() == null && e.listeningOption() != null) {
            throw new IllegalArgumentException(e.listeningOption() + " is an option of wakeOn (or covetpg:listen); without wakeOn the consumer"
                    + " listens to nothing and would ignore it");
        }
        if (e.getWakeOn() != null && e.getRepeatCount() > 0) {
            throw new IllegalArgumentException("repeatCount=" + e.getRepeatCount() + " with wakeOn: every notification starts a poll, which"
                    + " repeatCount does not count; use one or the other");
        }
        shutdownPending = false;
        if (e.getWakeOn() != null) {
            startWaking(e); // first: a consumer whose listener cannot start must not have polled
        }
        try {
            super.doStart();
        } catch (Exception failed) {
            stopWaking();
            throw failed;
        }
    }

    /** Listens on the wakeOn channels and polls at once when something comes, or when the listener is back after a reconnect. */
    private void startWaking(CovetPgEndpoint e) {
        wakeAsked.set(false);
        ChannelListener listener = e.listen(e.getWakeOn(), "wakeOn", () -> wakeAsked.set(true));
        wakeListener = listener;
        waking = true;
        waker = e.getCamelContext().getExecutorServiceManager().newSingleThreadExecutor(this, "CovetPgWakeOn" + listener.channels());
        waker.execute(() -> pollWhenWoken(listener));
    }

    /** The waker thread: until the consumer stops; nothing a route step or a poll does ends it. */
    private void pollWhenWoken(ChannelListener listener) {
        while (waking) {
            try {
                if (listener.poll(100, TimeUnit.MILLISECONDS) == null && !wakeAsked.getAndSet(false)) {
                    continue;
                }
            } catch (InterruptedException e) {
                if (!waking) {
                    Thread.currentThread().interrupt();
                    return;
                }
                continue; // a route step left the interrupt flag set (now cleared): not a reason to stop waking
            }
            listener.drain(); // a burst of notifications is one poll: it reads everything committed before it began
            if (!mayGoOn()) {
                wakeAsked.set(true); // suspended (or stopping): the poll is owed, and comes after a resume
                continue;
            }
            try {
                poll();
            } catch (Exception | Error ex) {
                getExceptionHandler().handleException("covetpg consumer: the poll woken by a notification on " + listener.channels()
                        + " failed; the next notification or the next delay polls again", ex);
            }
        }
    }

    @Override
    protected void doStop() throws Exception {
        try {
            stopWaking();
        } finally {
            super.doStop();
        }
    }

    private void stopWaking() {
        waking = false;
        if (wakeListener != null) {
            wakeListener.close();
            wakeListener = null;
        }
        if (waker != null) {
            // the poll in flight, if any, ends as the scheduled one does (at the next chunk); past the await time it is interrupted
            var executors = getEndpoint().getCamelContext().getExecutorServiceManager();
            executors.shutdownGraceful(waker, executors.getShutdownAwaitTermination());
            waker = null;
        }
    }

    /** With wakeOn: notifications heard and not yet turned into a poll (0 without wakeOn). */
    public int getPendingNotifications() {
        ChannelListener l = wakeListener;
        return l == null ? 0 : l.pending();
    }

    /**
     * The statement that claims a chunk: the user's query as a subquery, so that nothing in it (a
     * trailing {@code -- comment}, a ';', its own LIMIT or FOR UPDATE) can cut the claim off. It is
     * prepared at start, so a query that cannot be claimed (a UNION, an aggregate) fails there.
     */
    private String claim(CovetPgEndpoint e) {
        String claim;
        try {
            claim = "SELECT * FROM (\n" + query.asSubquery() + "\n) AS covetpg_claim LIMIT " + e.getChunkSize() + " FOR UPDATE SKIP LOCKED";
        } catch (IllegalArgumentException several) {
            throw new IllegalArgumentException("The consumer's sql with skipLocked=true must be one query: " + several.getMessage(), several);
        }
        try (PgSession session = e.getComponent().client().openSession(e.getComponent().client().settings().commandTimeout())) {
            session.prepareOnly(claim);
        } catch (CovetPgException refused) {
            throw new IllegalArgumentException("The consumer's sql cannot be claimed chunk by chunk with FOR UPDATE SKIP LOCKED"
                    + " (skipLocked=true): " + refused.getMessage(), refused);
        }
        return claim;
    }

    private boolean mayGoOn() {
        // a graceful stop suspends the consumer first (isRunAllowed is still true then), and waits for the chunk in flight
        return isRunAllowed() && !isSuspendingOrSuspended() && !shutdownPending;
    }

    @Override
    public boolean deferShutdown(ShutdownRunningTask shutdownRunningTask) {
        return false;
    }

    @Override
    public int getPendingExchangesSize() {
        return 0;
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        // a suspension (suspendRoute) comes here too; isSuspendingOrSuspended() covers it, and it ends with a resume
        shutdownPending = !suspendOnly;
    }

    @Override
    protected void doResume() throws Exception {
        shutdownPending = false;
        super.doResume();
    }

    private static ParsedSql parseOptional(String sql) {
        if (sql == null || sql.isBlank()) {
            return null;
        }
        ParsedSql parsed = NamedParameters.parse(sql);
        if (parsed.positionalCount() > 0 && !parsed.hasNamedParameters()) {
            throw new IllegalArgumentException("onConsume statements take :#column parameters from the row, not $n: " + sql);
        }
        return parsed;
    }

    @Override
    protected int poll() throws Exception {
        polling.lockInterruptibly();
        try {
            return pollOnce();
        } finally {
            polling.unlock();
        }
    }

    private int pollOnce() throws Exception {
        PgClient client = getEndpoint().getComponent().client();
        // claiming rows writes; a cursor only reads
        StatementOptions where = getEndpoint().isSkipLocked() ? options.onPrimary() : options;
        try (PgSession session = client.openSession(where.commandTimeout(), where.readFrom()).usedBy(where.origin())) {
            session.limitStatements(where.ownQueryTimeout());
            return getEndpoint().isSkipLocked() ? pollClaiming(client, session) : pollCursor(client, session);
        }
    }

    /** The whole result through one cursor, in a read-only transaction. */
    private int pollCursor(PgClient client, PgSession session) throws Exception {
        CovetPgEndpoint e = getEndpoint();
        session.beginReadOnly();
        Progress progress = new Progress();
        try (ChunkCursor cursor = session.openCursor(query.sql(), queryParams, e.getChunkSize(), e.getMaxInflightChunks())) {
            ChunkCursor.Chunk chunk;
            while ((chunk = cursor.next()) != null) {
                boolean ok = route(chunk.rows(), chunk.last(), progress, sets -> client.await(client.executeBatch(sets.sql(), sets.values(), options.origin()),
                        "running onConsume"));
                if (!ok || !mayGoOn()) {
                    return progress.exchanges;
                }
            }
        } finally {
            session.rollback(); // read-only: nothing to keep, and it ends the cursor
        }
        finishPoll(progress, sets -> client.await(client.executeBatch(sets.sql(), sets.values(), options.origin()), "running onConsumeBatchComplete"));
        return progress.exchanges;
    }

    /** Chunk after chunk claimed with FOR UPDATE SKIP LOCKED, each in its own transaction. */
    private int pollClaiming(PgClient client, PgSession session) throws Exception {
        CovetPgEndpoint e = getEndpoint();
        Progress progress = new Progress();
        while (mayGoOn()) {
            session.begin();
            boolean ok = false;
            // onConsumeFailed cannot join the claim: the claim rolls back when an exchange fails, and would
            // undo it with it, so a row that always fails would come back for ever. It runs after, and commits.
            List<Statements> afterRollback = new ArrayList<>();
            try {
                QueryResult result = session.query(claim, queryParams);
                List<Map<String, Object>> rows = result.rows();
                if (rows.isEmpty()) {
                    session.commit();
                    break;
                }
                ok = route(rows, rows.size() < e.getChunkSize(), progress, sets -> {
                    if (onConsumeFailed != null && sets.sql().equals(onConsumeFailed.sql())) {
                        afterRollback.add(sets);
                    } else {
                        batchOnSession(session, sets);
                    }
                });
                if (ok) {
                    session.commit();
                }
                if (!ok || rows.size() < e.getChunkSize()) {
                    break;
                }
            } finally {
                if (session.inTransaction()) {
                    session.rollback(); // the claim is released: another consumer, or the next poll, takes the rows
                }
                if (!afterRollback.isEmpty()) {
                    session.begin();
                    afterRollback.forEach(sets -> batchOnSession(session, sets));
                    session.commit();
                }
            }
        }
        finishPoll(progress, sets -> batchOnSession(session, sets));
        return progress.exchanges;
    }

    private static long batchOnSession(PgSession session, Statements sets) {
        return session.executeBatch(sets.sql(), sets.values());
    }

    /** Routes a chunk (or its rows); runs onConsume or onConsumeFailed; false when an exchange failed. */
    private boolean route(List<Map<String, Object>> rows, boolean lastChunk, Progress progress, StatementRunner runner) throws Exception {
        if (getEndpoint().isSplitRows()) {
            for (int i = 0; i < rows.size() && mayGoOn(); i++) {
                Map<String, Object> row = rows.get(i);
                progress.rows++;
                boolean last = lastChunk && i == rows.size() - 1;
                if (!routeOne(row, List.of(row), last, progress, runner)) {
                    return false;
                }
            }
            progress.chunks++;
            return true;
        }
        progress.rows += rows.size();
        boolean ok = routeOne(rows, rows, lastChunk, progress, runner);
        progress.chunks++;
        return ok;
    }

    private boolean routeOne(Object body, List<Map<String, Object>> rows, boolean last, Progress progress, StatementRunner runner)
            throws Exception {
        Exchange exchange = createExchange(false);
        try {
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeader(CovetPgConstants.CHUNK_INDEX, progress.chunks);
            exchange.getMessage().setHeader(CovetPgConstants.ROWS_SO_FAR, progress.rows);
            exchange.getMessage().setHeader(CovetPgConstants.LAST_CHUNK, last);
            exchange.setProperty(Exchange.BATCH_INDEX, progress.exchanges);
            exchange.setProperty(Exchange.BATCH_COMPLETE, last);
            progress.exchanges++;
            try {
                getProcessor().process(exchange);
            } catch (Exception ex) {
                exchange.setException(ex);
            }
            if (exchange.getException() != null) {
                progress.failed = true;
                if (onConsumeFailed != null && !rows.isEmpty()) {
                    runner.run(statements(onConsumeFailed, rows));
                }
                getExceptionHandler().handleException("covetpg consumer: the route failed on chunk " + progress.chunks
                        + "; this poll stops here and the next one tries again", exchange, exchange.getException());
                return false;
            }
            if (onConsume != null && !rows.isEmpty()) {
                runner.run(statements(onConsume, rows));
            }
            return true;
        } finally {
            releaseExchange(exchange, false);
        }
    }

    private void finishPoll(Progress progress, StatementRunner runner) throws Exception {
        if (progress.failed) {
            return;
        }
        if (progress.exchanges == 0 && getEndpoint().isRouteEmptyResultSet() && mayGoOn()) {
            routeOne(new ArrayList<Map<String, Object>>(), List.of(), true, progress, runner);
        }
        if (!progress.failed && onConsumeBatchComplete != null && mayGoOn()) {
            runner.run(new Statements(onConsumeBatchComplete.sql(), List.of(List.of())));
        }
    }

    /** A statement with one parameter set per row, :#column values taken from the row. */
    private static Statements statements(ParsedSql sql, List<Map<String, Object>> rows) {
        List<List<Object>> sets = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            List<Object> values = new ArrayList<>(sql.names().size());
            for (String name : sql.names()) {
                if (!row.containsKey(name)) {
                    throw new IllegalArgumentException("The statement uses :#" + name + " but the row has no such column; its columns are "
                            + row.keySet());
                }
                values.add(row.get(name));
            }
            sets.add(values);
        }
        return new Statements(sql.sql(), sets);
    }

    private record Statements(String sql, List<List<Object>> values) {
    }

    @FunctionalInterface
    private interface StatementRunner {
        void run(Statements statements) throws Exception;
    }

    /** What a poll has done so far. */
    private static final class Progress {
        long chunks;
        long rows;
        int exchanges;
        boolean failed;
    }
}
