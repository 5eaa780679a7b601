package dev.covet.pg.client;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where reads go. Writes, and everything inside a transaction, always go to the primary: this
 * only decides reads that covetpg knows to be reads by their operation.
 */
public enum ReadFrom {
    /** Everything on the primary. */
    PRIMARY("primary"),
    /** Reads on a healthy replica; with none healthy they fail at once with a clear error. */
    REPLICA("replica"),
    /** Reads on a healthy replica; with none healthy, on the primary. */
    REPLICA_PREFERRED("replicaPreferred");

    private final String optionValue;

    ReadFrom(String optionValue) {
        this.optionValue = optionValue;
    }

    /** Parses an option value, case-insensitively; {@code option} names the option in the error. */
    public static ReadFrom parse(String value, String option) {
        String v = value.trim().replace("_", "").replace("-", "");
        for (ReadFrom r : values()) {
            if (r.optionValue.equalsIgnoreCase(v)) {
                return r;
            }
        }
        throw new IllegalArgumentException("Invalid " + option + " '" + value + "': allowed values are "
                + Arrays.stream(values()).map(ReadFrom::toString).collect(Collectors.joining(", ")));
    }

    /** libpq's target_session_attrs, as far as it says where reads go. */
    public static ReadFrom fromTargetSessionAttrs(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "any", "read-write", "primary" -> PRIMARY;
            case "read-only", "standby" -> REPLICA;
            case "prefer-standby" -> REPLICA_PREFERRED;
            default -> throw new IllegalArgumentException("Invalid url: target_session_attrs '" + value
                    + "'; allowed values are any, read-write, primary, read-only, standby, prefer-standby");
        };
    }

    @Override
    public String toString() {
        return optionValue;
    }
}
