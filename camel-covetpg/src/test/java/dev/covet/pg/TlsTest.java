package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.CovetPgConnectionException;
import dev.covet.pg.testdb.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The six sslModes and client certificates against a real PostgreSQL with TLS on. The server's
 * certificate is signed by a CA that the JVM does not trust and names DNS {@code localhost} only.
 * Whether a connection is encrypted is what the server says in pg_stat_ssl, not what we hope.
 */
class TlsTest extends PrivateServerTestSupport {

    @TempDir
    static Path dir;
    static TestCertificates certs;
    static TestDatabase server;
    /** A server with TLS off, for the modes that must then fail rather than talk in plain text. */
    static TestDatabase plainServer;

    @BeforeAll
    static void startServer() throws IOException {
        certs = TestCertificates.createIn(dir, "certuser");
        Path hba = dir.resolve("pg_hba.conf");
        // postgres may come in with or without TLS; certuser only over TLS, with a certificate
        Files.writeString(hba, hbaForSetup() + """
                hostssl all certuser 127.0.0.1/32 cert
                hostssl all certuser ::1/128 cert
                hostssl all tlsonly 127.0.0.1/32 trust
                hostssl all tlsonly ::1/128 trust
                """);
        server = TestDatabase.embedded(Map.of(
                "ssl", "on",
                "ssl_cert_file", certs.serverCert.toString(),
                "ssl_key_file", certs.serverKey.toString(),
                "ssl_ca_file", certs.caCert.toString(), // to verify client certificates
                "hba_file", hba.toString()));
        server.execute("CREATE ROLE certuser LOGIN", "CREATE ROLE tlsonly LOGIN");
        plainServer = TestDatabase.embedded(Map.of("ssl", "off"));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
        if (plainServer != null) {
            plainServer.close();
        }
    }

    // the modes that verify nothing: whether TLS is used depends on the mode alone, since the server accepts both
    @ParameterizedTest(name = "sslMode={0} -> ssl={1}")
    @CsvSource({
            "disable, false",
            "allow,   false", // plain text first, and the server takes it
            "prefer,  true",
            "require, true", // the CA is not in the JVM trust store: require must not check it, as libpq does not
    })
    void modesThatDoNotVerifyTheServer(String sslMode, boolean expectEncrypted) {
        CamelContext context = startContext(server, c -> c.setSslMode(sslMode));
        assertThat(encrypted(context)).isEqualTo(expectEncrypted);
    }

    /** docs/security.md: allow starts in plain text, and turns to TLS when the plain attempt fails (hostssl lines only). */
    @Test
    void allowTurnsToTlsWhenTheServerRefusesPlainText() {
        CamelContext context = startContext(server, c -> {
            c.setUser("tlsonly");
            c.setSslMode("allow");
        });
        assertThat(encrypted(context)).isTrue();
    }

    /** docs/security.md: allow's TLS verifies the chain when sslRootCert is given. */
    @Test
    void allowWithARootCertVerifiesTheChainOfItsTls() {
        CamelContext trusted = startContext(server, c -> {
            c.setUser("tlsonly");
            c.setSslMode("allow");
            c.setSslRootCert(certs.caCert.toString());
        });
        assertThat(encrypted(trusted)).isTrue();
        CamelContext other = newContext(server, c -> {
            c.setUser("tlsonly");
            c.setSslMode("allow");
            c.setSslRootCert(certs.unrelatedCaCert.toString());
            c.setMinPoolSize(1);
        });
        assertThat(causeOfType(catchStartFailure(other), CovetPgConnectionException.class)).hasMessageContaining("TLS with")
                .hasMessageContaining("sslRootCert=" + certs.unrelatedCaCert);
    }

    @Test
    void preferFallsBackToPlainTextWhenTheServerHasNoTls() {
        CamelContext context = startContext(plainServer, c -> c.setSslMode("prefer"));
        assertThat(encrypted(context)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"require", "verify-ca"})
    void modesThatRequireTlsFailWhenTheServerHasNone(String sslMode) {
        CamelContext context = newContext(plainServer, c -> {
            c.setSslMode(sslMode);
            c.setSslRootCert(certs.caCert.toString());
        });
        CovetPgConnectionException e = causeOfType(catchStartFailure(context), CovetPgConnectionException.class);
        assertThat(e.getMessage()).contains("TLS with", "sslMode=" + sslMode, "does not offer TLS", "prefer");
    }

    @Test
    void verifyCaConnectsWithTheServersCa() {
        CamelContext context = startContext(server, c -> {
            c.setSslMode("verify-ca");
            c.setSslRootCert(certs.caCert.toString());
        });
        assertThat(encrypted(context)).isTrue();
    }

    @Test
    void verifyCaWithAnotherCaFailsAtStartAndNeverFallsBackToPlainText() {
        CamelContext context = newContext(server, c -> {
            c.setSslMode("verify-ca");
            c.setSslRootCert(certs.unrelatedCaCert.toString());
            c.setMinPoolSize(1);
        });
        // the server lets postgres in over plain text too, so a silent fallback would have started fine
        Throwable failure = catchStartFailure(context);
        CovetPgConnectionException e = causeOfType(failure, CovetPgConnectionException.class);
        assertThat(e.getMessage()).contains("TLS with", "failed", "sslMode=verify-ca",
                "chains to sslRootCert=" + certs.unrelatedCaCert);
    }

    @Test
    void verifyCaWithAnotherCaFailsTheExchangeWhenThePoolStartsEmpty() {
        // minPoolSize=0: nothing is checked at start, so the first exchange is where it shows;
        // a fallback to plain text would return ssl=false here instead of failing
        CamelContext context = startContext(server, c -> {
            c.setSslMode("verify-ca");
            c.setSslRootCert(certs.unrelatedCaCert.toString());
            c.setMinPoolSize(0);
        });
        Exchange out = send(context, SSL_IN_USE);
        assertThat(out.getException()).isInstanceOf(CovetPgConnectionException.class)
                .hasMessageContaining("TLS with").hasMessageContaining("sslMode=verify-ca");
        assertThat(out.getMessage().getBody()).isNull();
    }

