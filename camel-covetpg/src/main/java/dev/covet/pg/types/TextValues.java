package dev.covet.pg.types;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Values read from the server's text output, by their type's OID: the types whose Java form
 * covetpg builds itself. Every other type stays the exact text the server wrote, which binds back
 * unchanged through its input function.
 *
 * <ul>
 *   <li>numeric: BigDecimal with its scale; NaN and ±Infinity as the Double of the same name;</li>
 *   <li>time and timetz: LocalTime and OffsetTime ({@code 24:00:00} as LocalTime.MAX);</li>
 *   <li>oid: Long;</li>
 *   <li>arrays of built-in types: Java arrays of the element's Java type, nested for more
 *       dimensions (an {@code Integer[][]} for a two-dimensional integer[]), null elements kept;
 *       an array whose lower bounds are not 1 (its text starts with {@code [}) stays its text, as
 *       a Java array would lose them.</li>
 * </ul>
 */
public final class TextValues {

    private TextValues() {
    }

    /** The Java value of {@code text}, the server's text of a value of type {@code oid}. */
    public static Object decode(int oid, String text) {
        switch (oid) {
            case PgTypes.NUMERIC:
                return numeric(text);
            case PgTypes.TIME:
                return PgTime.parseTime(text);
            case PgTypes.TIMETZ:
                return PgTime.parseTimetz(text);
            case PgTypes.OID:
                return Long.parseLong(text);
            default:
                int element = PgTypes.element(oid);
                if (element != 0 && !text.startsWith("[")) {
                    return array(text, element);
                }
                return text;
        }
    }

    /** numeric's text: digits with the scale the value has, or NaN, Infinity, -Infinity. */
    public static Object numeric(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> new BigDecimal(text);
        };
    }

    /** One element of an array of {@code oid}, from its (unquoted) text. */
    static Object element(int oid, String text) {
        return switch (oid) {
            case PgTypes.BOOL -> "t".equals(text);
            case PgTypes.INT2 -> Short.valueOf(text);
            case PgTypes.INT4 -> Integer.valueOf(text);
            case PgTypes.INT8, PgTypes.OID -> Long.valueOf(text);
            case PgTypes.FLOAT4 -> (float) floating(text);
            case PgTypes.FLOAT8 -> floating(text);
            case PgTypes.NUMERIC -> numeric(text);
            case PgTypes.BYTEA -> PgText.bytea(text);
            case PgTypes.UUID -> java.util.UUID.fromString(text);
            case PgTypes.DATE -> PgTime.parseDate(text);
            case PgTypes.TIMESTAMP -> PgTime.parseTimestamp(text);
            case PgTypes.TIMESTAMPTZ -> PgTime.parseTimestamptz(text);
            case PgTypes.TIME -> PgTime.parseTime(text);
            case PgTypes.TIMETZ -> PgTime.parseTimetz(text);
            default -> text;
        };
    }

    private static double floating(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    /** The Java class of an element of {@code oid} as {@link #element} makes it. */
    private static Class<?> elementClass(int oid) {
        return switch (oid) {
            case PgTypes.BOOL -> Boolean.class;
            case PgTypes.INT2 -> Short.class;
            case PgTypes.INT4 -> Integer.class;
            case PgTypes.INT8, PgTypes.OID -> Long.class;
            case PgTypes.FLOAT4 -> Float.class;
            case PgTypes.FLOAT8 -> Double.class;
            case PgTypes.NUMERIC -> BigDecimal.class;
            case PgTypes.BYTEA -> byte[].class;
            case PgTypes.UUID -> java.util.UUID.class;
            case PgTypes.DATE -> LocalDate.class;
            case PgTypes.TIMESTAMP -> LocalDateTime.class;
            case PgTypes.TIMESTAMPTZ -> OffsetDateTime.class;
            case PgTypes.TIME -> LocalTime.class;
            case PgTypes.TIMETZ -> OffsetTime.class;
            default -> String.class;
        };
    }

    /** An array's text, {@code {1,NULL,"a b"}} or nested, as a Java array of the element type's class. */
    static Object array(String text, int element) {
        ArrayText parser = new ArrayText(text, ',');
        List<Object> nested = parser.parse();
        Class<?> component = elementClass(element);
        if (component == BigDecimal.class && containsSpecial(nested)) {
            component = Number.class; // NaN or Infinity among the numerics
        }
        return toArray(nested, element, component, depth(nested));
    }

    private static boolean containsSpecial(List<Object> nested) {
        for (Object o : nested) {
            if (o instanceof List<?> l ? containsSpecial(cast(l)) : o instanceof String s && (s.equals("NaN") || s.endsWith("Infinity"))) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> cast(List<?> l) {
        return (List<Object>) l;
    }

    private static int depth(List<Object> nested) {
        int depth = 1;
        List<Object> level = nested;
        while (!level.isEmpty() && level.get(0) instanceof List<?> inner) {
            depth++;
            level = cast(inner);
        }
        return depth;
    }

    private static Object toArray(List<Object> items, int element, Class<?> component, int depth) {
        Class<?> type = component;
        for (int d = 1; d < depth; d++) {
            type = type.arrayType();
        }
        Object array = Array.newInstance(type, items.size());
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            Object value;
            if (depth > 1) {
                value = toArray(cast((List<?>) item), element, component, depth - 1);
            } else {
                value = item == null ? null : element(element, (String) item);
            }
            Array.set(array, i, value);
        }
        return array;
    }

    /** array_out's text: braces, elements quoted when they must be (backslash escapes inside quotes), NULL unquoted. */
    private static final class ArrayText {
        private final String s;
        private final char delimiter;
        private int i;

        ArrayText(String s, char delimiter) {
            this.s = s;
            this.delimiter = delimiter;
        }

        List<Object> parse() {
            List<Object> items = list();
            if (i != s.length()) {
                throw bad();
            }
            return items;
        }

        private List<Object> list() {
            expect('{');
            List<Object> items = new ArrayList<>();
            if (peek() == '}') {
                i++;
                return items;
            }
            while (true) {
                char c = peek();
                if (c == '{') {
                    items.add(list());
                } else if (c == '"') {
                    items.add(quoted());
                } else {
                    items.add(unquoted());
                }
                char next = peek();
                i++;
                if (next == '}') {
                    return items;
                }
                if (next != delimiter) {
                    throw bad();
                }
            }
        }

        private String quoted() {
            StringBuilder sb = new StringBuilder();
            i++;
            while (true) {
                char c = next();
                if (c == '"') {
                    return sb.toString();
                }
                sb.append(c == '\\' ? next() : c);
            }
        }

        private String unquoted() {
            int start = i;
            while (i < s.length() && s.charAt(i) != delimiter && s.charAt(i) != '}') {
                i++;
            }
            String text = s.substring(start, i);
            return text.equalsIgnoreCase("NULL") ? null : text;
        }

        private char peek() {
            if (i >= s.length()) {
                throw bad();
            }
            return s.charAt(i);
        }

        private char next() {
            char c = peek();
            i++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                throw bad();
            }
        }

        private IllegalArgumentException bad() {
            return new IllegalArgumentException("Not an array in PostgreSQL's text form");
        }
    }
}
