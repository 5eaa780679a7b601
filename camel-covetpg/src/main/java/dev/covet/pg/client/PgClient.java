package dev.covet.pg.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pooled PostgreSQL client under one component instance: it builds the Vert.x pool, opens
 * {@code minPoolSize} connections at start, lends connections for one operation at a time,
 * enforces the time limits and counts what the pool does. Nothing here blocks; results complete
 * on a Vert.x event loop and callers move off it themselves.
 */
public final class PgClient {

    private final Vertx vertx;
    private final ClientSettings settings;
    private final String name;
    private Pool pool;
    private final SlowQueryLog slowQueries;
    private final PoolWarnings poolWarnings;
    private long poolWarningTimer = -1;
    private volatile OperationListener listener;

    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong acquired = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();

    public PgClient(Vertx vertx, ClientSettings settings, String name) {
        this.vertx = vertx;
        this.settings = settings;
        this.name = name;
        this.slowQueries = new SlowQueryLog(settings.monitor().slowQueryThreshold(), settings.target());
        this.poolWarnings = new PoolWarnings(this::statistics, settings.monitor(), settings.target());
    }

    public ClientSettings settings() {
        return settings;
    }

    /** Builds the pool and opens {@code minPoolSize} connections, each checked with a round trip. */
    public Future<Void> start() {
        pool = PgBuilder.pool()
                .with(PgOptionsFactory.poolOptions(settings, name))
                .connectingTo(PgOptionsFactory.connectOptions(settings))
                .using(vertx)
                .build();
        List<Future<Lease>> opened = new ArrayList<>();
        for (int i = 0; i < settings.minPoolSize(); i++) {
            opened.add(acquire().compose(lease -> lease.connection().query("SELECT 1").execute()
                    .map(rows -> lease)
                    .onFailure(e -> lease.release())));
        }
        // join, not all: every connection that did open must be given back before we report
        return Future.join(opened).transform(ar -> {
            opened.stream().filter(Future::succeeded).forEach(f -> f.result().release());
            if (ar.failed()) {
                Throwable first = opened.stream().filter(Future::failed).findFirst().map(Future::cause).orElse(ar.cause());
                return Future.failedFuture(PgErrors.translate(first, settings, "opening minPoolSize="
                        + settings.minPoolSize() + " connections"));
            }
            if (poolWarnings.enabled()) {
                // from here on: opening minPoolSize connections at start counts as waiting, and is no warning
                poolWarningTimer = vertx.setPeriodic(poolWarnings.samplePeriodMillis(), id -> poolWarnings.sample(System.nanoTime()));
            }
            return Future.succeededFuture();
        });
    }

    /**
     * Runs one statement with bound parameters on a pooled connection.
     *
     * @param queryTimeout the statement's limit in ms when it differs from the component's, or -1
     * @param commandTimeout the limit in ms on the whole operation (0 for none)
     */
    public Future<QueryResult> query(String sql, List<?> params, long queryTimeout, long commandTimeout) {
        return query(sql, params, queryTimeout, commandTimeout, null);
    }

    /**
     * As {@link #query(String, List, long, long)}, on the connection of {@code session} when one
     * is given (a route transaction's), which then stays held; else on a connection from the pool.
     */
    public Future<QueryResult> query(String sql, List<?> params, long queryTimeout, long commandTimeout, PgSession session) {
        return query(sql, params, queryTimeout, commandTimeout, session, null);
    }

    /** As above; {@code origin} names the endpoint for the slow-query log. */
    public Future<QueryResult> query(String sql, List<?> params, long queryTimeout, long commandTimeout, PgSession session,
                                     String origin) {
        Tuple tuple = TypeMapping.tuple(params);
        // the description is for messages only: built when something fails, not on every query
        Promise<QueryResult> result = Promise.promise();
        AtomicReference<Lease> held = new AtomicReference<>();
        long timer = commandTimeout > 0 ? vertx.setTimer(commandTimeout, id -> {
            if (result.tryFail(new CovetPgTimeoutException("The operation did not finish within commandTimeout="
                    + commandTimeout + "ms while " + describe(sql, queryTimeout) + " (pool: " + statistics() + ")", null, null))) {
                Lease lease = held.get();
                if (lease != null) {
                    // stop the statement on the server; its failure then gives the connection back
                    lease.cancel();
                }
            }
        }) : -1;
        (session != null ? Future.succeededFuture(session.lease()) : acquire())
                .compose(lease -> {
                    held.set(lease);
                    if (result.future().isComplete()) {
                        if (session == null) {
                            lease.release();
                        }
                        return Future.failedFuture("commandTimeout");
                    }
                    Future<RowSet<Row>> executed = timed("query", origin, sql, () -> execute(lease.connection(), sql, tuple, queryTimeout));
                    return session != null ? executed : executed.eventually(v -> lease.release());
                })
                .onComplete(ar -> {
                    if (timer >= 0) {
                        vertx.cancelTimer(timer);
                    }
                    if (ar.succeeded()) {
                        result.tryComplete(QueryResult.of(ar.result()));
                    } else {
                        result.tryFail(PgErrors.translate(ar.cause(), settings, describe(sql, queryTimeout)));
                    }
                });
        return result.future();
    }

