package dev.covet.pg.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a statement may change its connection's session in a way that outlives it, so that the
 * next borrower of the pooled connection would inherit it: a session-level {@code SET} or
 * {@code RESET}, {@code SET ROLE}/{@code SESSION AUTHORIZATION}, {@code LISTEN}, {@code PREPARE},
 * {@code DECLARE}, {@code DISCARD}, {@code LOAD}, {@code BEGIN} or {@code START TRANSACTION} (a transaction
 * left open), a temporary table (not one made ON COMMIT DROP), or a call to
 * {@code set_config} or a session-level advisory lock. Such a connection is closed instead of
 * going back to the pool.
 *
 * <p>It reads the statement's words outside literals and comments, not its meaning: a function
 * that changes the session inside (PL/pgSQL running {@code SET}) is not seen.
 */
public final class SessionChanges {

    /** BEGIN and START (TRANSACTION) too: a connection given back inside a transaction would lend it to the next borrower. */
    private static final Set<String> FIRST_WORDS = Set.of("set", "reset", "listen", "unlisten", "prepare", "deallocate", "declare",
            "discard", "load", "begin", "start");
    /** After SET: these end with the transaction. */
    private static final Set<String> TRANSACTION_SET = Set.of("local", "transaction", "constraints");
    private static final Set<String> FUNCTIONS = Set.of("set_config", "pg_advisory_lock", "pg_advisory_lock_shared",
            "pg_try_advisory_lock", "pg_try_advisory_lock_shared", "dblink_connect", "dblink_connect_u");

    /** Statements already looked at: an endpoint runs the same few again and again. */
    private static final java.util.Map<String, Boolean> SEEN = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_SEEN = 2048;

    private SessionChanges() {
    }

    public static boolean of(String sql) {
        Boolean known = SEEN.get(sql);
        if (known != null) {
            return known;
        }
        boolean changes = scan(sql);
        if (SEEN.size() >= MAX_SEEN) {
            SEEN.clear(); // statements built per exchange would grow it without end
        }
        SEEN.put(sql, changes);
        return changes;
    }

    /**
     * Whether a statement ends the transaction it runs in: COMMIT, END, ROLLBACK (not ROLLBACK TO
     * a savepoint), ABORT, PREPARE TRANSACTION. Inside a route transaction the statements after
     * it would run in autocommit, out of reach of the exchange's rollback.
     */
    public static boolean endsTransaction(String sql) {
        List<String> words = Words.of(sql, 4).list();
        if (words.isEmpty()) {
            return false;
        }
        return switch (words.get(0)) {
            case "commit", "end", "abort" -> true;
            case "rollback" -> !words.contains("to");
            // PREPARE TRANSACTION 'id' (the literal is no word), not PREPARE transaction AS ... (a statement named so)
            case "prepare" -> words.size() == 2 && words.get(1).equals("transaction");
            default -> false;
        };
    }

    /**
     * The statement's words outside literals, comments and dollar quotes, lower case, up to
     * {@code max} of them, and whether it calls one of {@link #FUNCTIONS}.
     */
    private record Words(List<String> list, boolean callsSessionFunction) {

        static Words of(String sql, int max) {
            List<String> words = new ArrayList<>();
            int n = sql.length();
            int i = 0;
            while (i < n && words.size() < max) {
                char c = sql.charAt(i);
                if (c == '\'' || c == '"') {
                    i = SqlLexer.skipQuoted(sql, i, c);
                } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                    i = SqlLexer.skipLineComment(sql, i);
                } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                    i = SqlLexer.skipBlockComment(sql, i);
                } else if (c == '$' && (i == 0 || !SqlLexer.isIdentifierPart(sql.charAt(i - 1)))) {
                    i = Math.max(i + 1, SqlLexer.skipDollarQuoted(sql, i));
                } else if (Character.isLetter(c) || c == '_') {
                    int end = i + 1;
                    while (end < n && SqlLexer.isIdentifierPart(sql.charAt(end))) {
                        end++;
                    }
                    String word = sql.substring(i, end).toLowerCase(Locale.ROOT);
                    int next = end;
                    while (next < n && Character.isWhitespace(sql.charAt(next))) {
                        next++;
                    }
                    if (FUNCTIONS.contains(word) && next < n && sql.charAt(next) == '(') {
                        return new Words(words, true);
                    }
                    words.add(word);
                    i = end;
                } else {
                    i++;
                }
            }
            return new Words(words, false);
        }
    }

    private static boolean scan(String sql) {
        Words read = Words.of(sql, Integer.MAX_VALUE);
        if (read.callsSessionFunction()) {
            return true;
        }
        List<String> words = read.list();
        if (words.isEmpty()) {
            return false;
        }
        String first = words.get(0);
        if (first.equals("set")) {
            return words.size() < 2 || !TRANSACTION_SET.contains(words.get(1));
        }
        if (FIRST_WORDS.contains(first)) {
            return true;
        }
        // CREATE [LOCAL | GLOBAL] TEMP[ORARY] ..., SELECT ... INTO TEMP[ORARY]
        for (int k = 1; k < words.size(); k++) {
            String w = words.get(k);
            if (w.equals("temp") || w.equals("temporary")) {
                String before = words.get(k - 1);
                if (before.equals("into")) {
                    return true;
                }
                if (before.equals("create") || (k >= 2 && words.get(k - 2).equals("create") && (before.equals("local") || before.equals("global")))) {
                    return !dropsOnCommit(words, k);
                }
            }
        }
        return false;
    }

    /**
     * Whether the CREATE TEMP whose TEMP is at {@code temp} says ON COMMIT DROP before its query
     * (AS, SELECT): such a table ends with its transaction, as a statement's own effects do.
     */
    private static boolean dropsOnCommit(List<String> words, int temp) {
        for (int k = temp + 1; k + 2 < words.size(); k++) {
            String w = words.get(k);
            if (w.equals("as") || w.equals("select")) {
                return false;
            }
            if (w.equals("on") && words.get(k + 1).equals("commit") && words.get(k + 2).equals("drop")) {
                return true;
            }
        }
        return false;
    }
}
