package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** Micrometer meters, bound when a MeterRegistry is in the Camel registry, read from a SimpleMeterRegistry. */
class MetricsTest extends CovetPgTestSupport {

    @Test
    void operationsRowsAndThePoolAreMetered() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CamelContext context = newContext(c -> c.setMaxPoolSize(4));
        context.getRegistry().bind("meters", meters);
        context.start();

        assertThat(send(context, "covetpg:query?sql=SELECT generate_series(1, 5) AS n", null).getException()).isNull();
        assertThat(send(context, "covetpg:query?sql=SELECT generate_series(1, 3) AS n", null).getException()).isNull();
        assertThat(send(context, "covetpg:query?sql=SELECT 1/0", null).getException()).isNotNull();
        String table = table("metered");
        db.execute("CREATE TABLE " + table + " (id int)");
        assertThat(send(context, "covetpg:batch?sql=INSERT INTO " + table + " VALUES ($1)", List.of(List.of(1), List.of(2))).getException()).isNull();
        // the unnest path of table/columns: one statement for the chunk, counted with its rows
        assertThat(send(context, "covetpg:batch?table=" + table + "&columns=id", List.of(List.of(3), List.of(4), List.of(5))).getException()).isNull();

        Timer ok = meters.get("covetpg.operations").tags("component", "covetpg", "operation", "query", "outcome", "success").timer();
        // two queries, and the catalog lookup of the table/columns batch (a statement too: one row)
        assertThat(ok.count()).isEqualTo(3);
        assertThat(ok.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
        assertThat(meters.get("covetpg.operations").tags("operation", "query", "outcome", "failure").timer().count()).isEqualTo(1);
        assertThat(meters.get("covetpg.operations").tags("operation", "batch", "outcome", "success").timer().count()).isEqualTo(2);
        assertThat(meters.get("covetpg.rows").tags("operation", "query").counter().count()).isEqualTo(9);
        assertThat(meters.get("covetpg.rows").tags("operation", "batch").counter().count()).isEqualTo(5);

        assertThat(meters.get("covetpg.pool.max").gauge().value()).isEqualTo(4);
        assertThat(meters.get("covetpg.pool.size").gauge().value()).isBetween(1.0, 4.0);
        assertThat(meters.get("covetpg.pool.in.use").gauge().value()).isZero();
        assertThat(meters.get("covetpg.pool.waiting").gauge().value()).isZero();
        assertThat(meters.get("covetpg.pool.acquired").functionCounter().count()).isGreaterThanOrEqualTo(4);

        context.stop();
        assertThat(meters.find("covetpg.pool.size").gauges()).as("meters removed on stop").isEmpty();
    }

    @Test
    void copyRowsAndTheWaitForAConnectionAreMetered() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CamelContext context = newContext(c -> c.setMaxPoolSize(2), new RouteBuilder() {
            @Override
            public void configure() {
                // read the COPY's output inside the exchange, as a route does: its end is what is reported
                from("direct:copy-out").to("covetpg:copy?sql=RAW(COPY (SELECT generate_series(1, 7)) TO STDOUT)")
                        .convertBodyTo(byte[].class);
            }
        });
        context.getRegistry().bind("meters", meters);
        context.start();
        String table = table("copy_metered");
        db.execute("CREATE TABLE " + table + " (id int)");
        long acquiredBefore = covetpg(context).getPoolStatistics().totalAcquired();

        List<List<Integer>> rows = IntStream.rangeClosed(1, 1000).mapToObj(List::of).toList();
        Exchange in = send(context, "covetpg:copy?table=" + table + "&columns=id", rows);
        assertThat(in.getException()).isNull();
        assertThat(send(context, "covetpg:copy?sql=COPY " + table + " FROM STDIN", "1001\n1002\n".getBytes(StandardCharsets.UTF_8))
                .getException()).isNull();
        Exchange out = template(context).send("direct:copy-out", e -> { });
        assertThat(out.getException()).isNull();
        assertThat(new String(out.getMessage().getBody(byte[].class), StandardCharsets.UTF_8)).startsWith("1\n2\n");
        assertThat(send(context, "covetpg:copy?sql=COPY no_such_table_" + System.nanoTime() + " FROM STDIN", "1\n").getException())
                .isNotNull();

        assertThat(meters.get("covetpg.copy.rows").tags("component", "covetpg", "direction", "in").counter().count())
                .as("the server's counts of both COPY IN").isEqualTo(1002);
        assertThat(meters.get("covetpg.copy.rows").tags("direction", "out").counter().count()).isEqualTo(7);
        assertThat(meters.find("covetpg.rows").tags("operation", "copy in").counter()).as("COPY rows are not statement rows").isNull();
        assertThat(meters.get("covetpg.operations").tags("operation", "copy in", "outcome", "success").timer().count()).isEqualTo(2);
        assertThat(meters.get("covetpg.operations").tags("operation", "copy in", "outcome", "failure").timer().count()).isEqualTo(1);
        assertThat(meters.get("covetpg.operations").tags("operation", "copy out", "outcome", "success").timer().count()).isEqualTo(1);

