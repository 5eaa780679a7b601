package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.SlowQuery;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** slowQueryThreshold: one WARN line per slow statement, without parameter values. */
class SlowQueryLogTest extends CovetPgTestSupport {

    private static final String SLOW = "Slow covetpg";

    @Test
    void aStatementSlowerThanTheThresholdIsLoggedOnceWithoutItsParameters() throws Exception {
        String secret = "s3cr3t-" + System.nanoTime();
        CamelContext context = startContext(c -> c.setSlowQueryThreshold(100));
        try (LogCapture log = new LogCapture()) {
            Exchange fast = send(context, "covetpg:query?sql=SELECT length(:#token) AS n&outputType=SelectValue",
                    Map.of("token", secret));
            assertThat(fast.getException()).isNull();
            assertThat(log.lines(SLOW)).as("a fast statement is not logged").isEmpty();

            Exchange slow = send(context, "covetpg:query?sql=SELECT pg_sleep(0.3), length(:#token) AS n, 'literal-" + secret + "' AS l",
                    Map.of("token", secret));
            assertThat(slow.getException()).isNull();

            List<String> lines = log.lines(SLOW);
            assertThat(lines).hasSize(1);
            String line = lines.get(0);
            assertThat(line).contains("WARN").contains("dev.covet.pg.SlowQuery").contains("query")
                    .contains("SELECT pg_sleep(0.3), length($1) AS n, '?' AS l").contains("slowQueryThreshold=100 ms")
                    .contains(db.host()).contains("from covetpg:query").doesNotContain(secret);
            if (!db.password().isEmpty()) {
                assertThat(line).doesNotContain(db.password());
            }
            long millis = Long.parseLong(line.replaceAll(".*: (\\d+) ms \\(slowQueryThreshold.*", "$1"));
            assertThat(millis).isBetween(300L, 10_000L);
        }
    }

    @Test
    void aSlowBatchIsLoggedAsABatch() throws Exception {
        String table = table("slow_batch");
        db.execute("CREATE TABLE " + table + " (id int)");
        CamelContext context = startContext(c -> c.setSlowQueryThreshold(100));
        try (LogCapture log = new LogCapture()) {
            Exchange out = send(context, "covetpg:batch?sql=INSERT INTO " + table + " SELECT $1::int FROM pg_sleep(0.15)",
                    List.of(List.of(1), List.of(2)));
            assertThat(out.getException()).isNull();
            assertThat(log.lines(SLOW)).anySatisfy(line -> assertThat(line).contains("batch").contains("INSERT INTO " + table));
        }
    }

    @Test
    void aSlowCopyIsLoggedWithItsDirection() throws Exception {
        String table = table("slow_copy");
        db.execute("CREATE TABLE " + table + " (id int, name text)");
        // 100k rows take far more than 1 ms each way, however fast the machine
        CamelContext context = startContext(c -> c.setSlowQueryThreshold(1), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:copy-out").to("covetpg:copy?sql=RAW(COPY " + table + " TO STDOUT)").convertBodyTo(byte[].class);
            }
        });
        List<List<Object>> rows = IntStream.range(0, 100_000).mapToObj(i -> List.<Object>of(i, "row " + i)).toList();
        try (LogCapture log = new LogCapture()) {
            assertThat(send(context, "covetpg:copy?table=" + table + "&columns=id,name", rows).getException()).isNull();
            Exchange out = template(context).send("direct:copy-out", e -> { });
            assertThat(out.getException()).isNull();
            assertThat(out.getMessage().getBody(byte[].class).length).isGreaterThan(100_000);

            List<String> lines = log.lines(SLOW);
            assertThat(lines).filteredOn(line -> line.contains("copy in")).singleElement().satisfies(line -> assertThat(line)
                    .contains("COPY " + table + " (id, name) FROM STDIN (FORMAT text)").contains("succeeded"));
            assertThat(lines).filteredOn(line -> line.contains("copy out")).singleElement().satisfies(line -> assertThat(line)
                    .contains("COPY " + table + " TO STDOUT").contains("succeeded"));
        }
        assertThat(covetpg(context).client().recentSlowQueries()).extracting(SlowQuery::operation).contains("copy in", "copy out");
    }

    @Test
    void onlyTheLastSlowStatementsAreKept() throws Exception {
        CamelContext context = startContext(c -> c.setSlowQueryThreshold(1));
        for (int i = 0; i < 25; i++) {
            assertThat(send(context, "covetpg:query?sql=SELECT pg_sleep(0.005), " + i + " AS n, '" + "secret" + i + "' AS s", null)
                    .getException()).isNull();
        }
        List<SlowQuery> recent = covetpg(context).client().recentSlowQueries();
        assertThat(recent).hasSize(20);
        assertThat(recent.get(19).sql()).isEqualTo("SELECT pg_sleep(0.005), 24 AS n, '?' AS s");
        assertThat(recent.get(0).sql()).contains(" 5 AS n");
        assertThat(recent).allSatisfy(q -> assertThat(q.sql()).doesNotContain("secret"));
    }

    @Test
    void offByDefault() throws Exception {
        CamelContext context = startContext(c -> { });
        try (LogCapture log = new LogCapture()) {
            assertThat(send(context, "covetpg:query?sql=SELECT pg_sleep(0.2)", null).getException()).isNull();
            assertThat(log.lines(SLOW)).isEmpty();
        }
        assertThat(covetpg(context).client().recentSlowQueries()).isEmpty();
    }
}
