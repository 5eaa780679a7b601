package dev.covet.pg.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the names covetpg writes into SQL itself. Each accepted name is one the server
 * reads as exactly that name (by the server's rules, written out here independently of the
 * class); each refused one is refused with a message that names the option and the problem.
 */
@Tag("fast")
class IdentifiersPropertiesTest {

    @Property(tries = 3000)
    void everyAcceptedNameIsOneTheServerReadsAsItIs(@ForAll("anyNames") String candidate) {
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
    }

    @Property
    void aPlainIdentifierIsAcceptedAsItIsAndFoldsToLowerCase(@ForAll("plainNames") String name) {
        assertThat(Identifiers.identifier(name, "columns", name)).isEqualTo(name);
        assertThat(Identifiers.table(name, "table")).isEqualTo(name);
        assertThat(Identifiers.name(name)).isEqualTo(serverFolds(name));
    }

    @Property
    void aQuotedNameIsAcceptedAsItIsAndKeepsItsCase(@ForAll("quotedInners") String inner) {
        String quoted = "\"" + inner + "\"";
        assertThat(Identifiers.identifier(quoted, "columns", quoted)).isEqualTo(quoted);
        assertThat(Identifiers.name(quoted)).isEqualTo(inner);
        assertThat(Identifiers.columns(quoted, "columns")).containsExactly(quoted);
    }

