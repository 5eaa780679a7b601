package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

/** Rows reach a route as plain Java types, and plain Java types bind as parameters. */
class TypeMappingTest extends CovetPgTestSupport {

    @Test
    @SuppressWarnings("unchecked")
    void columnsArePlainJavaTypes() throws Exception {
        CamelContext context = startContext(c -> c.getServerSettings().put("timezone", "UTC"));
        String sql = "SELECT 1::int2 AS s, 2::int4 AS i, 3::int8 AS l, 1.5::float4 AS f, 2.5::float8 AS d, 12.345::numeric AS n,"
                + " 'NaN'::numeric AS nan, true AS b, 'tab\tnew\nline \\ é'::text AS t, 'ab'::varchar AS v, 'x'::char(3) AS c,"
                + " '\\x00ff10'::bytea AS bytes, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u, '2024-02-29'::date AS dt,"
                + " '13:14:15'::time AS tm, '2024-02-29 13:14:15.123456'::timestamp AS ts,"
                + " '2024-02-29 13:14:15+02'::timestamptz AS tstz, '{\"a\": [1, 2]}'::jsonb AS jb, '\"just text\"'::json AS js,"
                + " 'null'::jsonb AS jnull, ARRAY[1, 2, NULL]::int[] AS ints, ARRAY['x', 'y']::text[] AS texts,"
                + " ARRAY[1.5, 2.25]::numeric[] AS nums, '1 year 2 months 3 days 04:05:06.5'::interval AS iv,"
                + " '12.50'::money AS m, '192.168.0.1'::inet AS ip, '10.0.0.0/8'::cidr AS net, NULL::int AS nothing";
        // the statement travels in the body: tabs and newlines have no place in an endpoint URI
        Exchange out = send(context, "covetpg:query?outputType=SelectOne&useMessageBodyForSql=true", sql);
        assertThat(out.getException()).isNull();
        Map<String, Object> row = out.getMessage().getBody(Map.class);
        assertThat(row.get("s")).isEqualTo((short) 1);
        assertThat(row.get("i")).isEqualTo(2);
        assertThat(row.get("l")).isEqualTo(3L);
        assertThat(row.get("f")).isEqualTo(1.5f);
        assertThat(row.get("d")).isEqualTo(2.5d);
        assertThat(row.get("n")).isEqualTo(new BigDecimal("12.345"));
        assertThat(row.get("nan")).isEqualTo(Double.NaN);
        assertThat(row.get("b")).isEqualTo(true);
        assertThat(row.get("t")).isEqualTo("tab\tnew\nline \\ é");
        assertThat(row.get("v")).isEqualTo("ab");
        assertThat(row.get("c")).isEqualTo("x  ");
        assertThat((byte[]) row.get("bytes")).containsExactly(0, 0xff, 0x10);
        assertThat(row.get("u")).isEqualTo(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
        assertThat(row.get("dt")).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(row.get("tm")).isEqualTo(LocalTime.of(13, 14, 15));
        assertThat(row.get("ts")).isEqualTo(LocalDateTime.of(2024, 2, 29, 13, 14, 15, 123_456_000));
        assertThat(row.get("tstz")).isEqualTo(OffsetDateTime.of(2024, 2, 29, 11, 14, 15, 0, ZoneOffset.UTC));
        assertThat(row.get("jb")).isEqualTo("{\"a\": [1, 2]}"); // the server's text of the jsonb
        assertThat(row.get("js")).isEqualTo("\"just text\"");
        assertThat(row.get("jnull")).isEqualTo("null");
        assertThat((Object[]) row.get("ints")).containsExactly(1, 2, null);
        assertThat((Object[]) row.get("texts")).containsExactly("x", "y");
        assertThat((Object[]) row.get("nums")).containsExactly(new BigDecimal("1.5"), new BigDecimal("2.25"));
        assertThat(row.get("iv")).isEqualTo("1 year 2 mons 3 days 04:05:06.5");
        assertThat(row.get("m")).isEqualTo("$12.50");
        assertThat(row.get("ip")).isEqualTo("192.168.0.1");
        assertThat(row.get("net")).isEqualTo("10.0.0.0/8");
        assertThat(row).containsEntry("nothing", null);
        assertThat(row.values()).noneMatch(v -> v != null && v.getClass().getName().startsWith("io.vertx"));
    }

    @Test
    void javaValuesBindAsParametersAndComeBackEqual() throws Exception {
        String t = table("types");
        db.execute("CREATE TABLE " + t + " (n numeric, b bytea, u uuid, d date, ts timestamp, tstz timestamptz, tags text[],"
                + " ids int[], j jsonb, flag boolean)");
        CamelContext context = startContext(c -> c.getServerSettings().put("timezone", "UTC"));
        // A String bound straight to a json/jsonb parameter is a JSON string value (the driver's rule),
        // so JSON text goes through text: $9::text::jsonb.
        UUID uuid = UUID.randomUUID();
        OffsetDateTime when = OffsetDateTime.of(2025, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);
        Exchange insert = send(context, "covetpg:query?sql=INSERT INTO " + t + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb, $10)",
                java.util.Arrays.asList(new BigDecimal("123.4500"), new byte[] {1, 2, 3}, uuid, LocalDate.of(2025, 1, 2),
                        LocalDateTime.of(2025, 1, 2, 3, 4, 5), when, List.of("a", "b"), new int[] {7, 8}, "{\"k\": 1}", true));
        assertThat(insert.getException()).isNull();
        assertThat(insert.getMessage().getHeader(CovetPgConstants.UPDATE_COUNT)).isEqualTo(1L);

        Map<String, Object> viaJdbc = db.query("SELECT n::text, encode(b, 'hex') AS b, u::text, d::text, ts::text, tags::text, ids::text, j::text, flag FROM " + t).get(0);
        assertThat(viaJdbc).containsEntry("n", "123.4500").containsEntry("b", "010203").containsEntry("u", uuid.toString())
                .containsEntry("d", "2025-01-02").containsEntry("ts", "2025-01-02 03:04:05").containsEntry("tags", "{a,b}")
                .containsEntry("ids", "{7,8}").containsEntry("j", "{\"k\": 1}").containsEntry("flag", true);

        @SuppressWarnings("unchecked")
        Map<String, Object> back = send(context, "covetpg:query?outputType=SelectOne&sql=SELECT * FROM " + t, null).getMessage().getBody(Map.class);
        assertThat(back.get("n")).isEqualTo(new BigDecimal("123.4500"));
        assertThat((byte[]) back.get("b")).containsExactly(1, 2, 3);
        assertThat(back.get("u")).isEqualTo(uuid);
        assertThat(back.get("tstz")).isEqualTo(when);
        assertThat((Object[]) back.get("tags")).containsExactly("a", "b");
    }
}
