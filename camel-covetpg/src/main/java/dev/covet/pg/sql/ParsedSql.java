package dev.covet.pg.sql;

import java.util.List;

/**
 * A statement ready for the server: named parameters replaced by {@code $n}.
 *
 * @param sql            the text to send
 * @param names          the named parameters in {@code $n} order (empty when the statement uses none)
 * @param positionalCount the highest {@code $n} the statement refers to
 */
public record ParsedSql(String sql, List<String> names, int positionalCount) {

    public boolean hasNamedParameters() {
        return !names.isEmpty();
    }
}