    private Future<RowSet<Row>> execute(SqlConnection connection, String sql, Tuple tuple, long queryTimeout) {
        if (queryTimeout < 0 || queryTimeout == settings.queryTimeout()) {
            return connection.preparedQuery(sql).execute(tuple);
        }
        // A per-endpoint limit: set it for this statement only. The three commands are pipelined on
        // the connection, and the reset runs even when the statement fails (each has its own Sync).
        Future<RowSet<Row>> set = connection.query("SET statement_timeout = " + queryTimeout).execute();
        Future<RowSet<Row>> statement = connection.preparedQuery(sql).execute(tuple);
        Future<RowSet<Row>> reset = connection.query("RESET statement_timeout").execute();
        return Future.join(set, statement, reset).transform(ar -> {
            if (set.failed()) {
                return set;
            }
            return statement.failed() ? statement : reset.map(statement.result());
        });
    }

    /**
     * Opens a cursor over a query inside a transaction, for reading it chunk by chunk. The
     * connection stays lent to the returned {@link RowCursor} until it is exhausted or closed.
     */
    public Future<RowCursor> openCursor(String sql, List<?> params, int fetchSize) {
        return openCursor(sql, params, fetchSize, null);
    }

    /**
     * As {@link #openCursor(String, List, int)}; with a {@code session} (a route transaction's)
     * the cursor lives in its transaction on its connection, and closing it leaves both alone.
     */
    public Future<RowCursor> openCursor(String sql, List<?> params, int fetchSize, PgSession session) {
        return openCursor(sql, params, fetchSize, session, null);
    }

    /** As above; {@code origin} names the endpoint for the slow-query log. */
    public Future<RowCursor> openCursor(String sql, List<?> params, int fetchSize, PgSession session, String origin) {
        Tuple tuple = TypeMapping.tuple(params);
        String what = describe(sql, -1);
        Future<RowCursor> opened;
        if (session != null) {
            SqlConnection connection = session.lease().connection();
            opened = timed("cursor open", origin, sql, () -> connection.prepare(sql)).map(ps -> new RowCursor(this, ps, ps.cursor(tuple), fetchSize, what,
                    commit -> Future.succeededFuture()));
        } else {
            opened = acquire().compose(lease -> lease.connection().begin()
                    .compose(tx -> timed("cursor open", origin, sql, () -> lease.connection().prepare(sql))
                            .map(ps -> new RowCursor(this, ps, ps.cursor(tuple), fetchSize, what,
                                    // the cursor's own transaction and connection end with it
                                    commit -> (commit ? tx.commit() : tx.rollback()).eventually(v -> lease.release())))
                            .onFailure(e -> tx.rollback()))
                    .onFailure(e -> lease.release()));
        }
        return opened.transform(ar -> ar.succeeded() ? Future.succeededFuture(ar.result())
                : Future.failedFuture(PgErrors.translate(ar.cause(), settings, what)));
    }

    /**
     * Runs a statement once per parameter set on a pooled connection, in one round trip, in
     * autocommit; returns rows affected.
     */
    public Future<Long> executeBatch(String sql, List<List<Object>> sets, String origin) {
        List<Tuple> tuples = new ArrayList<>(sets.size());
        sets.forEach(set -> tuples.add(TypeMapping.tuple(set)));
        return acquire().compose(lease -> timed("batch", origin, sql, () -> lease.connection().preparedQuery(sql).executeBatch(tuples))
                        .eventually(v -> lease.release()))
                .transform(ar -> {
                    if (ar.failed()) {
                        return Future.failedFuture(PgErrors.translate(ar.cause(), settings, describe(sql, -1)));
                    }
                    long total = 0;
                    for (RowSet<Row> r = ar.result(); r != null; r = r.next()) {
                        total += r.rowCount();
                    }
                    return Future.succeededFuture(total);
                });
    }

    /**
     * Holds a pooled connection for a bulk operation run from the calling thread (not an event
     * loop), waiting at most {@code commandTimeout} ms (0: {@code acquireTimeout} alone) for it.
     */
    public PgSession openSession(long commandTimeout) {
        Future<Lease> pending = acquire();
        try {
            return new PgSession(this, Await.result(pending, commandTimeout, settings, "waiting for a connection"), commandTimeout);
        } catch (RuntimeException e) {
            pending.onSuccess(Lease::release); // it may still come, after we stopped waiting
            throw e;
        }
    }

    private Future<Lease> acquire() {
        waiting.incrementAndGet();
        long asked = System.nanoTime();
        return pool.getConnection().transform(ar -> {
            waiting.decrementAndGet();
            OperationListener l = listener;
            if (l != null) {
                l.acquired(ar.succeeded(), System.nanoTime() - asked);
            }
            if (ar.failed()) {
                if (PgErrors.translate(ar.cause(), settings, "waiting for a connection") instanceof CovetPgPoolExhaustedException) {
                    timeouts.incrementAndGet();
                }
                return Future.failedFuture(ar.cause());
            }
            inUse.incrementAndGet();
            acquired.incrementAndGet();
            return Future.succeededFuture(new Lease(ar.result()));
        });
    }

