package dev.covet.pg.client;

import dev.covet.pg.sql.SessionChanges;
import dev.covet.pg.wire.BoundParameters;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;

/**
 * One pooled connection held by a caller thread for a bulk operation (batch, COPY) or a route
 * transaction: every call waits for its result on the caller's thread, which is how a route that
 * feeds millions of rows gets back-pressure for free. Refused on a Vert.x event loop. Close it to
 * give the connection back; an open transaction is rolled back first.
 *
 * <p>A route transaction's session is made before its connection arrives ({@link
 * PgClient#openTransaction}): what needs the connection waits for it and for its BEGIN, on the
 * event loop for the client's statements, on the caller's thread for the calls here. A BEGIN that
 * can fail only with its connection may instead have the client's statements written right
 * behind it (see {@link #send}).
 */
public final class PgSession implements AutoCloseable {

    private final PgClient client;
    /** The lent connection: at hand for a session of its own, on its way for a route transaction's. */
    private final Future<Lease> lent;
    /**
     * {@link #lent}, once it may take the next command: at once, or once the BEGIN sent with it
     * (see {@link PgClient#openTransaction}) succeeded. Fails when either failed: nothing may then
     * run on the connection, or it would run outside the transaction.
     */
    private final Future<Lease> ready;
    /** Whether the client's statements may be written behind the BEGIN before its answer (see {@link #send}). */
    private final boolean pipelined;
    private final long commandTimeout;
    private boolean inTransaction;
    /** What sets statement_timeout back after {@link #limitStatements}, or null. */
    private volatile String restoreTimeout;
    private volatile String origin;
    private final java.util.List<AutoCloseable> endWithTransaction = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A session on a connection already lent, with no transaction begun. */
    PgSession(PgClient client, Lease lease, long commandTimeout) {
        this.client = client;
        this.lent = Future.succeededFuture(lease);
        this.ready = lent;
        this.pipelined = false;
        this.commandTimeout = commandTimeout;
    }

    /**
     * A route transaction on a connection still on its way: {@code begin} is sent on the event loop
     * the moment it arrives, and the session's first command follows it there: once its answer
     * came, or, when {@code pipelined}, right behind it (see {@link #send}).
     */
    PgSession(PgClient client, Future<Lease> lent, String begin, boolean pipelined, long commandTimeout) {
        this.client = client;
        this.lent = lent;
        this.commandTimeout = commandTimeout;
        this.inTransaction = true;
        Promise<Lease> begun = Promise.promise();
        this.ready = begun.future();
        this.pipelined = pipelined;
        lent.onComplete(ar -> {
            if (ar.failed()) {
                begun.fail(ar.cause());
                return;
            }
            Lease lease = ar.result();
            // A cancel that reached the BEGIN would let a statement behind it run on its own: the
            // connection's cancels (a commandTimeout's, an abandon's) wait for the BEGIN's answer,
            // from before the BEGIN leaves.
            lease.cancelAfter(ready);
            Future<RowSet<Row>> answer = lease.connection().query(begin).execute();
            answer.onComplete(began -> {
                if (began.succeeded()) {
                    begun.complete(lease);
                } else {
                    begun.fail(translate(began.cause(), "starting a transaction"));
                }
            });
        });
    }

    /** The connection once it may take the next command (see {@link #ready}); completes on an event loop. */
    Future<Lease> ready() {
        return ready;
    }

    /**
     * Runs one of the client's statements on the connection: once the BEGIN succeeded, or, for a
     * pipelined BEGIN (one that fails only with its connection), written right behind the BEGIN
     * while its answer is on the way, which saves a round trip. A BEGIN known to have failed lets
     * nothing be sent. Completes on an event loop.
     *
     * <p>Nothing stops a statement written behind a BEGIN that then failed from running on its own
     * (each has its own Sync): its answer is held to the BEGIN's, and when it succeeded the failure
     * says that it ran outside any transaction; the connection is then not lent again.
     */
    <T> Future<T> send(java.util.function.Function<Lease, Future<T>> statement) {
        return (beginPending() ? lent : ready).compose(lease -> {
            if (ready.failed()) {
                return Future.failedFuture(ready.cause());
            }
            Future<T> sent = statement.apply(lease);
            return ready.succeeded() ? sent : afterBegin(sent);
        });
    }

