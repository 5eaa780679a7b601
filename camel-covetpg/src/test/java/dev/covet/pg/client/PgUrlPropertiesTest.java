package dev.covet.pg.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.covet.pg.Samples;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Properties of the URL parser over open-ended input: whatever a user name, password or database
 * is, written percent-encoded it comes back as it was; whatever is wrong with a URL, the error is
 * an IllegalArgumentException that names what is wrong and never any part of the password.
 */
@Tag("fast")
class PgUrlPropertiesTest {

    /** Pieces that appear in no URL below except inside a password, so that finding one in a message is a leak. */
    private static final int TRIES = 250;

    private static final List<String> SECRET_PIECES = List.of("SeKr", "T0pX");

    @Test
    void everyPartWrittenPercentEncodedReadsBackAsItWas() {
        Samples.check(TRIES, r -> new Parts(host(r), port(r), anyText(r), anyText(r), nonEmptyText(r), anyText(r)), p -> {
            String url = "postgresql://" + encode(p.user()) + ":" + encode(p.password()) + "@" + p.host() + ":" + p.port() + "/"
                    + encode(p.database()) + "?application_name=" + encode(p.applicationName());

            PgUrl parsed = PgUrl.parse(url);

            assertThat(parsed.host()).isEqualTo(p.host().startsWith("[") ? p.host().substring(1, p.host().length() - 1) : p.host());
            assertThat(parsed.port()).isEqualTo(p.port());
            assertThat(parsed.user()).isEqualTo(p.user());
            assertThat(parsed.password()).isEqualTo(p.password());
            assertThat(parsed.database()).isEqualTo(p.database());
            assertThat(parsed.params()).containsExactly(java.util.Map.entry("application_name", p.applicationName()));
            assertThat(parsed.moreHosts()).isEmpty();
        }, new Parts("localhost", 1, "", "", "d", ""), new Parts("[::1]", 65535, "/?@:%&=#+ ,[]", "%25%zz", "é€\uD83D\uDE00", "a@b"),
                new Parts("0.0.0.0", 5432, "\0", "\0", "\u00ff", "\n"));
    }

    record Parts(String host, int port, String user, String password, String database, String applicationName) {
    }

    @Test
    void theHostsOfAMultiHostUrlKeepTheirOrderAndPorts() {
        Samples.check(TRIES, PgUrlPropertiesTest::hostList, hosts -> {
            StringBuilder list = new StringBuilder();
            for (HostPort h : hosts) {
                list.append(list.length() == 0 ? "" : ",").append(h);
            }

            PgUrl parsed = PgUrl.parse("postgresql://u@" + list + "/db");

            assertThat(new HostPort(parsed.host(), parsed.port())).isEqualTo(hosts.get(0));
            assertThat(parsed.moreHosts()).isEqualTo(hosts.subList(1, hosts.size()));
        }, List.of(new HostPort("h", 1)), List.of(new HostPort("::1", 65535), new HostPort("a", 5432), new HostPort("::1", 1)));
    }

    @Test
    void aPortOutsideOneTo65535IsRefusedNamingThePort() {
        Samples.check(TRIES, r -> new WithPassword(badPort(r), password(r)), c -> {
            for (String url : List.of("postgresql://u:" + encode(c.password()) + "@h:" + c.value() + "/db",
                    "postgresql://u:" + encode(c.password()) + "@h/db?port=" + encode(c.value()))) {
                Throwable failure = catchThrowable(() -> PgUrl.parse(url));

                assertThat(failure).as(url).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
                assertNoSecret(failure.getMessage());
            }
        }, new WithPassword("0", "SeKr"), new WithPassword("65536", "/T0pX"), new WithPassword("-1", "SeKr?"),
                new WithPassword(Long.toString(Long.MAX_VALUE), "SeKr"), new WithPassword(Long.toString(Long.MIN_VALUE), "SeKr"),
                new WithPassword("99999999999999999999", "SeKr"));
    }

    /** A value paired with a password that must never show. */
    record WithPassword(String value, String password) {
    }

    @Test
    void anUnknownParameterIsRefusedNamingItAndTheAllowedOnes() {
        Samples.check(TRIES, r -> new WithPassword(parameterName(r), password(r)), c -> {
            String url = "postgresql://u:" + encode(c.password()) + "@h/db?" + c.value() + "=1";

            Throwable failure = catchThrowable(() -> PgUrl.parse(url));

            assertThat(failure).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown parameter '" + c.value() + "'").hasMessageContaining("sslmode");
            assertNoSecret(failure.getMessage());
        }, new WithPassword("_", "SeKr"), new WithPassword("hosts", "T0pX&SeKr"));
    }

