package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.CovetPgConnectionException;
import dev.covet.pg.client.CovetPgException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * What docs/configuration.md#errors says a route sees when something fails: which failures are
 * a {@link CovetPgException}, which are not, that no message carries a row's values, and that a
 * retried failure's message ends with the retries.
 */
class DocumentedFailuresTest extends CovetPgTestSupport {

    private static final String SECRET = "secret-7731";


    @Test
    void selectOneMeetingTwoRowsIsACardinalityViolation() throws Exception {
        CamelContext context = startContext(c -> { });
        Exchange out = send(context, "covetpg:query?outputType=SelectOne&sql=SELECT '" + SECRET + "' || g AS v FROM generate_series(1, 2) g", null);
        assertThat(out.getException()).isInstanceOf(CovetPgException.class).hasMessageContaining("returned 2 rows")
                .hasMessageNotContaining(SECRET);
        assertThat(((CovetPgException) out.getException()).getSqlState()).isEqualTo("21000");
    }

    @Test
    void aRowIteratorThatThrowsFailsTheCopyWithItsExceptionAsTheCause() throws Exception {
        String t = table("body_rows");
        db.execute("CREATE TABLE " + t + " (n int)");
        CamelContext context = startContext(c -> c.setMaxPoolSize(1));
        IllegalStateException broken = new IllegalStateException("upstream broke at " + SECRET);
        java.util.Iterator<List<Object>> rows = rowsFailingAt(3, broken);
        Exchange out = send(context, "covetpg:copy?table=" + t + "&columns=n", rows);
        assertThat(out.getException()).isInstanceOf(IllegalArgumentException.class).isNotInstanceOf(CovetPgException.class)
                .hasMessageContaining("nothing was copied").hasMessageNotContaining(SECRET).hasCause(broken);
        assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo(0L);
        assertThat(send(context, "covetpg:query?outputType=SelectValue&sql=SELECT 1", null).getMessage().getBody()).isEqualTo(1);
    }

    @Test
    void aBatchBodyThatThrowsReachesTheRouteAsItselfAndNothingIsWritten() throws Exception {
        String t = table("batch_rows");
        db.execute("CREATE TABLE " + t + " (n int)");
        CamelContext context = startContext(c -> c.setMaxPoolSize(1));
        IllegalStateException broken = new IllegalStateException("upstream broke at " + SECRET);
        java.util.Iterator<List<Object>> rows = rowsFailingAt(2500, broken);
        Exchange out = send(context, "covetpg:batch?batchSize=1000&table=" + t + "&columns=n", rows);
        assertThat(out.getException()).isSameAs(broken);
        assertThat(db.queryValue("SELECT count(*) FROM " + t)).as("rows of the batch, all or nothing").isEqualTo(0L);
        assertThat(send(context, "covetpg:query?outputType=SelectValue&sql=SELECT 1", null).getMessage().getBody()).isEqualTo(1);
    }

    @Test
    void anInputStreamThatFailsMidReadFailsTheCopyAsAFailingIteratorDoes() throws Exception {
        String t = table("body_bytes");
        db.execute("CREATE TABLE " + t + " (n int)");
        CamelContext context = startContext(c -> c.setMaxPoolSize(1));
        IOException broken = new IOException("the disk went away under " + SECRET);
        InputStream body = new InputStream() {
            private final InputStream lines = new java.io.ByteArrayInputStream("1\n2\n3\n".getBytes(StandardCharsets.UTF_8));

            @Override
            public int read() throws IOException {
                int b = lines.read();
                if (b < 0) {
                    throw broken;
                }
                return b;
            }
        };
        Exchange out = send(context, "covetpg:copy?table=" + t + "&columns=n", body);
        assertThat(out.getException()).isInstanceOf(IllegalArgumentException.class).isNotInstanceOf(CovetPgException.class)
                .hasMessageContaining("reading the body after").hasMessageContaining("java.io.IOException")
                .hasMessageContaining("nothing was copied").hasMessageNotContaining(SECRET).hasCause(broken);
        assertThat(db.queryValue("SELECT count(*) FROM " + t)).as("rows of a COPY that was aborted").isEqualTo(0L);
        assertThat(send(context, "covetpg:query?outputType=SelectValue&sql=SELECT 1", null).getMessage().getBody()).isEqualTo(1);
    }

