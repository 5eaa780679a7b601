package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.covet.pg.client.HostPort;
import dev.covet.pg.client.PgUrl;
import dev.covet.pg.sql.NamedParameters;
import dev.covet.pg.sql.ParsedSql;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two parsers covetpg owns: libpq URLs and named parameters. Pure functions, no server needed. */
class ParsersTest {

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
    void urlsAreParsedLikeLibpq() {
        PgUrl u = PgUrl.parse("postgresql://al%40ice:p%3Ass@db.example.com:6543/sales?sslmode=verify-full&application_name=etl&connect_timeout=5");
        assertThat(u.host()).isEqualTo("db.example.com");
        assertThat(u.port()).isEqualTo(6543);
        assertThat(u.database()).isEqualTo("sales");
        assertThat(u.user()).isEqualTo("al@ice");
        assertThat(u.password()).isEqualTo("p:ss");
        assertThat(u.params()).containsEntry("sslmode", "verify-full").containsEntry("application_name", "etl");
        assertThat(u.toString()).doesNotContain("p:ss");

        PgUrl v6 = PgUrl.parse("postgres://[::1]:5433/db");
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6.port()).isEqualTo(5433);

        PgUrl several = PgUrl.parse("postgresql://u@h1,[::1]:5433,h3:6000/db?target_session_attrs=read-write");
        assertThat(several.host()).isEqualTo("h1");
        assertThat(several.port()).as("no port given for the first host").isNull();
        assertThat(several.moreHosts()).containsExactly(new HostPort("::1", 5433), new HostPort("h3", 6000));
        assertThat(several.params()).containsEntry("target_session_attrs", "read-write");

        PgUrl bare = PgUrl.parse("postgresql://");
        assertThat(bare.host()).isNull();
        assertThat(bare.port()).isNull();
    }

    @Test
    void badUrlsAreRefusedWithTheReasonAndNeverThePassword() {
        for (String bad : List.of("jdbc:postgresql://h/db", "postgresql://u:secret@h:99999/db", "postgresql://u:secret@h/db?sslmod=require",
                "postgresql://u:secret@h1,,h2/db", "postgresql://u:secret@h1,h2:0/db",
                "postgresql://u:secret@h/db?host=h1,h2")) {
            assertThatThrownBy(() -> PgUrl.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("secret");
        }
        assertThatThrownBy(() -> PgUrl.parse("postgresql://h/db?sslmod=require")).hasMessageContaining("unknown parameter 'sslmod'")
                .hasMessageContaining("sslmode");
        assertThat(PgUrl.redact("postgresql://u:secret@h/db?password=other")).doesNotContain("secret").doesNotContain("other");
    }
}
