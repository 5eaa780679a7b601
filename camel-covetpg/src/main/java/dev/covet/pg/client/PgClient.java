package dev.covet.pg.client;

import dev.covet.pg.sql.SessionChanges;
import dev.covet.pg.wire.BoundParameters;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pooled PostgreSQL client under one component instance: it builds the Vert.x pool, opens
 * {@code minPoolSize} connections at start, lends connections for one operation at a time,
 * enforces the time limits and counts what the pool does. Nothing here blocks; results complete
 * on a Vert.x event loop and callers move off it themselves.
 *
 * <p>Its parts, each with one job: {@link Cluster} knows the servers and their roles,
 * {@link Lender} asks their pools for connections and counts what it lends, a
 * {@link Lease} is one lent connection (and what may still run on it), {@link Pipeline} shares
 * connections among pipelined statements, {@link Attempts} is the retry loop of one operation,
 * {@link Reports} tells the slow-query log, the metrics and the retry log what happened, and
 * {@link Listeners} keeps the LISTEN connections.
 */
public final class PgClient {

    private final Vertx vertx;
    private final ClientSettings settings;
    private final String name;
    private Cluster cluster;
    /** The event-loop context connections are asked for on when the caller is not on one (see {@link #acquire}). */
    private io.vertx.core.Context home;
    /** Per server, the connections plain statements share when pipelining is on; empty when it is off. */
    private final java.util.Map<Node, Pipeline> pipelines = new java.util.IdentityHashMap<>();
    private final Reports reports;
    private final PoolWarnings poolWarnings;
    private long poolWarningTimer = -1;

    /** Lends the pools' connections and counts what they do; made at start, with the cluster. */
    private Lender lender;

    private final java.util.function.Consumer<SqlConnection> onConnect;

    private final Listeners listeners = new Listeners();

    public PgClient(Vertx vertx, ClientSettings settings, String name) {
        this(vertx, settings, name, null);
    }

    /** @param onConnect runs on every new pooled connection before it is lent (socket options); null for nothing */
    public PgClient(Vertx vertx, ClientSettings settings, String name, java.util.function.Consumer<SqlConnection> onConnect) {
        this.onConnect = onConnect;
        this.vertx = vertx;
        this.settings = settings;
        this.name = name;
        this.reports = new Reports(settings);
        this.poolWarnings = new PoolWarnings(this::statistics, settings.monitor(), settings.target());
    }

    public ClientSettings settings() {
        return settings;
    }

    /**
     * Builds a pool per server, learns which server is the primary (when there are several) and
     * opens {@code minPoolSize} connections to it, each checked with a round trip.
     */
    public Future<Void> start() {
        home = vertx.getOrCreateContext();
        cluster = new Cluster(vertx, settings, name, onConnect);
        lender = new Lender(vertx, settings, cluster, reports, this::onEventLoop);
        if (settings.pipelining()) {
            cluster.nodes().forEach(node -> pipelines.put(node, new Pipeline(node, vertx, settings, lender::acquire)));
        }
        return cluster.start().compose(v -> prewarm());
    }