    /** Passwords of the characters that cut URLs apart, written raw, in URLs that are wrong in other ways too. */
    @Test
    void noOutcomeShowsAnyPartOfThePassword() {
        WithPassword[] everyTail = BROKEN_TAILS.stream().map(t -> new WithPassword(t, "/?@:SeKr%&=#T0pX")).toArray(WithPassword[]::new);
        Samples.check(4 * TRIES, r -> new WithPassword(Samples.pick(r, BROKEN_TAILS.toArray(String[]::new)), password(r)), c -> {
            String password = c.password();
            String tail = c.value();
            for (String url : List.of("postgresql://user:" + password + "@" + tail, "postgresql://user@" + tail + (tail.contains("?") ? "&" : "?") + "password=" + encode(password),
                    "postgres://user:" + password + "@h1,h2:5433/db" + tail)) {
                try {
                    PgUrl parsed = PgUrl.parse(url);
                    assertNoSecret(parsed.toString());
                } catch (IllegalArgumentException e) {
                    assertThat(e.getMessage()).as(url).startsWith("Invalid url");
                    assertNoSecret(e.getMessage());
                }
                assertNoSecret(PgUrl.redact(url));
            }
        }, everyTail);
    }

    private static void assertNoSecret(String text) {
        for (String piece : SECRET_PIECES) {
            assertThat(text).doesNotContain(piece);
        }
    }

    /** Percent-encodes every byte but RFC 3986's unreserved characters: an encoder independent of the parser's decoder. */
    static String encode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    // generators

    static String host(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> {
                List<String> labels = new ArrayList<>();
                for (int i = Samples.between(r, 1, 4); i > 0; i--) {
                    labels.add(Samples.suchThat(r, g -> Samples.text(g, 12, LABEL_CHARS), l -> !l.isEmpty() && !l.startsWith("-") && !l.endsWith("-")));
                }
                yield String.join(".", labels);
            }
            case 1 -> Samples.between(r, 0, 255) + "." + Samples.between(r, 0, 255) + "." + Samples.between(r, 0, 255) + "." + Samples.between(r, 0, 255);
            case 2 -> {
                List<String> groups = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    groups.add(Integer.toHexString(Samples.between(r, 0, 0xFFFF)));
                }
                yield "[" + String.join(":", groups) + "]";
            }
            default -> Samples.pick(r, "[::1]", "localhost");
        };
    }

    private static final String[] LABEL_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-".split("");

    /** 1 to 65535, often one of 1, 5432 and 65535. */
    static int port(Random r) {
        return r.nextInt(8) == 0 ? Samples.pick(r, 1, 5432, 65535) : Samples.between(r, 1, 65535);
    }

    static List<HostPort> hostList(Random r) {
        List<HostPort> hosts = new ArrayList<>();
        for (int i = Samples.between(r, 1, 5); i > 0; i--) {
            String h = host(r);
            hosts.add(new HostPort(h.startsWith("[") ? h.substring(1, h.length() - 1) : h, port(r)));
        }
        return hosts;
    }

    /** Any text, biased to the characters that mean something in a URL, and valid UTF-16 (a URL is UTF-8 text). */
    static String anyText(Random r) {
        return r.nextBoolean()
                ? Samples.text(r, 12, "/", "?", "@", ":", "%", "&", "=", "#", "+", " ", ",", "[", "]", "%25", "%zz", "é", "€", "\uD83D\uDE00", "a", "Z", "0")
                : Samples.unicode(r, 0, 20);
    }

    /** An empty path is no database (libpq's default applies), so a database has a name. */
    static String nonEmptyText(Random r) {
        return Samples.suchThat(r, PgUrlPropertiesTest::anyText, s -> !s.isEmpty());
    }

    private static final String[] CUT = {"/", "?", "@", ":", "%", "&", "=", "#", "[", "]", ",", "+", " ", "%2", "%zz", "x"};

    static String password(Random r) {
        String[] secret = SECRET_PIECES.toArray(String[]::new);
        return Samples.text(r, 5, CUT) + Samples.pick(r, secret) + Samples.text(r, 5, CUT) + Samples.text(r, 2, secret);
    }

    static String badPort(Random r) {
        if (r.nextBoolean()) {
            return Long.toString(Samples.suchThat(r, Samples::anyLong, p -> p < 1 || p > 65535));
        }
        // digits of other scripts too: Integer.parseInt alone reads "١٢٣" as 123, where libpq refuses it
        return Samples.pick(r, "", "x", "54 32", "5432x", "0x10", "+", "-", "1.5", "+5432", "١٢٣", "５４３２");
    }

    static String parameterName(Random r) {
        return Samples.suchThat(r, g -> "abcdefghijklmnopqrstuvwxyz_".charAt(g.nextInt(27)) + Samples.text(g, 19, "abcdefghijklmnopqrstuvwxyz_".split("")),
                k -> !PgUrl.KEYS.contains(k));
    }

    /** What follows the user info: a host part and the rest, right or wrong. */
    private static final List<String> BROKEN_TAILS = List.of("host:5432/db", "host:x/db", "host:0/db", "/db?bogus=1", "h1,,h2/db", "[::1/db",
            "host/d%zb", "host/db?sslmode=require&nope", "host/db?host=a,b", "host/db?port=99999", "", "?", "/", "h/db?application_name=x@y");
}