    /** Whether a statement may have been written behind a BEGIN whose answer has not come yet. */
    boolean beginPending() {
        return pipelined && !ready.isComplete();
    }

    /** {@code statement}'s answer once the BEGIN's came (see {@link #send}). */
    private <T> Future<T> afterBegin(Future<T> statement) {
        return Future.join(ready, statement).transform(ar -> {
            if (ready.succeeded()) {
                return statement;
            }
            lent.onSuccess(Lease::drop);
            if (statement.failed()) {
                return Future.failedFuture(ready.cause());
            }
            Throwable began = ready.cause();
            return Future.failedFuture(new CovetPgException("The BEGIN failed (" + began.getMessage() + "), and the statement sent"
                    + " behind it ran on its own, outside any transaction, and succeeded: what it wrote has committed",
                    began, began instanceof CovetPgException pg ? pg.getSqlState() : null, null, null, null, null, null, null));
        });
    }

    /** {@link #ready()}, waited for on the caller's thread. */
    private Lease lease() {
        return ready.succeeded() ? ready.result() : await(ready, "starting a transaction");
    }

    /** Gives up a session its opener stopped waiting for (one of {@link PgClient#openSession}'s, which begins nothing). */
    void discard() {
        lent.onSuccess(Lease::release);
    }

    /**
     * The connection, for the COPY protocol extension and pipelined commands, once it may take
     * them (see {@link #ready()}); do not close it, close the session. Waits on the caller's thread.
     */
    public SqlConnection connection() {
        return lease().connection();
    }

    public void begin() {
        await(lease().connection().query("BEGIN").execute(), "starting a transaction");
        inTransaction = true;
    }

    /** A read-only transaction: what a cursor needs, and a guard against writes by mistake. */
    public void beginReadOnly() {
        await(lease().connection().query("BEGIN READ ONLY").execute(), "starting a read-only transaction");
        inTransaction = true;
    }

    /**
     * Opens a cursor over a query, to be read chunk by chunk; the session must be in a
     * transaction. {@code ahead} chunks are read beyond the one being handled.
     */
    public ChunkCursor openCursor(String sql, List<?> params, int chunkSize, int ahead) {
        refuseTransactionEnd(sql);
        io.vertx.sqlclient.PreparedStatement ps = await(lease().connection().prepare(sql), describe(sql));
        return new ChunkCursor(this, ps, ps.cursor(BoundParameters.of(params)), chunkSize, ahead);
    }

    /**
     * Sets the server's statement_timeout to {@code millis} (an endpoint's own queryTimeout, see
     * {@link StatementOptions#ownQueryTimeout()}) for the statements that follow, until
     * {@link #unlimitStatements()} or {@link #close()}; empty changes nothing. Inside a transaction it is SET LOCAL, and set back
     * to the default after, so that the transaction's later statements do not inherit it; on a
     * connection of the session's own it is SET, and RESET before the connection goes back.
     */
    public void limitStatements(java.util.OptionalLong millis) {
        if (millis.isEmpty() || restoreTimeout != null) {
            return;
        }
        Lease lease = lease();
        restoreTimeout = inTransaction ? "SET LOCAL statement_timeout TO DEFAULT" : "RESET statement_timeout";
        // pipelined before the next statement: no round trip of its own
        lease.connection().query((inTransaction ? "SET LOCAL" : "SET") + " statement_timeout = " + millis.getAsLong()).execute();
    }

    /** Undoes {@link #limitStatements}, if it set anything. */
    public void unlimitStatements() {
        String restore = restoreTimeout;
        restoreTimeout = null;
        if (restore == null) {
            return; // nothing was set, so the connection is at hand (the limit waited for it)
        }
        Lease lease = lease();
        if (lease.dropsOnRelease() && !inTransaction) {
            // closed when given back, its session with it; inside a transaction the SET LOCAL would
            // stay on for the transaction's later statements, so it is set back whatever comes after
            return;
        }
        try {
            await(lease.connection().query(restore).execute(), "restoring statement_timeout");
        } catch (CovetPgException e) {
            // the transaction failed and ends with the default anyway, or the connection did and is dropped
            lease.abandon();
        }
    }

