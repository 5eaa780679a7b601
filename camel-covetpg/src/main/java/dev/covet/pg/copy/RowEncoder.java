package dev.covet.pg.copy;

import dev.covet.pg.types.ColumnType;
import dev.covet.pg.types.PgText;
import dev.covet.pg.types.PgTypes;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes rows into COPY data in one growable byte buffer, which the caller drains into the
 * {@link CopyInStream} every so often. Writing bytes straight into an array (not through an
 * OutputStream per value) is what keeps encoding cheaper than the server's parsing.
 */
public abstract class RowEncoder {

    /** Drain when this much is buffered: one CopyData message's worth. */
    public static final int DRAIN_AT = 64 * 1024;

    protected byte[] buf = new byte[DRAIN_AT + 8 * 1024];
    protected int len;

    /** Each column's type, or 0 where it is not known (a COPY given as sql, with no table to look up). */
    protected final int[] oids;

    protected RowEncoder(List<ColumnType> types) {
        oids = new int[types.size()];
        for (int i = 0; i < oids.length; i++) {
            oids[i] = types.get(i).oid();
        }
    }

    /**
     * An encoder for rows of the given columns (both lists empty when the columns are not known,
     * which only text and csv take: each value is then written by its Java type alone).
     *
     * @throws IllegalArgumentException for binary, naming the first column whose type it cannot write
     */
    public static RowEncoder of(CopyFormat format, List<String> names, List<ColumnType> types) {
        return switch (format) {
            case text -> new TextRowEncoder(types);
            case csv -> new CsvRowEncoder(types);
            case binary -> new BinaryRowEncoder(names, types);
        };
    }

    /** The type of column {@code i} (counting from 0), or 0 when not known. */
    protected final int oid(int i) {
        return i < oids.length ? oids[i] : 0;
    }

    /**
     * The text of a value for column {@code i}, with the fast way out for whole Java numbers
     * that need no range check there (only smallint and integer columns check one).
     */
    protected final boolean isUncheckedWhole(Object v, int i) {
        if (!(v instanceof Integer || v instanceof Long || v instanceof Short)) {
            return false;
        }
        int oid = oid(i);
        return oid != PgTypes.INT2 && oid != PgTypes.INT4 || v instanceof Short || (v instanceof Integer && oid == PgTypes.INT4);
    }

    /** What goes before the first row (the binary signature). */
    public void header() {
    }

    /** Appends one row. */
    public abstract void row(List<Object> values);

    /** What goes after the last row (the binary trailer). */
    public void trailer() {
    }

    /** Bytes buffered and not yet drained. */
    public int buffered() {
        return len;
    }

    public void drainTo(OutputStream out) throws IOException {
        if (len > 0) {
            out.write(buf, 0, len);
            len = 0;
        }
    }

    protected final void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    protected final void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    protected final void putAscii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    /** Decimal digits of a long, without a String. */
    protected final void putLong(long v) {
        if (v == Long.MIN_VALUE) {
            putAscii(Long.toString(v));
            return;
        }
        ensure(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int start = len;
        do {
            buf[len++] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v != 0);
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }

    /**
     * A BigDecimal for column {@code i} written straight into the buffer, as the digits
     * {@link PgText#format(Object, int)} would give it, without a String on the way: when the
     * column takes it by its Java type, its scale is 0 to 18 and its unscaled value fits a long
     * (what an amount or a price is). False, with nothing written, for any other.
     */
    protected final boolean putPlainDecimal(Object v, int i) {
        if (!(v instanceof BigDecimal d) || !PgText.formatsByJavaType(oid(i))) {
            return false;
        }
        int scale = d.scale();
        if (scale < 0 || scale > 18) {
            return false;
        }
        BigInteger unscaled = d.unscaledValue();
        long u = unscaled.longValue();
        if (unscaled.bitLength() > 63 || u == Long.MIN_VALUE) {
            return false;
        }
        ensure(1 + 20); // a sign, then at most 20: 19 digits and a point, or "0." and 18 digits
        if (u < 0) {
            buf[len++] = '-';
            u = -u;
        }
        int digits = 1;
        for (long rest = u / 10; rest != 0; rest /= 10) {
            digits++;
        }
        int end = len + Math.max(1, digits - scale) + (scale > 0 ? 1 + scale : 0); // "0.05" for 5 at scale 2
        int p = end;
        for (int k = 0; k < scale; k++) {
            buf[--p] = (byte) ('0' + u % 10);
            u /= 10;
        }
        if (scale > 0) {
            buf[--p] = '.';
        }
        do {
            buf[--p] = (byte) ('0' + u % 10);
            u /= 10;
        } while (p > len);
        len = end;
        return true;
    }

    /**
     * UTF-8 of a string, each character first offered to {@code escape}: it returns the byte to
     * put after a backslash, or 0 to put the character as it is.
     */
    protected final void putUtf8(String s, Escape escape) {
        int n = s.length();
        ensure(n * 3); // the most any char takes: 3 bytes, or 2 escaped, or 4 for a pair of 2 chars
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                byte escaped = escape == null ? 0 : escape.of(c);
                if (escaped != 0) {
                    buf[len++] = '\\';
                    buf[len++] = escaped;
                } else {
                    buf[len++] = (byte) c;
                }
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                ensure(4);
                buf[len++] = (byte) (0xF0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                // Java would write '?' for it: a changed value
                throw new dev.covet.pg.types.ValueException("A text holds a lone UTF-16 surrogate (at character " + i
                        + "), which has no UTF-8 form");
            } else {
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    @FunctionalInterface
    protected interface Escape {
        byte of(char c);
    }
}
