package dev.covet.pg.sql;

import java.util.List;

/**
 * A statement ready for the server: named parameters replaced by {@code $n}.
 *
 * @param sql             the text to send
 * @param names           the named parameters in {@code $n} order (empty when the statement uses none)
 * @param positionalCount the highest {@code $n} the statement refers to
 * @param semicolon       where in {@code sql} a ';' outside literals and comments ends the statement (only
 *                        white space and comments after it), -1 when there is none, {@link #SEVERAL_STATEMENTS}
 *                        when more SQL follows one
 */
public record ParsedSql(String sql, List<String> names, int positionalCount, int semicolon) {

    public static final int SEVERAL_STATEMENTS = -2;

    public boolean hasNamedParameters() {
        return !names.isEmpty();
    }

    /**
     * The statement as one that can be written inside other SQL: without the ';' that ends it.
     *
     * @throws IllegalArgumentException when it is several statements
     */
    public String asSubquery() {
        if (semicolon == SEVERAL_STATEMENTS) {
            throw new IllegalArgumentException("The statement is several statements (a ';' with more SQL after it); give one");
        }
        return semicolon < 0 ? sql : sql.substring(0, semicolon) + sql.substring(semicolon + 1);
    }
}
