package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.covet.pg.client.CovetPgConnectionException;
import dev.covet.pg.testdb.TestDatabase;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password authentication against a real PostgreSQL whose pg_hba.conf asks role pwuser for a
 * password by SCRAM-SHA-256 (PostgreSQL's default since 14), and proof that the password never
 * shows in what a user or a log sees.
 */
class AuthenticationTest extends PrivateServerTestSupport {

    /** Characters that need escaping in a URL, so the url test also proves the decoding. */
    static final String PASSWORD = "Right p@ss:w/rd%1";
    static final String WRONG_PASSWORD = "Wr0ng-Pa55word-7f3a";

    @TempDir
    static Path dir;
    static TestDatabase server;

    @BeforeAll
    static void startServer() throws IOException {
        Path hba = dir.resolve("pg_hba.conf");
        Files.writeString(hba, hbaForSetup() + """
                host all pwuser 127.0.0.1/32 scram-sha-256
                host all pwuser ::1/128 scram-sha-256
                """);
        server = TestDatabase.embedded(Map.of("hba_file", hba.toString(), "password_encryption", "scram-sha-256"));
        server.execute("CREATE ROLE pwuser LOGIN PASSWORD '" + PASSWORD.replace("'", "''") + "'");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private CamelContext newPwuserContext(String password, int minPoolSize) {
        return newContext(server, c -> {
            c.setUser("pwuser");
            c.setPassword(password);
            c.setMinPoolSize(minPoolSize);
        });
    }

    @Test
    void rightPasswordLogsInByScram() {
        CamelContext context = newPwuserContext(PASSWORD, 1);
        context.start();
        assertThat(value(context, "covetpg:query?sql=SELECT current_user&outputType=SelectValue", String.class))
                .isEqualTo("pwuser");
        // SYSTEM_USER names the method the server authenticated with: SCRAM, not trust
        assertThat(value(context, "covetpg:query?sql=SELECT system_user&outputType=SelectValue", String.class))
                .isEqualTo("scram-sha-256:pwuser");
    }

    @Test
    void wrongPasswordFailsStartWithAClearMessageThatHidesThePassword() {
        CamelContext context = newPwuserContext(WRONG_PASSWORD, 1);
        Throwable failure = catchStartFailure(context);
        CovetPgConnectionException e = causeOfType(failure, CovetPgConnectionException.class);
        assertThat(e.getMessage()).contains("refused user 'pwuser'", "check user and password");
        assertThat(e.getSqlState()).isEqualTo("28P01"); // invalid_password
        // messages, toStrings and causes, as a log would print them
        assertThat(stackTrace(failure)).doesNotContain(WRONG_PASSWORD);
    }

    @Test
    void wrongPasswordWithAnEmptyPoolFailsEachExchangeCleanly() {
        // minPoolSize=0: start opens nothing, so the context starts and each exchange meets the refusal
        CamelContext context = newPwuserContext(WRONG_PASSWORD, 0);
        context.start();
        for (int attempt = 1; attempt <= 2; attempt++) {
            // the second attempt proves the pool is not left stuck by the first: same answer, no hang
            Exchange out = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> send(context, "covetpg:query?sql=SELECT 1&outputType=SelectValue"), "attempt " + attempt);
            assertThat(out.getException()).as("attempt " + attempt).isInstanceOf(CovetPgConnectionException.class)
                    .hasMessageContaining("refused user 'pwuser'").hasMessageContaining("check user and password");
            assertThat(stackTrace(out.getException())).doesNotContain(WRONG_PASSWORD);
        }
        // the server is fine: the same user with the right password, in another context, gets in
        CamelContext right = newPwuserContext(PASSWORD, 1);
        right.start();
        assertThat(value(right, "covetpg:query?sql=SELECT current_user&outputType=SelectValue", String.class))
                .isEqualTo("pwuser");
    }

    @Test
    void noPasswordWhereTheServerAsksForOneSaysSo() {
        // SCRAM's client gives up before the server can refuse: the message must still say what to set
        CamelContext context = newPwuserContext(null, 1);
        CovetPgConnectionException e = causeOfType(catchStartFailure(context), CovetPgConnectionException.class);
        assertThat(e.getMessage()).contains("user 'pwuser'", "password", "none is set");
    }

    @Test
    void passwordInTheUrlWorksAndIsNeverShown() {
        String url = "postgresql://pwuser:" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8).replace("+", "%20")
                + "@127.0.0.1:" + server.port() + "/postgres";
        CamelContext context = newContext(server, c -> {
            c.setHost(null);
            c.setPort(null);
            c.setUser(null);
            c.setUrl(url);
        });
        context.start();
        assertThat(value(context, "covetpg:query?sql=SELECT current_user&outputType=SelectValue", String.class))
                .isEqualTo("pwuser");

        CovetPgComponent component = context.getComponent("covetpg", CovetPgComponent.class);
        String encoded = url.substring("postgresql://pwuser:".length(), url.indexOf('@'));
        assertThat(component.getConfiguration().toString())
                .contains("pwuser:xxxxxx@127.0.0.1")
                .doesNotContain(PASSWORD).doesNotContain(encoded);
        assertThat(component.getConfiguration().toClientSettings().toString()).doesNotContain(PASSWORD);
        assertThat(context.getEndpoint("covetpg:query?sql=SELECT 1").getEndpointUri())
                .doesNotContain(PASSWORD).doesNotContain(encoded);
    }

    @Test
    void wrongPasswordInTheUrlIsNotShownInTheError() {
        CamelContext context = newContext(server, c -> {
            c.setHost(null);
            c.setPort(null);
            c.setUser(null);
            c.setUrl("postgresql://pwuser:" + WRONG_PASSWORD + "@127.0.0.1:" + server.port() + "/postgres");
        });
        Throwable failure = catchStartFailure(context);
        assertThat(causeOfType(failure, CovetPgConnectionException.class)).hasMessageContaining("refused user 'pwuser'");
        assertThat(stackTrace(failure)).doesNotContain(WRONG_PASSWORD);
    }
}
