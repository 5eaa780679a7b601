package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

/** Pool warnings from the periodic sampler, with a pool of one held busy by pg_sleep. */
class PoolWarningsTest extends CovetPgTestSupport {

    @Test
    void anExhaustedAndBusyPoolIsReportedOnceAnInterval() throws Exception {
        CamelContext context = startContext(c -> {
            c.setMaxPoolSize(1);
            c.setPoolWarningDelay(200);
            c.setPoolWarningInterval(60_000);
        });
        try (LogCapture log = new LogCapture()) {
            CompletableFuture<Exchange> holder = CompletableFuture.supplyAsync(() -> send(context, "covetpg:query?sql=SELECT pg_sleep(1.5)", null));
            waitUntil(() -> covetpg(context).getPoolStatistics().inUse() == 1);
            CompletableFuture<Exchange> waiter = CompletableFuture.supplyAsync(() -> send(context, "covetpg:query?sql=SELECT 1", null));
            assertThat(holder.get(30, TimeUnit.SECONDS).getException()).isNull();
            assertThat(waiter.get(30, TimeUnit.SECONDS).getException()).isNull();

            // held for 1.5 s, sampled every 50 ms, one line per kind per minute at most
            assertThat(log.lines("dev.covet.pg.PoolWarnings")).hasSize(2);
            assertThat(log.lines("exhausted: operations")).singleElement().asString().contains("WARN")
                    .contains("operations have waited for a connection").contains("1 waiting").contains("maxPoolSize");
            assertThat(log.lines("busy: 100% of maxPoolSize in use")).hasSize(1);
        }
    }

    @Test
    void aPoolBelowTheRatioIsQuiet() throws Exception {
        CamelContext context = startContext(c -> {
            c.setMaxPoolSize(4);
            c.setPoolWarningDelay(100);
        });
        try (LogCapture log = new LogCapture()) {
            assertThat(send(context, "covetpg:query?sql=SELECT pg_sleep(0.5)", null).getException()).isNull();
            assertThat(log.lines("dev.covet.pg.PoolWarnings")).as("1 of 4 in use is 25%").isEmpty();
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 20 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
