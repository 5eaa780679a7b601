package dev.covet.pg.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

/**
 * Properties of the parameter parser and the log masking over statements built from PostgreSQL's
 * tokens: string literals ('', E'', dollar-quoted), quoted identifiers, line and nested block
 * comments, each holding text that looks like a parameter, and real {@code :#name} parameters
 * between them. Each token is written by PostgreSQL's lexical rules, so the expected outcome is
 * known without the parser: every parameter outside becomes {@code $n} in order of first use,
 * and nothing else changes.
 */
@Tag("fast")
class NamedParametersPropertiesTest {

    /** A piece of a statement: its text, and for a parameter its name. */
    record Token(String text, String parameter, boolean stringLiteral) {
        static Token text(String text) {
            return new Token(text, null, false);
        }

        static Token literal(String text) {
            return new Token(text, null, true);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    @Property(tries = 2000)
    void parametersOutsideLiteralsAndCommentsBecomeDollarNInOrderAndNothingElseChanges(@ForAll("statements") List<Token> tokens) {
        String sql = join(tokens);
        List<String> names = new ArrayList<>();
        StringBuilder expected = new StringBuilder();
        for (Token t : tokens) {
            expected.append(expected.length() == 0 ? "" : " ");
            if (t.parameter() != null) {
                if (!names.contains(t.parameter())) {
                    names.add(t.parameter());
                }
                expected.append('$').append(names.indexOf(t.parameter()) + 1);
            } else {
                expected.append(t.text());
            }
        }

        ParsedSql parsed = NamedParameters.parse(sql);

        assertThat(parsed.sql()).isEqualTo(expected.toString());
        assertThat(parsed.names()).isEqualTo(names);
        assertThat(parsed.positionalCount()).isEqualTo(names.size());
        assertThat(parsed.hasNamedParameters()).isEqualTo(!names.isEmpty());
    }

    @Property
    void positionalParametersAreLeftAsTheyAreAndTheHighestIsCounted(@ForAll("positionalStatements") List<Token> tokens) {
        String sql = join(tokens);
        int highest = 0;
        for (Token t : tokens) {
            if (t.text().matches("\\$[0-9]+")) {
                highest = Math.max(highest, Integer.parseInt(t.text().substring(1)));
            }
        }

        ParsedSql parsed = NamedParameters.parse(sql);

        assertThat(parsed.sql()).isEqualTo(sql);
        assertThat(parsed.names()).isEmpty();
        assertThat(parsed.positionalCount()).isEqualTo(highest);
    }

    @Property
    void namedAndPositionalTogetherAreRefused(@ForAll("statements") List<Token> tokens, @ForAll("parameterNames") String name,
            @ForAll("positions") int position) {
        String sql = join(tokens) + " :#" + name + " = $" + position;
        assertThatThrownBy(() -> NamedParameters.parse(sql)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mixes named");
    }

    /** What goes to a log: every string literal's content is gone; everything else is as it was. */
    @Property(tries = 2000)
    void maskingRemovesTheContentOfEveryStringLiteralAndNothingElse(@ForAll("statements") List<Token> tokens) {
        StringBuilder expected = new StringBuilder();
        for (Token t : tokens) {
            expected.append(expected.length() == 0 ? "" : " ");
            if (!t.stringLiteral()) {
                expected.append(t.text());
            } else if (t.text().startsWith("$")) {
                expected.append("$$?$$");
            } else {
                expected.append(t.text().startsWith("'") ? "'?'" : t.text().charAt(0) + "'?'"); // E'' keeps its E
            }
        }

        assertThat(SqlLexer.maskLiterals(join(tokens))).isEqualTo(expected.toString());
    }

    private static String join(List<Token> tokens) {
        StringBuilder sb = new StringBuilder();
        for (Token t : tokens) {
            sb.append(sb.length() == 0 ? "" : " ").append(t.text());
        }
        return sb.toString();
    }

    // generators: each token well formed by PostgreSQL's rules (scan.l)

    @Provide
    Arbitrary<List<Token>> statements() {
        Arbitrary<Token> parameter = parameterNames().map(n -> new Token(":#" + n, n, false));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, words()),
                net.jqwik.api.Tuple.of(4, parameter),
                net.jqwik.api.Tuple.of(6, skipped())).list().ofMaxSize(25);
    }

