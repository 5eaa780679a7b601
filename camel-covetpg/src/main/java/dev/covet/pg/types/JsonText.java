package dev.covet.pg.types;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Values for json and jsonb columns. A String is taken as the JSON text it is (that is what a
 * route holds after reading a json column, or after marshalling to JSON), and goes to the server
 * unchanged, so json keeps its exact text; a Map, a Collection or an array is written as JSON,
 * and so are numbers and booleans. Anything else has no one JSON form and fails: convert it (e.g.
 * marshal to JSON) before this step.
 */
public final class JsonText {

    private JsonText() {
    }

    /** The JSON text for a json or jsonb value. */
    public static String of(Object value) {
        if (value instanceof String s) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    /** The JSON text of a Map, List, array, String, number, boolean or null. */
    static String encode(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object value) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof CharSequence || value instanceof Character || value instanceof Enum<?>
                || value instanceof java.util.UUID) {
            string(sb, value instanceof Enum<?> e ? e.name() : value.toString());
        } else if (value instanceof Boolean) {
            sb.append(value);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            sb.append(value);
        } else if (value instanceof BigDecimal d) {
            sb.append(d); // JSON takes exponents as BigDecimal writes them
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new ValueException(ValueException.javaType(value) + " that is not finite has no JSON form");
            }
            sb.append(PgText.format(value));
        } else if (value instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                string(sb, String.valueOf(e.getKey()));
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (value instanceof Collection<?> c) {
            sb.append('[');
            for (Iterator<?> it = c.iterator(); it.hasNext(); ) {
                write(sb, it.next());
                if (it.hasNext()) {
                    sb.append(',');
                }
            }
            sb.append(']');
        } else if (value.getClass().isArray() && !(value instanceof byte[])) {
            sb.append('[');
            for (int i = 0, n = Array.getLength(value); i < n; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(sb, Array.get(value, i));
            }
            sb.append(']');
        } else {
            throw new ValueException(ValueException.javaType(value) + " has no one JSON form: give a JSON String, a Map or a List"
                    + " (e.g. marshal it to JSON before this step)");
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