        Timer acquire = meters.get("covetpg.pool.acquire").tags("component", "covetpg", "outcome", "success").timer();
        long acquired = covetpg(context).getPoolStatistics().totalAcquired() - acquiredBefore;
        assertThat(acquire.count()).as("one wait per connection lent").isEqualTo(acquired).isGreaterThanOrEqualTo(4);
        assertThat(acquire.totalTime(TimeUnit.NANOSECONDS)).isPositive();

        context.stop();
        assertThat(meters.find("covetpg.pool.acquire").timers()).as("meters removed on stop").isEmpty();
        assertThat(meters.find("covetpg.copy.rows").counters()).isEmpty();
    }

    @Test
    void aWaitThatEndsWithoutAConnectionIsTimedAsAFailure() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CamelContext context = newContext(c -> {
            c.setMinPoolSize(1);
            c.setMaxPoolSize(1);
            c.setAcquireTimeout(200);
        });
        context.getRegistry().bind("meters", meters);
        context.start();
        // the only connection is held by a statement, so the second one waits acquireTimeout and gives up
        var holding = template(context).asyncSend("covetpg:query?sql=SELECT pg_sleep(1.5)", e -> { });
        Thread.sleep(300);
        assertThat(send(context, "covetpg:query?sql=SELECT 1", null).getException()).isNotNull();
        assertThat(holding.get(10, TimeUnit.SECONDS).getException()).isNull();

        Timer failed = meters.get("covetpg.pool.acquire").tags("outcome", "failure").timer();
        assertThat(failed.count()).isEqualTo(1);
        assertThat(failed.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(150);
    }

    /** A table whose first insert fails with a serialization failure (40001), once: a sequence counts, which no rollback undoes. */
    private static String failingOnce(String prefix) {
        String t = table(prefix);
        db.execute("CREATE TABLE " + t + " (n int)", "CREATE SEQUENCE " + t + "_failures",
                "CREATE FUNCTION " + t + "_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF nextval('" + t + "_failures') = 1 THEN RAISE EXCEPTION 'made to fail' USING ERRCODE = '40001'; END IF;"
                        + " RETURN NEW; END $$",
                "CREATE TRIGGER fail BEFORE INSERT ON " + t + " FOR EACH ROW EXECUTE FUNCTION " + t + "_fail()");
        return t;
    }

    /** docs/monitoring.md: the retries meter's operation tag names the operation that ran again, not the endpoint. */
    @Test
    void retriesAreTaggedWithTheOperationThatRanAgain() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CamelContext context = newContext(c -> c.setRetryBackoff(10));
        context.getRegistry().bind("meters", meters);
        context.start();

        String viaQuery = failingOnce("retried_query");
        String viaBatch = failingOnce("retried_batch");
        String viaCopy = failingOnce("retried_copy");
        assertThat(send(context, "covetpg:query?sql=INSERT INTO " + viaQuery + " VALUES (1)", null).getException()).isNull();
        assertThat(send(context, "covetpg:batch?table=" + viaBatch + "&columns=n", List.of(List.of(1), List.of(2))).getException()).isNull();
        try (LogCapture log = new LogCapture()) {
            assertThat(send(context, "covetpg:copy?table=" + viaCopy + "&columns=n", List.of(List.of(1), List.of(2))).getException()).isNull();
            // docs/monitoring.md: the INFO line of a COPY run again names the operation, not the endpoint
            assertThat(log.lines("dev.covet.pg.Retry")).singleElement().asString().containsPattern("Retry 1 of 3 in \\d+ ms of covetpg:copy, after: ")
                    .contains("made to fail");
        }

        for (String operation : List.of("query", "batch", "copy")) {
            assertThat(meters.get("covetpg.retries").tags("component", "covetpg", "operation", operation, "reason", "40001").counter().count())
                    .as("retries of " + operation).isEqualTo(1.0);
        }
        assertThat(meters.find("covetpg.retries").counters()).as("one retry of each, and nothing else counted").hasSize(3);
        assertThat(db.queryValue("SELECT (SELECT count(*) FROM " + viaBatch + ") + (SELECT count(*) FROM " + viaCopy + ")")).isEqualTo(4L);
    }

    @Test
    void withoutAMeterRegistryNothingIsBound() throws Exception {
        CamelContext context = startContext(c -> { });
        assertThat(send(context, "covetpg:query?sql=SELECT 1", null).getException()).isNull();
    }
}
