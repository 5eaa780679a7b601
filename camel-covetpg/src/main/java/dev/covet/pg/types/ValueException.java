package dev.covet.pg.types;

/**
 * A value that cannot be written as the type it is meant for. The message names the Java type
 * and the PostgreSQL type, never the value: values may be personal data or secrets, and messages
 * end up in logs.
 */
public final class ValueException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ValueException(String message) {
        super(message);
    }

    /** "a java.lang.Long does not fit integer: out of range". */
    static ValueException of(Object value, String type, String why) {
        return new ValueException(javaType(value) + " does not fit " + type + ": " + why);
    }

    /** "a java.lang.Integer does not fit uuid: give a UUID or its text". */
    public static ValueException notA(Object value, String type, String wanted) {
        return new ValueException(javaType(value) + " does not fit " + type + ": give " + wanted);
    }

    /** The value's class as a message shows it: "a java.lang.String". */
    public static String javaType(Object value) {
        String name = value == null ? "null" : value.getClass().getName();
        return (name.matches("^[AEIOUaeiou].*") ? "an " : "a ") + name;
    }
}
