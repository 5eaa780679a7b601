package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.covet.pg.client.CovetPgException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CopyProducerTest extends CovetPgTestSupport {

    private static final String COLUMNS = "id int PRIMARY KEY, name text, amount numeric(14,4), placed timestamptz, day date,"
            + " local timestamp, payload bytea, doc jsonb, flag boolean, ref uuid, ratio float8, small smallint, big bigint";

    private CamelContext context;

    @BeforeEach
    void start() throws Exception {
        context = startContext(c -> {
            c.setMaxPoolSize(1); // every test also proves the one connection comes back usable
            c.getServerSettings().put("timezone", "UTC");
        }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:copy-out").toD("${header.uri}").convertBodyTo(byte[].class);
            }
        });
    }

    /** Awkward values in every column, and a row of NULLs. */
    private static List<List<Object>> awkwardRows() {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(Arrays.asList(1, "tab\tnew\nline\rback\\slash \"quote\" 'single' ,comma", new BigDecimal("-12345.6789"),
                OffsetDateTime.of(2024, 2, 29, 23, 59, 59, 123_456_000, ZoneOffset.ofHours(2)), LocalDate.of(1999, 12, 31),
                LocalDateTime.of(2000, 1, 1, 0, 0, 0, 1000), new byte[] {0, 1, (byte) 0xff, '\\', '\t', '\n'},
                "{\"k\": \"v\\twith tab\", \"n\": [1, 2.5, null]}", true, UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
                1.0e-300, (short) -32768, Long.MAX_VALUE));
        rows.add(Arrays.asList(2, "unicode: é ü 漢字 😀 and \\N and \\.", new BigDecimal("0.0001"),
                OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), LocalDate.of(2000, 1, 1),
                LocalDateTime.of(1900, 6, 15, 12, 30), new byte[0], "[]", false, UUID.fromString("00000000-0000-0000-0000-000000000001"), -0.5, (short) 7, Long.MIN_VALUE));
        rows.add(Arrays.asList(3, "", BigDecimal.ZERO, null, null, null, null, null, null, null, null, null, null));
        rows.add(Arrays.asList(4, null, new BigDecimal("100000000.5"), null, null, null, null, "null", null, null, null, null, 0L));
        return rows;
    }

    private String newTable() {
        String t = table("copy");
        db.execute("CREATE TABLE " + t + " (" + COLUMNS + ")");
        return t;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> read(String t) {
        Exchange out = send(context, "covetpg:query?sql=SELECT * FROM " + t + " ORDER BY id", null);
        assertThat(out.getException()).isNull();
        return out.getMessage().getBody(List.class);
    }

    private static void assertSameValues(List<Map<String, Object>> stored, List<List<Object>> sent) {
        assertThat(stored).hasSize(sent.size());
        for (int r = 0; r < sent.size(); r++) {
            List<Object> values = new ArrayList<>(stored.get(r).values());
            for (int c = 0; c < values.size(); c++) {
                Object expected = sent.get(r).get(c);
                Object actual = values.get(c);
                String where = "row " + r + " column " + c;
                if (expected instanceof BigDecimal d) {
                    assertThat((BigDecimal) actual).as(where).isEqualByComparingTo(d);
                } else if (expected instanceof OffsetDateTime o) {
                    assertThat(((OffsetDateTime) actual).toInstant()).as(where).isEqualTo(o.toInstant());
                } else if (expected instanceof byte[] b) {
                    assertThat((byte[]) actual).as(where).containsExactly(b);
                } else if (c == 7 && expected != null) {
                    // jsonb is normalised by the server; compare as the server sees it
                    assertThat(actual).as(where).isEqualTo(db.queryValue("SELECT '" + expected.toString().replace("'", "''") + "'::jsonb::text"));
                } else {
                    assertThat(actual).as(where).isEqualTo(expected);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "csv", "binary"})
    void rowsGoInAndComeOutUnchanged(String format) {
        String t = newTable();
        Exchange in = send(context, "covetpg:copy?table=" + t + "&format=" + format, awkwardRows());
        assertThat(in.getException()).isNull();
        assertThat(in.getMessage().getHeader(CovetPgConstants.COPY_COUNT)).isEqualTo(4L);
        assertSameValues(read(t), awkwardRows());

        // out in the same format, and back into a second table: the same rows
        String copy = newTable();
        // the stream is read inside the route: the connection goes back when the exchange completes
        Exchange out = template(context).send("direct:copy-out", e -> e.getMessage().setHeader("uri",
                "covetpg:copy?direction=out&table=" + t + "&format=" + format));
        assertThat(out.getException()).isNull();
        byte[] bytes = out.getMessage().getBody(byte[].class);
        Exchange again = send(context, "covetpg:copy?table=" + copy + "&format=" + format, bytes);
        assertThat(again.getException()).isNull();
        assertThat(db.queryValue("SELECT count(*) FROM ((TABLE " + t + " EXCEPT TABLE " + copy + ") UNION ALL (TABLE " + copy
                + " EXCEPT TABLE " + t + ")) d")).isEqualTo(0L);
    }

    @Test
    void mapsAndBeansGoByColumnNameAndArraysWorkInText() {
        String t = table("copy_named");
        db.execute("CREATE TABLE " + t + " (id int, full_name text, tags text[], scores int[])");
        List<Object> rows = List.of(Map.of("id", 1, "full_name", "ada", "tags", List.of("a", "b,c", "d\"e"), "scores", new int[] {1, 2}),
                new Person(2, "grace"));
        Exchange in = send(context, "covetpg:copy?table=" + t + "&columns=id,full_name,tags,scores", rows);
        assertThat(in.getException()).isNull();
        assertThat(db.query("SELECT id, full_name, tags::text AS tags, scores::text AS scores FROM " + t + " ORDER BY id")).containsExactly(
                Map.of("id", 1, "full_name", "ada", "tags", "{a,\"b,c\",\"d\\\"e\"}", "scores", "{1,2}"),
                Map.of("id", 2, "full_name", "grace", "tags", "{x}", "scores", "{}"));
    }

    @Test
    void bytesInTheCopyFormatPassThroughFromEveryBodyType(@TempDir Path dir) throws Exception {
        String t = table("copy_bytes");
        db.execute("CREATE TABLE " + t + " (id int, name text)");
        String csv = "1,one\n2,\"two, quoted\"\n";
        Path file = Files.writeString(dir.resolve("rows.csv"), "3,three\n");
        String uri = "covetpg:copy?table=" + t + "&format=csv";
        assertThat(send(context, uri, csv).getMessage().getHeader(CovetPgConstants.COPY_COUNT)).isEqualTo(2L);
        assertThat(send(context, uri, file).getMessage().getHeader(CovetPgConstants.COPY_COUNT)).isEqualTo(1L);
        assertThat(send(context, uri, file.toFile()).getMessage().getHeader(CovetPgConstants.COPY_COUNT)).isEqualTo(1L);
        assertThat(send(context, uri, new ByteArrayInputStream("4,four\n".getBytes(StandardCharsets.UTF_8)))
                .getMessage().getHeader(CovetPgConstants.COPY_COUNT)).isEqualTo(1L);
        assertThat(send(context, "covetpg:copy?sql=COPY " + t + " FROM STDIN", "5\tfive\n".getBytes(StandardCharsets.UTF_8))
                .getMessage().getHeader(CovetPgConstants.COPY_COUNT)).isEqualTo(1L);
        assertThat(db.queryValue("SELECT string_agg(name, '|' ORDER BY id, name) FROM " + t))
                .isEqualTo("one|two, quoted|three|three|four|five");
    }

    @Test
    void aRowTheServerRefusesLeavesNothingAndSaysWhere() {
        String t = table("copy_dup");
        db.execute("CREATE TABLE " + t + " (id int PRIMARY KEY, name text)");
        Iterator<List<Object>> rows = IntStream.range(0, 100_000).mapToObj(i -> List.<Object>of(i == 70_000 ? 5 : i, "n" + i)).iterator();
        Exchange out = send(context, "covetpg:copy?table=" + t, rows);
        CovetPgException e = (CovetPgException) out.getException();
        assertThat(e.getSqlState()).isEqualTo("23505");
        assertThat(e).hasMessageContaining("line 70001");
        assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo(0L);
        assertThat(send(context, "covetpg:query?outputType=SelectValue&sql=SELECT 1", null).getMessage().getBody()).isEqualTo(1);
    }

    @Test
    void aMalformedValueInPassedThroughBytesIsRefusedWithItsLine() {
        String t = table("copy_bad");
        db.execute("CREATE TABLE " + t + " (id int, name text)");
        Exchange out = send(context, "covetpg:copy?table=" + t + "&format=csv", "1,a\n2,b\nthree,c\n");
        assertThat(((CovetPgException) out.getException()).getSqlState()).isEqualTo("22P02");
        assertThat(out.getException()).hasMessageContaining("line 3");
        assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo(0L);
    }

    @Test
    void aBodyThatFailsHalfWaySendsCopyFailAndLeavesNothing() {
        String t = table("copy_fail");
        db.execute("CREATE TABLE " + t + " (id int, name text)");
        Iterator<List<Object>> rows = new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public List<Object> next() {
                if (i == 50_000) {
                    throw new IllegalStateException("the source went away");
                }
                return List.of(i++, "row");
            }
        };
        Exchange out = send(context, "covetpg:copy?table=" + t, rows);
        // the body's own exception is the cause; covetpg's message (and the server's log) name only its type
        assertThat(out.getException()).hasMessageContaining("row 50000").hasMessageContaining("java.lang.IllegalStateException")
                .hasMessageContaining("nothing was copied").hasRootCauseMessage("the source went away");
        assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo(0L);
        assertThat(send(context, "covetpg:query?outputType=SelectValue&sql=SELECT 2", null).getMessage().getBody()).isEqualTo(2);

        Exchange wrongValue = send(context, "covetpg:copy?table=" + t + "&format=binary", List.of(List.of("not a number", "x")));
        assertThat(wrongValue.getException()).hasMessageContaining("row 0").hasMessageContaining("integer");
        assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo(0L);
    }

    @Test
    void copyOutIsReadLazilyAndClosingEarlyGivesTheConnectionBack() throws Exception {
        CamelContext routes = startContext(c -> c.setMaxPoolSize(1), new RouteBuilder() {
            @Override
            public void configure() {
                // generate_series in the select list streams; in FROM it would first materialise 5M rows
                from("direct:peek")
                        .to("covetpg:copy?sql=RAW(COPY (SELECT g, md5(g::text) FROM (SELECT generate_series(1, 5000000) AS g) s) TO STDOUT)")
                        .process(e -> {
                            // not cached by Camel: read lazily, the server waits for us meanwhile
                            assertThat(e.getMessage().getBody()).isInstanceOf(InputStream.class).isNotInstanceOf(StreamCache.class);
                            awaitServerWaitingOnClient();
                            try (InputStream in = e.getMessage().getBody(InputStream.class)) {
                                byte[] first = in.readNBytes(10);
                                e.getMessage().setBody(new String(first, StandardCharsets.US_ASCII));
                            }
                        });
                from("direct:ignore")
                        .to("covetpg:copy?sql=RAW(COPY (SELECT generate_series(1, 5000000)) TO STDOUT)")
                        .setBody(constant("not read"));
            }
        });
        for (int i = 0; i < 5; i++) {
            assertThat(template(routes).requestBody("direct:peek", (Object) null)).asString().startsWith("1\tc4ca4238");
            // never read: the exchange's completion ends the COPY
            assertThat(template(routes).requestBody("direct:ignore", (Object) null)).isEqualTo("not read");
        }
        assertThat(template(routes).requestBody("covetpg:query?outputType=SelectValue&sql=SELECT 3", (Object) null)).isEqualTo(3);
        assertThat(covetpg(routes).getPoolStatistics().inUse()).isZero();
    }

    @Test
    void badOptionsAreRefusedAtStart() {
        String t = newTable();
        assertThatThrownBy(() -> send(context, "covetpg:copy?table=" + t + "&direction=sideways", List.of()))
                .rootCause().hasMessageContaining("direction").hasMessageContaining("in, out");
        assertThatThrownBy(() -> send(context, "covetpg:copy?columns=id", List.of())).rootCause().hasMessageContaining("sql");
        assertThatThrownBy(() -> send(context, "covetpg:copy?table=RAW(x; DROP TABLE " + t + ")", List.of()))
                .rootCause().hasMessageContaining("Invalid table");
        Exchange binaryWithSql = send(context, "covetpg:copy?format=binary&sql=COPY " + t + " FROM STDIN (FORMAT binary)", List.of(List.of(1)));
        assertThat(binaryWithSql.getException()).hasMessageContaining("binary").hasMessageContaining("table");
        // a second statement after the COPY would hang: the server answers it only after copy data that never comes
        assertThatThrownBy(() -> send(context, "covetpg:copy?sql=RAW(COPY " + t + " FROM STDIN; COPY " + t + " FROM STDIN)", List.of()))
                .rootCause().hasMessageContaining("a COPY must be one statement");
        String arrays = table("copy_arrays");
        db.execute("CREATE TABLE " + arrays + " (tags text[])");
        Exchange binaryArrays = send(context, "covetpg:copy?format=binary&table=" + arrays, List.of(List.of(List.of("a"))));
        assertThat(binaryArrays.getException()).hasMessageContaining("text[]").hasMessageContaining("format=text");
        assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo(0L);
    }

    private static void awaitServerWaitingOnClient() throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while ((Long) db.queryValue("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'ClientWrite' AND query LIKE 'COPY%'") == 0) {
            assertThat(System.nanoTime()).as("the server waits for the reader (ClientWrite)").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    public static class Person {
        private final int id;
        private final String fullName;

        Person(int id, String fullName) {
            this.id = id;
            this.fullName = fullName;
        }

        public int getId() { return id; }
        public String getFullName() { return fullName; }
        public String[] getTags() { return new String[] {"x"}; }
        public int[] getScores() { return new int[0]; }
    }
}
