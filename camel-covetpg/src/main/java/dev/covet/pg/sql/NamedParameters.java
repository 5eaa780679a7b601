package dev.covet.pg.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the parameters of a statement: named {@code :#name} ones, which become {@code $1..$n}
 * (a name used twice binds to the same {@code $n}), and positional {@code $n} ones. Quoted
 * strings, quoted identifiers, dollar-quoted bodies and comments are skipped, so a {@code :#x}
 * inside a literal stays text. Values are always bound, never written into the SQL.
 */
public final class NamedParameters {

    private NamedParameters() {
    }

    public static ParsedSql parse(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        List<String> names = new ArrayList<>();
        int maxPositional = 0;
        int n = sql.length();
        int i = 0;
        int semicolon = -1; // where the first ';' outside literals and comments is in the output
        boolean codeAfterSemicolon = false;
        while (i < n) {
            char c = sql.charAt(i);
            if (semicolon >= 0 && !Character.isWhitespace(c) && !startsComment(sql, i)) {
                codeAfterSemicolon = true;
            }
            if (c == ';' && semicolon < 0) {
                semicolon = out.length();
                out.append(c);
                i++;
            } else if (c == '\'' || c == '"') {
                int end = SqlLexer.skipQuoted(sql, i, c);
                out.append(sql, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = SqlLexer.skipLineComment(sql, i);
                out.append(sql, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = SqlLexer.skipBlockComment(sql, i);
                out.append(sql, i, end);
                i = end;
            } else if (c == '$' && i > 0 && isIdentifierPart(sql.charAt(i - 1))) {
                out.append(c); // part of an identifier (price$eur): neither a parameter nor a dollar quote
                i++;
            } else if (c == '$') {
                int digitsEnd = i + 1;
                while (digitsEnd < n && Character.isDigit(sql.charAt(digitsEnd))) {
                    digitsEnd++;
                }
                if (digitsEnd > i + 1) {
                    maxPositional = Math.max(maxPositional, Integer.parseInt(sql.substring(i + 1, digitsEnd)));
                    out.append(sql, i, digitsEnd);
                    i = digitsEnd;
                } else {
                    int end = SqlLexer.skipDollarQuoted(sql, i);
                    out.append(sql, i, end);
                    i = end;
                }
            } else if (c == ':' && i + 2 < n && sql.charAt(i + 1) == '#' && isIdentifierStart(sql.charAt(i + 2))) {
                int end = i + 2;
                while (end < n && isIdentifierPart(sql.charAt(end))) {
                    end++;
                }
                String name = sql.substring(i + 2, end);
                int index = names.indexOf(name);
                if (index < 0) {
                    names.add(name);
                    index = names.size() - 1;
                }
                out.append('$').append(index + 1);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        if (!names.isEmpty() && maxPositional > 0) {
            throw new IllegalArgumentException("The statement mixes named (:#" + names.get(0) + ") and positional ($"
                    + maxPositional + ") parameters; use one kind: " + sql);
        }
        return new ParsedSql(out.toString(), List.copyOf(names), names.isEmpty() ? maxPositional : names.size(),
                codeAfterSemicolon ? ParsedSql.SEVERAL_STATEMENTS : semicolon);
    }

    private static boolean startsComment(String sql, int i) {
        return i + 1 < sql.length() && ((sql.charAt(i) == '-' && sql.charAt(i + 1) == '-') || (sql.charAt(i) == '/' && sql.charAt(i + 1) == '*'));
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