    private Future<Void> prewarm() {
        String what = "opening minPoolSize=" + settings.minPoolSize() + " connections";
        List<Future<Lease>> opened = new ArrayList<>();
        if (settings.minPoolSize() > 0) {
            Node primary;
            try {
                primary = cluster.primary();
            } catch (CovetPgException e) {
                return Future.failedFuture(PgErrors.translate(e, settings, what));
            }
            for (int i = 0; i < settings.minPoolSize(); i++) {
                // bounded by connectTimeout, not acquireTimeout: a fail-fast acquireTimeout is about
                // waiting for a busy pool, and must not fail a start on a server slow to accept
                opened.add(lender.acquire(primary, settings.connectTimeout()).compose(lease -> lease.connection().query("SELECT 1").execute()
                        .map(rows -> lease)
                        .onFailure(e -> lease.release())));
            }
        }
        // join, not all: every connection that did open must be given back before we report
        return Future.join(opened).transform(ar -> {
            opened.stream().filter(Future::succeeded).forEach(f -> f.result().release());
            if (ar.failed()) {
                Throwable first = opened.stream().filter(Future::failed).findFirst().map(Future::cause).orElse(ar.cause());
                if (first instanceof CovetPgPoolExhaustedException) {
                    // nothing held a connection yet: opening them took longer than connectTimeout
                    return Future.failedFuture(new CovetPgConnectionException("Opening minPoolSize=" + settings.minPoolSize()
                            + " connections to " + settings.target() + " took longer than connectTimeout=" + settings.connectTimeout()
                            + "ms; raise connectTimeout (or lower minPoolSize) if the server is slow to accept connections", first));
                }
                return Future.failedFuture(PgErrors.translate(first, settings, what));
            }
            if (poolWarnings.enabled()) {
                // from here on: opening minPoolSize connections at start counts as waiting, and is no warning
                poolWarningTimer = vertx.setPeriodic(poolWarnings.samplePeriodMillis(), id -> poolWarnings.sample(System.nanoTime()));
            }
            return Future.succeededFuture();
        });
    }

    /**
     * Runs one statement with bound parameters, on the connection of {@code session} when one is
     * given (a route transaction's, which then stays held and is never retried), else on a pooled
     * connection of the server {@code options.readFrom()} picks, retrying what {@link Retry} allows.
     * {@code options.commandTimeout()} bounds the whole operation, retries included.
     */
    public Future<QueryResult> query(String sql, List<?> params, StatementOptions options, PgSession session) {
        // what needs no event loop is done here, on the caller's thread: one event loop serves every connection
        CovetPgException refused = session == null ? null : session.transactionEndRefusal(sql);
        if (refused != null) {
            return Future.failedFuture(refused);
        }
        BoundParameters bound = BoundParameters.of(params);
        boolean changesSession = SessionChanges.of(sql);
        if (io.vertx.core.Vertx.currentContext() == null) {
            return onEventLoop(() -> query(sql, bound, changesSession, options, session));
        }
        return query(sql, bound, changesSession, options, session);
    }

