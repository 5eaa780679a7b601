package dev.covet.pg.types;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

/**
 * Dates and times as PostgreSQL writes and reads them with {@code DateStyle=ISO} (the setting
 * covetpg connects with), including what java.time writes differently:
 *
 * <ul>
 *   <li>{@code infinity} and {@code -infinity} are {@link LocalDate#MAX}/{@link LocalDate#MIN}
 *       (and the MAX/MIN of LocalDateTime and OffsetDateTime), as in pgjdbc;</li>
 *   <li>a year before 1 AD is ISO's proleptic year, so 1 BC is year 0 ({@code 0001-01-01 BC}
 *       is {@code LocalDate.of(0, 1, 1)}), as the server counts too;</li>
 *   <li>{@code 24:00:00}, which time allows, is {@link LocalTime#MAX} (the server rounds
 *       23:59:59.999999999 to it);</li>
 *   <li>fractions are written to the nanosecond and rounded by the server to its microseconds.</li>
 * </ul>
 */
public final class PgTime {

    private PgTime() {
    }

    public static String format(LocalDate d) {
        if (d.equals(LocalDate.MAX)) {
            return "infinity";
        }
        if (d.equals(LocalDate.MIN)) {
            return "-infinity";
        }
        StringBuilder sb = new StringBuilder(16);
        date(sb, d);
        return bc(sb, d.getYear()).toString();
    }

    public static String format(LocalDateTime t) {
        if (t.equals(LocalDateTime.MAX)) {
            return "infinity";
        }
        if (t.equals(LocalDateTime.MIN)) {
            return "-infinity";
        }
        StringBuilder sb = new StringBuilder(32);
        date(sb, t.toLocalDate());
        time(sb.append(' '), t.toLocalTime());
        return bc(sb, t.getYear()).toString();
    }

    public static String format(OffsetDateTime t) {
        if (t.equals(OffsetDateTime.MAX)) {
            return "infinity";
        }
        if (t.equals(OffsetDateTime.MIN)) {
            return "-infinity";
        }
        StringBuilder sb = new StringBuilder(40);
        date(sb, t.toLocalDate());
        time(sb.append(' '), t.toLocalTime());
        offset(sb, t.getOffset());
        return bc(sb, t.getYear()).toString();
    }

    public static String format(LocalTime t) {
        if (t.equals(LocalTime.MAX)) {
            return "24:00:00";
        }
        StringBuilder sb = new StringBuilder(18);
        time(sb, t);
        return sb.toString();
    }

    public static String format(OffsetTime t) {
        StringBuilder sb = new StringBuilder(24);
        sb.append(format(t.toLocalTime()));
        offset(sb, t.getOffset());
        return sb.toString();
    }

    private static void date(StringBuilder sb, LocalDate d) {
        int year = d.getYear();
        pad(sb, year <= 0 ? 1 - year : year, 4).append('-');
        pad(sb, d.getMonthValue(), 2).append('-');
        pad(sb, d.getDayOfMonth(), 2);
    }

    private static StringBuilder bc(StringBuilder sb, int year) {
        return year <= 0 ? sb.append(" BC") : sb;
    }

