package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConsumerTest extends CovetPgTestSupport {

    private String jobs;
    private final List<Exchange> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void createJobs() {
        jobs = table("jobs");
        db.execute("CREATE TABLE " + jobs + " (id int PRIMARY KEY, state text NOT NULL DEFAULT 'new')",
                "INSERT INTO " + jobs + " (id) SELECT g FROM generate_series(1, 2500) g");
    }

    private CamelContext consume(String uri, java.util.function.Consumer<CovetPgConfiguration> config) throws Exception {
        return startContext(config, new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("consumer").process(e -> received.add(e.copy()));
            }
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theResultComesInChunksWithTheirHeaders() throws Exception {
        consume("covetpg:query?sql=SELECT id FROM " + jobs + " ORDER BY id&chunkSize=1000&repeatCount=1", c -> { });
        await(() -> received.size() == 3, "three chunks");
        Thread.sleep(200);
        assertThat(received).hasSize(3);
        assertThat(received).extracting(e -> e.getMessage().getBody(List.class).size()).containsExactly(1000, 1000, 500);
        assertThat(received).extracting(e -> e.getMessage().getHeader(CovetPgConstants.CHUNK_INDEX)).containsExactly(0L, 1L, 2L);
        assertThat(received).extracting(e -> e.getMessage().getHeader(CovetPgConstants.ROWS_SO_FAR)).containsExactly(1000L, 2000L, 2500L);
        assertThat(received).extracting(e -> e.getMessage().getHeader(CovetPgConstants.LAST_CHUNK)).containsExactly(false, false, true);
        assertThat(received).extracting(e -> e.getProperty(Exchange.BATCH_INDEX)).containsExactly(0, 1, 2);
        assertThat(received).extracting(e -> e.getProperty(Exchange.BATCH_COMPLETE)).containsExactly(false, false, true);
        List<Map<String, Object>> last = received.get(2).getMessage().getBody(List.class);
        assertThat(last.get(499)).isEqualTo(Map.of("id", 2500));
    }

    /** A suspension passes through Camel's shutdown preparation too: after the resume, polls must route whole results again. */
    @Test
    void afterASuspendAndResumeAPollRoutesTheWholeResult() throws Exception {
        CamelContext context = consume("covetpg:query?sql=SELECT id FROM " + jobs + " ORDER BY id&chunkSize=1000&initialDelay=0&delay=200", c -> { });
        await(() -> received.stream().anyMatch(e -> Boolean.TRUE.equals(e.getMessage().getHeader(CovetPgConstants.LAST_CHUNK))), "a whole poll");
        context.getRouteController().suspendRoute("consumer");
        received.clear();
        context.getRouteController().resumeRoute("consumer");
        await(() -> received.stream().anyMatch(e -> Boolean.TRUE.equals(e.getMessage().getHeader(CovetPgConstants.LAST_CHUNK))),
                "the last chunk of a poll after the resume");
    }

    @Test
    void aResultThatFillsItsLastChunkExactlyEndsThere() throws Exception {
        consume("covetpg:query?sql=SELECT id FROM " + jobs + " WHERE id <= 2000 ORDER BY id&chunkSize=1000&repeatCount=1", c -> { });
        await(() -> received.size() == 2, "two chunks");
        Thread.sleep(300);
        assertThat(received).extracting(e -> e.getMessage().getHeader(CovetPgConstants.LAST_CHUNK)).containsExactly(false, true);
    }

    @Test
    void splitRowsRoutesOneExchangePerRow() throws Exception {
        consume("covetpg:query?sql=SELECT id, state FROM " + jobs + " WHERE id <= 5 ORDER BY id&chunkSize=2&splitRows=true&repeatCount=1", c -> { });
        await(() -> received.size() == 5, "five rows");
        assertThat(received).extracting(e -> e.getMessage().getBody()).containsExactly(Map.of("id", 1, "state", "new"),
                Map.of("id", 2, "state", "new"), Map.of("id", 3, "state", "new"), Map.of("id", 4, "state", "new"), Map.of("id", 5, "state", "new"));
        assertThat(received).extracting(e -> e.getMessage().getHeader(CovetPgConstants.CHUNK_INDEX)).containsExactly(0L, 0L, 1L, 1L, 2L);
        assertThat(received).extracting(e -> e.getProperty(Exchange.BATCH_COMPLETE)).containsExactly(false, false, false, false, true);
    }

    @Test
    void anEmptyResultRoutesNothingUnlessAsked() throws Exception {
        CamelContext quiet = consume("covetpg:query?sql=SELECT id FROM " + jobs + " WHERE id < 0&repeatCount=2&delay=10", c -> { });
        await(() -> ((org.apache.camel.support.ScheduledPollConsumer) quiet.getRoute("consumer").getConsumer()).getCounter() >= 2, "two polls");
        assertThat(received).isEmpty();
        quiet.stop();

        consume("covetpg:query?sql=SELECT id FROM " + jobs + " WHERE id < 0&repeatCount=1&routeEmptyResultSet=true", c -> { });
        await(() -> received.size() == 1, "one empty exchange");
        assertThat(received.get(0).getMessage().getBody(List.class)).isEmpty();
        assertThat(received.get(0).getMessage().getHeader(CovetPgConstants.LAST_CHUNK)).isEqualTo(true);
    }

    @Test
    void onConsumeMarksRowsSoTheNextPollSkipsThemAndBatchCompleteRunsOnce() throws Exception {
        String log = table("poll_log");
        db.execute("CREATE TABLE " + log + " (at timestamptz DEFAULT now())");
        consume("covetpg:query?sql=SELECT id FROM " + jobs + " WHERE state = 'new' ORDER BY id&chunkSize=700&splitRows=false&delay=50&repeatCount=3"
                + "&onConsume=RAW(UPDATE " + jobs + " SET state = 'done' WHERE id = :#id)&onConsumeBatchComplete=RAW(INSERT INTO " + log
                + " DEFAULT VALUES)", c -> c.setMaxPoolSize(2));
        await(() -> (Long) db.queryValue("SELECT count(*) FROM " + log) == 3L, "three polls");
        assertThat(db.queryValue("SELECT count(*) FROM " + jobs + " WHERE state = 'done'")).isEqualTo(2500L);
        assertThat(received).hasSize(4); // the first poll's chunks; the later polls found nothing new
    }

    @Test
    void aFailingRouteRunsOnConsumeFailedStopsThePollAndReleasesTheConnection() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CamelContext context = startContext(c -> c.setMaxPoolSize(2), new RouteBuilder() {
            @Override
            public void configure() {
                from("covetpg:query?sql=SELECT id FROM " + jobs + " WHERE state = 'new' ORDER BY id&chunkSize=1000&delay=20&repeatCount=3"
                        + "&onConsume=RAW(UPDATE " + jobs + " SET state = 'done' WHERE id = :#id)"
                        + "&onConsumeFailed=RAW(UPDATE " + jobs + " SET state = 'failed' WHERE id = :#id)")
                        .process(e -> {
                            calls.incrementAndGet();
                            if (e.getMessage().getHeader(CovetPgConstants.CHUNK_INDEX, Long.class) == 1L) {
                                throw new IllegalStateException("chunk 1 cannot be handled");
                            }
                        });
            }
        });
        await(() -> (Long) db.queryValue("SELECT count(*) FROM " + jobs + " WHERE state = 'new'") == 0L, "every row handled");
        await(() -> covetpg(context).getPoolStatistics().inUse() == 0, "connections back");
        // poll 1: chunk 0 done, chunk 1 failed (poll stops); poll 2: the last 500 done as its chunk 0
        assertThat(db.queryValue("SELECT count(*) FROM " + jobs + " WHERE state = 'done'")).isEqualTo(1500L);
        assertThat(db.queryValue("SELECT count(*) FROM " + jobs + " WHERE state = 'failed'")).isEqualTo(1000L);
        assertThat(db.queryValue("SELECT min(id) || '-' || max(id) FROM " + jobs + " WHERE state = 'failed'")).isEqualTo("1001-2000");
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void namedParametersComeFromEndpointOptionsAndAreBound() throws Exception {
        consume("covetpg:query?sql=SELECT id FROM " + jobs + " WHERE id > :#above::text::int AND state = :#state ORDER BY id"
                + "&parameters.above=2490&parameters.state=new&repeatCount=1", c -> { });
        await(() -> received.size() == 1, "one chunk");
        assertThat(received.get(0).getMessage().getBody(List.class)).hasSize(10);

        assertThatThrownBy(() -> consume("covetpg:query?sql=SELECT id FROM " + jobs + " WHERE id > :#above&repeatCount=1", c -> { }))
                .hasStackTraceContaining(":#above").hasStackTraceContaining("parameters.above");
    }

    /**
     * The claim must hold whatever the query ends with: a trailing line comment once turned
     * {@code LIMIT n FOR UPDATE SKIP LOCKED} into a comment, and every consumer then routed every row.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", " -- newest first? no: oldest", ";", " /* the claim */ ;  -- done", " LIMIT 100000"})
    void threeConsumersWithSkipLockedProcessEveryRowExactlyOnce(String ending) throws Exception {
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        List<Integer> duplicates = Collections.synchronizedList(new ArrayList<>());
        List<AtomicInteger> shares = List.of(new AtomicInteger(), new AtomicInteger(), new AtomicInteger());
        for (int i = 0; i < 3; i++) {
            AtomicInteger share = shares.get(i);
            startContext(c -> c.setMaxPoolSize(2), new RouteBuilder() {
                @Override
                @SuppressWarnings("unchecked")
                public void configure() {
                    from("covetpg:query?sql=RAW(SELECT id FROM " + jobs + " WHERE state = 'new' ORDER BY id" + ending
                            + ")&skipLocked=true&chunkSize=50&delay=10&onConsume=RAW(UPDATE " + jobs + " SET state = 'done' WHERE id = :#id)")
                            .process(e -> {
                                for (Map<String, Object> row : (List<Map<String, Object>>) e.getMessage().getBody(List.class)) {
                                    share.incrementAndGet();
                                    if (!seen.add((Integer) row.get("id"))) {
                                        duplicates.add((Integer) row.get("id"));
                                    }
                                }
                                Thread.sleep(20); // slow enough that the consumers are at work at the same time
                            });
                }
            });
        }
        await(() -> (Long) db.queryValue("SELECT count(*) FROM " + jobs + " WHERE state = 'done'") == 2500L, "every row done");
        assertThat(duplicates).isEmpty();
        assertThat(seen).hasSize(2500);
        assertThat(shares).as("rows each consumer took").allSatisfy(share -> assertThat(share.get()).isPositive());
    }

    @Test
    void aQueryThatCannotBeClaimedWithSkipLockedFailsAtStart() {
        assertThatThrownBy(() -> consume("covetpg:query?sql=RAW(SELECT id FROM " + jobs + "; DELETE FROM " + jobs + ")&skipLocked=true", c -> { }))
                .hasStackTraceContaining("skipLocked=true must be one query");
        assertThatThrownBy(() -> consume("covetpg:query?sql=RAW(SELECT id FROM " + jobs + " UNION SELECT 1)&skipLocked=true", c -> { }))
                .hasStackTraceContaining("cannot be claimed chunk by chunk with FOR UPDATE SKIP LOCKED").hasStackTraceContaining("UNION");
        assertThat(db.queryValue("SELECT count(*) FROM " + jobs)).isEqualTo(2500L);
    }

    @Test
    void withSkipLockedOnConsumeFailedCommitsSoThatAPoisonRowIsNotClaimedForEver() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        startContext(c -> c.setMaxPoolSize(1), new RouteBuilder() {
            @Override
            @SuppressWarnings("unchecked")
            public void configure() {
                from("covetpg:query?sql=SELECT id FROM " + jobs + " WHERE state = 'new' ORDER BY id&skipLocked=true&chunkSize=1&splitRows=true"
                        + "&delay=10&onConsume=RAW(UPDATE " + jobs + " SET state = 'done' WHERE id = :#id)"
                        + "&onConsumeFailed=RAW(UPDATE " + jobs + " SET state = 'failed' WHERE id = :#id)")
                        .process(e -> {
                            if (((Map<String, Object>) e.getMessage().getBody(Map.class)).get("id").equals(1)) {
                                attempts.incrementAndGet();
                                throw new IllegalStateException("row 1 always fails");
                            }
                        });
            }
        });
        await(() -> (Long) db.queryValue("SELECT count(*) FROM " + jobs + " WHERE state = 'done'") == 2499L, "every other row done");
        assertThat(db.queryValue("SELECT state FROM " + jobs + " WHERE id = 1")).isEqualTo("failed");
        assertThat(attempts.get()).as("the poison row, claimed once, marked by onConsumeFailed").isEqualTo(1);
    }

    @Test
    void aFailedExchangeWithSkipLockedRollsItsClaimBack() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        startContext(c -> c.setMaxPoolSize(1), new RouteBuilder() {
            @Override
            public void configure() {
                from("covetpg:query?sql=SELECT id FROM " + jobs + " WHERE state = 'new' ORDER BY id&skipLocked=true&chunkSize=1000&delay=10"
                        + "&onConsume=RAW(UPDATE " + jobs + " SET state = 'done' WHERE id = :#id)")
                        .process(e -> {
                            if (attempts.incrementAndGet() == 2) {
                                // a claim that fails: its onConsume must not stay, and the rows come again
                                throw new IllegalStateException("second chunk fails once");
                            }
                        });
            }
        });
        await(() -> (Long) db.queryValue("SELECT count(*) FROM " + jobs + " WHERE state = 'done'") == 2500L, "every row done");
        assertThat(attempts.get()).isEqualTo(4); // 1000, failed 1000, then 1000 and 500 on the next poll
    }

    @Test
    void stoppingTheRouteMidStreamFinishesTheChunkAndReleasesTheCursor() throws Exception {
        String app = "consumer-stop-" + System.nanoTime();
        CountDownLatch inChunk = new CountDownLatch(1);
        AtomicInteger chunks = new AtomicInteger();
        CamelContext context = startContext(c -> {
            c.setApplicationName(app);
            c.setMaxPoolSize(1);
        }, new RouteBuilder() {
            @Override
            public void configure() {
                from("covetpg:query?sql=SELECT id FROM " + jobs + " ORDER BY id&chunkSize=100&delay=60000").routeId("slow")
                        .process(e -> {
                            chunks.incrementAndGet();
                            inChunk.countDown();
                            Thread.sleep(200);
                        });
            }
        });
        assertThat(inChunk.await(30, TimeUnit.SECONDS)).isTrue();
        context.getRouteController().stopRoute("slow", 30, TimeUnit.SECONDS);
        assertThat(chunks.get()).isBetween(1, 3);
        assertThat(covetpg(context).getPoolStatistics().inUse()).isZero();
        assertThat(db.queryValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + app + "' AND state <> 'idle'")).isEqualTo(0L);
        assertThat(template(context).requestBody("covetpg:query?outputType=SelectValue&sql=SELECT 5", (Object) null)).isEqualTo(5);
    }

    @Test
    void badConsumerOptionsFailAtStart() throws Exception {
        assertThatThrownBy(() -> consume("covetpg:query?sql=SELECT 1&chunkSize=0", c -> { })).hasStackTraceContaining("Invalid chunkSize");
        assertThatThrownBy(() -> consume("covetpg:query?sql=SELECT 1&maxInflightChunks=0", c -> { })).hasStackTraceContaining("Invalid maxInflightChunks");
        assertThatThrownBy(() -> consume("covetpg:query?sql=SELECT id FROM " + jobs + "&onConsume=RAW(UPDATE " + jobs + " SET state = 'x' WHERE id = :#id)",
                c -> c.setMaxPoolSize(1))).hasStackTraceContaining("maxPoolSize must be 2");
        assertThatThrownBy(() -> consume("covetpg:batch?sql=SELECT 1", c -> { })).hasStackTraceContaining("only covetpg:query and covetpg:listen consume");
    }
}
