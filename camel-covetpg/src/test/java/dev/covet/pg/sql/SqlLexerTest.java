package dev.covet.pg.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Literals are masked, whatever their form, before a statement goes into a log. */
@Tag("fast")
class SqlLexerTest {

    @Test
    void everyFormOfStringLiteralIsMasked() {
        assertThat(SqlLexer.maskLiterals("SELECT 'ada''s secret', E'it\\'s secret', $$secret$$, $t$se$$cret$t$ FROM x WHERE a = $1"))
                .isEqualTo("SELECT '?', E'?', $$?$$, $$?$$ FROM x WHERE a = $1")
                .doesNotContain("secret");
    }

    @Test
    void quotedNamesAndCommentsStayAndALiteralInThemIsNoLiteral() {
        assertThat(SqlLexer.maskLiterals("SELECT \"it's\" -- don't\nFROM t /* 'x' */")).isEqualTo("SELECT \"it's\" -- don't\nFROM t /* 'x' */");
    }

    @Test
    void aLongLiteralDoesNotOverflowTheStack() {
        // a regular expression recursed once per character here
        String sql = "INSERT INTO t VALUES ('" + "x''".repeat(200_000) + "')";
        assertThat(SqlLexer.maskLiterals(sql)).isEqualTo("INSERT INTO t VALUES ('?')");
    }

    @Test
    void aCarriageReturnAloneEndsALineCommentAsItDoesForTheServer() {
        // the server runs "SELECT 1 -- c\r+ 1" as 1 + 1: what follows the \r is SQL, and its literal is masked
        assertThat(SqlLexer.maskLiterals("SELECT 1 -- c\r, 'secret'")).isEqualTo("SELECT 1 -- c\r, '?'");
    }

    @Test
    void aWordEndingInEBeforeAQuoteIsATypeNameNotAnEscapeStringPrefix() {
        // time'C:\' is the type time and a standard string, in which the backslash is a plain character
        assertThat(SqlLexer.maskLiterals("SELECT time'C:\\', 'secret', e'it\\'s', (E'x\\'y')"))
                .isEqualTo("SELECT time'?', '?', e'?', (E'?')");
    }
}