    @Test
    void requireWithARootCertVerifiesTheChainAsLibpqDoes() {
        CamelContext context = newContext(server, c -> {
            c.setSslMode("require");
            c.setSslRootCert(certs.unrelatedCaCert.toString());
        });
        assertThat(causeOfType(catchStartFailure(context), CovetPgConnectionException.class))
                .hasMessageContaining("sslMode=require");
    }

    @Test
    void verifyFullConnectsToTheNameInTheCertificate() {
        CamelContext context = startContext(server, c -> {
            c.setHost("localhost");
            c.setSslMode("verify-full");
            c.setSslRootCert(certs.caCert.toString());
        });
        assertThat(encrypted(context)).isTrue();
    }

    @Test
    void verifyFullRefusesAHostTheCertificateDoesNotName() {
        // the certificate names DNS localhost only; 127.0.0.1 is the same server but not the same name
        CamelContext context = startContext(server, c -> {
            c.setHost("127.0.0.1");
            c.setSslMode("verify-full");
            c.setSslRootCert(certs.caCert.toString());
            c.setMinPoolSize(0);
        });
        Exchange out = send(context, SSL_IN_USE);
        assertThat(out.getException()).isInstanceOf(CovetPgConnectionException.class)
                .hasMessageContaining("TLS with").hasMessageContaining("sslMode=verify-full")
                .hasMessageContaining("names host '127.0.0.1'");
        assertThat(out.getMessage().getBody()).isNull();
    }

    @Test
    void verifyCaAlsoAcceptsTheIpAddressSinceItChecksNoName() {
        CamelContext context = startContext(server, c -> {
            c.setHost("127.0.0.1");
            c.setSslMode("verify-ca");
            c.setSslRootCert(certs.caCert.toString());
        });
        assertThat(encrypted(context)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"verify-ca", "verify-full"})
    void verifyingModesNeedSslRootCert(String sslMode) {
        CamelContext context = newContext(server, c -> c.setSslMode(sslMode));
        IllegalArgumentException e = causeOfType(catchStartFailure(context), IllegalArgumentException.class);
        assertThat(e.getMessage()).contains("sslRootCert", "sslMode=" + sslMode);
    }

    @Test
    void unknownSslModeNamesTheAllowedValues() {
        CamelContext context = newContext(server, c -> c.setSslMode("bogus"));
        IllegalArgumentException e = causeOfType(catchStartFailure(context), IllegalArgumentException.class);
        assertThat(e.getMessage()).contains("sslMode", "'bogus'",
                "disable, allow, prefer, require, verify-ca, verify-full");
    }

    @Test
    void sslModeFromTheUrl() {
        CamelContext context = startContext(server, c -> {
            c.setHost(null);
            c.setPort(null);
            c.setUrl("postgresql://postgres@127.0.0.1:" + server.port() + "/postgres?sslmode=require");
        });
        assertThat(encrypted(context)).isTrue();
    }

    @Test
    void verifyFullWithTheRootCertFromTheUrl() {
        CamelContext context = startContext(server, c -> {
            c.setHost(null);
            c.setPort(null);
            c.setUrl("postgresql://postgres@localhost:" + server.port() + "/postgres?sslmode=verify-full&sslrootcert="
                    + certs.caCert);
        });
        assertThat(encrypted(context)).isTrue();
    }

    @Test
    void sslModeOptionOverridesTheUrl() {
        CamelContext context = startContext(server, c -> {
            c.setUrl("postgresql://postgres@127.0.0.1:" + server.port() + "/postgres?sslmode=require");
            c.setSslMode("disable");
        });
        assertThat(encrypted(context)).isFalse();
    }

    // client certificates: the hba line "hostssl all certuser ... cert" admits certuser on its certificate alone

    @Test
    void clientCertificateLogsInAsItsCommonName() {
        CamelContext context = startContext(server, c -> {
            c.setHost("localhost");
            c.setUser("certuser");
            c.setSslMode("verify-full");
            c.setSslRootCert(certs.caCert.toString());
            c.setSslCert(certs.clientCert.toString());
            c.setSslKey(certs.clientKey.toString());
        });
        assertThat(value(context, "covetpg:query?sql=SELECT current_user&outputType=SelectValue", String.class))
                .isEqualTo("certuser");
        // SYSTEM_USER names the authentication method the server used
        assertThat(value(context, "covetpg:query?sql=SELECT system_user&outputType=SelectValue", String.class))
                .isEqualTo("cert:CN=certuser"); // the certificate's subject
        assertThat(encrypted(context)).isTrue();
    }

    @Test
    void withoutTheClientCertificateTheServerRefusesTheUser() {
        CamelContext context = newContext(server, c -> {
            c.setUser("certuser");
            c.setSslMode("require");
        });
        CovetPgConnectionException e = causeOfType(catchStartFailure(context), CovetPgConnectionException.class);
        assertThat(e.getMessage()).contains("refused user 'certuser'", "certificate");
        assertThat(e.getSqlState()).startsWith("28");
    }

    @Test
    void sslCertWithoutSslKeyIsRejectedAtStart() {
        CamelContext context = newContext(server, c -> {
            c.setUser("certuser");
            c.setSslMode("require");
            c.setSslCert(certs.clientCert.toString());
        });
        assertThat(causeOfType(catchStartFailure(context), IllegalArgumentException.class))
                .hasMessageContaining("sslCert/sslKey");
    }
}
