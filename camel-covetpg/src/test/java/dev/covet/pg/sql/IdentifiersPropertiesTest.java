package dev.covet.pg.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.covet.pg.Samples;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Properties of the names covetpg writes into SQL itself. Each accepted name is one the server
 * reads as exactly that name (by the server's rules, written out here independently of the
 * class); each refused one is refused with a message that names the option and the problem.
 */
@Tag("fast")
class IdentifiersPropertiesTest {

    private static final int TRIES = 300;

    @Test
    void everyAcceptedNameIsOneTheServerReadsAsItIs() {
        Samples.check(4 * TRIES, IdentifiersPropertiesTest::anyName, candidate -> {
            String accepted;
            try {
                accepted = Identifiers.identifier(candidate, "columns", candidate);
            } catch (IllegalArgumentException refused) {
                assertThat(refused.getMessage()).startsWith("Invalid columns '").doesNotContain("\0");
                return;
            }
            assertThat(accepted).isEqualTo(candidate);
            if (candidate.startsWith("\"")) {
                String inner = candidate.substring(1, candidate.length() - 1);
                assertThat(serverReadsQuoted(inner)).as("the server reads \"%s\" as exactly that", inner).isTrue();
                assertThat(Identifiers.name(accepted)).isEqualTo(inner);
            } else {
                assertThat(serverReadsUnquoted(candidate)).as("the server reads %s unquoted", candidate).isTrue();
                assertThat(Identifiers.name(accepted)).isEqualTo(serverFolds(candidate));
            }
        }, "", "\"", "\"\"", "\"\"\"", "a", "_", "$", "1a", "a$", "select", "SELECT", "\"select\"", "USER", "a.b", "\0", "\"\0\"", "é",
                "\"a\"\"b\"", "x".repeat(63), "x".repeat(64), "\"" + "é".repeat(31) + "\"", "\"" + "é".repeat(32) + "\"", "a b", "\"a b\"");
    }

    @Test
    void aPlainIdentifierIsAcceptedAsItIsAndFoldsToLowerCase() {
        Samples.check(TRIES, IdentifiersPropertiesTest::plainName, name -> {
            assertThat(Identifiers.identifier(name, "columns", name)).isEqualTo(name);
            assertThat(Identifiers.table(name, "table")).isEqualTo(name);
            assertThat(Identifiers.name(name)).isEqualTo(serverFolds(name));
        }, "a", "_", "Z", "_$", "A1", "x".repeat(63), "Orders", "users");
    }

    @Test
    void aQuotedNameIsAcceptedAsItIsAndKeepsItsCase() {
        Samples.check(TRIES, IdentifiersPropertiesTest::quotedInner, inner -> {
            String quoted = "\"" + inner + "\"";
            assertThat(Identifiers.identifier(quoted, "columns", quoted)).isEqualTo(quoted);
            assertThat(Identifiers.name(quoted)).isEqualTo(inner);
            assertThat(Identifiers.columns(quoted, "columns")).containsExactly(quoted);
        }, " ", ".", ",", "'", "select", "A", "\uD83D\uDE80", "é".repeat(31) + "x", "x".repeat(63));
    }

    /** Two names, and where a property needs it a third value. */
    record Two<A, B>(A first, B second) {
    }

