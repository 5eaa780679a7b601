package dev.covet.pg.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.covet.pg.Samples;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

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

    private static final int TRIES = 300;

    /** A piece of a statement: its text, and for a parameter its name. */
    record Token(String text, String parameter, boolean stringLiteral) {
        static Token text(String text) {
            return new Token(text, null, false);
        }

        static Token literal(String text) {
            return new Token(text, null, true);
        }

        static Token parameter(String name) {
            return new Token(":#" + name, name, false);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** Statements of every kind of token, each one alone and all together, a parameter repeated, and none at all. */
    @SuppressWarnings("unchecked")
    private static final List<Token>[] EDGES = new List[] {List.of(), List.of(Token.parameter("a"), Token.text("="), Token.parameter("b"),
            Token.text(","), Token.parameter("a")), List.of(Token.literal("':#x'"), Token.parameter("x")), List.of(Token.literal("E'\\':#x'"),
            Token.parameter("x")), List.of(Token.literal("$q$:#x $$ $q$"), Token.parameter("q")), List.of(Token.text("\":#x\"\"\""),
            Token.parameter("_")), List.of(Token.text("--:#x\n"), Token.parameter("é")), List.of(Token.text("/* a /* :#x */ ' */"),
            Token.parameter("Z9")), List.of(Token.text("x::int"), Token.text(":"), Token.text("#"), Token.parameter("y"))};

    @Test
    void parametersOutsideLiteralsAndCommentsBecomeDollarNInOrderAndNothingElseChanges() {
        Samples.check(3 * TRIES, NamedParametersPropertiesTest::statement, tokens -> {
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
        }, EDGES);
    }

    @Test
    void positionalParametersAreLeftAsTheyAreAndTheHighestIsCounted() {
        Samples.<List<Token>>check(TRIES, NamedParametersPropertiesTest::positionalStatement, tokens -> {
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
        }, List.of(), List.of(Token.text("$1")), List.of(Token.text("$99"), Token.text("="), Token.text("$1")),
                List.of(Token.literal("'$7'"), Token.text("$2")), List.of(Token.text("col$"), Token.text("$3")));
    }

    /** A statement, and a named and a positional parameter added to it. */
    record Mixed(List<Token> tokens, String name, int position) {
    }

    @Test
    void namedAndPositionalTogetherAreRefused() {
        Samples.check(TRIES, r -> new Mixed(statement(r), parameterName(r), position(r)), m -> {
            String sql = join(m.tokens()) + " :#" + m.name() + " = $" + m.position();
            assertThatThrownBy(() -> NamedParameters.parse(sql)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mixes named");
        }, new Mixed(List.of(), "a", 1), new Mixed(List.of(Token.literal("'x'")), "_", 99));
    }

    /** What goes to a log: every string literal's content is gone; everything else is as it was. */
    @Test
    void maskingRemovesTheContentOfEveryStringLiteralAndNothingElse() {
        Samples.check(3 * TRIES, NamedParametersPropertiesTest::statement, tokens -> {
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
        }, EDGES);
    }

    private static String join(List<Token> tokens) {
        StringBuilder sb = new StringBuilder();
        for (Token t : tokens) {
            sb.append(sb.length() == 0 ? "" : " ").append(t.text());
        }
        return sb.toString();
    }

    // generators: each token well formed by PostgreSQL's rules (scan.l)

    /** Up to 25 tokens: words, parameters and skipped tokens, 4 to 4 to 6. */
    static List<Token> statement(Random r) {
        List<Token> tokens = new ArrayList<>();
        for (int i = r.nextInt(26); i > 0; i--) {
            int kind = r.nextInt(14);
            tokens.add(kind < 4 ? word(r) : kind < 8 ? Token.parameter(parameterName(r)) : skipped(r));
        }
        return tokens;
    }

    static List<Token> positionalStatement(Random r) {
        List<Token> tokens = new ArrayList<>();
        for (int i = r.nextInt(26); i > 0; i--) {
            tokens.add(switch (r.nextInt(3)) {
                case 0 -> word(r);
                case 1 -> Token.text("$" + position(r));
                default -> skipped(r);
            });
        }
        return tokens;
    }

    private static final String[] FIRST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_é".split("");

    private static final String[] REST = "abcdefghijklmnopqrstuvwxyz0123456789_".split("");

    static String parameterName(Random r) {
        return Samples.pick(r, FIRST) + Samples.text(r, 8, REST);
    }

    static int position(Random r) {
        return Samples.between(r, 1, 99);
    }

    private static Token word(Random r) {
        return Token.text(Samples.pick(r, "SELECT", "FROM", "t", "WHERE", "a", "=", "(", ")", ",", "x::int", "::text", "+", "<>", "E", "e", ":", "#",
                "col$", "b2", "ä"));
    }

    /** The tokens whose content is never a parameter. */
    private static Token skipped(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> standardString(r);
            case 1 -> escapeString(r);
            case 2 -> dollarQuoted(r);
            case 3 -> quotedIdentifier(r);
            case 4 -> lineComment(r);
            default -> blockComment(r, 2);
        };
    }

    private static String content(Random r, String... pieces) {
        return Samples.text(r, 8, pieces);
    }

    /** '...' with a quote doubled; a backslash is itself (standard_conforming_strings). */
    private static Token standardString(Random r) {
        return Token.literal("'" + content(r, "a", ":#x", ":#y", "''", "\"", "$$", "$q$", "--", "/*", "*/", "\\", ";", "\n", " ", ":") + "'");
    }

    /** E'...': a quote doubled or after a backslash, a backslash doubled or before a letter. */
    private static Token escapeString(Random r) {
        return Token.literal(Samples.pick(r, "E", "e") + "'" + content(r, "a", ":#x", "''", "\\'", "\\\\", "\\n", "\"", "$$", "--", "/*", " ") + "'");
    }

    /** $tag$...$tag$, whose body does not hold its closing delimiter. */
    private static Token dollarQuoted(Random r) {
        String delim = "$" + Samples.pick(r, "", "q", "tag_1", "Ab") + "$";
        String body = Samples.suchThat(r, g -> content(g, "a", ":#x", "'", "\"", "$", "$q", "--", "/*", "\n", " ", "E'"),
                b -> (b + delim).indexOf(delim) == b.length());
        return Token.literal(delim + body + delim);
    }

    /** "...", with a quote doubled. */
    private static Token quotedIdentifier(Random r) {
        return Token.text("\"" + Samples.suchThat(r, g -> content(g, "a", ":#x", "\"\"", "'", "$$", "--", "/*", " ", "E'"), c -> !c.isEmpty()) + "\"");
    }

    /** -- to the end of the line. */
    private static Token lineComment(Random r) {
        return Token.text("--" + content(r, "a", ":#x", "'", "\"", "$$", "/*", "*/", " ", "E'") + "\n");
    }

    /** /* ... *&#47;, nested, here and there. */
    private static Token blockComment(Random r, int depth) {
        String[] flat = {"a", ":#x", "'", "\"", "$$", "--", " ", "\n", "* ", "/ ", "E'"};
        String body = depth == 0 || r.nextInt(3) == 0 ? content(r, flat)
                : content(r, flat) + blockComment(r, depth - 1).text() + content(r, flat);
        return Token.text("/*" + body + "*/");
    }
}
