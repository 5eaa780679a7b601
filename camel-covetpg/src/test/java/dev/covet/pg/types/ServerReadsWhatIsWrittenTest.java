package dev.covet.pg.types;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.Samples;
import dev.covet.pg.testdb.TestDatabase;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The text covetpg writes is read by the server's own input functions as the value it stands
 * for, and the server's output text is read back by covetpg as the same value: each checked
 * against a number computed in Java (days, seconds, the double's bits), never against covetpg itself.
 */
class ServerReadsWhatIsWrittenTest {

    private static Connection jdbc;

    @BeforeAll
    static void connect() {
        jdbc = TestDatabase.shared().jdbc();
    }

    @AfterAll
    static void disconnect() throws SQLException {
        jdbc.close();
    }

    private static ResultSet one(String sql, Object... params) {
        try {
            PreparedStatement st = jdbc.prepareStatement(sql);
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            ResultSet rs = st.executeQuery();
            rs.next();
            return rs;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static byte[] bytes(ResultSet rs, int column) {
        try {
            return rs.getBytes(column);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(ResultSet rs, int column) {
        try {
            return rs.getString(column);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aDoublesTextIsThatDoubleToTheServer() {
        // float8send's bits, compared with the double's own
        Samples.check(300, Samples::anyDouble, value -> {
            long bits = ByteBuffer.wrap(bytes(one("SELECT float8send((?::text)::float8)", PgText.format(value)), 1)).getLong();
            assertThat(bits == Double.doubleToLongBits(value) || Double.isNaN(value) && Double.isNaN(Double.longBitsToDouble(bits))).isTrue();
        });
    }

    @Test
    void aFloatsTextIsThatFloatToTheServer() {
        Samples.check(300, r -> (float) Samples.anyDouble(r), value -> {
            int bits = ByteBuffer.wrap(bytes(one("SELECT float4send((?::text)::float4)", PgText.format(value, PgTypes.FLOAT4)), 1)).getInt();
            assertThat(bits == Float.floatToIntBits(value) || Float.isNaN(value) && Float.isNaN(Float.intBitsToFloat(bits))).isTrue();
        }, Float.MIN_VALUE, -Float.MAX_VALUE, -0.0f);
    }

    @Test
    void aBigDecimalsTextKeepsItsValueAndScale() {
        Samples.check(300, r -> new BigDecimal(new BigInteger(Samples.between(r, 1, 130), r).subtract(BigInteger.TWO.pow(64)),
                Samples.between(r, -20, 60)), value -> {
            String stored = text(one("SELECT (?::text)::numeric::text", PgText.format(value)), 1);
            assertThat(TextValues.numeric(stored)).isEqualTo(value.scale() < 0 ? value.setScale(0) : value);
        });
    }

    @Test
    void aDatesTextIsThatDayToTheServerAndItsTextReadsBack() {
        Samples.check(300, PgTimeTest::date, date -> {
            ResultSet rs = one("SELECT ((?::text)::date - DATE '2000-01-01')::text, (?::text)::date::text", PgTime.format(date), PgTime.format(date));
            assertThat(Long.parseLong(text(rs, 1))).isEqualTo(date.toEpochDay() - LocalDate.of(2000, 1, 1).toEpochDay());
            assertThat(PgTime.parseDate(text(rs, 2))).isEqualTo(date);
        }, PgTimeTest.FIRST_DATE, PgTimeTest.LAST_DATE);
    }

    @Test
    void aTimestampsTextIsThatInstantToTheServerAndItsTextReadsBack() {
        // a day inside the range, so that no offset moves the instant out of it
        LocalDateTime first = PgTimeTest.FIRST_TIMESTAMP.plusDays(1);
        LocalDateTime last = PgTimeTest.LAST_TIMESTAMP.minusDays(1);
        Samples.check(300, r -> {
            LocalDateTime t = PgTimeTest.timestamp(r);
            return OffsetDateTime.of(t.isBefore(first) ? first : t.isAfter(last) ? last : t, PgTimeTest.offset(r));
        }, at -> {
            String text = PgTime.format(at);
            ResultSet rs = one("SELECT extract(epoch FROM (?::text)::timestamptz)::text, (?::text)::timestamptz::text, (?::text)::timestamp::text",
                    text, text, PgTime.format(at.toLocalDateTime()));
            BigDecimal seconds = BigDecimal.valueOf(at.toEpochSecond()).add(BigDecimal.valueOf(at.getNano(), 9));
            assertThat(new BigDecimal(text(rs, 1))).isEqualByComparingTo(seconds);
            assertThat(PgTime.parseTimestamptz(text(rs, 2)).toInstant()).isEqualTo(at.toInstant());
            assertThat(PgTime.parseTimestamp(text(rs, 3))).isEqualTo(at.toLocalDateTime());
        });
    }

    @Test
    void anArraysTextIsThoseElementsToTheServer() {
        Samples.check(200, ServerReadsWhatIsWrittenTest::elements, elements -> {
            ResultSet rs = one("SELECT array_length(a, 1)::text, a::text FROM (SELECT (?::text)::text[] AS a) x", PgText.format(elements));
            assertThat(text(rs, 1)).isEqualTo(elements.isEmpty() ? null : Integer.toString(elements.size()));
            assertThat((String[]) TextValues.decode(1009, text(rs, 2))).containsExactlyElementsOf(elements);
        });
    }

    private static List<String> elements(Random r) {
        List<String> elements = new ArrayList<>();
        for (int i = r.nextInt(7); i > 0; i--) {
            elements.add(switch (r.nextInt(4)) {
                case 0 -> null;
                case 1 -> "NULL";
                default -> Samples.text(r, 8, "a", "é", "😀", ",", "{", "}", "\"", "\\", " ", "\t", "\n", "N", "U", "L");
            });
        }
        return elements;
    }
}