    private Future<QueryResult> query(String sql, BoundParameters bound, boolean changesSession, StatementOptions options,
                                      PgSession session) {
        long commandTimeout = options.commandTimeout();
        Promise<QueryResult> result = Promise.promise();
        AtomicReference<Lease> held = new AtomicReference<>();
        long timer = commandTimeout > 0 ? vertx.setTimer(commandTimeout, id -> {
            Lease lease = held.get();
            Lease.InFlight state = lease == null ? Lease.InFlight.NONE : lease.cancelIfRunning();
            if (state == Lease.InFlight.SUCCEEDED) {
                return; // it has just succeeded: that is the answer
            }
            String limit = "The operation did not finish within commandTimeout=" + commandTimeout + "ms while " + describe(sql, options)
                    + " (pool: " + statistics() + ")";
            if (state == Lease.InFlight.RUNNING && session != null && session.beginPending()) {
                // Written behind a BEGIN still unanswered: its cancel waits for that answer. Should the
                // BEGIN fail, the statement ran on its own, and only its own answer (see PgSession.send)
                // can say whether it committed; else it is the transaction's, which its failure rolls back.
                session.ready().onSuccess(begun -> result.tryFail(new CovetPgTimeoutException(limit, null, null)));
                return;
            }
            if (state == Lease.InFlight.RUNNING && session == null) {
                // sent and cancelled, but it may have committed before the cancel arrived
                result.tryFail(new CovetPgUnknownOutcomeException(limit + "; the statement had been sent and was cancelled, so it may or"
                        + " may not have taken effect, and it was not retried; check the data before running it again", null));
            } else {
                // not sent yet, or inside a route transaction, which the failure rolls back
                result.tryFail(new CovetPgTimeoutException(limit, null, null));
            }
        }) : -1;
        if (timer >= 0) {
            result.future().onComplete(ar -> vertx.cancelTimer(timer));
        }
        java.util.function.Function<Lease, Future<QueryResult>> statement = lease -> {
            boolean autocommit = session == null || !session.inTransaction();
            if (changesSession) {
                lease.drop(); // its next borrower must not inherit a SET, a role, a lock, a LISTEN
            }
            lease.started();
            Future<RowSet<Row>> executed = reports.timed("query", options.origin(), sql,
                    () -> execute(lease.connection(), sql, bound, options, autocommit));
            executed.onComplete(ar -> lease.ended(ar.cause()));
            return (session != null ? executed : executed.eventually(v -> lease.release())).map(QueryResult::of);
        };
        if (session != null) {
            // The transaction's connection and its BEGIN may still be on their way: nothing is sent
            // before the BEGIN (nor, unless the BEGIN is pipelined, before its answer), nor once the
            // statement's time ran out meanwhile: the exchange has failed, its ROLLBACK is queued
            // behind the BEGIN, and a statement sent after it would commit on its own.
            session.send(lease -> {
                if (result.future().isComplete()) {
                    return Future.<QueryResult>failedFuture("not sent: the operation ended");
                }
                held.set(lease);
                return statement.apply(lease);
            }).onComplete(ar -> {
                if (ar.succeeded()) {
                    result.tryComplete(ar.result());
                } else {
                    result.tryFail(PgErrors.translate(ar.cause(), settings, describe(sql, options)));
                }
            });
            return result.future();
        }
        // a cancel (commandTimeout) or a SET around the statement (its own queryTimeout) would touch
        // the statements pipelined beside it: those keep a connection of their own
        Attempts<QueryResult> attempts = new Attempts<>(this, "query", () -> describe(sql, options), options.readFrom(), false, statement,
                result, commandTimeout, held)
                .pipelined(settings.pipelining() && commandTimeout == 0 && options.ownQueryTimeout().isEmpty() && !changesSession);
        attempts.next();
        return result.future().map(r -> attempts.retries() == 0 ? r : r.withRetries(attempts.retries()));
    }

    private Future<RowSet<Row>> execute(SqlConnection connection, String sql, BoundParameters params, StatementOptions options,
                                        boolean autocommit) {
        if (options.ownQueryTimeout().isEmpty()) {
            return Statements.execute(connection, sql, params, autocommit);
        }
        long queryTimeout = options.ownQueryTimeout().getAsLong();
        // A per-endpoint limit: set it for this statement only. The three commands are pipelined on
        // the connection, and the reset runs even when the statement fails (each has its own Sync);
        // when the statement must run again (Statements), all three do.
        return Statements.run(connection, sql, List.of(params), autocommit, () -> {
            Future<RowSet<Row>> set = connection.query("SET statement_timeout = " + queryTimeout).execute();
            Future<RowSet<Row>> statement = connection.preparedQuery(sql).execute(params);
            Future<RowSet<Row>> reset = connection.query("RESET statement_timeout").execute();
            return Future.join(set, statement, reset).transform(ar -> {
                if (set.failed()) {
                    return set;
                }
                return statement.failed() ? statement : reset.map(statement.result());
            });
        });
    }

