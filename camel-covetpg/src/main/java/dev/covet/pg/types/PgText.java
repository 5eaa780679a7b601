package dev.covet.pg.types;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * Java values in PostgreSQL's text input form: the text the server's input function of the
 * target type reads, as it would read the same literal from psql. What the unnest batch, COPY's
 * text and csv formats, and every parameter the server parses from text send.
 */
public final class PgText {

    /** A BigDecimal longer than this in plain digits is written with an exponent (numeric_in reads both). */
    private static final int PLAIN_SCALE_LIMIT = 20_000;

    private PgText() {
    }

    /**
     * The text of a value for a column or parameter of type {@code oid} (its base type for a
     * domain; 0 when it is not known): numbers for integer and floating-point types are checked
     * and converted by {@link ExactNumbers}, json and jsonb take {@link JsonText}, a date or time
     * must be of a kind the type keeps whole; everything else is {@link #format(Object)}.
     *
     * @throws ValueException when the value cannot be written exactly as that type
     */
    public static String format(Object value, int oid) {
        if (value == null) {
            return null;
        }
        if (formatsByJavaType(oid)) {
            return format(value);
        }
        return switch (oid) {
            case PgTypes.INT2, PgTypes.INT4, PgTypes.INT8 -> Long.toString(ExactNumbers.integer(value, oid));
            case PgTypes.FLOAT8 -> decimal(ExactNumbers.float8(value), false);
            case PgTypes.FLOAT4 -> decimal(ExactNumbers.float4(value), true);
            case PgTypes.JSON, PgTypes.JSONB -> JsonText.of(value);
            case PgTypes.DATE, PgTypes.TIME, PgTypes.TIMETZ, PgTypes.TIMESTAMP -> format(withoutLoss(value, oid));
            default -> format(value);
        };
    }

    /**
     * {@code value}, unless it is a date or time of a kind whose text the server would read into
     * type {@code oid} only by dropping part of it: the time of day into date, the offset into
     * timestamp (the instant would change) or time, the date into time or timetz. COPY binary
     * refuses those kinds too. (A java.sql.Timestamp's offset is only the JVM's zone: into timestamp
     * it gives its wall time.)
     */
    private static Object withoutLoss(Object value, int oid) {
        boolean offset = value instanceof java.time.OffsetDateTime || value instanceof java.time.ZonedDateTime
                || value instanceof java.time.Instant || value instanceof java.time.OffsetTime;
        boolean date = value instanceof java.time.LocalDate || value instanceof java.time.LocalDateTime
                || value instanceof java.time.OffsetDateTime || value instanceof java.time.ZonedDateTime || value instanceof java.time.Instant
                || (value instanceof java.util.Date && !(value instanceof java.sql.Time));
        boolean timeOfDay = value instanceof java.time.temporal.TemporalAccessor t && !(value instanceof java.time.LocalDate)
                && (value instanceof java.time.Instant || t.isSupported(java.time.temporal.ChronoField.NANO_OF_DAY))
                || (value instanceof java.util.Date && !(value instanceof java.sql.Date));
        String lost = switch (oid) {
            case PgTypes.DATE -> timeOfDay ? "its time of day; give a LocalDate" : null;
            case PgTypes.TIMESTAMP -> offset ? "its offset, and the instant would change; give a LocalDateTime, or use timestamptz" : null;
            case PgTypes.TIME -> date ? "its date; give a LocalTime" : offset ? "its offset; give a LocalTime, or use timetz" : null;
            case PgTypes.TIMETZ -> date ? "its date; give an OffsetTime" : null;
            default -> null;
        };
        if (lost != null) {
            throw ValueException.of(value, PgTypes.name(oid), "the server would drop " + lost);
        }
        return value;
    }