    /** Lets the server parse and analyze {@code sql} without running it, so that a statement is checked at start. */
    public void prepareOnly(String sql) {
        io.vertx.sqlclient.PreparedStatement ps = await(lease().connection().prepare(sql), describe(sql));
        await(ps.close(), "closing a prepared statement");
    }

    /**
     * Something that uses the transaction (an open COPY, a cursor) and must be closed before it
     * ends: a COMMIT queued behind an unfinished COPY would wait for ever.
     */
    public void closeBeforeEnd(AutoCloseable resource) {
        endWithTransaction.add(resource);
    }

    private void closeResources() {
        for (AutoCloseable resource : endWithTransaction) {
            try {
                resource.close();
            } catch (Exception e) {
                // it belonged to the transaction that ends now; its own error is of no further use
            }
        }
        endWithTransaction.clear();
    }

    /**
     * Commits. When the connection is lost on the way, the transaction may or may not have
     * committed: that fails with a {@link CovetPgUnknownOutcomeException}, which nothing retries.
     */
    public void commit() {
        awaitEnd(commitAsync(), "committing");
    }

    /**
     * As {@link #commit()}, without waiting: for a caller that must not hold its thread for the
     * round trip (a route transaction ending on a completion thread). Completes on an event loop.
     */
    public Future<Void> commitAsync() {
        if (!ready.succeeded()) {
            // No statement ran yet (each waits for the connection and its BEGIN), so nothing holds a
            // transaction open. A connection or a BEGIN that failed is the answer: a COMMIT behind it
            // would report a transaction that never was.
            return begun().transform(ar -> ar.succeeded() ? committed() : Future.failedFuture(ar.cause()));
        }
        return committed();
    }

    /**
     * {@link #ready} within commandTimeout, for an end that comes before any statement: when it
     * fails the session is out of its transaction, and a connection that may still arrive (with
     * its BEGIN) is dropped when given back, so that nothing it left reaches the next borrower.
     */
    private Future<Lease> begun() {
        return client.within(ready, commandTimeout, () -> new CovetPgTimeoutException("No answer within commandTimeout="
                + commandTimeout + "ms while starting a transaction", null, null)).onFailure(e -> {
            inTransaction = false;
            lent.onSuccess(Lease::drop);
        });
    }

    private Future<Void> committed() {
        return end("COMMIT", () -> unknownOutcome("no answer came within commandTimeout=" + commandTimeout + "ms", null)).transform(ar -> {
            if (ar.succeeded()) {
                return Future.succeededFuture();
            }
            if (ar.cause() instanceof CovetPgUnknownOutcomeException unknown) {
                return Future.failedFuture(unknown);
            }
            if (Retry.classify(ar.cause(), false, false) == Retry.Kind.NOT_SENT) {
                // the connection was gone before the COMMIT left: the server rolled the transaction back
                return Future.failedFuture(new CovetPgConnectionException("The connection to " + client.settings().target()
                        + " closed before the COMMIT was sent: the transaction did not commit", ar.cause()));
            }
            CovetPgException e = translate(ar.cause(), "committing");
            String state = e.getSqlState();
            boolean refused = state != null && !state.startsWith("08") && !state.startsWith("57P");
            if (refused) {
                return Future.failedFuture(e); // the server answered, and rolled back (a deferred constraint, a serialization failure)
            }
            return Future.failedFuture(unknownOutcome(e.getMessage(), e));
        });
    }

    private CovetPgUnknownOutcomeException unknownOutcome(String what, Throwable cause) {
        return new CovetPgUnknownOutcomeException("The connection to " + client.settings().target() + " was lost while committing ("
                + what + "): the transaction may or may not have committed, so it was not retried; check the data before running it again",
                cause);
    }

    public void rollback() {
        awaitEnd(rollbackAsync(), "rolling back");
    }