    /**
     * Opens a cursor over a query inside a transaction, for reading it chunk by chunk. The
     * connection stays lent to the returned {@link RowCursor} until it is exhausted or closed.
     * With a {@code session} (a route transaction's) the cursor lives in its transaction on its
     * connection, and closing it leaves both alone; else it gets a connection and transaction of
     * its own on the server {@code options.readFrom()} picks. Opening is retried as a query is;
     * reading is not.
     */
    public Future<RowCursor> openCursor(String sql, List<?> params, int fetchSize, StatementOptions options, PgSession session) {
        BoundParameters tuple = BoundParameters.of(params);
        String what = describe(sql, options);
        String origin = options.origin();
        long commandTimeout = options.commandTimeout();
        String ownLimit = options.ownQueryTimeout().isPresent() ? "SET LOCAL statement_timeout = " + options.ownQueryTimeout().getAsLong() : null;
        if (session != null) {
            CovetPgException refused = session.transactionEndRefusal(sql);
            if (refused != null) {
                return Future.failedFuture(refused);
            }
            Future<RowCursor> opened = session.ready().compose(lease -> {
                        SqlConnection connection = lease.connection();
                        if (ownLimit != null) {
                            // for the cursor's fetches only: its close sets the transaction's default back
                            connection.query(ownLimit).execute();
                        }
                        return reports.timed("cursor open", origin, sql, () -> connection.prepare(sql))
                                .map(ps -> new RowCursor(this, ps, ps.cursor(tuple), fetchSize, commandTimeout, what, lease::abandon,
                                        commit -> ownLimit != null ? connection.query("SET LOCAL statement_timeout TO DEFAULT").execute()
                                                : Future.succeededFuture()));
                    })
                    .transform(ar -> ar.succeeded() ? Future.succeededFuture(ar.result())
                            : Future.failedFuture(PgErrors.translate(ar.cause(), settings, what)));
            // bounded as a statement of the transaction is: its time up, what runs (a prepare waiting
            // for a lock) is cancelled, the connection goes with the transaction's end, and a cursor
            // that opens all the same is closed
            if (commandTimeout <= 0) {
                return opened;
            }
            Promise<RowCursor> bounded = Promise.promise();
            long timer = vertx.setTimer(commandTimeout, id -> {
                if (bounded.tryFail(new CovetPgTimeoutException("The operation did not finish within commandTimeout=" + commandTimeout
                        + "ms while " + what + " (inside a route transaction, which the failure rolls back)", null, null))) {
                    session.ready().onSuccess(Lease::abandon); // dropped, not lent again, when the transaction ends
                    opened.onSuccess(cursor -> cursor.close(false));
                }
            });
            opened.onComplete(ar -> {
                vertx.cancelTimer(timer);
                if (ar.succeeded()) {
                    bounded.tryComplete(ar.result());
                } else {
                    bounded.tryFail(ar.cause());
                }
            });
            return bounded.future();
        }
        java.util.function.Function<Lease, Future<RowCursor>> open = lease -> lease.connection().begin()
                // the transaction is the cursor's own: a limit of its own ends with it
                .compose(tx -> (ownLimit != null ? lease.connection().query(ownLimit).execute() : Future.succeededFuture()).map(tx))
                .compose(tx -> reports.timed("cursor open", origin, sql, () -> lease.connection().prepare(sql))
                        .map(ps -> new RowCursor(this, ps, ps.cursor(tuple), fetchSize, commandTimeout, what, lease::abandon,
                                // the cursor's own transaction and connection end with it
                                commit -> (commit ? tx.commit() : tx.rollback()).eventually(v -> lease.release())))
                        .onFailure(e -> tx.rollback()))
                .onFailure(e -> lease.release());
        Promise<RowCursor> result = Promise.promise();
        // a transaction that never committed: opening again is harmless whatever happened
        new Attempts<>(this, "cursor open", () -> what, options.readFrom(), true, open, result, commandTimeout, new AtomicReference<>()).next();
        return result.future();
    }

    /**
     * Runs a statement once per parameter set on a pooled connection of the primary, in one round
     * trip, in autocommit (all or nothing: one Sync); returns rows affected.
     */
    public Future<Long> executeBatch(String sql, List<List<Object>> sets, String origin) {
        List<BoundParameters> tuples = new ArrayList<>(sets.size());
        sets.forEach(set -> tuples.add(BoundParameters.of(set)));
        boolean changesSession = SessionChanges.of(sql);
        java.util.function.Function<Lease, Future<Long>> batch = lease -> {
            if (changesSession) {
                lease.drop();
            }
            return batchOn(lease, sql, tuples, origin);
        };
        Promise<Long> result = Promise.promise();
        new Attempts<>(this, "batch", () -> describe(sql), ReadFrom.PRIMARY, false, batch, result, settings.commandTimeout(),
                new AtomicReference<>()).next();
        return result.future();
    }

