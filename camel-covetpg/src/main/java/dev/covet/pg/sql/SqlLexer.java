package dev.covet.pg.sql;

/**
 * Where PostgreSQL's literals and comments end, for everything that reads SQL text here: the
 * parameter parser and the masking of literals in logs. {@code 'a''b'}, {@code E'a\'b'},
 * {@code "quoted id"}, {@code $tag$ ... $tag$}, {@code -- line} and nested {@code /* block * /}.
 * Written as a scanner, not a regular expression: a regular expression over a long literal
 * recurses once per character and overflows the stack.
 */
public final class SqlLexer {

    private SqlLexer() {
    }

    static int skipQuoted(String sql, int start, char quote) {
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2; // doubled quote inside the literal
                    continue;
                }
                return i + 1;
            }
            // E'...' strings may escape a quote with a backslash
            if (c == '\\' && quote == '\'' && escapeString(sql, start)) {
                i += 2;
                continue;
            }
            i++;
        }
        return sql.length();
    }

    /**
     * Whether the quote at {@code start} opens an E'...' string: an E or e right before it that is
     * a prefix of its own, not the end of a word ({@code time'C:\'} is the type time and a
     * standard string, in which a backslash is a plain character).
     */
    private static boolean escapeString(String sql, int start) {
        if (start == 0) {
            return false;
        }
        char prefix = sql.charAt(start - 1);
        return (prefix == 'E' || prefix == 'e') && (start == 1 || !isIdentifierPart(sql.charAt(start - 2)));
    }

    /**
     * The end of a {@code --} comment that starts at {@code start}: its line break, or the end of
     * the text. A carriage return alone ends it too, as it does for the server (whose lexer ends a
     * comment at either); else a statement after it would be taken for part of the comment.
     */
    static int skipLineComment(String sql, int start) {
        for (int i = start; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '\n' || c == '\r') {
                return i;
            }
        }
        return sql.length();
    }

    static int skipBlockComment(String sql, int start) {
        int depth = 0;
        int i = start;
        while (i < sql.length() - 1) {
            if (sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** {@code $tag$ ... $tag$}; a lone {@code $} is just a character. */
    static int skipDollarQuoted(String sql, int start) {
        int tagEnd = start + 1;
        while (tagEnd < sql.length() && isIdentifierPart(sql.charAt(tagEnd)) && sql.charAt(tagEnd) != '$') {
            tagEnd++;
        }
        if (tagEnd >= sql.length() || sql.charAt(tagEnd) != '$') {
            return start + 1;
        }
        String tag = sql.substring(start, tagEnd + 1);
        int close = sql.indexOf(tag, tagEnd + 1);
        return close < 0 ? sql.length() : close + tag.length();
    }

    static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /**
     * The statement with the content of every string literal (plain, E'', dollar-quoted) replaced
     * by {@code ?}, as it may go into a log: literals can hold values.
     */
    public static String maskLiterals(String sql) {
        StringBuilder out = new StringBuilder(Math.min(sql.length(), 4096));
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'') {
                i = skipQuoted(sql, i, c);
                out.append("'?'");
            } else if (c == '$' && i + 1 < n && !Character.isDigit(sql.charAt(i + 1)) && (i == 0 || !isIdentifierPart(sql.charAt(i - 1)))) {
                int end = skipDollarQuoted(sql, i);
                out.append(end > i + 1 ? "$$?$$" : "$");
                i = end;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = skipLineComment(sql, i);
                out.append(sql, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = skipBlockComment(sql, i);
                out.append(sql, i, end);
                i = end;
            } else if (c == '"') {
                int end = skipQuoted(sql, i, c);
                out.append(sql, i, end);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
