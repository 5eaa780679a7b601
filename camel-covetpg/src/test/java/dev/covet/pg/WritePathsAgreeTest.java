package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The same Java value written by every write path into a column of the same type is stored as the
 * same value: values the fidelity matrix cannot hold, since it starts from what the server stores
 * (nanoseconds, Java's own time types, Floats).
 */
class WritePathsAgreeTest extends CovetPgTestSupport {

    private static final List<String> PATHS = List.of("query", "batch sql", "batch table", "COPY text", "COPY csv", "COPY binary");

    private final TimeZone jvmZone = TimeZone.getDefault();

    @AfterEach
    void restoreZone() {
        TimeZone.setDefault(jvmZone);
    }

    /** What each path stored (the server's text), by path. */
    private Map<String, String> storedByEachPath(CamelContext context, String type, Object value) {
        Map<String, String> stored = new LinkedHashMap<>();
        for (String path : PATHS) {
            String t = table("agree");
            db.execute("CREATE TABLE " + t + " (v " + type + ")");
            Exchange out = switch (path) {
                case "query" -> send(context, "covetpg:query?sql=INSERT INTO " + t + " VALUES ($1)", Arrays.asList(value));
                case "batch sql" -> send(context, "covetpg:batch?sql=INSERT INTO " + t + " VALUES ($1)", List.of(Arrays.asList(value)));
                case "batch table" -> send(context, "covetpg:batch?table=" + t, List.of(Arrays.asList(value)));
                default -> send(context, "covetpg:copy?format=" + path.substring(5) + "&table=" + t, List.of(Arrays.asList(value)));
            };
            stored.put(path, out.getException() != null ? "failed: " + out.getException().getMessage()
                    : (String) db.queryValue("SELECT v::text FROM " + t));
        }
        return stored;
    }

    private void agree(CamelContext context, String type, Object value, String expected) {
        Map<String, String> stored = storedByEachPath(context, type, value);
        if (type.endsWith("[]")) {
            stored.remove("COPY binary"); // binary writes no arrays: refused before sending
        }
        assertThat(stored).as(type + " from a " + value.getClass().getName()).allSatisfy((path, text) -> assertThat(text).as(path).isEqualTo(expected));
    }

    @Test
    void fractionsOfASecondRoundAlikeOnEveryPath() throws Exception {
        CamelContext context = startContext(c -> c.getServerSettings().put("timezone", "UTC"));
        // exactly half a microsecond: the server rounds strtod's double, not the decimal
        agree(context, "timestamp", LocalDateTime.of(2020, 1, 1, 0, 0, 0, 125_500), "2020-01-01 00:00:00.000125");
        agree(context, "timestamp", LocalDateTime.of(2020, 1, 1, 0, 0, 0, 126_500), "2020-01-01 00:00:00.000127");
        agree(context, "time", LocalTime.of(0, 0, 0, 248_500), "00:00:00.000249");
        agree(context, "timestamptz", OffsetDateTime.of(2020, 1, 1, 0, 0, 0, 250_500, ZoneOffset.UTC), "2020-01-01 00:00:00.000251+00");
    }

    @Test
    void aSqlTimestampIsTheSameInstantOnEveryPath() throws Exception {
        TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
        CamelContext context = startContext(c -> c.getServerSettings().put("timezone", "UTC"));
        java.sql.Timestamp midnightUtc = java.sql.Timestamp.from(java.time.Instant.parse("2020-01-01T00:00:00Z"));
        // (the observing JDBC connection shows instants in the JVM's zone, now Tokyo's)
        agree(context, "timestamptz", midnightUtc, "2020-01-01 09:00:00+09");
        // a timestamp column takes its wall time in the JVM's zone, as pgjdbc's setTimestamp does
        agree(context, "timestamp", midnightUtc, "2020-01-01 09:00:00");
    }

    @Test
    void aFloatWidensAlikeInScalarsAndArrays() throws Exception {
        CamelContext context = startContext(c -> { });
        agree(context, "double precision", 0.1f, "0.10000000149011612");
        agree(context, "double precision[]", new Float[] {0.1f}, "{0.10000000149011612}");
        agree(context, "real", 0.1f, "0.1");
        agree(context, "real[]", new Float[] {0.1f}, "{0.1}");
    }

    @Test
    void aLoneSurrogateFailsOnEveryPathInsteadOfBecomingAQuestionMark() throws Exception {
        CamelContext context = startContext(c -> { });
        Map<String, String> stored = storedByEachPath(context, "text", "a\uD800b");
        assertThat(stored).allSatisfy((path, text) -> assertThat(text).as(path).startsWith("failed: ").contains("lone UTF-16 surrogate"));
        List<String> ok = new ArrayList<>(storedByEachPath(context, "text", "a😀b").values());
        assertThat(ok).containsOnly("a😀b");
    }
}
