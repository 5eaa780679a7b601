package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.CovetPgTimeoutException;
import dev.covet.pg.client.PgClient;
import dev.covet.pg.client.PgSession;
import dev.covet.pg.client.CovetPgUnknownOutcomeException;
import dev.covet.pg.tx.CovetPgTransactionPolicy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Every operation keeps its time limits: what it stops waiting for is cancelled on the server, a
 * cancel reaches only the statement it was meant for, a busy connection never goes back to the
 * pool, and a statement that was sent and then timed out is an unknown outcome, not a failure.
 */
class TimeLimitsTest extends CovetPgTestSupport {

    private final String app = "covetpg-limits-" + Long.toHexString(System.nanoTime());

    /** Statements of this test's pool that the server runs now. */
    private long active() {
        return (Long) db.queryValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + app
                + "' AND state = 'active'");
    }

    private void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (active() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(active()).as("statements still running on the server").isZero();
    }

    @Test
    void aStatementThatWasSentAndTimedOutIsAnUnknownOutcomeAndIsCancelled() throws Exception {
        String t = table("sent");
        db.execute("CREATE TABLE " + t + " (id int)");
        CamelContext context = startContext(c -> c.setApplicationName(app));
        Exchange out = send(context, "covetpg:query?commandTimeout=300&sql=INSERT INTO " + t + " SELECT 1 FROM pg_sleep(5)", null);
        assertThat(out.getException()).isInstanceOf(CovetPgUnknownOutcomeException.class)
                .hasMessageContaining("commandTimeout=300ms").hasMessageContaining("may or may not have taken effect");
        awaitIdle(); // the cancel stopped it on the server
        assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo(0L);
        // and the connection it ran on serves the next statement
        assertThat(send(context, "covetpg:query?outputType=SelectValue&sql=SELECT 7", null).getMessage().getBody()).isEqualTo(7);
    }

    /**
     * A thread interrupted while it waits for its ROLLBACK (as Camel interrupts a consumer's poll
     * when its route stops) stops waiting with the ROLLBACK still queued on the connection. That
     * connection once went back to the pool busy, and the next COPY on it failed with "1 command(s)
     * are in flight" (the fidelity matrix hit it, once in four CI runs).
     */
    @Test
    void aWaitEndedByAnInterruptKeepsItsBusyConnectionOutOfThePool() throws Exception {
        CamelContext context = startContext(c -> {
            c.setApplicationName(app);
            c.setMinPoolSize(1);
            c.setMaxPoolSize(1); // the next exchange gets the very connection the interrupted session gives back
        });
        PgClient client = context.getComponent("covetpg", CovetPgComponent.class).client();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try (PgSession session = client.openSession(0)) {
                session.begin();
                // still running when the ROLLBACK is sent, so the ROLLBACK waits behind it
                session.connection().query("SELECT pg_sleep(3)").execute();
                session.rollback();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "covetpg-interrupted-worker");
        worker.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (active() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        worker.interrupt();
        worker.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(failure.get()).hasMessageContaining("Interrupted while rolling back");

        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // a COPY's output is read within its exchange
                from("direct:copy-after-interrupt").to("covetpg:copy?sql=COPY (SELECT 1) TO STDOUT").convertBodyTo(String.class);
            }
        });
        Exchange copy = send(context, "direct:copy-after-interrupt", null);
        assertThat(copy.getException()).as("the COPY after the interrupted session").isNull();
        assertThat(copy.getMessage().getBody(String.class)).isEqualTo("1\n");
        awaitIdle(); // and what the interrupted session left running was cancelled on the server
    }

    @Test
    void aTimeoutDuringARetrysBackoffCancelsNoOneElse() throws Exception {
        String flaky = table("flaky");
        db.execute("CREATE SEQUENCE " + flaky + "_calls",
                "CREATE FUNCTION " + flaky + "() RETURNS text LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF nextval('" + flaky + "_calls') <= 1 THEN RAISE EXCEPTION 'made to fail' USING ERRCODE = '40001'; END IF;"
                        + " RETURN 'done'; END $$");
        CamelContext context = startContext(c -> {
            c.setApplicationName(app);
            c.setMaxPoolSize(1); // the next exchange gets the very connection the failed attempt gave back
            c.setRetryBackoff(300);
        });
        CompletableFuture<Exchange> retrying = CompletableFuture.supplyAsync(() ->
                send(context, "covetpg:query?commandTimeout=700&sql=SELECT " + flaky + "()", null));
        // once its first attempt has failed and given the connection back, this takes it during the
        // backoff; the retry then waits for it, and its commandTimeout runs out while it waits
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Boolean.TRUE.equals(db.queryValue("SELECT is_called FROM " + flaky + "_calls")) && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        Exchange other = send(context, "covetpg:query?outputType=SelectValue&sql=SELECT 'other' FROM pg_sleep(1.5)", null);
        assertThat(other.getException()).as("a cancel meant for the retrying exchange").isNull();
        assertThat(other.getMessage().getBody()).isEqualTo("other");
        // nothing of the retrying statement was in flight when its time ran out: a plain timeout
        assertThat(retrying.get(10, TimeUnit.SECONDS).getException()).isInstanceOf(CovetPgTimeoutException.class)
                .isNotInstanceOf(CovetPgUnknownOutcomeException.class);
    }

    @Test
    void aBatchBlockedOnALockIsCancelledAndItsConnectionIsNotLentBusy() throws Exception {
        String t = table("locked");
        db.execute("CREATE TABLE " + t + " (id int PRIMARY KEY)", "INSERT INTO " + t + " VALUES (1)");
        CamelContext context = startContext(c -> {
            c.setApplicationName(app);
            c.setMaxPoolSize(1);
        });
        try (Connection holder = db.jdbc(); Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.execute("SELECT * FROM " + t + " WHERE id = 1 FOR UPDATE");
            List<List<Object>> rows = new ArrayList<>();
            rows.add(List.of(1));
            Exchange out = send(context, "covetpg:batch?commandTimeout=400&sql=UPDATE " + t + " SET id = id WHERE id = $1", rows);
            assertThat(out.getException()).isInstanceOf(CovetPgTimeoutException.class);
            awaitIdle(); // the UPDATE waits no longer for the lock
            holder.rollback();
        }
        // the pool's one connection was dropped, not lent with the UPDATE still on it
        assertThat(send(context, "covetpg:query?outputType=SelectValue&sql=SELECT 8", null).getMessage().getBody()).isEqualTo(8);
    }

    @Test
    void aStreamListFetchTakesItsEndpointsCommandTimeoutAndIsCancelled() throws Exception {
        CamelContext context = startContext(c -> c.setApplicationName(app), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:stream").to("covetpg:query?outputType=StreamList&commandTimeout=400&fetchSize=1"
                        + "&sql=SELECT g FROM generate_series(1, 3) g, LATERAL pg_sleep(CASE WHEN g = 2 THEN 5 ELSE 0 END)")
                        .split(body()).streaming().to("mock:rows");
            }
        });
        Exchange out = context.createProducerTemplate().send("direct:stream", e -> { });
        assertThat(out.getException()).hasStackTraceContaining("CovetPgTimeoutException").hasStackTraceContaining("commandTimeout=400ms");
        awaitIdle();
    }

    @Test
    void anEndpointsQueryTimeoutHoldsForBatchAndCopyAndIsSetBackAfter() throws Exception {
        String t = table("slow_rows");
        db.execute("CREATE TABLE " + t + " (id int)",
                "CREATE FUNCTION " + t + "_slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(1); RETURN NEW; END $$",
                "CREATE TRIGGER slow BEFORE INSERT ON " + t + " FOR EACH ROW EXECUTE FUNCTION " + t + "_slow()");
        CamelContext context = newContext(c -> {
            c.setApplicationName(app);
            c.setMaxPoolSize(1);
        }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:tx").transacted("covetpgTx")
                        .to("covetpg:batch?queryTimeout=200&sql=INSERT INTO " + t + " VALUES ($1)")
                        .to("covetpg:query?outputType=SelectValue&sql=SHOW statement_timeout");
            }
        });
        context.getRegistry().bind("covetpgTx", new CovetPgTransactionPolicy());
        context.start();
        Exchange batch = send(context, "covetpg:batch?queryTimeout=200&sql=INSERT INTO " + t + " VALUES ($1)", List.of(List.of(1)));
        assertThat(batch.getException()).isInstanceOf(CovetPgTimeoutException.class).hasMessageContaining("57014");
        Exchange copy = send(context, "covetpg:copy?queryTimeout=200&table=" + t, List.of(List.of(1)));
        assertThat(copy.getException()).hasMessageContaining("57014");
        // the connection (the pool has one) went back with the component's limit, none
        assertThat(send(context, "covetpg:query?outputType=SelectValue&sql=SHOW statement_timeout", null).getMessage().getBody()).isEqualTo("0");

        db.execute("DROP TRIGGER slow ON " + t);
        Exchange inTx = context.createProducerTemplate().send("direct:tx", e -> e.getMessage().setBody(List.of(List.of(2))));
        assertThat(inTx.getException()).isNull();
        assertThat(inTx.getMessage().getBody()).as("the transaction's next statement").isEqualTo("0");
        assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo(1L);
    }

    @Test
    void startingTheMinimumOfConnectionsIsBoundByConnectTimeoutNotAcquireTimeout() throws Exception {
        // acquireTimeout=1ms fails fast on a busy pool; opening two connections takes longer than that
        CamelContext context = startContext(c -> {
            c.setApplicationName(app);
            c.setMinPoolSize(2);
            c.setAcquireTimeout(1);
        });
        assertThat(covetpg(context).getPoolStatistics().size()).isEqualTo(2);
    }

    @Test
    void aConnectionBeingOpenedIsNotCountedIdleWhileSomeoneWaits() throws Exception {
        try (TcpProxy proxy = new TcpProxy(db.host(), db.port())) {
            CamelContext context = startContext(c -> {
                c.setHost("127.0.0.1");
                c.setPort(proxy.port());
                c.setMinPoolSize(0);
                c.setMaxPoolSize(2);
                c.setAcquireTimeout(3000);
            });
            proxy.freeze(); // the connect is accepted, the handshake never answered
            CompletableFuture<Exchange> waiting = CompletableFuture.supplyAsync(() -> send(context, "covetpg:query?sql=SELECT 1", null));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (covetpg(context).getPoolStatistics().waiting() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            dev.covet.pg.client.PoolStatistics stats = covetpg(context).getPoolStatistics();
            assertThat(stats.waiting()).isEqualTo(1);
            assertThat(stats.idle()).as("idle while an operation waits: " + stats).isZero();
            assertThat(waiting.get(20, TimeUnit.SECONDS).getException()).isNotNull();
        }
    }

    @Test
    void aCursorOpenedInARouteTransactionIsBoundedByCommandTimeout() throws Exception {
        String t = table("locked_for_cursor");
        db.execute("CREATE TABLE " + t + " (id int)", "INSERT INTO " + t + " VALUES (1)");
        CamelContext context = newContext(c -> c.setMaxPoolSize(2), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:tx").transacted("covetpgTx").to("covetpg:query?outputType=StreamList&commandTimeout=500&sql=SELECT id FROM " + t);
            }
        });
        context.getRegistry().bind("covetpgTx", new CovetPgTransactionPolicy());
        context.start();
        try (Connection holder = db.jdbc()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("LOCK TABLE " + t + " IN ACCESS EXCLUSIVE MODE"); // the cursor's prepare waits for it
            }
            // the exchange ends while the lock is still held: it did not wait for it
            Exchange out = template(context).asyncSend("direct:tx", e -> { }).get(30, TimeUnit.SECONDS);
            assertThat(out.getException()).isInstanceOf(CovetPgTimeoutException.class).hasMessageContaining("commandTimeout=500ms")
                    .hasMessageContaining("route transaction");
            // and the prepare was cancelled on the server, not left waiting behind the lock
            await(() -> ((Number) db.queryValue("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM "
                    + t + "%' AND pid <> pg_backend_pid()")).intValue() == 0, "no statement of ours waiting for the lock");
            holder.rollback();
        }
        await(() -> covetpg(context).getPoolStatistics().inUse() == 0, "the transaction's connection given back");
        assertThat(send(context, "covetpg:query?outputType=SelectValue&sql=SELECT count(*) FROM " + t, null).getMessage().getBody()).isEqualTo(1L);
    }

    /**
     * An endpoint's queryTimeout inside a route transaction is SET LOCAL for its statements and set
     * back after them, also when an earlier step changed the session (the connection is then closed
     * at the end): the transaction's later statements must not inherit the limit (found by review).
     */
    @Test
    void anEndpointLimitIsSetBackInsideATransactionWhoseConnectionWillBeClosed() throws Exception {
        String t = table("limited");
        db.execute("CREATE TABLE " + t + " (id int)");
        CamelContext context = newContext(c -> c.setMaxPoolSize(1), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:tx").transacted("covetpgTx")
                        .to("covetpg:query?sql=SET search_path TO public")
                        .to("covetpg:batch?queryTimeout=123&sql=INSERT INTO " + t + " VALUES ($1)")
                        .to("covetpg:query?outputType=SelectValue&sql=SHOW statement_timeout");
            }
        });
        context.getRegistry().bind("covetpgTx", new dev.covet.pg.tx.CovetPgTransactionPolicy());
        context.start();
        Object after = context.createProducerTemplate().requestBody("direct:tx", List.of(List.of(1), List.of(2)));
        assertThat(after).isEqualTo("0");
        assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo(2L);
    }
}