    @Test
    void aSchemaQualifiedTableIsTwoCheckedNames() {
        Samples.check(TRIES, r -> new Two<>(name(r), name(r)), t -> {
            String schema = t.first();
            String table = t.second();
            assertThat(Identifiers.table(schema + "." + table, "table")).isEqualTo(schema + "." + table);
            assertThatThrownBy(() -> Identifiers.table(schema + "." + table + "." + table, "table"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most schema.table");
        }, new Two<>("a", "b"), new Two<>("\"a.b\"", "\"c.d\""), new Two<>("\".\"", "t"));
    }

    @Test
    void aReservedWordIsRefusedUnquotedInAnyCaseAndAcceptedQuoted() {
        String[] everyWord = RESERVED_IN_ORDER.toArray(String[]::new);
        Samples.check(TRIES, r -> changeCase(Samples.pick(r, everyWord), r.nextLong()), word -> {
            assertThatThrownBy(() -> Identifiers.table(word, "table")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("reserved word " + word).hasMessageContaining("\"" + word + "\"");
            assertThat(Identifiers.table("\"" + word + "\"", "table")).isEqualTo("\"" + word + "\"");
        }, everyWord);
    }

    @Test
    void aNameLongerThan63BytesIsRefusedNotTruncated() {
        Samples.check(TRIES, r -> new Two<>(plainName(r), quotedInner(r)), t -> {
            String start = t.first();
            String more = t.second();
            String inner = start + more;
            while (inner.getBytes(StandardCharsets.UTF_8).length <= Identifiers.MAX_BYTES) {
                inner = inner + more + "é";
            }
            String quoted = "\"" + inner + "\"";
            assertThatThrownBy(() -> Identifiers.table(quoted, "table")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Invalid table '").hasMessageContaining("longer than 63 bytes");
            String plain = (start + "x".repeat(64)).substring(0, Math.max(64, start.length()));
            assertThatThrownBy(() -> Identifiers.columns(plain, "columns")).hasMessageContaining("longer than 63 bytes");
        }, new Two<>("a", "b"), new Two<>("x".repeat(63), "y"), new Two<>("a", "\uD83D\uDE80"));
    }

    /** A name, a place in it (past its end means at its end), and a character that does not belong there. */
    record Insertion(String name, int at, char c) {
        String inserted() {
            int i = Math.min(at, name.length());
            return name.substring(0, i) + c + name.substring(i);
        }
    }

    @Test
    void aForbiddenCharacterAnywhereIsRefused() {
        Samples.check(TRIES, r -> new Insertion(plainName(r), Samples.between(r, 0, 64), forbiddenInPlainNames(r)), ins -> {
            String bad = ins.inserted();
            assertThatThrownBy(() -> Identifiers.identifier(bad, "channel", bad)).as("%s", bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Invalid channel '").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\0"));
        }, insertions("abc", FORBIDDEN_IN_PLAIN_NAMES));
    }

    @Test
    void aQuoteOrControlCharacterOrNulInsideAQuotedNameIsRefused() {
        Samples.check(TRIES, r -> new Insertion(quotedInner(r), Samples.between(r, 0, 64), forbiddenInQuotedNames(r)), ins -> {
            String bad = "\"" + ins.inserted() + "\"";
            assertThatThrownBy(() -> Identifiers.table(bad, "table")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Invalid table '").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\0"));
        }, insertions("a b", FORBIDDEN_IN_QUOTED_NAMES));
    }

    /** Each character at the start, inside and at the end of the name. */
    private static Insertion[] insertions(String name, char[] chars) {
        List<Insertion> all = new java.util.ArrayList<>();
        for (char c : chars) {
            for (int at : new int[] {0, 1, 64}) {
                all.add(new Insertion(name, at, c));
            }
        }
        return all.toArray(Insertion[]::new);
    }

    @Test
    void twoNamesTheServerSeesAsOneAreRefused() {
        Samples.check(TRIES, r -> new Two<>(plainName(r), r.nextLong()), t -> {
            String name = t.first();
            String otherCase = changeCase(name, t.second());
            assertThatThrownBy(() -> Identifiers.names(name + ", " + otherCase, "columns")).hasMessageContaining("named twice");
            String quotedFolded = "\"" + serverFolds(name) + "\"";
            assertThatThrownBy(() -> Identifiers.names(otherCase + "," + quotedFolded, "columns")).hasMessageContaining("named twice");
            String quotedAsWritten = "\"" + name + "\"";
            if (!name.equals(serverFolds(name))) {
                // "Orders" is not orders
                assertThat(Identifiers.names(name + "," + quotedAsWritten, "columns")).containsExactly(name, quotedAsWritten);
            }
        }, new Two<>("Orders", 0L), new Two<>("orders", -1L), new Two<>("_", -1L), new Two<>("A", 0L));
    }

    // the server's rules (scan.l and scansup.c), written out here

    /** {@code ident_start [A-Za-z\200-\377_]}, {@code ident_cont [A-Za-z\200-\377_0-9\$]}, not reserved, not truncated. */
    private static boolean serverReadsUnquoted(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length == 0 || utf8.length > 63 || !isValidUtf16(s)) {
            return false;
        }
        for (int i = 0; i < utf8.length; i++) {
            int b = utf8[i] & 0xFF;
            boolean start = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b >= 0x80 || b == '_';
            boolean cont = start || (b >= '0' && b <= '9') || b == '$';
            if (i == 0 ? !start : !cont) {
                return false;
            }
        }
        return !SERVER_RESERVED.contains(serverFolds(s));
    }

    /** Not empty, no NUL, no lone quote, encodable, not truncated. */
    private static boolean serverReadsQuoted(String inner) {
        return !inner.isEmpty() && inner.indexOf('\0') < 0 && inner.indexOf('"') < 0 && isValidUtf16(inner)
                && inner.getBytes(StandardCharsets.UTF_8).length <= 63;
    }

    /** downcase_identifier: only ASCII A-Z fold (UTF-8 text has no other single-byte letters). */
    private static String serverFolds(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            sb.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return sb.toString();
    }

    /** PostgreSQL 15's key words of categories R and T (pg_get_keywords()); IdentifiersTest checks the class's list against the server's. */
    private static final java.util.Set<String> SERVER_RESERVED = java.util.Set.of("all", "analyse", "analyze", "and", "any", "array", "as",
            "asc", "asymmetric", "authorization", "binary", "both", "case", "cast", "check", "collate", "collation", "column",
            "concurrently", "constraint", "create", "cross", "current_catalog", "current_date", "current_role", "current_schema",
            "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end",
            "except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike", "in",
            "initially", "inner", "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit",
            "localtime", "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order", "outer",
            "overlaps", "placing", "primary", "references", "returning", "right", "select", "session_user", "similar", "some",
            "symmetric", "table", "tablesample", "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic",
            "verbose", "when", "where", "window", "with");

    /** The same, in a fixed order, so that a seed draws the same words in every run. */
    private static final List<String> RESERVED_IN_ORDER = SERVER_RESERVED.stream().sorted().toList();

    private static boolean isValidUtf16(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String changeCase(String s, long bits) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean flip = ((bits >>> (i % 64)) & 1) == 1;
            sb.append(flip && Character.isLetter(c) ? (Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c)) : c);
        }
        return sb.toString();
    }

    // generators

    private static final String[] LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");

    private static final String[] NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$".split("");

    /** A letter or underscore, then up to 62 letters, digits, underscores and dollars (often few); not a reserved word. */
    static String plainName(Random r) {
        return Samples.suchThat(r, g -> (g.nextInt(27) == 0 ? "_" : Samples.pick(g, LETTERS)) + Samples.text(g, g.nextBoolean() ? 8 : 62, NAME_CHARS),
                n -> !Identifiers.RESERVED.contains(n.toLowerCase(Locale.ROOT)));
    }

    /** Inner text of quoted names: any valid text without quotes or control characters, 1 to 63 bytes. */
    static String quotedInner(Random r) {
        return Samples.suchThat(r, g -> g.nextBoolean()
                ? Samples.pick(g, TRICKY) + Samples.text(g, 9, TRICKY)
                : Samples.unicode(g, 1, 30),
                s -> s.indexOf('"') < 0 && s.chars().noneMatch(Character::isISOControl) && s.getBytes(StandardCharsets.UTF_8).length <= 63);
    }

    private static final String[] TRICKY = {" ", ".", ",", "'", ";", "--", "/*", "$", "\\", "é", "日本", "\uD83D\uDE80", "A", "z", "_", "1"};

    static String name(Random r) {
        return r.nextBoolean() ? plainName(r) : "\"" + quotedInner(r) + "\"";
    }

    private static final String[] PIECES = {"a", "Z", "_", "$", "1", " ", "\t", ".", ",", "\"", "'", ";", "-", "\0", "\n", "é",
        "\uD83D\uDE80", "select", "USER"};

    /**
     * Anything a user might write as a name, right or wrong, in valid UTF-16 (a quoted name with a
     * lone surrogate is refused: IdentifiersTest checks that).
     */
    static String anyName(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> plainName(r);
            case 1 -> name(r);
            case 2 -> Samples.pick(r, PIECES) + Samples.text(r, 11, PIECES);
            case 3 -> "\"" + Samples.pick(r, PIECES) + Samples.text(r, 11, PIECES) + "\"";
            case 4 -> "\"" + Samples.unicode(r, 0, 40) + "\"";
            default -> Samples.unicode(r, 1, 70);
        };
    }

    private static final char[] FORBIDDEN_IN_PLAIN_NAMES = {' ', '\t', '\n', '\0', '.', '-', ';', '\'', '"', '(', '/', '*', 'é', '\u00a0', '\u2028'};

    /** One of the characters listed, or any character at all (a lone surrogate too) but a letter, digit, '_', '$' or ','. */
    static char forbiddenInPlainNames(Random r) {
        if (r.nextBoolean()) {
            return FORBIDDEN_IN_PLAIN_NAMES[r.nextInt(FORBIDDEN_IN_PLAIN_NAMES.length)];
        }
        return Samples.suchThat(r, g -> (char) g.nextInt(0x10000), c -> !(c == '_' || c == '$' || c == ',' || (c >= '0' && c <= '9')
                || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')));
    }

    private static final char[] FORBIDDEN_IN_QUOTED_NAMES = {'"', '\0', '\n', '\r', '\t', '\u007f', '\u0085'};

    /** One of the characters listed, or any ISO control character. */
    static char forbiddenInQuotedNames(Random r) {
        if (r.nextBoolean()) {
            return FORBIDDEN_IN_QUOTED_NAMES[r.nextInt(FORBIDDEN_IN_QUOTED_NAMES.length)];
        }
        int c = r.nextInt(65); // the ISO control characters: U+0000 to U+001F and U+007F to U+009F
        return (char) (c < 32 ? c : 0x7F + c - 32);
    }
}