    /** Waits on the caller's thread (never an event loop) for a future of this client, at most commandTimeout. */
    public <T> T await(Future<T> future, String what) {
        return Await.result(future, settings.commandTimeout(), settings, what);
    }

    public PoolStatistics statistics() {
        if (pool == null) {
            return new PoolStatistics(0, 0, 0, 0, settings.maxPoolSize(), 0, 0);
        }
        int size = pool.size();
        int used = inUse.get();
        return new PoolStatistics(size, used, Math.max(0, size - used), waiting.get(), settings.maxPoolSize(),
                acquired.get(), timeouts.get());
    }

    /**
     * Opens a connection of its own (not one of the pool's, so a busy pool does not read as a
     * server that is down), runs {@code SELECT 1} and closes it; completes with the time taken in
     * ms, or fails with a {@link CovetPgException} (SQLSTATE kept) within {@code timeoutMillis}.
     */
    public Future<Long> probe(long timeoutMillis) {
        long started = System.nanoTime();
        Promise<Long> result = Promise.promise();
        long timer = vertx.setTimer(timeoutMillis, id -> result.tryFail(new CovetPgTimeoutException("No answer from "
                + settings.target() + " within " + timeoutMillis + " ms while checking the connection", null, null)));
        PgConnection.connect(vertx, PgOptionsFactory.connectOptions(settings))
                // closed even when the answer comes after the timeout, so a late connection does not leak
                .compose(connection -> connection.query("SELECT 1").execute().eventually(v -> connection.close()))
                .onComplete(ar -> {
                    vertx.cancelTimer(timer);
                    if (ar.succeeded()) {
                        result.tryComplete(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                    } else {
                        result.tryFail(PgErrors.translate(ar.cause(), settings, "checking the connection"));
                    }
                });
        return result.future();
    }

    /**
     * A statement's future, timed from now for the slow-query log and the listener (the
     * connection is already held, so waiting for the pool does not count: that is what the pool
     * warnings report).
     */
    private <T> Future<T> timed(String operation, String origin, String sql, java.util.function.Supplier<Future<T>> statement) {
        long started = System.nanoTime();
        Future<T> future = statement.get();
        future.onComplete(ar -> finished(operation, origin, sql, System.nanoTime() - started, ar.succeeded() ? ar.result() : null,
                ar.succeeded()));
        return future;
    }

    /** Reports one statement's end to the slow-query log and the listener; {@code result} gives the row count. */
    void finished(String operation, String origin, String sql, long nanos, Object result, boolean succeeded) {
        slowQueries.finished(operation, origin, sql, nanos, succeeded);
        OperationListener l = listener;
        if (l != null) {
            l.finished(operation, succeeded, nanos, rows(result));
        }
    }

    private static long rows(Object result) {
        if (result instanceof QueryResult q) {
            return q.rowCount();
        }
        if (result instanceof Number affected) {
            return affected.longValue();
        }
        if (result instanceof Long copied) {
            return copied;
        }
        long total = 0;
        if (result instanceof RowSet<?> first) {
            for (RowSet<?> r = first; r != null; r = r.next()) {
                total += r.rowCount();
            }
        }
        return total;
    }

    /** The last statements the slow-query log reported (at most 20), oldest first; empty when it is off. */
    public List<SlowQuery> recentSlowQueries() {
        return slowQueries.recent();
    }

    /** Who is told of every statement's end (the metrics binding); null for nobody. */
    public void setOperationListener(OperationListener listener) {
        this.listener = listener;
    }

    /** Whether the calling thread is a Vert.x event loop, where nothing may wait. */
    public static boolean onEventLoop() {
        return io.vertx.core.Context.isOnEventLoopThread();
    }

    public Future<Void> close() {
        if (poolWarningTimer >= 0) {
            vertx.cancelTimer(poolWarningTimer);
            poolWarningTimer = -1;
        }
        return pool == null ? Future.succeededFuture() : pool.close();
    }

    private static String describe(String sql, long queryTimeout) {
        String text = sql.length() > 200 ? sql.substring(0, 200) + "..." : sql;
        return "running [" + text + "]" + (queryTimeout >= 0 ? " with queryTimeout=" + queryTimeout + "ms" : "");
    }

    /** A connection lent by the pool, given back exactly once. */
    final class Lease {
        private final SqlConnection connection;
        private final AtomicBoolean released = new AtomicBoolean();

        Lease(SqlConnection connection) {
            this.connection = connection;
        }

        SqlConnection connection() {
            return connection;
        }

        Future<Void> release() {
            if (!released.compareAndSet(false, true)) {
                return Future.succeededFuture();
            }
            inUse.decrementAndGet();
            return connection.close();
        }

        void cancel() {
            if (connection instanceof PgConnection pg) {
                pg.cancelRequest();
            }
        }
    }
}
