package dev.covet.pg.types;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.testdb.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The text covetpg writes is read by the server's own input functions as the value it stands
 * for, and the server's output text is read back by covetpg as the same value: each checked
 * against a number computed in Java (days, seconds, the double's bits), never against covetpg itself.
 */
class ServerReadsWhatIsWrittenTest {

    private static Connection jdbc;

    @BeforeContainer
    static void connect() {
        jdbc = TestDatabase.shared().jdbc();
    }

    @AfterContainer
    static void disconnect() throws SQLException {
        jdbc.close();
    }

    private static ResultSet one(String sql, Object... params) throws SQLException {
        PreparedStatement st = jdbc.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            st.setObject(i + 1, params[i]);
        }
        ResultSet rs = st.executeQuery();
        rs.next();
        return rs;
    }

    @Property(tries = 300)
    void aDoublesTextIsThatDoubleToTheServer(@ForAll double value) throws SQLException {
        // float8send's bits, compared with the double's own
        ResultSet rs = one("SELECT float8send((?::text)::float8)", PgText.format(value));
        long bits = java.nio.ByteBuffer.wrap(rs.getBytes(1)).getLong();
        assertThat(bits == Double.doubleToLongBits(value) || Double.isNaN(value) && Double.isNaN(Double.longBitsToDouble(bits))).isTrue();
    }

    @Property(tries = 300)
    void aFloatsTextIsThatFloatToTheServer(@ForAll float value) throws SQLException {
        ResultSet rs = one("SELECT float4send((?::text)::float4)", PgText.format(value, PgTypes.FLOAT4));
        int bits = java.nio.ByteBuffer.wrap(rs.getBytes(1)).getInt();
        assertThat(bits == Float.floatToIntBits(value) || Float.isNaN(value) && Float.isNaN(Float.intBitsToFloat(bits))).isTrue();
    }

    @Property(tries = 300)
    void aBigDecimalsTextKeepsItsValueAndScale(@ForAll("decimals") BigDecimal value) throws SQLException {
        ResultSet rs = one("SELECT (?::text)::numeric::text", PgText.format(value));
        assertThat(TextValues.numeric(rs.getString(1))).isEqualTo(value.scale() < 0 ? value.setScale(0) : value);
    }

    @Property(tries = 300)
    void aDatesTextIsThatDayToTheServerAndItsTextReadsBack(@ForAll("dates") LocalDate date) throws SQLException {
        ResultSet rs = one("SELECT (?::text)::date - DATE '2000-01-01', (?::text)::date::text", PgTime.format(date), PgTime.format(date));
        assertThat(rs.getLong(1)).isEqualTo(date.toEpochDay() - LocalDate.of(2000, 1, 1).toEpochDay());
        assertThat(PgTime.parseDate(rs.getString(2))).isEqualTo(date);
    }

    @Property(tries = 300)
    void aTimestampsTextIsThatInstantToTheServerAndItsTextReadsBack(@ForAll("inner") LocalDateTime t, @ForAll("offsets") ZoneOffset offset)
            throws SQLException {
        OffsetDateTime at = OffsetDateTime.of(t, offset);
        ResultSet rs = one("SELECT extract(epoch FROM (?::text)::timestamptz), (?::text)::timestamptz::text, (?::text)::timestamp::text",
                PgTime.format(at), PgTime.format(at), PgTime.format(t));
        BigDecimal seconds = BigDecimal.valueOf(at.toEpochSecond()).add(BigDecimal.valueOf(at.getNano(), 9));
        assertThat(rs.getBigDecimal(1)).isEqualByComparingTo(seconds);
        assertThat(PgTime.parseTimestamptz(rs.getString(2)).toInstant()).isEqualTo(at.toInstant());
        assertThat(PgTime.parseTimestamp(rs.getString(3))).isEqualTo(t);
    }

    @Property(tries = 200)
    void anArraysTextIsThoseElementsToTheServer(@ForAll("elements") List<String> elements) throws SQLException {
        ResultSet rs = one("SELECT array_length(a, 1), a::text FROM (SELECT (?::text)::text[] AS a) x", PgText.format(elements));
        assertThat(rs.getObject(1)).isEqualTo(elements.isEmpty() ? null : elements.size());
        assertThat((String[]) TextValues.decode(1009, rs.getString(2))).containsExactlyElementsOf(elements);
    }

    @Provide
    static Arbitrary<BigDecimal> decimals() {
        return Arbitraries.bigIntegers().between(new java.math.BigInteger("-1" + "0".repeat(40)), new java.math.BigInteger("1" + "0".repeat(40)))
                .flatMap(unscaled -> Arbitraries.integers().between(-20, 60).map(scale -> new BigDecimal(unscaled, scale)));
    }

    @Provide
    static Arbitrary<LocalDate> dates() {
        return PgTimeTest.dates();
    }

    /** Timestamps a day inside the range, so that no offset moves the instant out of it. */
    @Provide
    static Arbitrary<LocalDateTime> inner() {
        return PgTimeTest.timestamps().filter(t -> t.isAfter(PgTimeTest.FIRST_TIMESTAMP.plusDays(1))
                && t.isBefore(PgTimeTest.LAST_TIMESTAMP.minusDays(1)));
    }

    @Provide
    static Arbitrary<ZoneOffset> offsets() {
        // the server's TimeZone prints the instant at its own offset; any offset the input takes will do
        return PgTimeTest.offsets();
    }

    @Provide
    static Arbitrary<List<String>> elements() {
        Arbitrary<String> text = Arbitraries.of("a", "é", "😀", ",", "{", "}", "\"", "\\", " ", "\t", "\n", "N", "U", "L").list().ofMaxSize(8)
                .map(parts -> String.join("", parts));
        return Arbitraries.oneOf(text, Arbitraries.just("NULL"),
                Arbitraries.just((String) null)).list().ofMaxSize(6);
    }
}