    /**
     * Whether {@link #format(Object, int)} writes a value for a column of type {@code oid} as
     * {@link #format(Object)} does, by its Java type alone, with no check or conversion for the
     * column's type (the integer, floating-point and json types have one, and date, time, timetz
     * and timestamp a check of the value's kind).
     */
    public static boolean formatsByJavaType(int oid) {
        return switch (oid) {
            case PgTypes.INT2, PgTypes.INT4, PgTypes.INT8, PgTypes.FLOAT8, PgTypes.FLOAT4, PgTypes.JSON, PgTypes.JSONB,
                    PgTypes.DATE, PgTypes.TIME, PgTypes.TIMETZ, PgTypes.TIMESTAMP -> false;
            default -> true;
        };
    }

    /**
     * The value's text, or null for SQL NULL: a String as it is; numbers in plain decimal (NaN
     * and Infinity for floating point); byte[] as bytea's hex form; java.time values as
     * {@link PgTime} writes them; a Map as JSON; a Collection or array as an array literal.
     */
    public static String format(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof java.math.BigInteger || value instanceof Boolean || value instanceof Character
                || value instanceof java.util.UUID) {
            return value.toString();
        }
        if (value instanceof BigDecimal d) {
            return decimal(d);
        }
        if (value instanceof Double || value instanceof Float) {
            // a Float as the double it widens to, as the server's float4 to float8 cast does: exact for
            // double precision, and read back as the same float by real's input
            return decimal(((Number) value).doubleValue(), false);
        }
        if (value instanceof byte[] b) {
            return "\\x" + HexFormat.of().formatHex(b);
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        String time = time(value);
        if (time != null) {
            return time;
        }
        if (value instanceof Map<?, ?>) {
            return JsonText.encode(value);
        }
        if (value instanceof Collection<?> c) {
            return arrayLiteral(c.iterator(), c.size());
        }
        if (value.getClass().isArray()) {
            int n = Array.getLength(value);
            Object[] boxed = new Object[n];
            for (int i = 0; i < n; i++) {
                boxed[i] = Array.get(value, i);
            }
            return arrayLiteral(java.util.Arrays.asList(boxed).iterator(), n);
        }
        return value.toString();
    }

    private static String time(Object value) {
        if (value instanceof java.time.LocalDate d) {
            return PgTime.format(d);
        }
        if (value instanceof java.time.LocalDateTime t) {
            return PgTime.format(t);
        }
        if (value instanceof java.time.OffsetDateTime t) {
            return PgTime.format(t);
        }
        if (value instanceof java.time.ZonedDateTime t) {
            return PgTime.format(t.toOffsetDateTime());
        }
        if (value instanceof java.time.Instant i) {
            return PgTime.format(i.atOffset(java.time.ZoneOffset.UTC));
        }
        if (value instanceof java.time.LocalTime t) {
            return PgTime.format(t);
        }
        if (value instanceof java.time.OffsetTime t) {
            return PgTime.format(t);
        }
        // java.sql types before java.util.Date, which they extend. A Timestamp is an instant shown in
        // the JVM's zone: written with that zone's offset, a timestamptz column gets the instant and a
        // timestamp column (whose input ignores the offset) the wall time, as COPY binary writes them
        if (value instanceof java.sql.Timestamp t) {
            return PgTime.format(t.toInstant().atZone(java.time.ZoneId.systemDefault()).toOffsetDateTime());
        }
        if (value instanceof java.sql.Date d) {
            return PgTime.format(d.toLocalDate());
        }
        if (value instanceof java.sql.Time t) {
            return PgTime.format(t.toLocalTime());
        }
        if (value instanceof java.util.Date d) {
            return PgTime.format(d.toInstant().atOffset(java.time.ZoneOffset.UTC));
        }
        if (value instanceof java.time.Duration || value instanceof java.time.Period) {
            return value.toString(); // ISO 8601, which interval reads
        }
        return null;
    }

