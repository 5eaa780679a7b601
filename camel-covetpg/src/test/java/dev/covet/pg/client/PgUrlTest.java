package dev.covet.pg.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.covet.pg.Samples;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** URLs are parsed like libpq's, and a URL's errors never quote any part of its password, however the password is written. */
@Tag("fast")
class PgUrlTest {

    @Test
    void anAtInTheQueryDoesNotLetAPasswordsSlashOrQuestionMarkThrough() {
        // an unencoded '/' or '?' in the password, and an '@' in a query value: once the database
        // "SeKr@h/db" and the unknown parameter 'SeKr', both shown in messages
        for (String url : List.of("postgresql://user:SeKr@/SeKr@h/db?application_name=x@y", "postgresql://user:?SeKr=x@host/db",
                "postgresql://user:?port=SeKr@host/db")) {
            assertThatThrownBy(() -> PgUrl.parse(url)).as(url).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Invalid url").hasMessageNotContaining("SeKr");
        }
        // an '@' in a query value stays allowed where nothing is ambiguous
        assertThat(PgUrl.parse("postgresql://u:pw@h/db?application_name=etl@box").params()).containsEntry("application_name", "etl@box");
        assertThat(PgUrl.parse("postgresql://h/db?application_name=etl@box").database()).isEqualTo("db");
        assertThat(PgUrl.parse("postgresql://u@h/d%40b?application_name=etl@box").database()).isEqualTo("d@b");
    }

    @Test
    void aPortIsAsciiDigitsOnly() {
        for (String url : List.of("postgresql://h:\u0661\u0662\u0663/db", "postgresql://h/db?port=\u0661\u0662\u0663", "postgresql://h:+5432/db")) {
            assertThatThrownBy(() -> PgUrl.parse(url)).as(url).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        }
        assertThat(PgUrl.parse("postgresql://h:5433/db").port()).isEqualTo(5433);
    }

    @Test
    void aSlashOrQuestionMarkInAPasswordIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> PgUrl.parse("postgresql://u:Qz/Wk@h/db")).hasMessageNotContaining("Qz")
                .hasMessageNotContaining("Wk").hasMessageContaining("percent-encode");
        assertThatThrownBy(() -> PgUrl.parse("postgresql://u:1Q3?Zk@h/db")).hasMessageNotContaining("1Q3")
                .hasMessageNotContaining("Zk").hasMessageContaining("percent-encode");
    }

    @Test
    void aStrayPercentNamesThePartNotItsCharacters() {
        assertThatThrownBy(() -> PgUrl.parse("postgresql://u:ab%zzcd@h/db")).hasMessageContaining("password has a '%'")
                .hasMessageNotContaining("zz").hasMessageNotContaining("ab");
    }

    @Test
    void anAtInAQueryValueIsNoUserInfo() {
        PgUrl url = PgUrl.parse("postgresql://h:5433/db?application_name=etl@box");
        assertThat(url.host()).isEqualTo("h");
        assertThat(url.params()).containsEntry("application_name", "etl@box");
        assertThat(PgUrl.parse("postgresql://u:p%2Fq%3F@h/db").password()).isEqualTo("p/q?");
    }

    @Test
    void noErrorQuotesAnyPartOfAPassword() {
        // passwords of the characters that cut URLs apart, in URLs that are wrong in every other way too
        Samples.check(500, r -> Samples.text(r, 12, "/", "?", "@", ":", "%", "&", "=", "#", "secret", "S3", "x", "[", "]"), password -> {
            for (String url : new String[] {"postgresql://user:" + password + "@host:5432/db", "postgresql://user:" + password + "@host:x/db",
                    "postgresql://user:" + password + "@/db?bogus=1"}) {
                try {
                    PgUrl parsed = PgUrl.parse(url);
                    assertThat(parsed.toString()).doesNotContain("secret");
                } catch (IllegalArgumentException e) {
                    assertThat(e.getMessage()).as(url).doesNotContain("secret").doesNotContain("S3");
                }
            }
        });
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
