package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.CovetPgConnectionException;
import dev.covet.pg.testdb.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * requireAuth and channelBinding against a real PostgreSQL with TLS, whose pg_hba.conf gives each
 * role another method: the server that asks for the password in clear text is what an attacker
 * who poses as the server would do. A proxy in front of it keeps what covetpg sent, as an
 * eavesdropper would, so the tests see whether the password went out, not only whether the
 * start failed.
 */
class AuthenticationRequirementsTest extends PrivateServerTestSupport {

    static final String PASSWORD = "Guarded-Pa55word-61c2";

    @TempDir
    static Path dir;
    static TestDatabase server;

    @BeforeAll
    static void startServer() throws Exception {
        TestCertificates certs = TestCertificates.createIn(dir, "unused");
        Path hba = dir.resolve("pg_hba.conf");
        StringBuilder lines = new StringBuilder(hbaForSetup());
        for (String[] user : new String[][] {{"scramuser", "scram-sha-256"}, {"md5user", "md5"}, {"clearuser", "password"},
                {"trustuser", "trust"}}) {
            lines.append("host all ").append(user[0]).append(" 127.0.0.1/32 ").append(user[1]).append('\n');
            lines.append("host all ").append(user[0]).append(" ::1/128 ").append(user[1]).append('\n');
        }
        Files.writeString(hba, lines.toString());
        server = TestDatabase.embedded(Map.of(
                "ssl", "on",
                "ssl_cert_file", certs.serverCert.toString(),
                "ssl_key_file", certs.serverKey.toString(),
                "hba_file", hba.toString(),
                "password_encryption", "scram-sha-256"));
        server.execute("CREATE ROLE scramuser LOGIN PASSWORD '" + PASSWORD + "'");
        server.execute("CREATE ROLE clearuser LOGIN PASSWORD '" + PASSWORD + "'");
        server.execute("CREATE ROLE trustuser LOGIN");
        // a SCRAM verifier would make the md5 line use SCRAM: the md5 hash is given as the server stores it
        byte[] md5 = MessageDigest.getInstance("MD5").digest((PASSWORD + "md5user").getBytes(StandardCharsets.UTF_8));
        server.execute("CREATE ROLE md5user LOGIN PASSWORD 'md5" + HexFormat.of().formatHex(md5) + "'");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private CamelContext context(String user, int port, Consumer<dev.covet.pg.CovetPgConfiguration> more) {
        return newContext(server, c -> {
            c.setUser(user);
            c.setPassword(PASSWORD);
            c.setPort(port);
            c.setMinPoolSize(1);
            more.accept(c);
        });
    }

    private static boolean contains(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }

    private static String systemUser(CamelContext context) {
        return value(context, "covetpg:query?sql=SELECT system_user&outputType=SelectValue", String.class);
    }

    @Test
    void aServerThatAsksForTheClearPasswordIsLeftBeforeThePasswordIsSent() throws IOException {
        try (TcpProxy eavesdropper = new TcpProxy(server.host(), server.port())) {
            CamelContext guarded = context("clearuser", eavesdropper.port(), c -> {
                c.setSslMode("disable");
                c.setRequireAuth("scram-sha-256");
            });
            CovetPgConnectionException e = causeOfType(catchStartFailure(guarded), CovetPgConnectionException.class);
            assertThat(e.getMessage()).contains("did not authenticate", "the password in clear text",
                    "requireAuth=scram-sha-256", "clearuser@");
            assertThat(stackTrace(e)).doesNotContain(PASSWORD);
            assertThat(contains(eavesdropper.sentByClients(), "clearuser")).as("the StartupMessage went out").isTrue();
            assertThat(contains(eavesdropper.sentByClients(), PASSWORD)).as("the password went out").isFalse();
        }
        // the same without requireAuth: the driver answers, and the eavesdropper reads the password
        try (TcpProxy eavesdropper = new TcpProxy(server.host(), server.port())) {
            CamelContext unguarded = context("clearuser", eavesdropper.port(), c -> c.setSslMode("disable"));
            unguarded.start();
            assertThat(systemUser(unguarded)).isEqualTo("password:clearuser");
            assertThat(contains(eavesdropper.sentByClients(), PASSWORD)).isTrue();
        }
    }

    @Test
    void eachMethodIsAllowedOrRefusedAsRequireAuthSays() {
        // allowed: the server authenticated with the method named
        CamelContext md5 = context("md5user", server.port(), c -> c.setRequireAuth("md5"));
        md5.start();
        assertThat(systemUser(md5)).isEqualTo("md5:md5user");
        CamelContext scram = context("scramuser", server.port(), c -> c.setRequireAuth("!password,!md5"));
        scram.start();
        assertThat(systemUser(scram)).isEqualTo("scram-sha-256:scramuser");
        CamelContext trust = context("trustuser", server.port(), c -> c.setRequireAuth("none"));
        trust.start();
        assertThat(value(trust, "covetpg:query?sql=SELECT current_user&outputType=SelectValue", String.class))
                .isEqualTo("trustuser");

        // refused, each with what the server asked for
        assertRefused(context("md5user", server.port(), c -> c.setRequireAuth("scram-sha-256")), "an MD5 hash");
        assertRefused(context("clearuser", server.port(), c -> c.setRequireAuth("!password")), "the password in clear text");
        assertRefused(context("scramuser", server.port(), c -> c.setRequireAuth("md5,password")), "SCRAM-SHA-256");
        assertRefused(context("trustuser", server.port(), c -> c.setRequireAuth("scram-sha-256")), "asked for nothing");
        assertRefused(context("trustuser", server.port(), c -> c.setRequireAuth("!none")), "asked for nothing");
    }

    @Test
    void requireAuthAndChannelBindingFromTheUrl() {
        assertRefused(urlContext("clearuser", "require_auth=scram-sha-256&sslmode=require"), "requireAuth=scram-sha-256");
        assertRefused(urlContext("scramuser", "channel_binding=require&sslmode=disable"), "channelBinding=require");
    }

    private CamelContext urlContext(String user, String query) {
        return newContext(server, c -> {
            c.setHost(null);
            c.setPort(null);
            c.setUser(null);
            c.setPassword(PASSWORD);
            c.setUrl("postgresql://" + user + "@127.0.0.1:" + server.port() + "/postgres?" + query);
        });
    }

    @Test
    void channelBindingNeedsScramPlusOverTls() {
        // over TLS the server offers SCRAM-SHA-256-PLUS: the driver must choose it, finish it, and log in
        CamelContext bound = context("scramuser", server.port(), c -> {
            c.setSslMode("require");
            c.setChannelBinding("require");
        });
        bound.start();
        assertThat(systemUser(bound)).isEqualTo("scram-sha-256:scramuser");
        assertThat(encrypted(bound)).isTrue();

        assertRefused(context("scramuser", server.port(), c -> {
            c.setSslMode("disable");
            c.setChannelBinding("require");
        }), "no TLS to bind SCRAM to");
        assertRefused(context("clearuser", server.port(), c -> {
            c.setSslMode("require");
            c.setChannelBinding("require");
        }), "not SCRAM with channel binding");
        assertRefused(context("md5user", server.port(), c -> {
            c.setSslMode("require");
            c.setChannelBinding("require");
        }), "not SCRAM with channel binding");
        // trust: nothing proves the server knows the password, so nothing proves it is the server
        assertRefused(context("trustuser", server.port(), c -> {
            c.setSslMode("require");
            c.setChannelBinding("require");
        }), "asked for nothing");
    }

    @Test
    void aRefusalIsNotRetriedAndEachExchangeMeetsItWithAnEmptyPool() {
        try (LogCapture log = new LogCapture()) {
            CamelContext context = context("clearuser", server.port(), c -> {
                c.setMinPoolSize(0);
                c.setMaxRetries(3);
                c.setRequireAuth("scram-sha-256");
            });
            context.start();
            for (int attempt = 1; attempt <= 2; attempt++) {
                Exchange out = send(context, "covetpg:query?sql=SELECT 1&outputType=SelectValue");
                assertThat(out.getException()).as("attempt " + attempt).isInstanceOf(CovetPgConnectionException.class)
                        .hasMessageContaining("the password in clear text");
            }
            assertThat(log.lines("Retry")).as("a refusal is final").isEmpty();
        }
    }

    @Test
    void theServerChecksOfSeveralHostsAreGuardedToo() throws IOException {
        // (they run on connections of their own, so an unguarded one would leak the password although the pool's are guarded)
        // with two hosts covetpg asks each for its role on a connection of its own, outside the pools
        try (TcpProxy first = new TcpProxy(server.host(), server.port());
             TcpProxy second = new TcpProxy(server.host(), server.port())) {
            CamelContext context = context("clearuser", first.port(), c -> {
                c.setSslMode("disable");
                c.setMinPoolSize(0);
                c.setReplicas("127.0.0.1:" + second.port());
                c.setRequireAuth("scram-sha-256");
            });
            context.start(); // with several servers one that cannot be reached does not stop the start
            Exchange out = send(context, "covetpg:query?sql=SELECT 1&outputType=SelectValue");
            assertThat(out.getException()).isInstanceOf(CovetPgConnectionException.class);
            assertThat(contains(first.sentByClients(), "clearuser")).as("the check reached the first host").isTrue();
            assertThat(contains(second.sentByClients(), "clearuser")).as("the check reached the second host").isTrue();
            assertThat(contains(first.sentByClients(), PASSWORD)).isFalse();
            assertThat(contains(second.sentByClients(), PASSWORD)).isFalse();
        }
    }

    @Test
    void theStartWarningSaysWhatIsLeftAtStake() {
        try (LogCapture log = new LogCapture()) {
            context("scramuser", server.port(), c -> c.setSslMode("prefer")).start();
            assertThat(log.lines("covetpg sends the password")).singleElement().asString().contains("in clear text",
                    "channelBinding=require", "requireAuth=scram-sha-256");
        }
        try (LogCapture log = new LogCapture()) {
            context("scramuser", server.port(), c -> c.setRequireAuth("scram-sha-256")).start();
            assertThat(log.lines("covetpg sends the password")).isEmpty();
            assertThat(log.lines("authenticates scramuser by SCRAM")).singleElement().asString().contains("never sent",
                    "channelBinding=require");
        }
        try (LogCapture log = new LogCapture()) {
            context("scramuser", server.port(), c -> {
                c.setSslMode("require");
                c.setChannelBinding("require");
            }).start();
            assertThat(log.lines("covetpg sends the password")).isEmpty();
            assertThat(log.lines("by SCRAM to a server")).isEmpty();
        }
    }

    @Test
    void wrongOptionsFailAtStartNamingTheOptionAndTheAllowedValues() {
        IllegalArgumentException e = causeOfType(catchStartFailure(context("scramuser", server.port(),
                c -> c.setRequireAuth("scram"))), IllegalArgumentException.class);
        assertThat(e.getMessage()).contains("requireAuth 'scram'", "scram-sha-256");
        e = causeOfType(catchStartFailure(context("scramuser", server.port(), c -> c.setChannelBinding("disable"))),
                IllegalArgumentException.class);
        assertThat(e.getMessage()).contains("channelBinding 'disable'", "prefer and require");
    }

    private static void assertRefused(CamelContext context, String why) {
        CovetPgConnectionException e = causeOfType(catchStartFailure(context), CovetPgConnectionException.class);
        assertThat(e.getMessage()).contains("did not authenticate", why);
        assertThat(stackTrace(e)).doesNotContain(PASSWORD);
    }
}
