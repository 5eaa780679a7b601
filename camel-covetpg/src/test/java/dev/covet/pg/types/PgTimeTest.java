package dev.covet.pg.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Dates and times in PostgreSQL's ISO text, both ways, without a server. */
class PgTimeTest {

    /** PostgreSQL's date range: 4713 BC to 5874897 AD. */
    static final LocalDate FIRST_DATE = LocalDate.of(-4712, 1, 1);
    static final LocalDate LAST_DATE = LocalDate.of(5_874_897, 12, 31);
    /** timestamp's range: 4713 BC to 294276 AD. */
    static final LocalDateTime FIRST_TIMESTAMP = LocalDateTime.of(-4713, 11, 24, 0, 0);
    static final LocalDateTime LAST_TIMESTAMP = LocalDateTime.of(294_276, 12, 31, 23, 59, 59, 999_999_000);

    @Test
    void infinityAndTheYearsBeforeChristAreWrittenAsTheServerWritesThem() {
        assertThat(PgTime.format(LocalDate.MAX)).isEqualTo("infinity");
        assertThat(PgTime.format(LocalDate.MIN)).isEqualTo("-infinity");
        assertThat(PgTime.format(LocalDateTime.MAX)).isEqualTo("infinity");
        assertThat(PgTime.format(OffsetDateTime.MIN)).isEqualTo("-infinity");
        assertThat(PgTime.format(LocalDate.of(0, 1, 1))).isEqualTo("0001-01-01 BC");
        assertThat(PgTime.format(LocalDate.of(-4, 2, 29))).isEqualTo("0005-02-29 BC");
        assertThat(PgTime.format(LAST_DATE)).isEqualTo("5874897-12-31");
        assertThat(PgTime.format(LocalDateTime.of(-43, 3, 15, 12, 0))).isEqualTo("0044-03-15 12:00:00 BC");
        assertThat(PgTime.format(OffsetDateTime.of(-43, 3, 15, 12, 0, 0, 0, ZoneOffset.ofHoursMinutesSeconds(0, 19, 32))))
                .isEqualTo("0044-03-15 12:00:00+00:19:32 BC");
        assertThat(PgTime.format(LocalTime.MAX)).isEqualTo("24:00:00");
        assertThat(PgTime.format(LocalTime.of(1, 2, 3, 450_000_000))).isEqualTo("01:02:03.45");
        assertThat(PgTime.format(OffsetTime.of(1, 2, 3, 1, ZoneOffset.ofHoursMinutes(-3, -30)))).isEqualTo("01:02:03.000000001-03:30");
    }

    @Test
    void theServersTextReadsBack() {
        assertThat(PgTime.parseDate("0005-02-29 BC")).isEqualTo(LocalDate.of(-4, 2, 29));
        assertThat(PgTime.parseTimestamp("-infinity")).isEqualTo(LocalDateTime.MIN);
        assertThat(PgTime.parseTimestamptz("0044-03-15 12:19:32+00:19:32 BC")).isEqualTo(OffsetDateTime.of(-43, 3, 15, 12, 0, 0, 0, ZoneOffset.UTC));
        assertThat(PgTime.parseTime("24:00:00")).isEqualTo(LocalTime.MAX);
        assertThat(PgTime.parseTimetz("24:00:00+02")).isEqualTo(OffsetTime.of(LocalTime.MAX, ZoneOffset.ofHours(2)));
        assertThat(PgTime.parseTimetz("00:00:00-15:59")).isEqualTo(OffsetTime.of(LocalTime.MIDNIGHT, ZoneOffset.ofHoursMinutes(-15, -59)));
    }

    @Test
    void anotherDateStyleIsRefusedNotMisread() {
        assertThatThrownBy(() -> PgTime.parseDate("29.02.2024")).hasMessageContaining("DateStyle=ISO");
        assertThatThrownBy(() -> PgTime.parseTimestamp("Thu Feb 29 13:14:15 2024")).hasMessageContaining("DateStyle=ISO");
        assertThatThrownBy(() -> PgTime.parseDate("2024-02-29x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 500)
    void everyDateOfTheServersRangeReadsBackAsItWasWritten(@ForAll("dates") LocalDate d) {
        assertThat(PgTime.parseDate(PgTime.format(d))).isEqualTo(d);
    }

    @Property(tries = 500)
    void everyTimestampReadsBackAsItWasWritten(@ForAll("timestamps") LocalDateTime t) {
        assertThat(PgTime.parseTimestamp(PgTime.format(t))).isEqualTo(t);
    }

    @Property(tries = 500)
    void everyTimestamptzReadsBackAsTheSameInstant(@ForAll("timestamps") LocalDateTime t, @ForAll("offsets") ZoneOffset offset) {
        OffsetDateTime at = OffsetDateTime.of(t, offset);
        assertThat(PgTime.parseTimestamptz(PgTime.format(at)).toInstant()).isEqualTo(at.toInstant());
    }

    @Property(tries = 300)
    void everyTimeReadsBack(@ForAll("times") LocalTime t, @ForAll("offsets") ZoneOffset offset) {
        assertThat(PgTime.parseTime(PgTime.format(t))).isEqualTo(t);
        assertThat(PgTime.parseTimetz(PgTime.format(OffsetTime.of(t, offset)))).isEqualTo(OffsetTime.of(t, offset));
    }

    @Provide
    static Arbitrary<LocalDate> dates() {
        return Arbitraries.longs().between(FIRST_DATE.toEpochDay(), LAST_DATE.toEpochDay()).map(LocalDate::ofEpochDay)
                .edgeCases(c -> c.add(FIRST_DATE, LAST_DATE, LocalDate.of(0, 2, 29), LocalDate.of(1, 1, 1), LocalDate.of(0, 12, 31)));
    }

    @Provide
    static Arbitrary<LocalDateTime> timestamps() {
        long first = FIRST_TIMESTAMP.toEpochSecond(ZoneOffset.UTC);
        long last = LAST_TIMESTAMP.toEpochSecond(ZoneOffset.UTC);
        return Arbitraries.longs().between(first, last).flatMap(s -> Arbitraries.integers().between(0, 999_999)
                .map(micros -> LocalDateTime.ofEpochSecond(s, micros * 1000, ZoneOffset.UTC)));
    }

    @Provide
    static Arbitrary<LocalTime> times() {
        return Arbitraries.longs().between(0, 86_399_999_999L).map(micros -> LocalTime.ofNanoOfDay(micros * 1000));
    }

    @Provide
    static Arbitrary<ZoneOffset> offsets() {
        return Arbitraries.integers().between(-(15 * 3600 + 59 * 60 + 59), 15 * 3600 + 59 * 60 + 59).map(ZoneOffset::ofTotalSeconds);
    }
}
