package dev.covet.pg.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.covet.pg.Samples;
import org.junit.jupiter.api.Test;

/** A URL's errors never quote any part of its password, however the password is written. */
class PgUrlTest {

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
}
