package dev.covet.pg.copy;

import dev.covet.pg.types.ColumnType;
import dev.covet.pg.types.ExactNumbers;
import dev.covet.pg.types.JsonText;
import dev.covet.pg.types.PgText;
import dev.covet.pg.types.PgTime;
import dev.covet.pg.types.PgTypes;
import dev.covet.pg.types.Utf8;
import dev.covet.pg.types.ValueException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * COPY's binary format: a signature, then per row a field count and each field as a length and
 * the type's binary send form, then a trailer. The binary form depends on the column's type, so
 * the encoder is built for the target columns' types, and refuses, when it is built and so before
 * any data is sent, a table with a column of a type it cannot write (arrays, intervals, enums, ...:
 * format text and csv write every type).
 *
 * <p>It writes what it accepts exactly, by the same rules as every other path: numbers by
 * {@link ExactNumbers}; fractions of a second rounded to microseconds as the server's own input
 * rounds the same value written as text; infinity dates and times as {@link PgTime} reads them. Text
 * for a non-text column is taken only in the ISO forms covetpg itself reads (a date
 * {@code 2024-02-29}, not {@code 29.02.2024}); use format text or csv for text of other forms.
 */
final class BinaryRowEncoder extends RowEncoder {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final LocalDate PG_EPOCH_DATE = LocalDate.of(2000, 1, 1);
    private static final long PG_EPOCH_SECONDS = 946_684_800L;
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    private static final String UUID_DIGITS = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}";
    /** uuid_in's forms: braces around it, both or none. */
    private static final Pattern UUID_TEXT = Pattern.compile("\\{" + UUID_DIGITS + "}|" + UUID_DIGITS);
    /** numeric's limits: 131072 digits before the point, 16383 after. */
    private static final int NUMERIC_MAX_SCALE = 0x3FFF;
    private static final int NUMERIC_MAX_INTEGER_DIGITS = 131_072;

    private interface FieldWriter {
        void write(BinaryRowEncoder out, Object value);
    }

    private final List<FieldWriter> writers = new ArrayList<>();
    private final List<String> names;
    private final List<ColumnType> types;

    BinaryRowEncoder(List<String> names, List<ColumnType> types) {
        super(types);
        this.names = List.copyOf(names);
        this.types = List.copyOf(types);
        for (int i = 0; i < types.size(); i++) {
            FieldWriter writer = writer(types.get(i).oid());
            if (writer == null) {
                throw new IllegalArgumentException("COPY in binary format cannot write column " + names.get(i) + " of type "
                        + types.get(i).display() + "; use format=text or format=csv for this table");
            }
            writers.add(writer);
        }
    }

    private static FieldWriter writer(int oid) {
        return switch (oid) {
            case PgTypes.INT2 -> (o, v) -> o.field(2).putShort((short) ExactNumbers.integer(v, PgTypes.INT2));
            case PgTypes.INT4 -> (o, v) -> o.field(4).putInt((int) ExactNumbers.integer(v, PgTypes.INT4));
            case PgTypes.INT8 -> (o, v) -> o.field(8).putLong8(ExactNumbers.integer(v, PgTypes.INT8));
            case PgTypes.FLOAT4 -> (o, v) -> o.field(4).putInt(Float.floatToIntBits(ExactNumbers.float4(v)));
            case PgTypes.FLOAT8 -> (o, v) -> o.field(8).putLong8(Double.doubleToLongBits(ExactNumbers.float8(v)));
            case PgTypes.BOOL -> (o, v) -> o.field(1).put((byte) (booleanOf(v) ? 1 : 0));
            case PgTypes.TEXT, PgTypes.VARCHAR, PgTypes.BPCHAR, PgTypes.NAME ->
                    (o, v) -> o.bytes(null, Utf8.checked(PgText.format(v)).getBytes(StandardCharsets.UTF_8));
            case PgTypes.JSON -> (o, v) -> o.bytes(null, Utf8.checked(JsonText.of(v)).getBytes(StandardCharsets.UTF_8));
            case PgTypes.JSONB -> (o, v) -> o.bytes((byte) 1, Utf8.checked(JsonText.of(v)).getBytes(StandardCharsets.UTF_8));
            case PgTypes.BYTEA -> (o, v) -> o.bytes(null, bytesOf(v));
            case PgTypes.UUID -> (o, v) -> {
                UUID u = uuidOf(v);
                o.field(16).putLong8(u.getMostSignificantBits());
                o.putLong8(u.getLeastSignificantBits());
            };
            case PgTypes.DATE -> (o, v) -> o.field(4).putInt(days(dateOf(v)));
            case PgTypes.TIME -> (o, v) -> o.field(8).putLong8(micros(timeOf(v)));
            case PgTypes.TIMETZ -> (o, v) -> {
                OffsetTime t = timetzOf(v);
                o.field(12).putLong8(micros(t.toLocalTime()));
                o.putInt(-t.getOffset().getTotalSeconds()); // the send form counts seconds west of UTC
            };
            case PgTypes.TIMESTAMP -> (o, v) -> o.field(8).putLong8(timestamp(localOf(v)));
            case PgTypes.TIMESTAMPTZ -> (o, v) -> o.field(8).putLong8(timestamptz(offsetOf(v)));
            case PgTypes.NUMERIC -> (o, v) -> o.numeric(v);
            default -> null;
        };
    }

    @Override
    public void header() {
        ensure(SIGNATURE.length + 8);
        System.arraycopy(SIGNATURE, 0, buf, len, SIGNATURE.length);
        len += SIGNATURE.length;
        putInt(0); // flags: no OIDs
        putInt(0); // header extension length
    }

    @Override
    public void row(List<Object> values) {
        if (values.size() != writers.size()) {
            throw new IllegalArgumentException("A row has " + values.size() + " values for " + writers.size() + " columns");
        }
        int rowStart = len;
        putShort((short) values.size());
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            if (v == null) {
                putInt(-1);
                continue;
            }
            try {
                writers.get(i).write(this, v);
            } catch (ValueException e) {
                len = rowStart;
                throw new ValueException("Column " + names.get(i) + " (" + types.get(i).display() + "): " + e.getMessage());
            } catch (ClassCastException | ArithmeticException | IllegalArgumentException | java.time.DateTimeException e) {
                len = rowStart;
                throw new ValueException("Column " + names.get(i) + " (" + types.get(i).display() + "): "
                        + ValueException.javaType(v) + " cannot be written in binary format as this type");
            }
        }
    }

    @Override
    public void trailer() {
        putShort((short) -1);
    }

    private BinaryRowEncoder field(int length) {
        putInt(length);
        ensure(length);
        return this;
    }

    private void bytes(Byte prefix, byte[] data) {
        int n = data.length + (prefix == null ? 0 : 1);
        putInt(n);
        ensure(n);
        if (prefix != null) {
            buf[len++] = prefix;
        }
        System.arraycopy(data, 0, buf, len, data.length);
        len += data.length;
    }

    private void putShort(short v) {
        ensure(2);
        buf[len++] = (byte) (v >> 8);
        buf[len++] = (byte) v;
    }

    private void putInt(int v) {
        ensure(4);
        buf[len++] = (byte) (v >> 24);
        buf[len++] = (byte) (v >> 16);
        buf[len++] = (byte) (v >> 8);
        buf[len++] = (byte) v;
    }

    private void putLong8(long v) {
        putInt((int) (v >> 32));
        putInt((int) v);
    }

    /**
     * numeric's send form: digit count, weight, sign, display scale, then base-10000 digits with
     * the decimal point between groups; NaN and ±Infinity by their sign words alone.
     */
    private void numeric(Object v) {
        BigDecimal value;
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                putInt(8);
                putShort((short) 0);
                putShort((short) 0);
                putShort((short) (Double.isNaN(d) ? 0xC000 : d > 0 ? 0xD000 : 0xF000));
                putShort((short) 0);
                return;
            }
            value = new BigDecimal(PgText.format(v));
        } else if (v instanceof BigDecimal d) {
            value = d;
        } else if (v instanceof BigInteger || v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            value = new BigDecimal(v.toString());
        } else if (v instanceof String s) {
            String t = PgText.trimSpaces(s);
            switch (t.toLowerCase(Locale.ROOT)) {
                case "nan" -> { numeric(Double.NaN); return; }
                case "infinity", "+infinity", "inf", "+inf" -> { numeric(Double.POSITIVE_INFINITY); return; }
                case "-infinity", "-inf" -> { numeric(Double.NEGATIVE_INFINITY); return; }
                default -> {
                    // checked first: new BigDecimal takes other scripts' digits, the server does not
                    if (!ExactNumbers.isDecimal(t)) {
                        throw ValueException.notA(v, "numeric", "a decimal number");
                    }
                    value = new BigDecimal(t);
                }
            }
        } else {
            throw ValueException.notA(v, "numeric", "a number");
        }
        int dscale = Math.max(0, value.scale());
        // bounded before any digit is expanded: 1E+999999999 must fail here, not fill the heap
        if (dscale > NUMERIC_MAX_SCALE || (long) value.precision() - value.scale() > NUMERIC_MAX_INTEGER_DIGITS) {
            throw ValueException.notA(v, "numeric", "a number within numeric's range (131072 digits before the point, 16383 after)");
        }
        String plain = value.abs().setScale(dscale).toPlainString();
        int dot = plain.indexOf('.');
        String integer = dot < 0 ? plain : plain.substring(0, dot);
        String fraction = dot < 0 ? "" : plain.substring(dot + 1);
        integer = "0".repeat((4 - integer.length() % 4) % 4) + integer;
        fraction = fraction + "0".repeat((4 - fraction.length() % 4) % 4);
        String all = integer + fraction;
        int groups = all.length() / 4;
        int[] digits = new int[groups];
        for (int g = 0; g < groups; g++) {
            digits[g] = Integer.parseInt(all, g * 4, g * 4 + 4, 10);
        }
        int first = 0;
        while (first < groups && digits[first] == 0) {
            first++;
        }
        int last = groups - 1;
        while (last >= first && digits[last] == 0) {
            last--;
        }
        int ndigits = last < first ? 0 : last - first + 1;
        int weight = ndigits == 0 ? 0 : integer.length() / 4 - 1 - first;
        int sign = value.signum() < 0 ? 0x4000 : 0;
        putInt(8 + 2 * ndigits);
        putShort((short) ndigits);
        putShort((short) weight);
        putShort((short) sign);
        putShort((short) dscale);
        for (int g = first; g < first + ndigits; g++) {
            putShort((short) digits[g]);
        }
    }

    private static boolean booleanOf(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String text) {
            switch (PgText.trimSpaces(text).toLowerCase(Locale.ROOT)) {
                case "t", "true", "y", "yes", "on", "1":
                    return true;
                case "f", "false", "n", "no", "off", "0":
                    return false;
                default:
                    break;
            }
        }
        throw ValueException.notA(v, "boolean", "a Boolean or one of true, false, t, f, yes, no, on, off, 1, 0");
    }

    private static byte[] bytesOf(Object v) {
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof java.nio.ByteBuffer b) {
            byte[] copy = new byte[b.remaining()];
            b.duplicate().get(copy);
            return copy;
        }
        if (v instanceof String s) {
            return PgText.bytea(s);
        }
        throw ValueException.notA(v, "bytea", "a byte[] or bytea's text");
    }

    private static UUID uuidOf(Object v) {
        if (v instanceof UUID u) {
            return u;
        }
        if (v instanceof String s && UUID_TEXT.matcher(PgText.trimSpaces(s)).matches()) {
            String hex = PgText.trimSpaces(s).replace("-", "").replace("{", "").replace("}", "");
            return new UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16), Long.parseUnsignedLong(hex.substring(16), 16));
        }
        throw ValueException.notA(v, "uuid", "a UUID or its text");
    }

    private static LocalDate dateOf(Object v) {
        if (v instanceof LocalDate d) {
            return d;
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof String s) {
            return PgTime.parseDate(PgText.trimSpaces(s));
        }
        throw ValueException.notA(v, "date", "a LocalDate or its ISO text");
    }

    private static int days(LocalDate d) {
        if (d.equals(LocalDate.MAX)) {
            return Integer.MAX_VALUE; // infinity
        }
        if (d.equals(LocalDate.MIN)) {
            return Integer.MIN_VALUE;
        }
        long days = ChronoUnit.DAYS.between(PG_EPOCH_DATE, d);
        // the server checks the range, but not of its own infinities: a date that lands on one fails here
        if (days >= Integer.MAX_VALUE || days <= Integer.MIN_VALUE) {
            throw new ValueException("A date does not fit date: out of range");
        }
        return (int) days;
    }

    private static LocalTime timeOf(Object v) {
        if (v instanceof LocalTime t) {
            return t;
        }
        if (v instanceof java.sql.Time t) {
            return t.toLocalTime();
        }
        if (v instanceof String s) {
            return PgTime.parseTime(PgText.trimSpaces(s));
        }
        throw ValueException.notA(v, "time", "a LocalTime or its ISO text");
    }

    private static OffsetTime timetzOf(Object v) {
        if (v instanceof OffsetTime t) {
            return t;
        }
        if (v instanceof String s) {
            return PgTime.parseTimetz(PgText.trimSpaces(s));
        }
        throw ValueException.notA(v, "time with time zone", "an OffsetTime or its ISO text");
    }

    /** Microseconds since midnight; LocalTime.MAX is 24:00:00, as the server rounds it. */
    private static long micros(LocalTime t) {
        return t.equals(LocalTime.MAX) ? MICROS_PER_DAY : roundedMicros(t.toNanoOfDay());
    }

    private static LocalDateTime localOf(Object v) {
        if (v instanceof LocalDateTime t) {
            return t;
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime();
        }
        if (v instanceof String s) {
            return PgTime.parseTimestamp(PgText.trimSpaces(s));
        }
        throw ValueException.notA(v, "timestamp", "a LocalDateTime or its ISO text");
    }

    private static OffsetDateTime offsetOf(Object v) {
        if (v instanceof OffsetDateTime t) {
            return t;
        }
        if (v instanceof ZonedDateTime z) {
            return z.toOffsetDateTime();
        }
        if (v instanceof Instant i) {
            return i.atOffset(ZoneOffset.UTC);
        }
        if (v instanceof java.util.Date d && !(v instanceof java.sql.Date) && !(v instanceof java.sql.Time)) {
            return d.toInstant().atOffset(ZoneOffset.UTC);
        }
        if (v instanceof String s) {
            return PgTime.parseTimestamptz(PgText.trimSpaces(s));
        }
        throw ValueException.notA(v, "timestamp with time zone", "an OffsetDateTime, Instant or its ISO text");
    }

    private static long timestamp(LocalDateTime t) {
        if (t.equals(LocalDateTime.MAX)) {
            return Long.MAX_VALUE; // infinity
        }
        if (t.equals(LocalDateTime.MIN)) {
            return Long.MIN_VALUE;
        }
        return sinceEpoch(t.toEpochSecond(ZoneOffset.UTC), t.getNano());
    }

    private static long timestamptz(OffsetDateTime t) {
        if (t.equals(OffsetDateTime.MAX)) {
            return Long.MAX_VALUE;
        }
        if (t.equals(OffsetDateTime.MIN)) {
            return Long.MIN_VALUE;
        }
        return sinceEpoch(t.toEpochSecond(), t.getNano());
    }

    /**
     * Microseconds since 2000-01-01; overflow fails rather than wraps. The server checks the range,
     * but not of its own infinities (the largest and smallest long): a time that lands on one fails here.
     */
    private static long sinceEpoch(long epochSecond, int nanos) {
        long micros;
        try {
            micros = Math.addExact(Math.multiplyExact(epochSecond - PG_EPOCH_SECONDS, 1_000_000L), roundedMicros(nanos));
        } catch (ArithmeticException e) {
            micros = Long.MAX_VALUE;
        }
        if (micros == Long.MAX_VALUE || micros == Long.MIN_VALUE) {
            throw new ValueException("A time does not fit timestamp: out of range");
        }
        return micros;
    }

    /**
     * Nanoseconds to microseconds as the server's own input rounds the fraction of the same value
     * written as text (which every other path sends): {@code rint(strtod(".fffffffff") * 1e6)},
     * in doubles, so that a fraction ending in exactly half a microsecond rounds the same way here.
     */
    private static long roundedMicros(long nanos) {
        long seconds = nanos / 1_000_000_000L;
        int fraction = (int) (nanos % 1_000_000_000L);
        if (fraction % 1000 == 0) {
            return seconds * 1_000_000L + fraction / 1000;
        }
        double frac = Double.parseDouble("." + Integer.toString(1_000_000_000 + fraction).substring(1));
        return seconds * 1_000_000L + (long) Math.rint(frac * 1_000_000);
    }
}