    @Provide
    Arbitrary<List<Token>> positionalStatements() {
        Arbitrary<Token> positional = positions().map(p -> Token.text("$" + p));
        return Arbitraries.oneOf(words(), positional, skipped()).list().ofMaxSize(25);
    }

    @Provide
    Arbitrary<String> parameterNames() {
        Arbitrary<Character> first = Arbitraries.chars().range('a', 'z').range('A', 'Z').with('_', 'é');
        Arbitrary<String> rest = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('_').ofMaxLength(8);
        return Combinators.combine(first, rest).as((f, r) -> f + r);
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(1, 99);
    }

    private static Arbitrary<Token> words() {
        return Arbitraries.of("SELECT", "FROM", "t", "WHERE", "a", "=", "(", ")", ",", "x::int", "::text", "+", "<>", "E", "e", ":", "#",
                "col$", "b2", "ä").map(Token::text);
    }

    /** The tokens whose content is never a parameter. */
    private static Arbitrary<Token> skipped() {
        return Arbitraries.oneOf(standardStrings(), escapeStrings(), dollarQuoted(), quotedIdentifiers(), lineComments(), blockComments(2));
    }

    private static Arbitrary<String> content(String... pieces) {
        return Arbitraries.of(pieces).list().ofMaxSize(8).map(l -> String.join("", l));
    }

    /** '...' with a quote doubled; a backslash is itself (standard_conforming_strings). */
    private static Arbitrary<Token> standardStrings() {
        return content("a", ":#x", ":#y", "''", "\"", "$$", "$q$", "--", "/*", "*/", "\\", ";", "\n", " ", ":").map(c -> Token.literal("'" + c + "'"));
    }

    /** E'...': a quote doubled or after a backslash, a backslash doubled or before a letter. */
    private static Arbitrary<Token> escapeStrings() {
        return Combinators.combine(Arbitraries.of("E", "e"), content("a", ":#x", "''", "\\'", "\\\\", "\\n", "\"", "$$", "--", "/*", " "))
                .as((e, c) -> Token.literal(e + "'" + c + "'"));
    }

    /** $tag$...$tag$, whose body does not hold its closing delimiter. */
    private static Arbitrary<Token> dollarQuoted() {
        return Combinators.combine(Arbitraries.of("", "q", "tag_1", "Ab"), content("a", ":#x", "'", "\"", "$", "$q", "--", "/*", "\n", " ", "E'"))
                .as((tag, c) -> "$" + tag + "$" + c + "|" + "$" + tag + "$")
                .filter(s -> {
                    String delim = s.substring(0, s.indexOf('$', 1) + 1);
                    String body = s.substring(delim.length(), s.indexOf('|', delim.length()));
                    return (body + delim).indexOf(delim) == body.length();
                })
                .map(s -> Token.literal(s.replace("|", "")));
    }

    /** "...", with a quote doubled. */
    private static Arbitrary<Token> quotedIdentifiers() {
        return content("a", ":#x", "\"\"", "'", "$$", "--", "/*", " ", "E'").filter(c -> !c.isEmpty()).map(c -> Token.text("\"" + c + "\""));
    }

    /** -- to the end of the line. */
    private static Arbitrary<Token> lineComments() {
        return content("a", ":#x", "'", "\"", "$$", "/*", "*/", " ", "E'").map(c -> Token.text("--" + c + "\n"));
    }

    /** /* ... *&#47;, nested. */
    private static Arbitrary<Token> blockComments(int depth) {
        Arbitrary<String> flat = content("a", ":#x", "'", "\"", "$$", "--", " ", "\n", "* ", "/ ", "E'");
        Arbitrary<String> body = depth == 0 ? flat
                : Combinators.combine(flat, blockComments(depth - 1).map(Token::text).optional(), flat)
                        .as((a, nested, b) -> a + nested.orElse("") + b);
        return body.map(c -> Token.text("/*" + c + "*/"));
    }
}
