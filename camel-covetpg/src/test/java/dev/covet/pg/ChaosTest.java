package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.CovetPgUnknownOutcomeException;
import dev.covet.pg.testdb.RestartableDatabase;
import dev.covet.pg.testdb.TestDatabase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Rows moved by batch and COPY while the server's sessions are killed and the server is
 * restarted (cleanly and as by a crash): every source row must end up in the target exactly once,
 * or in a chunk the route was told failed; no silent loss, no duplicates from blind retries.
 */
class ChaosTest extends PrivateServerTestSupport {

    private static final int CHUNKS = 60;
    private static final int ROWS_PER_CHUNK = 500;

    @Test
    void everyRowArrivesOnceOrItsChunkFailed() throws Exception {
        try (RestartableDatabase server = TestDatabase.restartable(Map.of())) {
            server.execute("CREATE TABLE moved (id int, via text)"); // no key: a duplicate must be seen, not refused
            CamelContext context = newContext(server, c -> {
                c.setSslMode("disable");
                c.setApplicationName("chaos");
                c.setMaxPoolSize(4);
                c.setMaxRetries(6);
                c.setRetryBackoff(50);
                c.setRetryMaxBackoff(1_000);
                c.setCommandTimeout(60_000);
                c.setCircuitBreakerThreshold(0);
            });
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:batch").to("covetpg:batch?table=moved&columns=id,via&batchSize=100");
                    from("direct:copy").to("covetpg:copy?table=moved&columns=id,via");
                }
            });
            context.start();

            AtomicBoolean moving = new AtomicBoolean(true);
            AtomicInteger kills = new AtomicInteger();
            List<CompletableFuture<Void>> restarts = new ArrayList<>();
            Thread chaos = new Thread(() -> {
                while (moving.get()) {
                    sleep(100);
                    try {
                        kills.addAndGet(server.terminateBackends("chaos"));
                    } catch (RuntimeException e) {
                        // the server is between a stop and a start
                    }
                }
            }, "chaos");
            chaos.start();

            ProducerTemplate template = context.createProducerTemplate();
            List<CompletableFuture<Exchange>> sent = new ArrayList<>();
            for (int chunk = 0; chunk < CHUNKS; chunk++) {
                String via = chunk % 2 == 0 ? "batch" : "copy";
                List<List<Object>> rows = new ArrayList<>();
                for (int i = 0; i < ROWS_PER_CHUNK; i++) {
                    rows.add(List.of(chunk * ROWS_PER_CHUNK + i, via));
                }
                sent.add(template.asyncSend("direct:" + via, e -> e.getMessage().setBody(rows)));
                if (chunk == CHUNKS / 8) {
                    // the load can outrun the killer: let it hit the pool at least once before going on
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (kills.get() == 0 && System.nanoTime() < deadline) {
                        sleep(10);
                    }
                }
                if (chunk == CHUNKS / 4) {
                    restarts.add(CompletableFuture.runAsync(server::restart)); // fast shutdown: sessions get 57P01
                } else if (chunk == CHUNKS / 2) {
                    restarts.add(CompletableFuture.runAsync(() -> { // as by a crash: no goodbye, then crash recovery
                        server.stopImmediately();
                        server.start();
                    }));
                }
                if (sent.size() % 4 == 0) {
                    sent.get(sent.size() - 4).get(120, TimeUnit.SECONDS); // at most four chunks in flight
                }
            }
            List<Exchange> outcomes = new ArrayList<>();
            for (CompletableFuture<Exchange> f : sent) {
                outcomes.add(f.get(120, TimeUnit.SECONDS));
            }
            moving.set(false);
            chaos.join();
            for (CompletableFuture<Void> restart : restarts) {
                restart.get(60, TimeUnit.SECONDS);
            }

            assertThat(server.query("SELECT id FROM moved GROUP BY id HAVING count(*) > 1")).as("rows written twice").isEmpty();
            Map<Integer, Long> perChunk = new HashMap<>();
            for (Map<String, Object> row : server.query("SELECT id / " + ROWS_PER_CHUNK + " AS chunk, count(*) AS n FROM moved GROUP BY 1")) {
                perChunk.put(((Number) row.get("chunk")).intValue(), ((Number) row.get("n")).longValue());
            }
            int succeeded = 0;
            for (int chunk = 0; chunk < CHUNKS; chunk++) {
                Exchange out = outcomes.get(chunk);
                long arrived = perChunk.getOrDefault(chunk, 0L);
                if (out.getException() == null) {
                    succeeded++;
                    assertThat(arrived).as("rows of chunk " + chunk + ", which the route saw succeed").isEqualTo(ROWS_PER_CHUNK);
                } else if (out.getException() instanceof CovetPgUnknownOutcomeException) {
                    assertThat(arrived).as("rows of chunk " + chunk + " (outcome unknown: all or none)").isIn(0L, (long) ROWS_PER_CHUNK);
                } else {
                    assertThat(arrived).as("rows of chunk " + chunk + ", which the route saw fail with " + out.getException()).isZero();
                }
            }
            assertThat(kills.get()).as("sessions killed during the run").isPositive();
            assertThat(succeeded).as("chunks that got through (retries on " + context.getComponent("covetpg", CovetPgComponent.class)
                    .getTotalRetries() + " occasions)").isGreaterThan(CHUNKS / 2);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