    @Test
    void aCopyOutTheServerFailsMidStreamIsAnIOExceptionCausedByACovetPgExceptionWithoutValues() throws Exception {
        String f = table("fails_late");
        String secrets = table("secrets");
        db.execute("CREATE TABLE " + secrets + " (s text)", "INSERT INTO " + secrets + " VALUES ('" + SECRET + "')");
        // a failure after many rows went out, with a DETAIL that quotes a value, as a key violation's does
        db.execute("CREATE FUNCTION " + f + "(g int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN"
                + " IF g = 50000 THEN RAISE EXCEPTION 'made to fail' USING DETAIL = 'Key (id)=(" + SECRET + ") already exists', ERRCODE = '23505';"
                + " END IF; RETURN g; END $$");
        CamelContext context = startContext(c -> c.setMaxPoolSize(1), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:detail").to("covetpg:copy?sql=RAW(COPY (SELECT " + f + "(g) FROM generate_series(1, 100000) g) TO STDOUT)")
                        .process(e -> e.getMessage().setBody(e.getMessage().getBody(InputStream.class).readAllBytes()));
                // a row's value the server refuses: its message quotes it
                from("direct:literal").to("covetpg:copy?sql=RAW(COPY (SELECT CASE WHEN g = 50000 THEN s::int ELSE g END"
                                + " FROM generate_series(1, 100000) g, " + secrets + ") TO STDOUT)")
                        .process(e -> e.getMessage().setBody(e.getMessage().getBody(InputStream.class).readAllBytes()));
            }
        });

        Exchange detail = send(context, "direct:detail", null);
        assertThat(detail.getException()).isInstanceOf(IOException.class).hasCauseInstanceOf(CovetPgException.class);
        CovetPgException e = (CovetPgException) detail.getException().getCause();
        assertThat(e.getSqlState()).isEqualTo("23505");
        assertThat(e.getDetail()).contains(SECRET);
        assertThat(messages(detail.getException())).contains("made to fail").doesNotContain(SECRET);

        Exchange literal = send(context, "direct:literal", null);
        assertThat(literal.getException()).isInstanceOf(IOException.class).hasCauseInstanceOf(CovetPgException.class);
        assertThat(((CovetPgException) literal.getException().getCause()).getSqlState()).isEqualTo("22P02");
        assertThat(messages(literal.getException())).doesNotContain(SECRET);

        assertThat(send(context, "covetpg:query?outputType=SelectValue&sql=SELECT 1", null).getMessage().getBody()).isEqualTo(1);
    }

    @Test
    void aConnectionFailureThatOutlastsTheRetriesSaysSoAtTheEnd() throws Exception {
        try (TcpProxy proxy = new TcpProxy(db.host(), db.port())) {
            CamelContext context = startContext(c -> {
                c.setHost("127.0.0.1");
                c.setPort(proxy.port());
                c.setMinPoolSize(0);
                c.setMaxRetries(2);
                c.setRetryBackoff(10);
                c.setCircuitBreakerThreshold(0);
            });
            proxy.refuse();
            long before = covetpg(context).getTotalRetries();
            Exception failure = send(context, "covetpg:query?sql=SELECT 1", null).getException();
            long retried = covetpg(context).getTotalRetries() - before;
            assertThat(retried).as("retries counted").isEqualTo(2);
            assertThat(failure).isInstanceOf(CovetPgConnectionException.class).hasMessageContaining("Could not connect");
            assertThat(failure.getMessage()).endsWith("(gave up after 2 retries)");
            assertThat(((CovetPgException) failure).getRetries()).isEqualTo(2);
        }
    }

    @Test
    void noPrimaryAfterTheRetriesSaysSoAtTheEnd() throws Exception {
        try (TcpProxy first = new TcpProxy(db.host(), db.port()); TcpProxy second = new TcpProxy(db.host(), db.port())) {
            CamelContext context = startContext(c -> {
                c.setUrl("postgresql://postgres@127.0.0.1:" + first.port() + ",127.0.0.1:" + second.port() + "/" + db.database());
                c.setSslMode("disable");
                c.setMinPoolSize(0);
                c.setMaxRetries(2);
                c.setRetryBackoff(10);
                c.setCircuitBreakerThreshold(0);
                c.setReplicaCheckInterval(200);
            });
            first.refuse();
            second.refuse();
            await(() -> !covetpg(context).getServers().contains("up"), "both servers seen down");
            Exception failure = send(context, "covetpg:query?sql=SELECT 1", null).getException();
            assertThat(failure).isInstanceOf(CovetPgConnectionException.class);
            assertThat(failure.getMessage()).endsWith("(gave up after 2 retries)");
        }
    }

    @Test
    void aMapBodyToABatchIsRefusedSayingWhatItTakes() throws Exception {
        String t = table("map_body");
        db.execute("CREATE TABLE " + t + " (account int, amount numeric)");
        CamelContext context = startContext(c -> { });
        Exchange out = send(context, "covetpg:batch?table=" + t + "&columns=account,amount", java.util.Map.of("account", 1, "amount", 5));
        assertThat(out.getException()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("The body must hold the rows")
                .hasMessageContaining("java.util");
        assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo(0L);
    }

    @Test
    void aBatchRunAgainUntilItsRetriesRanOutSaysHowOften() throws Exception {
        String t = table("always_fails");
        db.execute("CREATE TABLE " + t + " (n int)",
                "CREATE FUNCTION " + t + "_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " RAISE EXCEPTION 'made to fail' USING ERRCODE = '40001'; END $$",
                "CREATE TRIGGER fail BEFORE INSERT ON " + t + " FOR EACH ROW EXECUTE FUNCTION " + t + "_fail()");
        CamelContext context = startContext(c -> {
            c.setMaxRetries(2);
            c.setRetryBackoff(10);
        });
        long before = covetpg(context).getTotalRetries();
        Exception failure = send(context, "covetpg:batch?table=" + t + "&columns=n", List.of(List.of(1), List.of(2))).getException();
        long retried = covetpg(context).getTotalRetries() - before;
        assertThat(retried).as("retries counted").isPositive();
        assertThat(((CovetPgException) failure).getSqlState()).isEqualTo("40001");
        assertThat(failure.getMessage()).contains("made to fail").endsWith("(gave up after " + retried + " retries)");
        assertThat(((CovetPgException) failure).getRetries()).isEqualTo(retried);
    }
}
