package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.CovetPgCircuitOpenException;
import dev.covet.pg.client.CovetPgConnectionException;
import dev.covet.pg.client.CovetPgException;
import dev.covet.pg.client.CovetPgUnknownOutcomeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Retries, replaced connections and the circuit breaker, against the real server: failures the
 * server reports (serialization failure, deadlock, terminated sessions) are made by the server,
 * network failures by a {@link TcpProxy} in front of it.
 */
class RetryTest extends CovetPgTestSupport {

    /** A function that fails with {@code state} the first {@code times} calls (counted by a sequence, which no rollback undoes). */
    private static String flakyFunction(String state, int times) {
        String name = table("flaky");
        db.execute("CREATE SEQUENCE " + name + "_calls",
                "CREATE FUNCTION " + name + "() RETURNS text LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF nextval('" + name + "_calls') <= " + times + " THEN RAISE EXCEPTION 'made to fail' USING ERRCODE = '" + state + "'; END IF;"
                        + " RETURN 'done'; END $$");
        return name;
    }

    private static long calls(String function) {
        return ((Number) db.queryValue("SELECT last_value FROM " + function + "_calls")).longValue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"40001", "40P01", "57P03"})
    void transientServerErrorsAreRetriedAndTheRetriesAreVisible(String state) throws Exception {
        String flaky = flakyFunction(state, 2);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CamelContext context = newContext(c -> c.setRetryBackoff(10));
        context.getRegistry().bind("meters", meters);
        context.start();

        Exchange out = send(context, "covetpg:query?sql=SELECT " + flaky + "()&outputType=SelectValue", null);

        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getBody()).isEqualTo("done");
        assertThat(out.getMessage().getHeader(CovetPgConstants.RETRIES)).isEqualTo(2);
        assertThat(calls(flaky)).as("attempts the server saw").isEqualTo(3);
        assertThat(meters.get("covetpg.retries").tag("operation", "query").tag("reason", state).counter().count()).isEqualTo(2.0);
        assertThat(covetpg(context).getTotalRetries()).isEqualTo(2);
    }

    @Test
    void retriesStopAtMaxRetriesWithTheLastErrorAndHowOftenItWasTried() throws Exception {
        String flaky = flakyFunction("40001", 10);
        CamelContext context = startContext(c -> {
            c.setMaxRetries(2);
            c.setRetryBackoff(10);
        });

        Exchange out = send(context, "covetpg:query?sql=SELECT " + flaky + "()&outputType=SelectValue", null);

        assertThat(out.getException()).isInstanceOf(CovetPgException.class).hasMessageContaining("made to fail")
                .hasMessageContaining("gave up after 2 retries");
        assertThat(((CovetPgException) out.getException()).getSqlState()).isEqualTo("40001");
        assertThat(calls(flaky)).isEqualTo(3);
    }

    @Test
    void maxRetriesZeroTriesOnce() throws Exception {
        String flaky = flakyFunction("40001", 1);
        CamelContext context = startContext(c -> c.setMaxRetries(0));

        Exchange out = send(context, "covetpg:query?sql=SELECT " + flaky + "()&outputType=SelectValue", null);

        assertThat(out.getException()).isInstanceOf(CovetPgException.class).hasMessageNotContaining("gave up");
        assertThat(calls(flaky)).isEqualTo(1);
    }

    @Test
    void aStatementsOwnErrorIsNotRetried() throws Exception {
        String flaky = flakyFunction("23505", 1);
        CamelContext context = startContext(c -> c.setRetryBackoff(10));

        Exchange out = send(context, "covetpg:query?sql=SELECT " + flaky + "()&outputType=SelectValue", null);

        assertThat(((CovetPgException) out.getException()).getSqlState()).isEqualTo("23505");
        assertThat(calls(flaky)).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aBatchIsRunAgainOnlyWhenItsOwnTransactionLeftNothingBehind(boolean transacted) throws Exception {
        String t = table("rerun");
        // the second chunk meets a serialization failure, once
        db.execute("CREATE TABLE " + t + " (n int)", "CREATE SEQUENCE " + t + "_failures",
                "CREATE FUNCTION " + t + "_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.n = 150 AND nextval('" + t + "_failures') = 1 THEN RAISE EXCEPTION 'made to fail' USING ERRCODE = '40001'; END IF;"
                        + " RETURN NEW; END $$",
                "CREATE TRIGGER fail BEFORE INSERT ON " + t + " FOR EACH ROW EXECUTE FUNCTION " + t + "_fail()");
        CamelContext context = startContext(c -> c.setRetryBackoff(10));
        List<List<Integer>> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rows.add(List.of(i));
        }

        Exchange out = send(context, "covetpg:batch?sql=INSERT INTO " + t + " VALUES ($1)&batchSize=100&transacted=" + transacted, rows);

        assertThat(db.queryValue("SELECT count(*) FROM (SELECT n FROM " + t + " GROUP BY n HAVING count(*) > 1) d")).as("rows written twice")
                .isEqualTo(0L);
        if (transacted) {
            // all or nothing: the failure left nothing behind, so the whole body ran again
            assertThat(out.getException()).isNull();
            assertThat(out.getMessage().getHeader(CovetPgConstants.RETRIES)).isEqualTo(1);
            assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo(200L);
        } else {
            // the first chunk stays committed: running the body again would write it twice
            assertThat(((CovetPgException) out.getException()).getSqlState()).isEqualTo("40001");
            assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo(100L);
        }
    }

    @Test
    void connectionsTheServerTerminatedAreDroppedAndTheNextWritesSucceed() throws Exception {
        String t = table("terminated");
        db.execute("CREATE TABLE " + t + " (n int PRIMARY KEY)");
        String app = table("killed");
        CamelContext context = startContext(c -> {
            c.setApplicationName(app);
            c.setMinPoolSize(4);
            c.setMaxPoolSize(4);
            c.setRetryBackoff(10);
        });
        ProducerTemplate template = template(context);
        int n = 0;
        for (int round = 0; round < 5; round++) {
            Object killed = db.queryValue("SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE application_name = '" + app + "'");
            assertThat(((Number) killed).intValue()).as("connections terminated in round " + round).isPositive();
            // the pool sees each FATAL 57P01 and drops that connection. A statement sent on one
            // before that may have met the reset and fails as of unknown outcome: see the chaos test
            for (int i = 0; i < 200 && covetpg(context).getPoolStatistics().size() > 0; i++) {
                Thread.sleep(10);
            }
            assertThat(covetpg(context).getPoolStatistics().size()).as("connections left after they were terminated").isZero();
            List<CompletableFuture<Exchange>> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int value = n++;
                sent.add(template.asyncSend("covetpg:query?sql=INSERT INTO " + t + " VALUES (:#n)", e -> e.getMessage().setHeader("n", value)));
            }
            for (CompletableFuture<Exchange> f : sent) {
                Exchange out = f.get(30, TimeUnit.SECONDS);
                assertThat(out.getException()).as("exchange after the server terminated the pool's sessions").isNull();
            }
        }
        assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo((long) n);
    }

    @Test
    void afterARestartThePoolDropsItsDeadConnectionsAndTheNextExchangesSucceed() throws Exception {
        try (dev.covet.pg.testdb.RestartableDatabase server = dev.covet.pg.testdb.TestDatabase.restartable(Map.of())) {
            server.execute("CREATE TABLE restarted (n int)");
            CamelContext context = startContext(c -> {
                c.setUrl(null);
                c.setHost(server.host());
                c.setPort(server.port());
                c.setDatabase("postgres");
                c.setUser("postgres");
                c.setPassword(null);
                c.setSslMode("disable");
                c.setMinPoolSize(3);
                c.setMaxPoolSize(3);
            });
            server.restart(); // every pooled connection gets 57P01 and is closed
            for (int i = 0; i < 200 && covetpg(context).getPoolStatistics().size() > 0; i++) {
                Thread.sleep(10);
            }
            assertThat(covetpg(context).getPoolStatistics().size()).as("dead connections left in the pool").isZero();
            for (int n = 0; n < 10; n++) {
                int value = n;
                Exchange out = template(context).send("covetpg:query?sql=INSERT INTO restarted VALUES (:#n)", e -> e.getMessage().setHeader("n", value));
                assertThat(out.getException()).as("write " + n + " after the restart").isNull();
            }
            assertThat(server.queryValue("SELECT count(*) FROM restarted")).isEqualTo(10L);
        }
    }

    @Test
    void aConnectionCutAfterAWriteWasSentFailsAsUnknownOutcomeAndIsNotRetried() throws Exception {
        String t = table("cut");
        db.execute("CREATE TABLE " + t + " (n int)");
        try (TcpProxy proxy = new TcpProxy(db.host(), db.port())) {
            CamelContext context = startContext(c -> {
                c.setHost("127.0.0.1");
                c.setPort(proxy.port());
                c.setRetryBackoff(10);
            });
            CompletableFuture<Exchange> pending = template(context).asyncSend(
                    "covetpg:query?sql=INSERT INTO " + t + " SELECT 1 FROM pg_sleep(1)", e -> { });
            awaitRunning("INSERT INTO " + t); // executing, not just being parsed: asleep in pg_sleep
            proxy.cut();

            Exchange out = pending.get(30, TimeUnit.SECONDS);
            assertThat(out.getException()).isInstanceOf(CovetPgUnknownOutcomeException.class)
                    .hasMessageContaining("may or may not have taken effect").hasMessageContaining("INSERT INTO " + t);
            // the server finished the statement on its own: it did take effect, once, and was not sent again
            awaitNotRunning("INSERT INTO " + t);
            assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo(1L);
            assertThat(covetpg(context).getTotalRetries()).isZero();
        }
    }

    @Test
    void aCursorInATransactionThatNeverCommittedIsOpenedAgainAfterACut() throws Exception {
        try (TcpProxy proxy = new TcpProxy(db.host(), db.port())) {
            CamelContext context = startContext(c -> {
                c.setHost("127.0.0.1");
                c.setPort(proxy.port());
                c.setMinPoolSize(1);
                c.setMaxPoolSize(1);
                c.setRetryBackoff(10);
            }, new org.apache.camel.builder.RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:stream").to("covetpg:query?sql=SELECT generate_series(1, 5) AS n&outputType=StreamList&fetchSize=2")
                            .split(body()).streaming().aggregationStrategy(new org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy())
                            .setBody(simple("${body[n]}")).end();
                }
            });
            // the pool's only connection dies without a word; the cursor's transaction never committed, so opening it again is safe
            proxy.cut();
            Exchange out = send(context, "direct:stream", null);
            assertThat(out.getException()).isNull();
            assertThat(out.getMessage().getBody(List.class)).containsExactly(1, 2, 3, 4, 5);
        }
    }

    @Test
    void readingAStreamListAfterItsExchangeEndedFailsInsteadOfEndingEarly() throws Exception {
        CamelContext context = startContext(c -> { });
        Exchange out = send(context, "covetpg:query?sql=SELECT generate_series(1, 5) AS n&outputType=StreamList&fetchSize=2", null);
        java.util.Iterator<?> rows = out.getMessage().getBody(java.util.Iterator.class);
        assertThat(rows).isNotNull();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(rows::hasNext)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed before its last row was read");
    }

    @Test
    void aServerThatVanishedWithoutClosingTheSocketCostsAtMostCommandTimeout() throws Exception {
        try (TcpProxy proxy = new TcpProxy(db.host(), db.port())) {
            CamelContext context = startContext(c -> {
                c.setHost("127.0.0.1");
                c.setPort(proxy.port());
                c.setCommandTimeout(1_000);
            });
            proxy.freeze();
            CompletableFuture<Exchange> pending = template(context).asyncSend("covetpg:query?sql=SELECT 1", e -> { });
            Exchange out = pending.get(30, TimeUnit.SECONDS);
            assertThat(out.getException()).isInstanceOf(CovetPgUnknownOutcomeException.class).hasMessageContaining("commandTimeout=1000ms");
        }
    }

    @Test
    void theCircuitBreakerHoldsOperationsWithinTheirBudgetAndClosesWhenTheServerAnswers() throws Exception {
        try (TcpProxy proxy = new TcpProxy(db.host(), db.port())) {
            CamelContext context = startContext(c -> {
                c.setHost("127.0.0.1");
                c.setPort(proxy.port());
                c.setMinPoolSize(0);
                c.setMaxRetries(0);
                c.setCircuitBreakerThreshold(2);
                c.setCircuitBreakerProbeInterval(200);
                c.setAcquireTimeout(1500); // what an operation may wait for the breaker to close
            });
            proxy.refuse();
            for (int i = 0; i < 2; i++) {
                Exception failure = send(context, "covetpg:query?sql=SELECT 1", null).getException();
                assertThat(failure).isInstanceOf(CovetPgConnectionException.class).isNotInstanceOf(CovetPgCircuitOpenException.class)
                        .hasMessageContaining("Could not connect");
            }
            // open: the operation waits for a probe to reach the server, and fails when its acquireTimeout cannot cover it
            Exception fast = send(context, "covetpg:query?sql=SELECT 1", null).getException();
            assertThat(fast).isInstanceOf(CovetPgCircuitOpenException.class).hasMessageContaining("circuit breaker is open")
                    .hasMessageContaining("circuitBreakerThreshold=2");
            assertThat(covetpg(context).getServers()).contains("down (breaker open)");

            // a server back within the budget: the waiting operation goes through instead of failing at once
            java.util.concurrent.CompletableFuture<Exchange> waiting = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                    send(context, "covetpg:query?sql=SELECT 1&outputType=SelectValue", null));
            Thread.sleep(300);
            proxy.accept();
            Exchange waited = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(waited.getException()).as("an operation that waited for the breaker").isNull();
            assertThat(waited.getMessage().getBody()).isEqualTo(1);
            Exchange back = null;
            for (int i = 0; i < 100 && (back == null || back.getException() != null); i++) {
                Thread.sleep(100);
                back = send(context, "covetpg:query?sql=SELECT 1&outputType=SelectValue", null);
            }
            assertThat(back.getException()).as("once the server answers again").isNull();
            assertThat(covetpg(context).getServers()).contains("up (breaker closed)");
        }
    }

    private static void awaitRunning(String sqlStart) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (((Number) db.queryValue("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND wait_event = 'PgSleep'"
                    + " AND query LIKE '" + sqlStart + "%'")).intValue() > 0) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("never saw [" + sqlStart + "] running");
    }

    private static void awaitNotRunning(String sqlStart) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            if (((Number) db.queryValue("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '"
                    + sqlStart + "%'")).intValue() == 0) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("[" + sqlStart + "] still runs");
    }
}
