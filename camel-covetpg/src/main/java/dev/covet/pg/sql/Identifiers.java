package dev.covet.pg.sql;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Table and column names that covetpg writes into SQL itself (the {@code table} and
 * {@code columns} options), checked against PostgreSQL's rules before anything is sent. A name
 * that is not plainly an identifier is rejected, never quoted "by hope".
 *
 * <p>Accepted: an unquoted identifier ({@code [A-Za-z_][A-Za-z0-9_$]*}, not a reserved word,
 * folded to lower case by the server as usual), or a double-quoted identifier whose content has
 * no double quote and no control character; at most 63 bytes each (longer names the server would
 * silently truncate); and for tables an optional schema: {@code schema.table}.
 */
public final class Identifiers {

    /** NAMEDATALEN - 1: the server truncates longer names, so two different names could meet. */
    public static final int MAX_BYTES = 63;

    /**
     * PostgreSQL's reserved key words (categories R and T of {@code pg_get_keywords()}), which
     * cannot name a table or column unquoted. A test checks this list against the server's.
     */
    static final Set<String> RESERVED = Set.of(
            "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary", "both",
            "case", "cast", "check", "collate", "collation", "column", "concurrently", "constraint", "create", "cross",
            "current_catalog", "current_date", "current_role", "current_schema", "current_time", "current_timestamp",
            "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch",
            "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike", "in", "initially", "inner",
            "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime",
            "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order", "outer",
            "overlaps", "placing", "primary", "references", "returning", "right", "select", "session_user", "similar",
            "some", "symmetric", "system_user", "table", "tablesample", "then", "to", "trailing", "true", "union",
            "unique", "user", "using", "variadic", "verbose", "when", "where", "window", "with");

    private Identifiers() {
    }

    /** A table name, optionally schema-qualified, as SQL text ready to be written into a statement. */
    public static String table(String name, String option) {
        List<String> parts = split(require(name, option), '.', option);
        if (parts.size() > 2) {
            throw invalid(option, name, "at most schema.table");
        }
        List<String> checked = new ArrayList<>();
        for (String part : parts) {
            checked.add(identifier(part, option, name));
        }
        return String.join(".", checked);
    }

    /** A comma-separated list of column names, each checked; at least one. */
    public static List<String> columns(String list, String option) {
        return names(list, option);
    }

    /** A comma-separated list of names (columns, LISTEN channels), each checked, none twice; at least one. */
    public static List<String> names(String list, String option) {
        List<String> parts = split(require(list, option), ',', option);
        List<String> checked = new ArrayList<>(parts.size());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String part : parts) {
            String column = identifier(part.trim(), option, list);
            if (!seen.add(asServerSeesIt(column))) {
                throw invalid(option, list, "the name " + column + " named twice");
            }
            checked.add(column);
        }
        return checked;
    }

    /** A checked identifier as the server names it: a quoted one as it is inside, an unquoted one folded to lower case. */
    private static String asServerSeesIt(String identifier) {
        return identifier.startsWith("\"") ? identifier.substring(1, identifier.length() - 1) : identifier.toLowerCase(Locale.ROOT);
    }

    /** One identifier, unquoted or double-quoted, as SQL text. */
    public static String identifier(String part, String option, String whole) {
        if (part.isEmpty()) {
            throw invalid(option, whole, "an empty name");
        }
        if (part.indexOf('\0') >= 0) {
            throw invalid(option, whole, "a NUL character");
        }
        if (part.startsWith("\"")) {
            if (part.length() < 3 || !part.endsWith("\"")) {
                throw invalid(option, whole, "an unterminated or empty quoted name");
            }
            String inner = part.substring(1, part.length() - 1);
            if (inner.indexOf('"') >= 0) {
                throw invalid(option, whole, "a double quote inside a quoted name");
            }
            for (int i = 0; i < inner.length(); i++) {
                char c = inner.charAt(i);
                if (Character.isISOControl(c)) {
                    throw invalid(option, whole, "a control character");
                }
                if (Character.isHighSurrogate(c) && i + 1 < inner.length() && Character.isLowSurrogate(inner.charAt(i + 1))) {
                    i++; // a pair: one character beyond the BMP
                } else if (Character.isSurrogate(c)) {
                    // it has no UTF-8 form: the server would get '?', another name
                    throw invalid(option, whole, "a lone UTF-16 surrogate");
                }
            }
            checkLength(inner, option, whole);
            return part;
        }
        char first = part.charAt(0);
        if (!(isAsciiLetter(first) || first == '_')) {
            throw invalid(option, whole, "a name that starts with '" + first + "' (quote it if it really is its name)");
        }
        for (char c : part.toCharArray()) {
            if (!(isAsciiLetter(c) || c == '_' || c == '$' || (c >= '0' && c <= '9'))) {
                throw invalid(option, whole, "the character '" + c + "' in an unquoted name");
            }
        }
        checkLength(part, option, whole);
        if (RESERVED.contains(part.toLowerCase(Locale.ROOT))) {
            throw invalid(option, whole, "the reserved word " + part + " (write it quoted: \"" + part + "\")");
        }
        return part;
    }

    /** The name the server stores for a checked identifier: unquoted ones fold to lower case. */
    public static String name(String identifier) {
        if (identifier.startsWith("\"")) {
            return identifier.substring(1, identifier.length() - 1);
        }
        return identifier.toLowerCase(Locale.ROOT);
    }

    private static void checkLength(String name, String option, String whole) {
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw invalid(option, whole, "a name longer than " + MAX_BYTES + " bytes, which PostgreSQL would truncate");
        }
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static String require(String name, String option) {
        if (name == null || name.isBlank()) {
            throw invalid(option, name, "an empty name");
        }
        return name.trim();
    }

    /** Splits on the separator outside double quotes. */
    private static List<String> split(String text, char separator, String option) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (quoted) {
            throw invalid(option, text, "an unterminated quoted name");
        }
        parts.add(current.toString());
        return parts;
    }

    private static IllegalArgumentException invalid(String option, String value, String problem) {
        String shown = value == null ? "" : value.replace("\0", "\\0");
        return new IllegalArgumentException("Invalid " + option + " '" + shown + "': it has " + problem
                + "; covetpg writes table and column names into SQL and accepts only plain identifiers"
                + " ([A-Za-z_][A-Za-z0-9_$]*, at most " + MAX_BYTES + " bytes, optionally schema-qualified) or double-quoted ones without quotes inside");
    }
}