    /** Plain digits, keeping the scale (numeric keeps it: 1.50 stays 1.50); an exponent only for extreme scales. */
    static String decimal(BigDecimal d) {
        int scale = d.scale();
        return scale > -PLAIN_SCALE_LIMIT && scale < PLAIN_SCALE_LIMIT ? d.toPlainString() : d.toString();
    }

    /** The shortest decimal that reads back as the same double (or float), without a trailing ".0". */
    private static String decimal(double d, boolean isFloat) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        String shortest = isFloat ? Float.toString((float) d) : Double.toString(d);
        return new BigDecimal(shortest).stripTrailingZeros().toPlainString();
    }

    /** {@code {1,2,NULL,"a \"b\""}}: every element quoted unless it is NULL or a nested array. */
    private static String arrayLiteral(Iterator<?> elements, int size) {
        StringBuilder sb = new StringBuilder(2 + size * 8).append('{');
        boolean first = true;
        while (elements.hasNext()) {
            Object e = elements.next();
            if (!first) {
                sb.append(',');
            }
            first = false;
            if (e == null) {
                sb.append("NULL");
                continue;
            }
            String text = format(e);
            if (e instanceof Collection<?> || (e.getClass().isArray() && !(e instanceof byte[]))) {
                sb.append(text);
                continue;
            }
            sb.append('"');
            for (int k = 0; k < text.length(); k++) {
                char ch = text.charAt(k);
                if (ch == '"' || ch == '\\') {
                    sb.append('\\');
                }
                sb.append(ch);
            }
            sb.append('"');
        }
        return sb.append('}').toString();
    }

    /**
     * {@code text} without the white space PostgreSQL's input functions skip around a value: the
     * ASCII space, tab, line feed, carriage return, form feed and vertical tab (C's isspace), and
     * nothing else. Java's strip() takes any Unicode white space, which the server refuses.
     */
    public static String trimSpaces(String text) {
        int from = 0;
        int to = text.length();
        while (from < to && isSpace(text.charAt(from))) {
            from++;
        }
        while (to > from && isSpace(text.charAt(to - 1))) {
            to--;
        }
        return text.substring(from, to);
    }

    /** C's isspace in the C locale, as the server's input functions use it. */
    public static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
    }

    /**
     * A bytea value from its text input form, as byteain reads it: {@code \x} and hex digit pairs
     * (white space between pairs allowed), or the escape form (a backslash before three octal
     * digits or a second backslash).
     */
    public static byte[] bytea(String text) {
        if (text.startsWith("\\x")) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length() / 2);
            for (int i = 2; i < text.length(); ) {
                char c = text.charAt(i);
                if (isSpace(c)) {
                    i++;
                    continue;
                }
                if (i + 1 >= text.length()) {
                    throw new ValueException("A bytea text in hex has an odd number of digits");
                }
                out.write((hex(text.charAt(i)) << 4) | hex(text.charAt(i + 1)));
                i += 2;
            }
            return out.toByteArray();
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                if (c > 0x7F) {
                    // the text's own characters stand for their UTF-8 bytes, as the server sees them
                    int cp = text.codePointAt(i);
                    byte[] utf8 = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    out.write(utf8, 0, utf8.length);
                    i += Character.charCount(cp) - 1;
                } else {
                    out.write(c);
                }
                continue;
            }
            if (i + 1 < text.length() && text.charAt(i + 1) == '\\') {
                out.write('\\');
                i++;
            } else if (isOctal(text, i + 1)) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                throw new ValueException("A bytea text in escape form has a backslash that starts no escape");
            }
        }
        return out.toByteArray();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        return s.charAt(from) >= '0' && s.charAt(from) <= '3' && s.charAt(from + 1) >= '0' && s.charAt(from + 1) <= '7'
                && s.charAt(from + 2) >= '0' && s.charAt(from + 2) <= '7';
    }

    private static int hex(char c) {
        // ASCII only, as the server reads it: Character.digit would take other scripts' digits
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0) {
            throw new ValueException("A bytea text in hex has a character that is not a hex digit");
        }
        return v;
    }
}
