package dev.covet.pg.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Random;
import dev.covet.pg.Samples;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Dates and times in PostgreSQL's ISO text, both ways, without a server. */
@Tag("fast")
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

    @Test
    void everyDateOfTheServersRangeReadsBackAsItWasWritten() {
        Samples.check(500, PgTimeTest::date, d -> assertThat(PgTime.parseDate(PgTime.format(d))).isEqualTo(d),
                FIRST_DATE, LAST_DATE, LocalDate.of(0, 2, 29), LocalDate.of(1, 1, 1), LocalDate.of(0, 12, 31));
    }

    @Test
    void everyTimestampReadsBackAsItWasWritten() {
        Samples.check(500, PgTimeTest::timestamp, t -> assertThat(PgTime.parseTimestamp(PgTime.format(t))).isEqualTo(t),
                FIRST_TIMESTAMP, LAST_TIMESTAMP);
    }

    @Test
    void everyTimestamptzReadsBackAsTheSameInstant() {
        Samples.check(500, r -> OffsetDateTime.of(timestamp(r), offset(r)),
                at -> assertThat(PgTime.parseTimestamptz(PgTime.format(at)).toInstant()).isEqualTo(at.toInstant()));
    }

    @Test
    void everyTimeReadsBack() {
        Samples.check(300, r -> OffsetTime.of(time(r), offset(r)), t -> {
            assertThat(PgTime.parseTime(PgTime.format(t.toLocalTime()))).isEqualTo(t.toLocalTime());
            assertThat(PgTime.parseTimetz(PgTime.format(t))).isEqualTo(t);
        });
    }

    static LocalDate date(Random r) {
        return LocalDate.ofEpochDay(Samples.between(r, FIRST_DATE.toEpochDay(), LAST_DATE.toEpochDay()));
    }

    /** A timestamp of the server's range, to the microsecond. */
    static LocalDateTime timestamp(Random r) {
        long second = Samples.between(r, FIRST_TIMESTAMP.toEpochSecond(ZoneOffset.UTC), LAST_TIMESTAMP.toEpochSecond(ZoneOffset.UTC));
        return LocalDateTime.ofEpochSecond(second, r.nextInt(1_000_000) * 1000, ZoneOffset.UTC);
    }

    static LocalTime time(Random r) {
        return LocalTime.ofNanoOfDay(Samples.between(r, 0L, 86_399_999_999L) * 1000);
    }

    /** An offset the server takes: up to 15:59:59 either way. */
    static ZoneOffset offset(Random r) {
        int limit = 15 * 3600 + 59 * 60 + 59;
        return ZoneOffset.ofTotalSeconds(Samples.between(r, -limit, limit));
    }
}
