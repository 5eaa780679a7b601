package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
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
                    .contains(db.host()).doesNotContain(secret);
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
    void offByDefault() throws Exception {
        CamelContext context = startContext(c -> { });
        try (LogCapture log = new LogCapture()) {
            assertThat(send(context, "covetpg:query?sql=SELECT pg_sleep(0.2)", null).getException()).isNull();
            assertThat(log.lines(SLOW)).isEmpty();
        }
    }
}
