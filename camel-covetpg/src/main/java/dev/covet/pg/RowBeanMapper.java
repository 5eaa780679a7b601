package dev.covet.pg;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Maps a row to an instance of {@code outputClass}: each column's value goes, as it is, to the
 * public setter of the property of the same name ({@code created_at} to {@code setCreatedAt}),
 * or, for a record, to the component of that name. The class is looked at once, when the
 * endpoint starts; a row's values are only ever handed over, never parsed, expanded or looked up.
 * (Camel's property binder, used here before, expanded {@code {{env:HOME}}} and {@code #bean:x}
 * found in a column's text.)
 *
 * <p>Nothing is changed on the way: a value must be of the property's type, or a number that
 * widens to it without loss (an Integer to a long); a NULL cannot go to a primitive; a column
 * with no property fails. Each fails with a message naming the column, the property and the
 * types, never the value.
 */
final class RowBeanMapper {

    /** {@code position}: the record component's, or the setter's own number; one per property either way. */
    private record Target(String property, Class<?> type, MethodHandle setter, int position) {
    }

    private final Class<?> type;
    private final MethodHandle constructor;
    private final boolean record;
    private final int components;
    /** By property name in lower case, as columns fold to lower case. */
    private final Map<String, Target> targets = new HashMap<>();

    RowBeanMapper(Class<?> type) {
        this.type = type;
        this.record = type.isRecord();
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        int setters = 0;
        try {
            if (record) {
                RecordComponent[] parts = type.getRecordComponents();
                Class<?>[] types = new Class<?>[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    types[i] = parts[i].getType();
                    targets.put(parts[i].getName().toLowerCase(Locale.ROOT), new Target(parts[i].getName(), types[i], null, i));
                }
                constructor = lookup.unreflectConstructor(type.getConstructor(types));
            } else {
                constructor = lookup.unreflectConstructor(type.getConstructor());
                for (Method m : type.getMethods()) {
                    if (m.getName().length() > 3 && m.getName().startsWith("set") && m.getParameterCount() == 1
                            && !Modifier.isStatic(m.getModifiers())) {
                        String property = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
                        targets.put(property.toLowerCase(Locale.ROOT), new Target(property, m.getParameterTypes()[0], lookup.unreflect(m), setters++));
                    }
                }
            }
            components = record ? type.getRecordComponents().length : setters;
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalArgumentException("Invalid outputClass '" + type.getName() + "': it must be a public class with a public"
                    + " no-argument constructor and public setters, or a public record", e);
        }
    }

    Object map(Map<String, Object> row) {
        Object[] arguments = record ? new Object[components] : null;
        // which properties a column filled: two columns that fold to one (user_id and userid) would lose a value
        String[] filledBy = new String[components];
        Object bean = null;
        try {
            if (!record) {
                bean = constructor.invoke();
            }
            for (Map.Entry<String, Object> column : row.entrySet()) {
                Target target = targets.get(camelCase(column.getKey()).toLowerCase(Locale.ROOT));
                if (target == null) {
                    throw new IllegalArgumentException("Column " + column.getKey() + " has no property in outputClass " + type.getName()
                            + " (a setter, or a record component, named " + camelCase(column.getKey()) + ")");
                }
                String before = filledBy[target.position()];
                if (before != null) {
                    throw new IllegalArgumentException("Columns " + before + " and " + column.getKey() + " both go to property "
                            + target.property() + " of outputClass " + type.getName() + ": one value would be lost; name them apart (AS)");
                }
                filledBy[target.position()] = column.getKey();
                Object value = fit(column.getKey(), column.getValue(), target);
                if (record) {
                    arguments[target.position()] = value;
                } else {
                    target.setter().invoke(bean, value);
                }
            }
            if (record) {
                for (Target t : targets.values()) {
                    if (t.type().isPrimitive() && arguments[t.position()] == null) {
                        throw new IllegalArgumentException("Record component " + t.property() + " of outputClass " + type.getName()
                                + " is a primitive " + t.type() + " and no column gave it a value");
                    }
                }
                bean = constructor.invokeWithArguments(arguments);
            }
            return bean;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("outputClass " + type.getName() + " could not be filled: " + e, e);
        }
    }

    /** The value itself when the property can hold it exactly; else a failure naming column, property and types. */
    private Object fit(String column, Object value, Target target) {
        Class<?> wanted = target.type().isPrimitive() ? box(target.type()) : target.type();
        if (value == null) {
            if (target.type().isPrimitive()) {
                throw new IllegalArgumentException("Column " + column + " is NULL but property " + target.property() + " of outputClass "
                        + type.getName() + " is a primitive " + target.type() + ": make it a " + wanted.getSimpleName());
            }
            return null;
        }
        if (wanted.isInstance(value)) {
            return value;
        }
        Object widened = widen(value, wanted);
        if (widened != null) {
            return widened;
        }
        throw new IllegalArgumentException("Column " + column + " reads as a " + value.getClass().getName() + ", which property "
                + target.property() + " of outputClass " + type.getName() + " (a " + target.type().getName()
                + ") cannot hold exactly; give the property the column's Java type (see docs/types.md)");
    }

    /** Java's lossless widenings between the boxed numbers; null when there is none. */
    private static Object widen(Object value, Class<?> wanted) {
        if (value instanceof Byte || value instanceof Short || value instanceof Integer) {
            long v = ((Number) value).longValue();
            if (wanted == Long.class) {
                return v;
            }
            if (wanted == Integer.class && !(value instanceof Integer)) {
                return (int) v;
            }
            if (wanted == Short.class && value instanceof Byte) {
                return (short) v;
            }
            if (wanted == Double.class) {
                return (double) v;
            }
        }
        if (value instanceof Float f && wanted == Double.class) {
            return (double) f;
        }
        return null;
    }

    private static Class<?> box(Class<?> primitive) {
        return java.lang.reflect.Array.get(java.lang.reflect.Array.newInstance(primitive, 1), 0).getClass();
    }

    /** created_at becomes createdAt; a name without underscores is kept as it is. */
    static String camelCase(String column) {
        if (column.indexOf('_') < 0) {
            return column;
        }
        StringBuilder sb = new StringBuilder(column.length());
        boolean upper = false;
        for (char c : column.toCharArray()) {
            if (c == '_') {
                upper = sb.length() > 0;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }
}
