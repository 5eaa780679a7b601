package dev.covet.pg.copy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * COPY's binary format: a signature, then per row a field count and each field as a length and
 * the type's binary send form, then a trailer. The binary form depends on the column's type, so
 * the encoder is built for the target columns' types; a type it cannot write is refused when the
 * encoder is built, before any data is sent.
 */
final class BinaryRowEncoder extends RowEncoder {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final LocalDate PG_EPOCH_DATE = LocalDate.of(2000, 1, 1);
    private static final long PG_EPOCH_SECONDS = 946_684_800L;

    private interface FieldWriter {
        void write(BinaryRowEncoder out, Object value);
    }

    private final List<FieldWriter> writers = new ArrayList<>();
    private final List<String> types;

    BinaryRowEncoder(List<String> types) {
        this.types = List.copyOf(types);
        for (String type : types) {
            writers.add(writer(type.toLowerCase(Locale.ROOT)));
        }
    }

    private static FieldWriter writer(String type) {
        return switch (type) {
            case "smallint" -> (o, v) -> o.field(2).putShort((short) longOf(v, Short.MIN_VALUE, Short.MAX_VALUE));
            case "integer" -> (o, v) -> o.field(4).putInt((int) longOf(v, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case "bigint" -> (o, v) -> o.field(8).putLong8(longOf(v, Long.MIN_VALUE, Long.MAX_VALUE));
            case "real" -> (o, v) -> o.field(4).putInt(Float.floatToIntBits(v instanceof String s ? Float.parseFloat(s) : ((Number) v).floatValue()));
            case "double precision" -> (o, v) -> o.field(8).putLong8(Double.doubleToLongBits(v instanceof String s ? Double.parseDouble(s) : ((Number) v).doubleValue()));
            case "boolean" -> (o, v) -> o.field(1).put((byte) (booleanOf(v) ? 1 : 0));
            case "text", "character varying", "character", "name", "citext", "json" -> (o, v) -> o.bytes(null, v.toString().getBytes(StandardCharsets.UTF_8));
            case "jsonb" -> (o, v) -> o.bytes((byte) 1, v.toString().getBytes(StandardCharsets.UTF_8));
            case "bytea" -> (o, v) -> o.bytes(null, (byte[]) v);
            case "uuid" -> (o, v) -> {
                UUID u = v instanceof UUID uuid ? uuid : UUID.fromString(v.toString());
                o.field(16).putLong8(u.getMostSignificantBits());
                o.putLong8(u.getLeastSignificantBits());
            };
            case "date" -> (o, v) -> o.field(4).putInt((int) ChronoUnit.DAYS.between(PG_EPOCH_DATE, dateOf(v)));
            case "time without time zone" -> (o, v) -> o.field(8).putLong8(timeOf(v).toNanoOfDay() / 1000);
            case "timestamp without time zone" -> (o, v) -> o.field(8).putLong8(micros(localOf(v).toInstant(ZoneOffset.UTC)));
            case "timestamp with time zone" -> (o, v) -> o.field(8).putLong8(micros(instantOf(v)));
            case "numeric" -> (o, v) -> o.numeric(v instanceof BigDecimal d ? d : new BigDecimal(v.toString()));
            default -> throw new IllegalArgumentException("COPY in binary format cannot write a column of type " + type
                    + "; use format=text or format=csv for this table");
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
        putShort((short) values.size());
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            if (v == null) {
                putInt(-1);
            } else {
                try {
                    writers.get(i).write(this, v);
                } catch (ClassCastException | NumberFormatException | java.time.DateTimeException e) {
                    throw new IllegalArgumentException("Column " + (i + 1) + " (" + types.get(i) + ") cannot take the value " + v
                            + " (" + v.getClass().getSimpleName() + ") in binary format", e);
                }
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
     * the decimal point between groups.
     */
    private void numeric(BigDecimal value) {
        int dscale = Math.max(0, value.scale());
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

    private static long longOf(Object v, long min, long max) {
        long l;
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            l = ((Number) v).longValue();
        } else if (v instanceof BigDecimal || v instanceof BigInteger || v instanceof String) {
            l = new BigDecimal(v.toString()).longValueExact();
        } else {
            throw new ClassCastException(v.getClass().getName());
        }
        if (l < min || l > max) {
            throw new NumberFormatException("out of range");
        }
        return l;
    }

    private static boolean booleanOf(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "t", "true", "y", "yes", "on", "1" -> true;
            case "f", "false", "n", "no", "off", "0" -> false;
            default -> throw new NumberFormatException("not a boolean: " + v);
        };
    }

    private static LocalDate dateOf(Object v) {
        if (v instanceof LocalDate d) {
            return d;
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        return LocalDate.parse(v.toString());
    }

    private static LocalTime timeOf(Object v) {
        return v instanceof LocalTime t ? t : LocalTime.parse(v.toString());
    }

    private static LocalDateTime localOf(Object v) {
        if (v instanceof LocalDateTime t) {
            return t;
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime();
        }
        return LocalDateTime.parse(v.toString().replace(' ', 'T'));
    }

    private static Instant instantOf(Object v) {
        if (v instanceof Instant i) {
            return i;
        }
        if (v instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (v instanceof ZonedDateTime z) {
            return z.toInstant();
        }
        if (v instanceof java.util.Date d) {
            return d.toInstant();
        }
        return OffsetDateTime.parse(v.toString().replace(' ', 'T')).toInstant();
    }

    private static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond() - PG_EPOCH_SECONDS, 1_000_000L), instant.getNano() / 1000);
    }
}