    private Future<Long> batchOn(Lease lease, String sql, List<BoundParameters> tuples, String origin) {
        return reports.timed("batch", origin, sql,
                () -> Statements.executeBatch(lease.connection(), sql, tuples, true))
                .eventually(v -> lease.release())
                .map(rows -> {
                    long total = 0;
                    for (RowSet<Row> r = rows; r != null; r = r.next()) {
                        total += r.rowCount();
                    }
                    return total;
                });
    }

    /**
     * Holds a pooled connection of the primary for a bulk operation run from the calling thread
     * (not an event loop), waiting at most {@code commandTimeout} ms (0: {@code acquireTimeout}
     * alone) for it; a server that cannot be reached is retried as a query's is.
     */
    public PgSession openSession(long commandTimeout) {
        return openSession(commandTimeout, ReadFrom.PRIMARY);
    }

    /** As {@link #openSession(long)}, on the server {@code readFrom} picks (null: the component's): for work that only reads. */
    public PgSession openSession(long commandTimeout, ReadFrom readFrom) {
        return openSession(commandTimeout, readFrom, true);
    }

    /** As above; {@code retry} false fails at the first failure to connect (for callers that retry the whole operation). */
    public PgSession openSession(long commandTimeout, ReadFrom readFrom, boolean retry) {
        return open(commandTimeout, readFrom, retry);
    }

    /**
     * A connection of the primary with a transaction begun by {@code begin} (BEGIN and its
     * isolation and access mode): for a route transaction. The caller waits for nothing: the
     * connection is asked for now, the BEGIN is sent on the event loop the moment it arrives, and
     * the first statement follows it there, so a transaction costs its caller no wait of its own
     * before its first step. A connection that could not be had (within commandTimeout, retried as
     * a query's is), or a BEGIN that failed, fails the first statement that waits for it, or the
     * COMMIT when there is none.
     *
     * <p>Unless {@code pipelined}, the session runs nothing else on the connection until the BEGIN
     * has succeeded, so no statement can run outside the transaction. When {@code pipelined}, the
     * first of the client's statements is written right behind the BEGIN, in the same round trip
     * (as pgjdbc sends them): only for a BEGIN that cannot fail but with its connection, such as
     * one of {@code BEGIN [ISOLATION LEVEL ...] [READ ONLY]} on a primary, since a statement behind
     * a BEGIN that failed runs on its own (see {@link PgSession#send}).
     */
    public PgSession openTransaction(String begin, boolean pipelined, long commandTimeout) {
        Promise<Lease> lent = Promise.promise();
        new Attempts<>(this, "connect", () -> "waiting for a connection", ReadFrom.PRIMARY, true, Future::succeededFuture, lent,
                commandTimeout, new AtomicReference<>()).next();
        return new PgSession(this, lent.future(), begin, pipelined, commandTimeout);
    }

    private PgSession open(long commandTimeout, ReadFrom readFrom, boolean retry) {
        Promise<PgSession> pending = Promise.promise();
        java.util.function.Function<Lease, Future<PgSession>> lent = lease -> Future.succeededFuture(new PgSession(this, lease, commandTimeout));
        Attempts<PgSession> attempts = new Attempts<>(this, "connect", () -> "waiting for a connection", readFrom, true, lent,
                pending, commandTimeout, new AtomicReference<>());
        (retry ? attempts : attempts.once()).next();
        try {
            return Await.result(pending.future(), commandTimeout, settings, "waiting for a connection");
        } catch (RuntimeException e) {
            pending.future().onSuccess(PgSession::discard); // it may still come, after we stopped waiting
            throw e;
        }
    }

