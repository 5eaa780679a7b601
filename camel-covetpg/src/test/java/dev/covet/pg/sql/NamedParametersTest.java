package dev.covet.pg.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Named parameters become positional ones outside literals and comments. A pure function, no server needed. */
@Tag("fast")
class NamedParametersTest {

    @Test
    void namedParametersBecomePositionalOutsideQuotesAndComments() {
        ParsedSql p = NamedParameters.parse("SELECT ':#no', \"a:#no\", $tag$ :#no $tag$, x::int -- :#no\n"
                + " FROM t WHERE a = :#a AND b = :#b_2 OR a = :#a /* :#no */");
        assertThat(p.sql()).isEqualTo("SELECT ':#no', \"a:#no\", $tag$ :#no $tag$, x::int -- :#no\n"
                + " FROM t WHERE a = $1 AND b = $2 OR a = $1 /* :#no */");
        assertThat(p.names()).containsExactly("a", "b_2");
        assertThat(p.positionalCount()).isEqualTo(2);
    }

    @Test
    void positionalParametersAreCounted() {
        ParsedSql p = NamedParameters.parse("SELECT $2, $1, '$9', col$3 FROM t");
        assertThat(p.names()).isEmpty();
        assertThat(p.positionalCount()).isEqualTo(2);
        assertThat(p.sql()).isEqualTo("SELECT $2, $1, '$9', col$3 FROM t");
    }

    @Test
    void mixingNamedAndPositionalIsRefused() {
        assertThatThrownBy(() -> NamedParameters.parse("SELECT :#a, $1")).hasMessageContaining("mixes named");
    }

    @Test
    void escapeStringsAndDoubledQuotesDoNotEndALiteral() {
        ParsedSql p = NamedParameters.parse("SELECT E'it\\'s :#no', 'o''k :#no', :#yes");
        assertThat(p.names()).containsExactly("yes");
    }

    @Test
    void aDollarInsideAnIdentifierIsNeitherAParameterNorADollarQuote() {
        ParsedSql parsed = NamedParameters.parse("SELECT price$eur$, a$1 FROM t WHERE id = :#id");
        assertThat(parsed.sql()).isEqualTo("SELECT price$eur$, a$1 FROM t WHERE id = $1");
        assertThat(parsed.names()).containsExactly("id");
    }

    @Test
    void whatFollowsACarriageReturnAfterALineCommentIsSql() {
        ParsedSql parsed = NamedParameters.parse("SELECT * FROM t -- by id\rWHERE id = :#id");
        assertThat(parsed.sql()).isEqualTo("SELECT * FROM t -- by id\rWHERE id = $1");
        assertThat(parsed.names()).containsExactly("id");
    }

    @Test
    void aTypeNameEndingInEBeforeAQuoteOpensAStandardString() {
        ParsedSql parsed = NamedParameters.parse("SELECT time'10:00', text'C:\\' WHERE id = :#id AND note = E'it\\'s :#not'");
        assertThat(parsed.sql()).isEqualTo("SELECT time'10:00', text'C:\\' WHERE id = $1 AND note = E'it\\'s :#not'");
        assertThat(parsed.names()).containsExactly("id");
    }
}
