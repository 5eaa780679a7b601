package dev.covet.pg.client;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.data.Interval;
import io.vertx.pgclient.data.Money;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Between Vert.x values and the plain Java types a route sees (DESIGN.md, "Rows"): no Vert.x
 * type goes into a route and none has to come out of one.
 */
public final class TypeMapping {

    private TypeMapping() {
    }

    /** Every row of a result as a column-ordered map. */
    public static List<Map<String, Object>> rows(RowSet<Row> rowSet) {
        List<ColumnDescriptor> columns = rowSet.columnDescriptors();
        List<Map<String, Object>> rows = new ArrayList<>(rowSet.size());
        for (Row row : rowSet) {
            rows.add(row(row, columns));
        }
        return rows;
    }

    static Map<String, Object> row(Row row, List<ColumnDescriptor> columns) {
        int n = row.size();
        Map<String, Object> map = new LinkedHashMap<>(Math.max(4, n * 4 / 3 + 1));
        for (int i = 0; i < n; i++) {
            ColumnDescriptor column = columns.get(i);
            map.put(column.name(), toJava(row.getValue(i), column));
        }
        return map;
    }

    static Object toJava(Object value, ColumnDescriptor column) {
        if (value == null) {
            return null;
        }
        if (isJson(column)) {
            return jsonText(value);
        }
        return toJava(value);
    }

    private static Object toJava(Object value) {
        if (value == null || value == Tuple.JSON_NULL) {
            return null;
        }
        if (value instanceof Numeric n) {
            BigDecimal d = n.bigDecimalValue();
            return d != null ? d : Double.NaN;
        }
        if (value instanceof Buffer b) {
            return b.getBytes();
        }
        if (value instanceof Money m) {
            return m.bigDecimalValue();
        }
        if (value instanceof Interval i) {
            return intervalText(i);
        }
        if (value instanceof JsonObject || value instanceof JsonArray) {
            return jsonText(value);
        }
        if (value.getClass().isArray() && !value.getClass().getComponentType().isPrimitive()) {
            return array((Object[]) value);
        }
        if (value instanceof io.vertx.pgclient.data.Inet inet) {
            return address(inet.getAddress(), inet.getNetmask(), false);
        }
        if (value instanceof io.vertx.pgclient.data.Cidr cidr) {
            return address(cidr.getAddress(), cidr.getNetmask(), true);
        }
        String pkg = value.getClass().getPackageName();
        if (pkg.startsWith("io.vertx")) {
            // geometric types, inet, cidr, ...: their text form is what PostgreSQL prints
            return value.toString();
        }
        return value;
    }

    /** inet and cidr as PostgreSQL prints them: the mask only where it is not the whole address (always for cidr). */
    private static String address(java.net.InetAddress address, Integer netmask, boolean always) {
        int full = address.getAddress().length * 8;
        return address.getHostAddress() + (netmask != null && (always || netmask != full) ? "/" + netmask : "");
    }

    private static Object array(Object[] values) {
        Class<?> component = values.getClass().getComponentType();
        Class<?> target = component;
        if (component == Numeric.class || component == Money.class) {
            target = BigDecimal.class;
        } else if (component == Buffer.class) {
            target = byte[].class;
        } else if (component.getPackageName().startsWith("io.vertx") || component == Object.class) {
            target = Object.class;
        }
        if (target == component && target != Object.class) {
            return values;
        }
        Object[] out = (Object[]) Array.newInstance(target, values.length);
        for (int i = 0; i < values.length; i++) {
            Object v = toJava(values[i]);
            out[i] = target == Object.class && v != null && v.getClass().getPackageName().startsWith("io.vertx") ? v.toString() : v;
        }
        return out;
    }

    private static boolean isJson(ColumnDescriptor column) {
        String type = column.typeName();
        return type != null && (type.equalsIgnoreCase("JSON") || type.equalsIgnoreCase("JSONB"));
    }

    /** json and jsonb reach a route as their JSON text, whatever shape the value has. */
    private static String jsonText(Object value) {
        if (value == Tuple.JSON_NULL) {
            return "null";
        }
        if (value instanceof JsonObject o) {
            return o.encode();
        }
        if (value instanceof JsonArray a) {
            return a.encode();
        }
        return Json.encode(value);
    }

    /** ISO 8601 duration text, e.g. P1Y2M3DT4H5M6.5S; PostgreSQL reads it back as an interval. */
    private static String intervalText(Interval i) {
        StringBuilder sb = new StringBuilder("P");
        sb.append(i.getYears()).append('Y').append(i.getMonths()).append('M').append(i.getDays()).append('D');
        sb.append('T').append(i.getHours()).append('H').append(i.getMinutes()).append('M');
        long micros = i.getMicroseconds();
        sb.append(i.getSeconds());
        if (micros != 0) {
            sb.append('.').append(String.format("%06d", Math.abs(micros)).replaceAll("0+$", ""));
        }
        return sb.append('S').toString();
    }

    /** Parameters for a statement, converted to what the driver binds. */
    public static Tuple tuple(List<?> params) {
        Object[] values = new Object[params.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = toVertx(params.get(i));
        }
        return Tuple.wrap(values);
    }

    static Object toVertx(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] b) {
            return Buffer.buffer(b);
        }
        if (value instanceof BigDecimal d) {
            return Numeric.create(d);
        }
        if (value instanceof java.math.BigInteger bi) {
            return Numeric.create(new BigDecimal(bi));
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof Character c) {
            return c.toString();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime();
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (value instanceof Date d) {
            return d.toInstant().atOffset(java.time.ZoneOffset.UTC);
        }
        if (value instanceof java.time.Instant instant) {
            return instant.atOffset(java.time.ZoneOffset.UTC);
        }
        if (value instanceof Collection<?> c) {
            return typedArray(c.toArray());
        }
        if (value.getClass().isArray()) {
            if (value.getClass().getComponentType().isPrimitive()) {
                return boxed(value);
            }
            return typedArray((Object[]) value);
        }
        return value;
    }

    /** The driver picks the array type from the Java array's class, so Object[] is narrowed. */
    private static Object typedArray(Object[] values) {
        Class<?> common = null;
        for (Object v : values) {
            if (v == null) {
                continue;
            }
            Object converted = toVertx(v);
            Class<?> c = converted.getClass();
            common = common == null || common == c ? c : Object.class;
        }
        if (common == null) {
            common = String.class;
        }
        if (common == Object.class) {
            throw new IllegalArgumentException("An array or collection parameter mixes element types; "
                    + "PostgreSQL arrays hold one type: " + java.util.Arrays.toString(values));
        }
        Object[] out = (Object[]) Array.newInstance(common, values.length);
        for (int i = 0; i < values.length; i++) {
            out[i] = toVertx(values[i]);
        }
        return out;
    }

    private static Object[] boxed(Object primitiveArray) {
        int n = Array.getLength(primitiveArray);
        Class<?> component = primitiveArray.getClass().getComponentType();
        Object[] out = (Object[]) Array.newInstance(box(component), n);
        for (int i = 0; i < n; i++) {
            out[i] = Array.get(primitiveArray, i);
        }
        return out;
    }

    private static Class<?> box(Class<?> primitive) {
        return Array.get(Array.newInstance(primitive, 1), 0).getClass();
    }
}