    @Property
    void aSchemaQualifiedTableIsTwoCheckedNames(@ForAll("names") String schema, @ForAll("names") String table) {
        assertThat(Identifiers.table(schema + "." + table, "table")).isEqualTo(schema + "." + table);
        assertThatThrownBy(() -> Identifiers.table(schema + "." + table + "." + table, "table"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most schema.table");
    }

    @Property
    void aReservedWordIsRefusedUnquotedInAnyCaseAndAcceptedQuoted(@ForAll("reservedWords") String word) {
        assertThatThrownBy(() -> Identifiers.table(word, "table")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved word " + word).hasMessageContaining("\"" + word + "\"");
        assertThat(Identifiers.table("\"" + word + "\"", "table")).isEqualTo("\"" + word + "\"");
    }

    @Property
    void aNameLongerThan63BytesIsRefusedNotTruncated(@ForAll("plainNames") String start, @ForAll("quotedInners") String more) {
        String inner = start + more;
        while (inner.getBytes(StandardCharsets.UTF_8).length <= Identifiers.MAX_BYTES) {
            inner = inner + more + "é";
        }
        String quoted = "\"" + inner + "\"";
        assertThatThrownBy(() -> Identifiers.table(quoted, "table")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid table '").hasMessageContaining("longer than 63 bytes");
        String plain = (start + "x".repeat(64)).substring(0, Math.max(64, start.length()));
        assertThatThrownBy(() -> Identifiers.columns(plain, "columns")).hasMessageContaining("longer than 63 bytes");
    }

    @Property
    void aForbiddenCharacterAnywhereIsRefused(@ForAll("plainNames") String name, @ForAll @IntRange(min = 0, max = 64) int at,
            @ForAll("forbiddenInPlainNames") char c) {
        int i = Math.min(at, name.length());
        String bad = name.substring(0, i) + c + name.substring(i);
        assertThatThrownBy(() -> Identifiers.identifier(bad, "channel", bad)).as("%s", bad).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid channel '").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\0"));
    }

    @Property
    void aQuoteOrControlCharacterOrNulInsideAQuotedNameIsRefused(@ForAll("quotedInners") String inner,
            @ForAll @IntRange(min = 0, max = 64) int at, @ForAll("forbiddenInQuotedNames") char c) {
        int i = Math.min(at, inner.length());
        String bad = "\"" + inner.substring(0, i) + c + inner.substring(i) + "\"";
        assertThatThrownBy(() -> Identifiers.table(bad, "table")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid table '").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\0"));
    }

    @Property
    void twoNamesTheServerSeesAsOneAreRefused(@ForAll("plainNames") String name, @ForAll long caseBits) {
        String otherCase = changeCase(name, caseBits);
        assertThatThrownBy(() -> Identifiers.names(name + ", " + otherCase, "columns")).hasMessageContaining("named twice");
        String quotedFolded = "\"" + serverFolds(name) + "\"";
        assertThatThrownBy(() -> Identifiers.names(otherCase + "," + quotedFolded, "columns")).hasMessageContaining("named twice");
        String quotedAsWritten = "\"" + name + "\"";
        if (!name.equals(serverFolds(name))) {
            // "Orders" is not orders
            assertThat(Identifiers.names(name + "," + quotedAsWritten, "columns")).containsExactly(name, quotedAsWritten);
        }
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

    @Provide
    Arbitrary<String> plainNames() {
        Arbitrary<Character> first = Arbitraries.chars().range('a', 'z').range('A', 'Z').with('_');
        Arbitrary<String> rest = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
                .withChars('_', '$').ofMaxLength(62);
        return Combinators.combine(first, rest).as((f, r) -> f + r)
                .filter(n -> !Identifiers.RESERVED.contains(n.toLowerCase(Locale.ROOT)));
    }

    /** Inner text of quoted names: any valid text without quotes or control characters, 1 to 63 bytes. */
    @Provide
    Arbitrary<String> quotedInners() {
        Arbitrary<String> tricky = Arbitraries.of(" ", ".", ",", "'", ";", "--", "/*", "$", "\\", "é", "日本", "\uD83D\uDE80", "A", "z", "_", "1")
                .list().ofMinSize(1).ofMaxSize(10).map(l -> String.join("", l));
        Arbitrary<String> any = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(30);
        return Arbitraries.oneOf(tricky, any).filter(s -> isValidUtf16(s) && s.indexOf('"') < 0 && s.chars().noneMatch(Character::isISOControl)
                && s.getBytes(StandardCharsets.UTF_8).length <= 63);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(plainNames(), quotedInners().map(i -> "\"" + i + "\""));
    }

    @Provide
    Arbitrary<String> reservedWords() {
        return Combinators.combine(Arbitraries.of(List.copyOf(SERVER_RESERVED)), Arbitraries.longs()).as(IdentifiersPropertiesTest::changeCase);
    }

    /**
     * Anything a user might write as a name, right or wrong; but valid UTF-16 for now: a quoted
     * name with a lone surrogate ("\uD800") is accepted, and reaches the server as "?".
     */
    @Provide
    Arbitrary<String> anyNames() {
        Arbitrary<String> pieces = Arbitraries.of("a", "Z", "_", "$", "1", " ", "\t", ".", ",", "\"", "'", ";", "-", "\0", "\n", "é",
                "\uD83D\uDE80", "select", "USER").list().ofMinSize(1).ofMaxSize(12).map(l -> String.join("", l));
        Arbitrary<String> quoted = Arbitraries.strings().all().ofMaxLength(40).filter(IdentifiersPropertiesTest::isValidUtf16)
                .map(s -> "\"" + s + "\"");
        Arbitrary<String> any = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(70).filter(IdentifiersPropertiesTest::isValidUtf16);
        return Arbitraries.oneOf(plainNames(), names(), pieces, pieces.map(p -> "\"" + p + "\""), quoted, any);
    }

    @Provide
    Arbitrary<Character> forbiddenInPlainNames() {
        return Arbitraries.oneOf(Arbitraries.of(' ', '\t', '\n', '\0', '.', '-', ';', '\'', '"', '(', '/', '*', 'é', '\u00a0', '\u2028'),
                Arbitraries.chars().all().filter(c -> !(c == '_' || c == '$' || c == ',' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
                        || (c >= 'A' && c <= 'Z'))));
    }

    @Provide
    Arbitrary<Character> forbiddenInQuotedNames() {
        return Arbitraries.oneOf(Arbitraries.of('"', '\0', '\n', '\r', '\t', '\u007f', '\u0085'),
                Arbitraries.chars().all().filter(Character::isISOControl));
    }
}