    Cluster cluster() {
        return cluster;
    }

    Reports reports() {
        return reports;
    }

    Vertx vertx() {
        return vertx;
    }

    /** A connection of {@code node} for one attempt: a share of a pipelined one, or one of its own. */
    Future<Lease> lend(Node node, boolean pipelined) {
        return pipelined ? pipelines.get(node).lease() : lender.acquire(node);
    }

    /**
     * Runs {@code work} on the client's event loop. From a route thread, each step of a
     * statement (its timer, the write, the pool's answer, the listeners) would otherwise be a
     * hand-off to the event loop of its own, each a wake-up; one hop first makes them plain calls
     * there. (It halved the client CPU per statement when acquire did it first.)
     */
    <T> Future<T> onEventLoop(java.util.function.Supplier<Future<T>> work) {
        Promise<T> moved = Promise.promise();
        home.runOnContext(v -> {
            try {
                work.get().onComplete(moved);
            } catch (RuntimeException | Error e) {
                moved.tryFail(e); // else the caller's future would never complete, and nothing would time it out
            }
        });
        return moved.future();
    }

    /** {@code future}, or the failure {@code onTimeout} makes if it has not completed within {@code millis} (0: no limit). */
    <T> Future<T> within(Future<T> future, long millis, java.util.function.Supplier<Throwable> onTimeout) {
        if (millis <= 0) {
            return future;
        }
        Promise<T> result = Promise.promise();
        long timer = vertx.setTimer(millis, id -> {
            if (!result.future().isComplete()) { // a timer that fires as the answer came builds no failure
                result.tryFail(onTimeout.get());
            }
        });
        future.onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.succeeded()) {
                result.tryComplete(ar.result());
            } else {
                result.tryFail(ar.cause());
            }
        });
        return result.future();
    }

    /** Waits on the caller's thread (never an event loop) for a future of this client, at most commandTimeout. */
    public <T> T await(Future<T> future, String what) {
        return Await.result(future, settings.commandTimeout(), settings, what);
    }

    /** The pools of every server together (maxPoolSize applies to each server's pool). */
    public PoolStatistics statistics() {
        return lender == null ? new PoolStatistics(0, 0, 0, 0, settings.maxPoolSize(), 0, 0) : lender.statistics();
    }

    /**
     * Whether a bulk operation that failed with {@code failure}, in a transaction of its own (not
     * a route's), may run again from its start: the failure cannot have let it take effect. A
     * failed COMMIT comes as a {@link CovetPgUnknownOutcomeException}, which may not.
     */
    public boolean mayRunAgain(Throwable failure) {
        Retry.Kind kind = Retry.classify(failure, false, true);
        return kind == Retry.Kind.TRANSIENT || kind == Retry.Kind.NOT_SENT;
    }

    /**
     * Says on {@code failure} that an operation run again {@code retries} times outside this client
     * (a bulk operation) ended with it: its message then ends {@code (gave up after n retries)}.
     */
    public static void gaveUp(Throwable failure, int retries) {
        if (failure instanceof CovetPgException e) {
            e.gaveUpAfter(retries);
        }
    }

    /** Tells the metrics and the log of a retry made outside this client (a bulk operation run again). */
    public void retried(String operation, Throwable cause, int retry, long waitMillis) {
        reports.bulkRetried(operation, cause, retry, waitMillis);
    }

    /** Retries made since start, of every kind (replaced closed connections included). */
    public long totalRetries() {
        return reports.totalRetries();
    }

    /** Every server with its role, health and circuit breaker as seen now; empty before start. */
    public List<NodeState> nodeStates() {
        return cluster == null ? List.of() : cluster.states();
    }

    /**
     * Opens a connection of its own (not one of the pool's, so a busy pool does not read as a
     * server that is down), runs {@code SELECT 1} and closes it; completes with the time taken in
     * ms, or fails with a {@link CovetPgException} (SQLSTATE kept) within {@code timeoutMillis}.
     */
    public Future<Long> probe(long timeoutMillis) {
        long started = System.nanoTime();
        ClientSettings server;
        try {
            server = cluster.primary().settings;
        } catch (CovetPgException e) {
            return Future.failedFuture(e);
        }
        return cluster.ask(server, "SELECT 1", timeoutMillis, "checking the connection")
                .map(answer -> java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** Reports a statement run outside this client (a session's, a COPY) to the slow-query log and the listener. */
    void finished(String operation, String origin, String sql, long nanos, Object result, boolean succeeded) {
        reports.finished(operation, origin, sql, nanos, result, succeeded);
    }

    /** The last statements the slow-query log reported (at most 20), oldest first; empty when it is off. */
    public List<SlowQuery> recentSlowQueries() {
        return reports.recentSlowQueries();
    }

    /** Who is told of every statement's end (the metrics binding); null for nobody. */
    public void setOperationListener(OperationListener listener) {
        reports.setListener(listener);
    }

    /**
     * A listener for notifications on {@code channels} (checked identifiers), not started yet:
     * {@link ChannelListener#start} connects, and from then on it is one of {@link #listenerStates}.
     * {@code heartbeatMillis} (0 for none) is the time between its {@code SELECT 1}s.
     * {@code onListeningAgain} runs on an event loop each time it LISTENs again after a reconnect,
     * and must not block.
     */
    public ChannelListener listener(List<String> channels, int maxPending, long heartbeatMillis, Runnable onListeningAgain) {
        return new ChannelListener(this, channels, maxPending, heartbeatMillis, onListeningAgain);
    }

    /**
     * A connection of its own to the primary, outside the pool, set up as pooled ones are
     * (socket options); {@code onClose} runs when it closes, whoever closed it.
     */
    Future<SqlConnection> connectToPrimary(Runnable onClose) {
        Node primary;
        try {
            primary = cluster.primary();
        } catch (CovetPgException e) {
            return Future.failedFuture(e);
        }
        return cluster.connect(primary.settings, onClose).compose(connection -> {
            try {
                if (onConnect != null) {
                    onConnect.accept(connection);
                }
                return Future.succeededFuture(connection);
            } catch (RuntimeException e) {
                connection.close(); // not set up as the others: not to be used, nor left open
                return Future.failedFuture(e);
            }
        });
    }

    /** The LISTEN connections this client opened, and what they did since start. */
    Listeners listeners() {
        return listeners;
    }

    /** Every open listener as seen now; empty when there is none. */
    public List<ListenerState> listenerStates() {
        return listeners.states();
    }

    /** Notifications received by this client's listeners since start. */
    public long totalNotifications() {
        return listeners.notifications();
    }

    /** Attempts of this client's listeners to connect again since start. */
    public long totalListenerReconnects() {
        return listeners.reconnects();
    }

    /** Whether the calling thread is a Vert.x event loop, where nothing may wait. */
    public static boolean onEventLoop() {
        return io.vertx.core.Context.isOnEventLoopThread();
    }

    public Future<Void> close() {
        listeners.closeAll(); // their consumers close them first; this is for one left behind
        if (poolWarningTimer >= 0) {
            vertx.cancelTimer(poolWarningTimer);
            poolWarningTimer = -1;
        }
        return cluster == null ? Future.succeededFuture() : cluster.close();
    }

    private static String describe(String sql) {
        return "running [" + (sql.length() > 200 ? sql.substring(0, 200) + "..." : sql) + "]";
    }

    private static String describe(String sql, StatementOptions options) {
        return describe(sql) + (options.ownQueryTimeout().isPresent() ? " with queryTimeout=" + options.ownQueryTimeout().getAsLong() + "ms" : "");
    }
}
