package dev.covet.pg.client;

import io.vertx.core.json.Json;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;

/**
 * Java values in PostgreSQL's text input form, as the server parses them for any column type:
 * what the unnest insert and COPY's text and csv formats send.
 */
public final class PgText {

    private PgText() {
    }

    /** The value's text, or null for SQL NULL. Maps, and Collections for json columns, become JSON. */
    public static String format(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof byte[] b) {
            return "\\x" + HexFormat.of().formatHex(b);
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime().toString();
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        if (value instanceof java.util.Date d) {
            return d.toInstant().toString();
        }
        if (value instanceof Map<?, ?>) {
            return Json.encode(value);
        }
        if (value instanceof Collection<?> c) {
            return arrayLiteral(c.toArray());
        }
        if (value.getClass().isArray()) {
            Object[] boxed = new Object[Array.getLength(value)];
            for (int i = 0; i < boxed.length; i++) {
                boxed[i] = Array.get(value, i);
            }
            return arrayLiteral(boxed);
        }
        return value.toString();
    }

    /** {@code {1,2,NULL,"a \"b\""}}: every element quoted unless it is NULL or a nested array. */
    static String arrayLiteral(Object[] elements) {
        StringBuilder sb = new StringBuilder().append('{');
        for (int i = 0; i < elements.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object e = elements[i];
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
}
