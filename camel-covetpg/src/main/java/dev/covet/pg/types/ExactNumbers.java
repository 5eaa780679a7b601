package dev.covet.pg.types;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Numbers for integer and floating-point columns, by the rules of the server's own input and
 * casts: an integer type takes any Java number or decimal text whose value is a whole number in
 * its range (1.0 fits integer, 1.5 and 3e9 do not: they fail, they are never rounded or
 * wrapped); a floating-point type takes any number, rounded to the nearest value as
 * {@code float8in}/{@code float4in} and PostgreSQL's casts round it, and fails where the server
 * reports "out of range". Booleans, characters and other objects are not numbers here, as they are
 * not for the server.
 */
public final class ExactNumbers {

    /** int4in/int8in's syntax on PostgreSQL 15: optional sign, decimal digits, surrounding white space. */
    private static final Pattern INTEGER = Pattern.compile("[ \\t\\n\\r\\f\\u000B]*[+-]?[0-9]+[ \\t\\n\\r\\f\\u000B]*");
    /** float8in's decimal syntax (Java's parser also takes hex, 'd' and 'f' suffixes, which the server does not). */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private ExactNumbers() {
    }

    /** A value for smallint, integer or bigint ({@code oid} one of those), as a long in that type's range. */
    public static long integer(Object value, int oid) {
        long min;
        long max;
        switch (oid) {
            case PgTypes.INT2 -> { min = Short.MIN_VALUE; max = Short.MAX_VALUE; }
            case PgTypes.INT4 -> { min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; }
            case PgTypes.INT8 -> { min = Long.MIN_VALUE; max = Long.MAX_VALUE; }
            default -> throw new IllegalArgumentException("not an integer type: " + oid);
        }
        String type = PgTypes.name(oid);
        long v = wholeNumber(value, type);
        if (v < min || v > max) {
            throw ValueException.of(value, type, "out of range (" + min + ".." + max + ")");
        }
        return v;
    }

    private static long wholeNumber(Object value, String type) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw ValueException.of(value, type, "not a finite number");
            }
            return wholeNumber(new BigDecimal(d), value, type);
        }
        if (value instanceof BigDecimal d) {
            return wholeNumber(d, value, type);
        }
        if (value instanceof BigInteger b) {
            if (b.bitLength() > 63) {
                throw ValueException.of(value, type, "out of range");
            }
            return b.longValue();
        }
        if (value instanceof String s) {
            if (!INTEGER.matcher(s).matches()) {
                throw ValueException.of(value, type, "not an integer in decimal digits");
            }
            String digits = PgText.trimSpaces(s);
            try {
                return Long.parseLong(digits.startsWith("+") ? digits.substring(1) : digits);
            } catch (NumberFormatException e) {
                throw ValueException.of(value, type, "out of range");
            }
        }
        if (value instanceof Number n) { // AtomicLong, LongAdder, a number type of the application's
            BigDecimal d;
            try {
                d = new BigDecimal(n.toString());
            } catch (NumberFormatException e) {
                throw ValueException.of(value, type, "not a decimal number");
            }
            return wholeNumber(d, value, type);
        }
        throw ValueException.of(value, type, "not a number");
    }

    private static long wholeNumber(BigDecimal d, Object value, String type) {
        if (d.signum() == 0) {
            return 0;
        }
        // cheap checks first: 1E+999999999 must not be expanded to find that it does not fit
        if (d.precision() - d.scale() > 19) {
            throw ValueException.of(value, type, "out of range");
        }
        BigDecimal whole = d.stripTrailingZeros();
        if (whole.scale() > 0) {
            throw ValueException.of(value, type, "has a fractional part");
        }
        if (whole.compareTo(LONG_MIN) < 0 || whole.compareTo(LONG_MAX) > 0) {
            throw ValueException.of(value, type, "out of range");
        }
        return whole.longValueExact();
    }

    /** A value for double precision, as float8in and the server's casts to it would make it. */
    public static double float8(Object value) {
        String type = "double precision";
        if (value instanceof Double d) {
            return d;
        }
        if (value instanceof Float f) {
            return f; // widening is exact
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue(); // rounded to nearest, as the server's int8 to float8 cast
        }
        if (value instanceof String s) {
            return parse(s, value, type, false);
        }
        if (value instanceof Number n) {
            return parse(n.toString(), value, type, false);
        }
        throw ValueException.of(value, type, "not a number");
    }

    /** A value for real, as float4in and the server's casts to it (float8 to float4: overflow and underflow fail) would make it. */
    public static float float4(Object value) {
        String type = "real";
        if (value instanceof Float f) {
            return f;
        }
        if (value instanceof Double d) {
            return narrow(d, value);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof String s) {
            return (float) parse(s, value, type, true);
        }
        if (value instanceof Number n) {
            return (float) parse(n.toString(), value, type, true);
        }
        throw ValueException.of(value, type, "not a number");
    }

    private static float narrow(double d, Object value) {
        float f = (float) d;
        if (Float.isInfinite(f) && !Double.isInfinite(d)) {
            throw ValueException.of(value, "real", "out of range (overflow)");
        }
        if (f == 0.0f && d != 0.0) {
            throw ValueException.of(value, "real", "out of range (underflow)");
        }
        return f;
    }

    /** Whether {@code text} (trimmed) is a decimal number as numeric_in reads one, in ASCII digits only. */
    public static boolean isDecimal(String text) {
        return DECIMAL.matcher(text).matches();
    }

    /** float8in / float4in: the special words, or a decimal number that neither overflows nor underflows to zero. */
    private static double parse(String text, Object value, String type, boolean real) {
        String s = PgText.trimSpaces(text);
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "nan", "+nan", "-nan":
                return Double.NaN;
            case "infinity", "+infinity", "inf", "+inf":
                return Double.POSITIVE_INFINITY;
            case "-infinity", "-inf":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        if (!DECIMAL.matcher(s).matches()) {
            throw ValueException.of(value, type, "not a decimal number");
        }
        double d;
        if (real) {
            float f = Float.parseFloat(s);
            d = f;
        } else {
            d = Double.parseDouble(s);
        }
        if (Double.isInfinite(d)) {
            throw ValueException.of(value, type, "out of range (overflow)");
        }
        if (d == 0.0 && !isZero(s)) {
            throw ValueException.of(value, type, "out of range (underflow)");
        }
        return d;
    }

    private static boolean isZero(String decimal) {
        for (int i = 0; i < decimal.length(); i++) {
            char c = decimal.charAt(i);
            if (c == 'e' || c == 'E') {
                break;
            }
            if (c >= '1' && c <= '9') {
                return false;
            }
        }
        return true;
    }
}
