package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.covet.pg.client.CovetPgPoolExhaustedException;
import dev.covet.pg.client.PoolStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;

/**
 * Pool exhaustion under load: far more exchanges than a small pool can serve within
 * {@code acquireTimeout}. Those that wait too long fail with a clear message, the others write
 * their row, and the pool is as good as new afterwards.
 */
class PoolExhaustionTest extends CovetPgTestSupport {

    private static final int EXCHANGES = 500;
    private static final int MAX_POOL_SIZE = 2;
    private static final long ACQUIRE_TIMEOUT = 1000;

    @Test
    void fiveHundredExchangesOnAPoolOfTwoEitherWriteTheirRowOrSayThePoolWasExhaustedAndThePoolRecovers() throws Exception {
        String table = table("exhaustion");
        db.execute("CREATE TABLE " + table + " (n integer PRIMARY KEY)");
        // the JVM's first connection (class loading of Vert.x, Netty and the driver: a second or
        // more on a busy machine) counts against acquireTimeout, at start-up as on first use: make
        // it here, with the default acquireTimeout, so that the short one below only measures the pool
        startContext(c -> { }).stop();
        CamelContext context = startContext(c -> {
            // both connections open at start, so the first two exchanges certainly get one at once
            c.setMinPoolSize(MAX_POOL_SIZE);
            c.setMaxPoolSize(MAX_POOL_SIZE);
            c.setAcquireTimeout(ACQUIRE_TIMEOUT);
        });
        CovetPgComponent component = covetpg(context);
        ProducerTemplate template = template(context);
        // each statement holds its connection for at least 100 ms whatever the machine's speed: two
        // connections serve at most 20 exchanges a second, far fewer than are sent below
        String uri = "covetpg:query?sql=RAW(INSERT INTO " + table + " (n) SELECT CAST(:#n AS integer) FROM pg_sleep(0.1))";

        // two at a time with a short pause: the pool stays overloaded for a few seconds, so waits
        // run out all along while connections come back (not all in one instant, as with a single
        // burst); a timeout meeting a returned connection is where a pool can lose one
        List<CompletableFuture<Exchange>> sent = new ArrayList<>();
        for (int i = 0; i < EXCHANGES; i++) {
            int n = i;
            sent.add(template.asyncSend(uri, e -> e.getMessage().setHeader("n", n)));
            if (i % 2 == 1) {
                Thread.sleep(10);
            }
        }
        awaitAll(sent, component);

        Set<Integer> succeeded = new TreeSet<>();
        Set<Integer> exhausted = new TreeSet<>();
        for (int i = 0; i < EXCHANGES; i++) {
            Exchange exchange = sent.get(i).get();
            Exception failure = exchange.getException();
            if (failure == null) {
                assertThat(exchange.getMessage().getHeader(CovetPgConstants.UPDATE_COUNT)).as("update count of exchange %d", i).isEqualTo(1L);
                succeeded.add(i);
            } else {
                assertThat(failure).as("failure of exchange %d", i)
                        .isInstanceOf(CovetPgPoolExhaustedException.class)
                        .hasMessageContaining("acquireTimeout=" + ACQUIRE_TIMEOUT + "ms")
                        .hasMessageContaining("maxPoolSize=" + MAX_POOL_SIZE)
                        .hasMessageContaining(db.host() + ":" + db.port() + "/" + db.database())
                        .hasMessageContaining("raise maxPoolSize or acquireTimeout");
                exhausted.add(i);
            }
        }
        assertThat(succeeded).as("exchanges that got a connection").hasSizeGreaterThanOrEqualTo(MAX_POOL_SIZE);
        assertThat(exhausted).as("exchanges that waited longer than acquireTimeout").isNotEmpty();

        // exactly the successful exchanges wrote: no lost write, none from a failed exchange
        assertThat(rows(table)).isEqualTo(succeeded);

        // the pool recovers: nothing held, nobody waiting, both connections still open and idle
        PoolStatistics after = component.getPoolStatistics();
        assertThat(after.inUse()).as("connections in use after the load: %s", after).isZero();
        assertThat(after.waiting()).as("operations waiting after the load: %s", after).isZero();
        assertThat(after.size()).as("connections open after the load: %s", after).isEqualTo(MAX_POOL_SIZE);
        assertThat(after.idle()).isEqualTo(MAX_POOL_SIZE);
        assertThat(after.totalTimeouts()).as("timeouts counted").isEqualTo(exhausted.size());
        // one per successful exchange, plus the minPoolSize connections checked at start
        assertThat(after.totalAcquired()).as("connections lent").isEqualTo(succeeded.size() + MAX_POOL_SIZE);

        // both connections really serve again: two statements at once, each holding its connection
        // longer than acquireTimeout, can only both succeed if neither waits for the other
        List<CompletableFuture<Exchange>> both = List.of(
                template.asyncSend("covetpg:query?sql=SELECT pg_sleep(1.5)", e -> { }),
                template.asyncSend("covetpg:query?sql=SELECT pg_sleep(1.5)", e -> { }));
        for (CompletableFuture<Exchange> f : both) {
            assertThat(f.get(30, TimeUnit.SECONDS).getException())
                    .as("one of %d statements at once on a pool of %d after the load (its statistics said: %s)",
                            MAX_POOL_SIZE, MAX_POOL_SIZE, after)
                    .isNull();
        }

        // and a fresh batch, one after another, without a single failure
        Set<Integer> fresh = new TreeSet<>();
        for (int n = 1000; n < 1020; n++) {
            int value = n;
            Exchange exchange = template.send(uri, e -> e.getMessage().setHeader("n", value));
            assertThat(exchange.getException()).as("fresh exchange %d", n).isNull();
            fresh.add(n);
        }
        Set<Integer> expected = new TreeSet<>(succeeded);
        expected.addAll(fresh);
        assertThat(rows(table)).isEqualTo(expected);
        PoolStatistics end = component.getPoolStatistics();
        assertThat(end.inUse()).as("in use at the end: %s", end).isZero();
        assertThat(end.waiting()).as("waiting at the end: %s", end).isZero();
        assertThat(end.totalTimeouts()).as("no new timeouts").isEqualTo(exhausted.size());
        assertThat(end.totalAcquired()).isEqualTo(succeeded.size() + MAX_POOL_SIZE + both.size() + fresh.size());
    }

    /** Waits, bounded, for every exchange; says how many hang and how the pool looks if some do. */
    private static void awaitAll(List<CompletableFuture<Exchange>> sent, CovetPgComponent component) throws Exception {
        try {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            long pending = sent.stream().filter(f -> !f.isDone()).count();
            fail(pending + " of " + sent.size() + " exchanges did not complete within 120 s; pool: " + component.getPoolStatistics());
        }
    }

    private static Set<Integer> rows(String table) {
        Set<Integer> rows = new TreeSet<>();
        for (var row : db.query("SELECT n FROM " + table)) {
            rows.add((Integer) row.get("n"));
        }
        return rows;
    }
}