    /** As {@link #rollback()}, without waiting; completes on an event loop. */
    public Future<Void> rollbackAsync() {
        if (!ready.succeeded()) {
            // nothing began (no connection, or a BEGIN that failed): nothing to roll back
            return begun().transform(ar -> ar.succeeded() ? rollbackAsync() : Future.succeededFuture());
        }
        return end("ROLLBACK", () -> new CovetPgTimeoutException("No answer within commandTimeout=" + commandTimeout + "ms while rolling back",
                null, null)).transform(ar -> ar.succeeded() ? Future.succeededFuture() : Future.failedFuture(translate(ar.cause(), "rolling back")));
    }

    /** Ends the transaction with {@code command}, failing with {@code onTimeout} after commandTimeout (when there is one). */
    private Future<RowSet<Row>> end(String command, java.util.function.Supplier<Throwable> onTimeout) {
        closeResources();
        inTransaction = false;
        Lease lease = ready.result(); // an end before the connection was ready waits for it (see begun())
        if (io.vertx.core.Vertx.currentContext() == null) {
            return client.onEventLoop(() -> client.within(lease.connection().query(command).execute(), commandTimeout, onTimeout));
        }
        return client.within(lease.connection().query(command).execute(), commandTimeout, onTimeout);
    }

    /** Waits for the end of the transaction, which {@link #end} already bounds by commandTimeout. */
    private void awaitEnd(Future<Void> ended, String what) {
        awaitOrAbandon(ended, 0, what);
    }

    /**
     * Waits for {@code future}; when the wait ends without its answer (commandTimeout ran out, the
     * thread was interrupted) the command may still run on the connection, so it is cancelled and
     * the connection is dropped when the session closes, never lent to the pool's next borrower.
     */
    private <T> T awaitOrAbandon(Future<T> future, long limit, String what) {
        try {
            return Await.result(future, limit, client.settings(), what);
        } catch (RuntimeException e) {
            if (Await.leftRunning(future, e)) {
                lent.onSuccess(Lease::abandon);
            }
            throw e;
        }
    }

    /** Names who uses the session now (an endpoint), for the slow-query log; a route transaction's changes hands. */
    public PgSession usedBy(String origin) {
        this.origin = origin;
        return this;
    }

    public boolean inTransaction() {
        return inTransaction;
    }

    /** A statement that changes the session beyond itself has the connection closed, not lent again, at the end. */
    private void watch(Lease lease, String sql) {
        refuseTransactionEnd(sql);
        if (SessionChanges.of(sql)) {
            lease.drop();
        }
    }

    /**
     * Refuses a statement that would end the session's transaction (COMMIT, ROLLBACK...): the
     * statements after it would run in autocommit, and the exchange's rollback would undo none of
     * them while it reports that it rolled back.
     */
    void refuseTransactionEnd(String sql) {
        CovetPgException refused = transactionEndRefusal(sql);
        if (refused != null) {
            throw refused;
        }
    }

    /** What {@link #refuseTransactionEnd} throws for {@code sql}, or null: for the client's statements, which fail as futures. */
    CovetPgException transactionEndRefusal(String sql) {
        if (!inTransaction || !SessionChanges.endsTransaction(sql)) {
            return null;
        }
        return new CovetPgException("A statement that ends the transaction (COMMIT, END, ROLLBACK, ABORT, PREPARE TRANSACTION) cannot"
                + " run inside a covetpg transaction: it ends when the exchange does (committed when it completes, rolled back when"
                + " it fails), and the statements after it would run outside it; to undo part of it, use SAVEPOINT and ROLLBACK TO"
                + " SAVEPOINT", null);
    }

    public QueryResult query(String sql, List<?> params) {
        Lease lease = lease();
        watch(lease, sql);
        return timed("query", sql, () -> QueryResult.of(await(Statements.execute(lease.connection(), sql, BoundParameters.of(params),
                !inTransaction), describe(sql))));
    }

    /** Runs one statement of a batch (the unnest insert's, its parameters one array per column); returns rows affected. */
    public long executeChunk(String sql, List<?> params) {
        Lease lease = lease();
        watch(lease, sql);
        return timed("batch", sql, () -> await(Statements.execute(lease.connection(), sql, BoundParameters.of(params), !inTransaction),
                describe(sql)).rowCount());
    }