    private static void time(StringBuilder sb, LocalTime t) {
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2);
        int nanos = t.getNano();
        if (nanos != 0) {
            String digits = Integer.toString(1_000_000_000 + nanos).substring(1);
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(digits, 0, end);
        }
    }

    private static void offset(StringBuilder sb, ZoneOffset offset) {
        int total = offset.getTotalSeconds();
        sb.append(total < 0 ? '-' : '+');
        total = Math.abs(total);
        pad(sb, total / 3600, 2).append(':');
        pad(sb, total / 60 % 60, 2);
        if (total % 60 != 0) {
            pad(sb.append(':'), total % 60, 2);
        }
    }

    private static StringBuilder pad(StringBuilder sb, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }

    public static LocalDate parseDate(String s) {
        switch (s) {
            case "infinity":
                return LocalDate.MAX;
            case "-infinity":
                return LocalDate.MIN;
            default:
                Cursor c = new Cursor(s);
                int[] ymd = c.date();
                return c.end(c.era(ymd));
        }
    }

    public static LocalDateTime parseTimestamp(String s) {
        switch (s) {
            case "infinity":
                return LocalDateTime.MAX;
            case "-infinity":
                return LocalDateTime.MIN;
            default:
                Cursor c = new Cursor(s);
                int[] ymd = c.date();
                c.expect(' ');
                LocalTime t = c.time();
                return c.end(LocalDateTime.of(c.era(ymd), t));
        }
    }

    /** timestamptz text in whatever TimeZone the session has, as the same instant at UTC (as the binary form reads). */
    public static OffsetDateTime parseTimestamptz(String s) {
        switch (s) {
            case "infinity":
                return OffsetDateTime.MAX;
            case "-infinity":
                return OffsetDateTime.MIN;
            default:
                Cursor c = new Cursor(s);
                int[] ymd = c.date();
                c.expect(' ');
                LocalTime t = c.time();
                ZoneOffset offset = c.offset();
                OffsetDateTime at = OffsetDateTime.of(c.era(ymd), t, offset);
                return c.end(at.withOffsetSameInstant(ZoneOffset.UTC));
        }
    }

    public static LocalTime parseTime(String s) {
        Cursor c = new Cursor(s);
        return c.end(c.time());
    }

    public static OffsetTime parseTimetz(String s) {
        Cursor c = new Cursor(s);
        LocalTime t = c.time();
        return c.end(OffsetTime.of(t, c.offset()));
    }

    /** Reads the ISO forms above, failing on anything else (a DateStyle other than ISO). */
    private static final class Cursor {
        private final String s;
        private int i;

        Cursor(String s) {
            this.s = s;
        }

        int[] date() {
            int year = number(4);
            expect('-');
            int month = number(2);
            expect('-');
            return new int[] {year, month, number(2)};
        }

        LocalTime time() {
            int hour = number(2);
            expect(':');
            int minute = number(2);
            expect(':');
            int second = number(2);
            int nanos = 0;
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                int start = i;
                int digits = 0;
                while (i < s.length() && isAsciiDigit(s.charAt(i))) {
                    if (digits++ < 9) {
                        nanos = nanos * 10 + (s.charAt(i) - '0');
                    } else if (s.charAt(i) != '0') {
                        // past nanoseconds: kept, it would be rounded otherwise than the server rounds the whole fraction
                        throw bad();
                    }
                    i++;
                }
                if (i == start) {
                    throw bad();
                }
                for (; digits < 9; digits++) {
                    nanos *= 10;
                }
            }
            if (hour == 24 && minute == 0 && second == 0 && nanos == 0) {
                return LocalTime.MAX;
            }
            return LocalTime.of(hour, minute, second, nanos);
        }

        ZoneOffset offset() {
            if (i >= s.length() || (s.charAt(i) != '+' && s.charAt(i) != '-')) {
                throw bad();
            }
            int sign = s.charAt(i++) == '-' ? -1 : 1;
            int hours = number(2);
            int minutes = 0;
            int seconds = 0;
            if (i < s.length() && s.charAt(i) == ':') {
                i++;
                minutes = number(2);
                if (i < s.length() && s.charAt(i) == ':') {
                    i++;
                    seconds = number(2);
                }
            }
            return ZoneOffset.ofTotalSeconds(sign * (hours * 3600 + minutes * 60 + seconds));
        }

        /** The date read, in ISO's proleptic years (1 BC is 0); consumes the " BC" that ends the text of such a date. */
        LocalDate era(int[] ymd) {
            int year = ymd[0];
            if (year == 0) {
                throw bad(); // there is no year 0, AD or BC: the server refuses it too
            }
            if (s.startsWith(" BC", i)) {
                i += 3;
                year = 1 - year;
            }
            return LocalDate.of(year, ymd[1], ymd[2]);
        }

        void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw bad();
            }
            i++;
        }

        int number(int minDigits) {
            int start = i;
            long v = 0;
            while (i < s.length() && isAsciiDigit(s.charAt(i)) && i - start < 10) {
                v = v * 10 + (s.charAt(i++) - '0');
            }
            if (i - start < minDigits) {
                throw bad();
            }
            return (int) v;
        }

        /** Digits of the server's text, never another script's (Character.isDigit takes those). */
        private static boolean isAsciiDigit(char c) {
            return c >= '0' && c <= '9';
        }

        <T> T end(T value) {
            if (i != s.length()) {
                throw bad();
            }
            return value;
        }

        private IllegalArgumentException bad() {
            return new IllegalArgumentException("Not a date or time in PostgreSQL's ISO form (covetpg needs DateStyle=ISO)");
        }
    }
}
