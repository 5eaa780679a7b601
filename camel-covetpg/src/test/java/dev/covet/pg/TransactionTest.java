package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.CovetPgException;
import dev.covet.pg.tx.CovetPgTransactionPolicy;
import dev.covet.pg.tx.IsolationLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransactionTest extends CovetPgTestSupport {

    private String ledger;

    @BeforeEach
    void createLedger() {
        ledger = table("ledger");
        db.execute("CREATE TABLE " + ledger + " (id int PRIMARY KEY, note text)");
    }

    private long rows() {
        return (Long) db.queryValue("SELECT count(*) FROM " + ledger);
    }

    /**
     * What inserting row 1 with {@code note} through the client in {@code session} failed with
     * (the async call's ExecutionException), or null when it succeeded.
     */
    private Throwable insertFailure(dev.covet.pg.client.PgClient client, dev.covet.pg.client.PgSession session,
                                    dev.covet.pg.client.StatementOptions options, String note) {
        return org.assertj.core.api.Assertions.catchThrowable(() -> client.query("INSERT INTO " + ledger + " (id, note) VALUES (1, '"
                + note + "')", List.of(), options, session).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
    }

    private CamelContext start(int poolSize, RouteBuilder routes) throws Exception {
        return start(c -> c.setMaxPoolSize(poolSize), routes);
    }

    /** A started context with the transaction policies bound: covetpgTx, and readOnlyTx (SERIALIZABLE, READ ONLY). */
    private CamelContext start(java.util.function.Consumer<CovetPgConfiguration> options, RouteBuilder routes) throws Exception {
        CamelContext context = newContext(options, routes);
        context.getRegistry().bind("covetpgTx", new CovetPgTransactionPolicy());
        CovetPgTransactionPolicy serializable = new CovetPgTransactionPolicy();
        serializable.setIsolationLevel(IsolationLevel.SERIALIZABLE);
        serializable.setReadOnly(true);
        context.getRegistry().bind("readOnlyTx", serializable);
        context.start();
        return context;
    }

    /** A started context whose answers all go through one completion thread, with covetpgTx bound. */
    private CamelContext startWithOneCompletionThread(RouteBuilder routes) throws Exception {
        return start(c -> {
            c.setMaxPoolSize(4);
            c.setCompletionThreads(1); // one thread: whatever waits on it holds up every other answer
        }, routes);
    }

    /** Waits until a statement whose text begins with {@code prefix} runs on the server. */
    private void awaitRunning(String prefix, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (((Number) db.queryValue("SELECT count(*) FROM pg_stat_activity WHERE starts_with(query, '" + prefix.replace("'", "''")
                + "') AND state = 'active' AND pid <> pg_backend_pid()")).intValue() == 0) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void aSlowCommitDoesNotHoldUpTheAnswersOfOtherExchanges() throws Exception {
        // a deferred trigger makes the COMMIT itself take 2 s
        String slow = ledger + "_slow";
        db.execute("CREATE FUNCTION " + slow + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(2); RETURN NULL; END $$",
                "CREATE CONSTRAINT TRIGGER " + slow + " AFTER INSERT ON " + ledger
                        + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION " + slow + "()");
        CamelContext context = startWithOneCompletionThread(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:tx").transacted("covetpgTx").to("covetpg:query?sql=INSERT INTO " + ledger + " (id, note) VALUES (1, 'slow')");
                from("direct:q").to("covetpg:query?outputType=SelectValue&sql=SELECT 7");
            }
        });
        CompletableFuture<Exchange> tx = template(context).asyncSend("direct:tx", e -> { });
        awaitRunning("COMMIT", "the COMMIT started");
        Exchange quick = template(context).asyncSend("direct:q", e -> { }).get(10, TimeUnit.SECONDS);
        assertThat(quick.getMessage().getBody()).isEqualTo(7);
        assertThat(tx).as("the transaction is still committing when the other answer is routed").isNotDone();
        Exchange committed = tx.get(30, TimeUnit.SECONDS);
        assertThat(committed.getException()).isNull();
        assertThat(rows()).isEqualTo(1);
    }

    /**
     * A transaction entered from a completion thread (here: after a covetpg step outside it, whose
     * answer continues the route there) runs on a thread of its own: its steps wait for their
     * answers, and holding one of the few completion threads for the whole transaction would hold
     * up the answers of every other exchange. The steps after the block continue on a completion thread.
     */
    @Test
    void aTransactionEnteredOnACompletionThreadDoesNotHoldItUp() throws Exception {
        List<String> inside = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicReference<String> after = new AtomicReference<>();
        CamelContext context = startWithOneCompletionThread(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:first").to("covetpg:query?outputType=SelectValue&sql=SELECT 1").to("direct:tx")
                        .process(e -> after.set(Thread.currentThread().getName()));
                from("direct:tx").transacted("covetpgTx")
                        .process(e -> inside.add(Thread.currentThread().getName()))
                        .to("covetpg:query?sql=INSERT INTO " + ledger + " (id, note) SELECT 1, 'slow' FROM pg_sleep(2)")
                        .process(e -> inside.add(Thread.currentThread().getName()));
                from("direct:q").to("covetpg:query?outputType=SelectValue&sql=SELECT 7");
            }
        });
        CompletableFuture<Exchange> tx = template(context).asyncSend("direct:first", e -> { });
        awaitRunning("INSERT INTO " + ledger, "the transaction's statement started");
        Exchange quick = template(context).asyncSend("direct:q", e -> { }).get(10, TimeUnit.SECONDS);
        assertThat(quick.getMessage().getBody()).isEqualTo(7);
        assertThat(tx).as("the transaction is still running when the other answer is routed").isNotDone();
        assertThat(tx.get(30, TimeUnit.SECONDS).getException()).isNull();
        assertThat(rows()).isEqualTo(1);
        assertThat(inside).hasSize(2).noneMatch(name -> name.contains("CovetPgCompletion"));
        // the blocking threads are for waiting work: the steps after the block go back to a completion thread
        assertThat(after.get()).contains("CovetPgCompletion");
    }

    /**
     * After the block the exchange is no longer transacted (found by review): a covetpg step after it
     * ran as a transacted one, waiting for its answer on the completion thread it continued on, and
     * the answers of every other exchange queued behind it.
     */
    @Test
    void aStepAfterTheTransactionIsNotTransactedAnyMore() throws Exception {
        AtomicReference<Boolean> transactedAfter = new AtomicReference<>();
        CamelContext context = startWithOneCompletionThread(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:first").to("covetpg:query?outputType=SelectValue&sql=SELECT 1").to("direct:tx")
                        .process(e -> transactedAfter.set(e.isTransacted()))
                        .to("covetpg:query?outputType=SelectValue&sql=SELECT 42 FROM pg_sleep(2)");
                from("direct:tx").transacted("covetpgTx").to("covetpg:query?sql=INSERT INTO " + ledger + " (id, note) VALUES (1, 'x')");
                from("direct:q").to("covetpg:query?outputType=SelectValue&sql=SELECT 7");
            }
        });
        CompletableFuture<Exchange> first = template(context).asyncSend("direct:first", e -> { });
        awaitRunning("SELECT 42 FROM pg_sleep", "the step after the block started");
        Exchange quick = template(context).asyncSend("direct:q", e -> { }).get(10, TimeUnit.SECONDS);
        assertThat(quick.getMessage().getBody()).isEqualTo(7);
        assertThat(first).as("the step after the block is still running when the other answer is routed").isNotDone();
        Exchange done = first.get(30, TimeUnit.SECONDS);
        assertThat(done.getException()).isNull();
        assertThat(done.getMessage().getBody()).isEqualTo(42);
        assertThat(transactedAfter.get()).isFalse();
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void aCommitThatCouldNotBeSentSaysTheTransactionDidNotCommit() throws Exception {
        String app = table("lostbeforecommit");
        CamelContext context = startContext(c -> {
            c.setApplicationName(app);
            c.setMinPoolSize(1);
            c.setMaxPoolSize(1);
        });
        dev.covet.pg.client.PgSession session = covetpg(context).client().openSession(10_000);
        session.begin();
        session.query("INSERT INTO " + ledger + " (id, note) VALUES (1, 'never committed')", List.of());
        db.queryValue("SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE application_name = '" + app + "'");
        for (int i = 0; i < 500 && covetpg(context).getPoolStatistics().size() > 0; i++) {
            Thread.sleep(10); // until Vert.x has seen the server's goodbye and closed the connection
        }
        assertThat(covetpg(context).getPoolStatistics().size()).as("the connection is closed").isZero();
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(session::commit);
        session.close();
        assertThat(failure).isInstanceOf(dev.covet.pg.client.CovetPgConnectionException.class)
                .isNotInstanceOf(dev.covet.pg.client.CovetPgUnknownOutcomeException.class)
                .hasMessageContaining("the transaction did not commit");
        assertThat(rows()).isZero();
    }

    /**
     * A route transaction's BEGIN travels while its first step is prepared (PgClient.openTransaction):
     * nothing may run on the connection until the BEGIN succeeded, or it would run outside the
     * transaction and commit on its own. A BEGIN the server refuses (here: one it cannot parse, on a
     * connection that stays healthy) must fail every statement of the session, on both paths, and
     * write nothing.
     */
    @Test
    void aBeginThatFailedLetsNothingRunOutsideTheTransaction() throws Exception {
        CamelContext context = startContext(c -> c.setMaxPoolSize(1));
        dev.covet.pg.client.PgClient client = covetpg(context).client();
        String insert = "INSERT INTO " + ledger + " (id, note) VALUES (1, 'outside')";
        dev.covet.pg.client.StatementOptions options = dev.covet.pg.client.StatementOptions.resolve(client.settings(), "test", null, null, null);

        dev.covet.pg.client.PgSession blocking = client.openTransaction("BEGIN ISOLATION LEVEL NONSENSE", false, 10_000);
        Throwable viaSession = org.assertj.core.api.Assertions.catchThrowable(() -> blocking.query(insert, List.of()));
        Throwable viaCommit = org.assertj.core.api.Assertions.catchThrowable(blocking::commit);
        blocking.close();

        dev.covet.pg.client.PgSession async = client.openTransaction("BEGIN ISOLATION LEVEL NONSENSE", false, 10_000);
        Throwable viaClient = org.assertj.core.api.Assertions.catchThrowable(
                () -> client.query(insert, List.of(), options, async).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        async.close();

        for (Throwable failure : List.of(viaSession, viaCommit, viaClient.getCause())) {
            assertThat(failure).isInstanceOf(CovetPgException.class).hasMessageContaining("starting a transaction");
            assertThat(((CovetPgException) failure).getSqlState()).isEqualTo("42601"); // the BEGIN's own syntax error
        }
        assertThat(rows()).as("no statement ran outside the transaction").isZero();
        // the one connection is still good for the next transaction
        dev.covet.pg.client.PgSession next = client.openTransaction("BEGIN", false, 10_000);
        next.query(insert, List.of());
        next.commit();
        next.close();
        assertThat(rows()).isEqualTo(1);
        assertThat(covetpg(context).getPoolStatistics().inUse()).isZero();
    }

    /**
     * A statement whose commandTimeout runs out while the BEGIN is still on its way fails, and must
     * never be sent later: the exchange's ROLLBACK is queued behind the BEGIN, and a statement sent
     * after it would run and commit on its own (found by review; it wrote the row before the fix).
     */
    @Test
    void aStatementThatTimedOutWaitingForItsBeginIsNeverSent() throws Exception {
        CamelContext context = startContext(c -> c.setMaxPoolSize(1));
        dev.covet.pg.client.PgClient client = covetpg(context).client();
        dev.covet.pg.client.StatementOptions shortLimit = dev.covet.pg.client.StatementOptions.resolve(client.settings(), "test", null, 200L, null);
        // a BEGIN whose answer takes a second (two statements in one simple query)
        dev.covet.pg.client.PgSession session = client.openTransaction("BEGIN; SELECT pg_sleep(1)", false, 10_000);
        Throwable timedOut = insertFailure(client, session, shortLimit, "late");
        assertThat(timedOut).hasCauseInstanceOf(dev.covet.pg.client.CovetPgTimeoutException.class);
        session.rollbackAsync().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        session.close();
        Thread.sleep(1500); // past the BEGIN's answer
        assertThat(rows()).as("the statement was not sent after the rollback").isZero();
        assertThat(context.createProducerTemplate().requestBody("covetpg:query?outputType=SelectValue&sql=SELECT 1", (Object) null))
                .as("the connection is fine for the next borrower").isEqualTo(1);
        assertThat(rows()).isZero();
    }

    /**
     * A pipelined BEGIN (a route transaction's own) has the statement written right behind it, each
     * with its own Sync: when the BEGIN fails anyway, the statement runs on its own. That cannot be
     * undone, so it must be said, never reported as the BEGIN's plain failure or as a success; a
     * statement that failed too reports the BEGIN's error. The BEGIN here is made to fail (a route
     * transaction's fails only with its connection), after a sleep, so that the statement is surely
     * written before its answer.
     */
    @Test
    void aStatementBehindAPipelinedBeginThatFailedSaysItRanOnItsOwn() throws Exception {
        CamelContext context = startContext(c -> c.setMaxPoolSize(1));
        dev.covet.pg.client.PgClient client = covetpg(context).client();
        dev.covet.pg.client.StatementOptions options = dev.covet.pg.client.StatementOptions.resolve(client.settings(), "test", null, null, null);
        String failingBegin = "SELECT pg_sleep(0.5); SELECT 1/0";

        dev.covet.pg.client.PgSession ranOnItsOwn = client.openTransaction(failingBegin, true, 10_000);
        Throwable committed = insertFailure(client, ranOnItsOwn, options, "on its own");
        Throwable commit = org.assertj.core.api.Assertions.catchThrowable(ranOnItsOwn::commit);
        ranOnItsOwn.close();
        assertThat(committed.getCause()).isInstanceOf(CovetPgException.class)
                .hasMessageContaining("ran on its own, outside any transaction, and succeeded").hasMessageContaining("starting a transaction")
                .hasMessageNotContaining("on its own'"); // no row value
        assertThat(((CovetPgException) committed.getCause()).getSqlState()).isEqualTo("22012");
        assertThat(commit).isInstanceOf(CovetPgException.class).hasMessageContaining("starting a transaction");
        assertThat(rows()).as("what it wrote did commit, as the failure says").isEqualTo(1);

        dev.covet.pg.client.PgSession bothFailed = client.openTransaction(failingBegin, true, 10_000);
        Throwable duplicate = insertFailure(client, bothFailed, options, "again");
        bothFailed.close();
        assertThat(duplicate.getCause()).isInstanceOf(CovetPgException.class).hasMessageContaining("starting a transaction")
                .hasMessageNotContaining("ran on its own");
        assertThat(((CovetPgException) duplicate.getCause()).getSqlState()).as("the BEGIN's error, not the statement's 23505").isEqualTo("22012");

        // the one connection was dropped, not lent again; the next transaction gets a new one and works
        dev.covet.pg.client.PgSession next = client.openTransaction("BEGIN", true, 10_000);
        client.query("UPDATE " + ledger + " SET note = 'next'", List.of(), options, next).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        next.commit();
        next.close();
        assertThat(db.queryValue("SELECT note FROM " + ledger)).isEqualTo("next");
        assertThat(covetpg(context).getPoolStatistics().inUse()).isZero();
    }

    /** After a pipelined BEGIN is known to have failed, nothing more is sent (it would run on its own). */
    @Test
    void nothingIsSentAfterAPipelinedBeginFailed() throws Exception {
        CamelContext context = startContext(c -> c.setMaxPoolSize(1));
        dev.covet.pg.client.PgClient client = covetpg(context).client();
        dev.covet.pg.client.StatementOptions options = dev.covet.pg.client.StatementOptions.resolve(client.settings(), "test", null, null, null);
        dev.covet.pg.client.PgSession session = client.openTransaction("BEGIN ISOLATION LEVEL NONSENSE", true, 10_000);
        Thread.sleep(500); // the BEGIN's answer has come; the steps before the first covetpg one took that long
        Throwable failed = insertFailure(client, session, options, "late");
        session.close();
        assertThat(failed.getCause()).isInstanceOf(CovetPgException.class).hasMessageContaining("starting a transaction")
                .hasMessageNotContaining("ran on its own");
        assertThat(((CovetPgException) failed.getCause()).getSqlState()).isEqualTo("42601");
        assertThat(rows()).isZero();
        assertThat(covetpg(context).getPoolStatistics().inUse()).isZero();
    }

    /**
     * A statement whose commandTimeout runs out behind a pipelined BEGIN that then fails ran on its
     * own: a plain timeout would say the transaction rolls it back. Whether the late cancel stopped
     * it or not, the failure must tell the truth about the row.
     */
    @Test
    void aTimeoutBehindAPipelinedBeginThatFailedTellsWhetherTheStatementCommitted() throws Exception {
        CamelContext context = startContext(c -> c.setMaxPoolSize(1));
        dev.covet.pg.client.PgClient client = covetpg(context).client();
        dev.covet.pg.client.StatementOptions shortLimit = dev.covet.pg.client.StatementOptions.resolve(client.settings(), "test", null, 300L, null);
        dev.covet.pg.client.PgSession session = client.openTransaction("SELECT pg_sleep(1); SELECT 1/0", true, 10_000);
        Throwable failed = insertFailure(client, session, shortLimit, "on its own");
        session.close();
        assertThat(failed.getCause()).isInstanceOf(CovetPgException.class)
                .isNotInstanceOf(dev.covet.pg.client.CovetPgTimeoutException.class);
        if (rows() == 1) {
            assertThat(failed.getCause()).hasMessageContaining("ran on its own, outside any transaction, and succeeded");
        } else {
            assertThat(((CovetPgException) failed.getCause()).getSqlState()).as("the BEGIN's error").isEqualTo("22012");
        }
        assertThat(covetpg(context).getPoolStatistics().inUse()).isZero();
    }

    /**
     * A COMMIT run as a step of a route transaction would end it there: the steps after it would
     * run in autocommit, and the exchange's rollback would undo none of them while reporting that
     * it rolled back. It is refused, naming why; a savepoint's ROLLBACK TO is not.
     */
    @Test
    void aStatementThatEndsTheRouteTransactionIsRefused() throws Exception {
        CamelContext context = start(2, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:commitsEarly").transacted("covetpgTx")
                        .to("covetpg:query?sql=INSERT INTO " + ledger + " (id, note) VALUES (1, 'before')")
                        .to("covetpg:query?sql=/* done */ COMMIT")
                        .to("covetpg:query?sql=INSERT INTO " + ledger + " (id, note) VALUES (2, 'after')");
                from("direct:commitsAsStream").transacted("covetpgTx")
                        .to("covetpg:query?sql=INSERT INTO " + ledger + " (id, note) VALUES (1, 'before')")
                        .to("covetpg:query?outputType=StreamList&sql=COMMIT")
                        .to("covetpg:query?sql=INSERT INTO " + ledger + " (id, note) VALUES (2, 'after')");
                from("direct:savepoint").transacted("covetpgTx")
                        .to("covetpg:query?sql=INSERT INTO " + ledger + " (id, note) VALUES (1, 'kept')")
                        .to("covetpg:query?sql=SAVEPOINT s")
                        .to("covetpg:query?sql=INSERT INTO " + ledger + " (id, note) VALUES (2, 'undone')")
                        .to("covetpg:query?sql=ROLLBACK TO SAVEPOINT s");
            }
        });
        Exchange refused = context.createProducerTemplate().send("direct:commitsEarly", e -> { });
        assertThat(refused.getException()).isInstanceOf(CovetPgException.class)
                .hasMessageContaining("cannot run inside a covetpg transaction");
        assertThat(rows()).as("the exchange failed, and its transaction rolled back whole").isZero();
        Exchange asStream = context.createProducerTemplate().send("direct:commitsAsStream", e -> { });
        assertThat(asStream.getException()).as("a cursor's statement too").isInstanceOf(CovetPgException.class)
                .hasMessageContaining("cannot run inside a covetpg transaction");
        assertThat(rows()).isZero();

        Exchange partly = context.createProducerTemplate().send("direct:savepoint", e -> { });
        assertThat(partly.getException()).isNull();
        assertThat(db.queryValue("SELECT string_agg(note, ',') FROM " + ledger)).isEqualTo("kept");
        assertThat(covetpg(context).getPoolStatistics().inUse()).isZero();
    }

    /**
     * A BEGIN run as a plain statement leaves its connection inside a transaction: given back to
     * the pool like that, the next borrower's statements would run in it, and a route transaction's
     * BEGIN with an isolation level would fail. Such a connection is closed instead.
     */
    @Test
    void aConnectionLeftInsideATransactionIsNotLentAgain() throws Exception {
        CamelContext context = start(1, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:show").transacted("readOnlyTx").to("covetpg:query?outputType=SelectValue&sql=SHOW transaction_isolation");
            }
        });
        var template = context.createProducerTemplate();
        template.requestBody("covetpg:query?sql=BEGIN", (Object) null);
        template.requestBody("covetpg:query?sql=INSERT INTO " + ledger + " (id, note) VALUES (1, 'autocommit')", (Object) null);
        assertThat(rows()).as("committed on its own, not inside the earlier BEGIN's transaction").isEqualTo(1);
        template.requestBody("covetpg:query?sql=START TRANSACTION", (Object) null);
        assertThat(template.requestBody("direct:show", (Object) null)).isEqualTo("serializable");
        assertThat(covetpg(context).getPoolStatistics().inUse()).isZero();
    }

    /**
     * A commandTimeout's cancel must not reach a pipelined BEGIN: the statement written behind it
     * would then run on its own and commit, while the exchange is told it failed inside a
     * transaction that rolls back. Here the BEGIN is slow to answer (a sleep before it in one
     * simple query, so a cancel during the sleep would stop the BEGIN from running at all): the
     * statement's time runs out meanwhile, and its cancel waits for the BEGIN's answer.
     */
    @Test
    void aCancelWaitsForThePipelinedBeginsAnswer() throws Exception {
        CamelContext context = startContext(c -> c.setMaxPoolSize(1));
        dev.covet.pg.client.PgClient client = covetpg(context).client();
        dev.covet.pg.client.StatementOptions shortLimit = dev.covet.pg.client.StatementOptions.resolve(client.settings(), "test", null, 300L, null);
        dev.covet.pg.client.PgSession session = client.openTransaction("SELECT pg_sleep(1); BEGIN", true, 10_000);
        Throwable timedOut = insertFailure(client, session, shortLimit, "rolled back");
        assertThat(timedOut).hasCauseInstanceOf(dev.covet.pg.client.CovetPgTimeoutException.class);
        session.rollbackAsync().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        session.close();
        assertThat(rows()).as("the statement ran inside the transaction, which rolled back").isZero();
        assertThat(context.createProducerTemplate().requestBody("covetpg:query?outputType=SelectValue&sql=SELECT 1", (Object) null))
                .as("the connection is fine for the next borrower").isEqualTo(1);
    }

    @Test
    void aTransactedBlockWithoutCovetpgStepsCommitsBehindItsBeginAndGivesTheConnectionBack() throws Exception {
        CamelContext context = start(1, new RouteBuilder() {
            @Override
            public void configure() {
                // the COMMIT may leave before the BEGIN's answer came: it must wait for it, not report a transaction that never was
                from("direct:empty").transacted("covetpgTx").setBody(constant("done"));
            }
        });
        for (int i = 0; i < 50; i++) {
            Exchange done = context.createProducerTemplate().send("direct:empty", e -> { });
            assertThat(done.getException()).isNull();
            assertThat(done.getMessage().getBody()).isEqualTo("done");
        }
        assertThat(covetpg(context).getPoolStatistics().inUse()).isZero();
        assertThat(db.queryValue("SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND application_name = 'camel-covetpg'"))
                .isEqualTo(0L);
    }

    /**
     * Entering a transacted block does not wait for the connection (PgClient.openTransaction): the
     * steps before the first covetpg step run meanwhile. A connection that cannot be had must then
     * fail that first covetpg step with the pool's own error, and write nothing.
     */
    @Test
    void aTransactionThatCannotGetItsConnectionFailsItsFirstCovetpgStep() throws Exception {
        java.util.concurrent.atomic.AtomicInteger before = new java.util.concurrent.atomic.AtomicInteger();
        CamelContext context = newContext(c -> {
            c.setMaxPoolSize(1);
            c.setAcquireTimeout(300);
        }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:tx").transacted("covetpgTx").process(e -> before.incrementAndGet())
                        .to("covetpg:query?sql=INSERT INTO " + ledger + " (id, note) VALUES (1, 'starved')");
            }
        });
        context.getRegistry().bind("covetpgTx", new CovetPgTransactionPolicy());
        context.start();
        dev.covet.pg.client.PgSession holder = covetpg(context).client().openSession(10_000);
        Exchange starved = context.createProducerTemplate().send("direct:tx", e -> { });
        holder.close();
        assertThat(starved.getException()).isInstanceOf(dev.covet.pg.client.CovetPgPoolExhaustedException.class)
                .hasMessageContaining("acquireTimeout=300ms");
        assertThat(before).as("the step before the first covetpg step ran").hasValue(1);
        assertThat(rows()).isZero();
        assertThat(context.createProducerTemplate().send("direct:tx", e -> { }).getException()).isNull();
        assertThat(rows()).isEqualTo(1);
        assertThat(covetpg(context).getPoolStatistics().inUse()).isZero();
    }

    /**
     * An exchange that fails before its connection arrives: the ROLLBACK waits for the connection
     * and its BEGIN, so the connection goes back to the pool out of any transaction, and the next
     * borrower gets a clean one (not "idle in transaction", not a BEGIN of someone else's).
     */
    @Test
    void anExchangeThatFailsBeforeItsConnectionArrivesGivesItBackClean() throws Exception {
        String app = table("failsbefore");
        CamelContext context = newContext(c -> {
            c.setMaxPoolSize(1);
            c.setApplicationName(app);
        }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:tx").transacted("covetpgTx").throwException(new IllegalStateException("fails at once"));
                from("direct:insert").transacted("covetpgTx").to("covetpg:query?sql=INSERT INTO " + ledger + " (id, note) VALUES (2, 'next')");
            }
        });
        context.getRegistry().bind("covetpgTx", new CovetPgTransactionPolicy());
        context.start();
        dev.covet.pg.client.PgSession holder = covetpg(context).client().openSession(10_000);
        CompletableFuture<Exchange> failing = context.createProducerTemplate().asyncSend("direct:tx", e -> { });
        Thread.sleep(200); // the exchange has failed by now, and its connection is still on its way
        holder.close();
        assertThat(failing.get(10, TimeUnit.SECONDS).getException()).isInstanceOf(IllegalStateException.class).hasMessage("fails at once");
        await(() -> covetpg(context).getPoolStatistics().inUse() == 0, "the connection is back");
        assertThat(db.queryValue("SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND application_name = '"
                + app + "'")).isEqualTo(0L);
        // the next borrower's statement commits (it would not inside a BEGIN left behind)
        assertThat(context.createProducerTemplate().send("direct:insert", e -> { }).getException()).isNull();
        assertThat(db.queryValue("SELECT count(*) FROM " + ledger + " WHERE id = 2")).isEqualTo(1L);
    }

    /**
     * A transaction whose caller waits (a ProducerTemplate send) ends on that caller's thread: the
     * COMMIT's answer wakes it directly, and no completion thread is woken to hand it on. Camel may
     * report the end of a transacted block as asynchronous even so (from the thread's reactive
     * queue); the block's steps, its end and the step after it all run on the caller.
     */
    @Test
    void aTransactionEndsOnTheThreadThatWaitsForIt() throws Exception {
        List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
        CamelContext context = start(2, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:outer").to("direct:tx").process(e -> threads.add("after:" + Thread.currentThread().getName()));
                from("direct:tx").transacted("covetpgTx")
                        .to("covetpg:query?sql=INSERT INTO " + ledger + " (id, note) VALUES (:#id, 'one')")
                        .setHeader("first", header(CovetPgConstants.UPDATE_COUNT))
                        .to("covetpg:query?outputType=SelectValue&sql=SELECT count(*) FROM " + ledger)
                        .process(e -> threads.add("inside:" + Thread.currentThread().getName()))
                        .to("covetpg:query?sql=UPDATE " + ledger + " SET note = 'two' WHERE id = :#id");
            }
        });
        for (int id = 1; id <= 20; id++) {
            int row = id;
            threads.clear();
            Exchange done = context.createProducerTemplate().send("direct:outer", e -> e.getMessage().setHeader("id", row));
            assertThat(done.getException()).isNull();
            String caller = Thread.currentThread().getName();
            assertThat(threads).containsExactly("inside:" + caller, "after:" + caller);
        }
        assertThat(rows()).isEqualTo(20);
    }

    private RouteBuilder transfer(AtomicReference<Object> seenInside) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:transfer").transacted("covetpgTx")
                        .to("covetpg:query?sql=INSERT INTO " + ledger + " (id, note) VALUES (:#id, 'debit')")
                        .to("covetpg:batch?sql=INSERT INTO " + ledger + " (id, note) VALUES ($1, $2)")
                        // the same pinned connection sees its own uncommitted rows; JDBC outside does not
                        .process(e -> seenInside.set(db.queryValue("SELECT count(*) FROM " + ledger)))
                        .to("covetpg:query?outputType=SelectValue&sql=SELECT count(*) FROM " + ledger)
                        .filter(header("fail").isEqualTo(true))
                        .throwException(new IllegalStateException("a later, non-covetpg step fails"));
            }
        };
    }

    private static Exchange send(CamelContext context, int id, boolean fail) {
        return context.createProducerTemplate().send("direct:transfer", e -> {
            e.getMessage().setHeader("id", id);
            e.getMessage().setHeader("fail", fail);
            e.getMessage().setBody(List.of(List.of(id + 1000, "credit"), List.of(id + 2000, "fee")));
        });
    }

    @Test
    void aRouteThatSucceedsCommitsEveryStep() throws Exception {
        AtomicReference<Object> seenOutside = new AtomicReference<>();
        CamelContext context = start(2, transfer(seenOutside));
        Exchange out = send(context, 1, false);
        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getBody()).isEqualTo(3L); // counted inside the transaction
        assertThat(seenOutside.get()).isEqualTo(0L);          // not visible before the commit
        assertThat(rows()).isEqualTo(3);
        assertThat(covetpg(context).getPoolStatistics().inUse()).isZero();
    }

    @Test
    void aRouteThatFailsInALaterStepLeavesNothing() throws Exception {
        CamelContext context = start(1, transfer(new AtomicReference<>()));
        Exchange out = send(context, 1, true);
        assertThat(out.getException()).hasMessageContaining("a later, non-covetpg step fails");
        assertThat(rows()).isZero();
        // the only connection is back, clean: the next transaction commits
        assertThat(send(context, 2, false).getException()).isNull();
        assertThat(rows()).isEqualTo(3);
    }

    @Test
    void aFailingCovetpgStepRollsBackTheStepsBeforeIt() throws Exception {
        db.execute("INSERT INTO " + ledger + " VALUES (1005, 'taken')");
        CamelContext context = start(1, transfer(new AtomicReference<>()));
        Exchange out = send(context, 5, false); // the batch hits id 1005
        assertThat(((CovetPgException) out.getException()).getSqlState()).isEqualTo("23505");
        assertThat(db.queryValue("SELECT count(*) FROM " + ledger + " WHERE id = 5")).isEqualTo(0L);
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void nestedTransactedJoinsTheOuterTransactionOnTheSameConnection() throws Exception {
        List<Object> pids = new ArrayList<>();
        CamelContext context = start(2, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:outer").transacted("covetpgTx")
                        .to("covetpg:query?outputType=SelectValue&sql=SELECT pg_backend_pid()").process(e -> pids.add(e.getMessage().getBody()))
                        .to("covetpg:query?sql=INSERT INTO " + ledger + " VALUES (1, 'outer')")
                        .to("direct:inner")
                        .throwException(new IllegalStateException("outer fails after inner"));
                from("direct:inner").transacted("covetpgTx")
                        .to("covetpg:query?outputType=SelectValue&sql=SELECT pg_backend_pid()").process(e -> pids.add(e.getMessage().getBody()))
                        .setBody(constant(List.of(List.of(3, "copied"))))
                        .to("covetpg:copy?table=" + ledger, "covetpg:query?sql=INSERT INTO " + ledger + " VALUES (2, 'inner')");
            }
        });
        Exchange out = context.createProducerTemplate().send("direct:outer", e -> { });
        assertThat(out.getException()).hasMessageContaining("outer fails after inner");
        assertThat(pids).hasSize(2);
        assertThat(pids.get(1)).isEqualTo(pids.get(0));
        assertThat(rows()).isZero();
    }

    @Test
    void isolationLevelAndReadOnlyAreOptionsOfThePolicy() throws Exception {
        CamelContext context = start(1, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:show").transacted("readOnlyTx")
                        .to("covetpg:query?outputType=SelectValue&sql=SELECT current_setting('transaction_isolation') || ' ' || current_setting('transaction_read_only')");
                from("direct:write").transacted("readOnlyTx").to("covetpg:query?sql=INSERT INTO " + ledger + " VALUES (1, 'x')");
            }
        });
        assertThat(context.createProducerTemplate().requestBody("direct:show", (Object) null)).isEqualTo("serializable on");
        Exchange write = context.createProducerTemplate().send("direct:write", e -> { });
        assertThat(((CovetPgException) write.getException()).getSqlState()).isEqualTo("25006");
        assertThat(rows()).isZero();
    }

    @Test
    void twoHundredConcurrentTransactionsOverAPoolOfFourFinishWithoutLeaks() throws Exception {
        CamelContext context = start(4, transfer(new AtomicReference<>()));
        List<CompletableFuture<Exchange>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int id = i;
            all.add(context.createProducerTemplate().asyncSend("direct:transfer", e -> {
                e.getMessage().setHeader("id", id);
                e.getMessage().setHeader("fail", id % 10 == 0); // every tenth fails and rolls back
                e.getMessage().setBody(List.of(List.of(id + 1000, "credit"), List.of(id + 2000, "fee")));
            }));
        }
        for (CompletableFuture<Exchange> f : all) {
            f.get(2, TimeUnit.MINUTES);
        }
        assertThat(rows()).isEqualTo(180 * 3);
        assertThat(covetpg(context).getPoolStatistics().inUse()).isZero();
        assertThat(covetpg(context).getPoolStatistics().size()).isLessThanOrEqualTo(4);
        assertThat(db.queryValue("SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND application_name = 'camel-covetpg'"))
                .isEqualTo(0L);
    }

    @Test
    void aYamlRouteUsesTheSamePolicy() throws Exception {
        CamelContext context = newContext(c -> c.setMaxPoolSize(1));
        context.getRegistry().bind("covetpgTx", new CovetPgTransactionPolicy());
        loadRoutes(context, "covetpg-transacted.camel.yaml", "tx.table", ledger);
        context.start();
        Exchange failed = context.createProducerTemplate().send("direct:yaml-transfer", e -> {
            e.getMessage().setHeader("id", 7);
            e.getMessage().setHeader("fail", true);
        });
        assertThat(failed.getException()).hasMessageContaining("the transfer is refused");
        assertThat(rows()).isZero();
        Exchange ok = context.createProducerTemplate().send("direct:yaml-transfer", e -> e.getMessage().setHeader("id", 7));
        assertThat(ok.getException()).isNull();
        assertThat(db.query("SELECT id, note FROM " + ledger + " ORDER BY id"))
                .containsExactly(Map.of("id", 7, "note", "debit"), Map.of("id", 1007, "note", "credit"));
    }
}