    /** Runs one statement for each parameter set, pipelined in one round trip; returns rows affected in total. */
    public long executeBatch(String sql, List<? extends List<?>> sets) {
        Lease lease = lease();
        watch(lease, sql);
        List<BoundParameters> batch = new java.util.ArrayList<>(sets.size());
        sets.forEach(set -> batch.add(BoundParameters.of(set)));
        RowSet<Row> result = timed("batch", sql, () -> await(Statements.executeBatch(lease.connection(), sql, batch, !inTransaction),
                describe(sql)));
        long total = 0;
        for (RowSet<Row> r = result; r != null; r = r.next()) {
            total += r.rowCount();
        }
        return total;
    }

    /**
     * The columns of a table in order, with the type of each as a bulk write needs it. The table
     * is given as checked SQL text. A domain's base type is found through every level of domains.
     */
    public java.util.LinkedHashMap<String, dev.covet.pg.types.ColumnType> columnTypes(String table) {
        QueryResult result = query("WITH RECURSIVE cols AS ("
                + " SELECT a.attnum, a.attname, a.atttypid AS typ, format_type(a.atttypid, a.atttypmod) AS display"
                + " FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped),"
                + " base AS (SELECT attnum, typ FROM cols"
                + " UNION ALL SELECT b.attnum, t.typbasetype FROM base b JOIN pg_type t ON t.oid = b.typ WHERE t.typtype = 'd')"
                + " SELECT c.attname, format('%I.%I', n.nspname, t.typname) AS cast_type, t.oid::int8 AS base, c.display"
                + " FROM cols c JOIN base b ON b.attnum = c.attnum JOIN pg_type t ON t.oid = b.typ AND t.typtype <> 'd'"
                + " JOIN pg_namespace n ON n.oid = t.typnamespace ORDER BY c.attnum", List.of(table));
        java.util.LinkedHashMap<String, dev.covet.pg.types.ColumnType> types = new java.util.LinkedHashMap<>();
        result.rows().forEach(row -> types.put((String) row.get("attname"), new dev.covet.pg.types.ColumnType(
                (String) row.get("cast_type"), ((Long) row.get("base")).intValue(), (String) row.get("display"))));
        return types;
    }

    /**
     * Reports a COPY run on {@link #connection()} to the slow-query log and the metrics, as the
     * session's own statements are: the COPY protocol runs outside this class, so its caller times it.
     *
     * @param in        COPY FROM STDIN (true) or TO STDOUT
     * @param nanos     from sending the statement to the server's completion (or the failure)
     * @param rows      the server's row count; 0 when it failed
     */
    public void copyFinished(boolean in, String sql, long nanos, long rows, boolean succeeded) {
        client.finished(in ? "copy in" : "copy out", origin, sql, nanos, succeeded ? rows : 0L, succeeded);
    }

    private <T> T timed(String operation, String sql, java.util.function.Supplier<T> statement) {
        long started = System.nanoTime();
        T result = null;
        boolean succeeded = false;
        try {
            result = statement.get();
            succeeded = true;
            return result;
        } finally {
            client.finished(operation, origin, sql, System.nanoTime() - started, result, succeeded);
        }
    }

    /**
     * Waits for a future of this session on the caller's thread, at most commandTimeout,
     * translating failures. When the wait runs out, what runs on the connection is cancelled on
     * the server and the connection is dropped when the session closes: it may still be busy.
     */
    public <T> T await(Future<T> future, String what) {
        return awaitOrAbandon(future, commandTimeout, what);
    }

    /** Translates a failure seen while using {@link #connection()} directly. */
    public CovetPgException translate(Throwable failure, String what) {
        return PgErrors.translate(failure, client.settings(), what);
    }

    @Override
    public void close() {
        try {
            if (inTransaction) {
                rollback();
            }
            unlimitStatements();
        } catch (RuntimeException e) {
            // the end did not finish (the connection broke, the thread was interrupted): whatever is
            // still in flight on it must not reach the pool's next borrower, so it is closed
            lent.onSuccess(Lease::abandon);
        } finally {
            // a connection still on its way (an end that gave up waiting for it) goes back when it comes
            lent.onSuccess(Lease::release);
        }
    }

    private static String describe(String sql) {
        return "running [" + (sql.length() > 200 ? sql.substring(0, 200) + "..." : sql) + "]";
    }
}
