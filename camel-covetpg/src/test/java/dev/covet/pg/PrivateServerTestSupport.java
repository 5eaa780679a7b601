package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.covet.pg.testdb.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

/**
 * For tests that need a server configured unlike the shared one (TLS, pg_hba.conf): Camel
 * contexts whose covetpg component is set up from scratch, host and port included, so nothing of
 * the shared test database leaks in. Contexts are stopped after each test, as the base class does
 * for all.
 */
abstract class PrivateServerTestSupport extends CovetPgTestSupport {

    /** Whether the connection that runs it is encrypted, as the server sees it. */
    static final String SSL_IN_USE = "covetpg:query?sql=SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()&outputType=SelectValue";

    /** pg_hba.conf lines that let the embedded server's own start-up check and the tests' JDBC set-up in. */
    static String hbaForSetup() {
        return """
                local all all trust
                host all postgres 127.0.0.1/32 trust
                host all postgres ::1/128 trust
                """;
    }

    /** A context, not started, whose component connects to {@code server} as postgres, then as {@code config} says. */
    CamelContext newContext(TestDatabase server, Consumer<CovetPgConfiguration> config) {
        CovetPgComponent component = new CovetPgComponent();
        CovetPgConfiguration c = component.getConfiguration();
        c.setHost(server.host());
        c.setPort(server.port());
        c.setDatabase("postgres");
        c.setUser("postgres");
        config.accept(c);
        return newContext(component);
    }

    CamelContext startContext(TestDatabase server, Consumer<CovetPgConfiguration> config) {
        CamelContext context = newContext(server, config);
        context.start();
        return context;
    }

    /** Starts {@code context}, which must fail, and returns what it threw. */
    static Throwable catchStartFailure(CamelContext context) {
        Throwable failure = catchThrowable(context::start);
        assertThat(failure).as("failure of context start").isNotNull();
        return failure;
    }

    static Exchange send(CamelContext context, String uri) {
        return context.createProducerTemplate().send(uri, e -> { });
    }

    /** Runs {@code uri}, which must succeed, and returns its body. */
    static <T> T value(CamelContext context, String uri, Class<T> type) {
        Exchange out = send(context, uri);
        assertThat(out.getException()).as("exchange failure").isNull();
        return out.getMessage().getBody(type);
    }

    static boolean encrypted(CamelContext context) {
        Boolean ssl = value(context, SSL_IN_USE, Boolean.class);
        assertThat(ssl).as("pg_stat_ssl.ssl of the connection").isNotNull();
        return ssl;
    }

    /** The first exception of {@code type} in the cause chain, as Camel wraps start-up failures. */
    static <T extends Throwable> T causeOfType(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("expected a " + type.getSimpleName() + " in the cause chain of:\n" + stackTrace(failure));
    }

    /** Everything a log would show of {@code failure}: messages, toStrings and causes. */
    static String stackTrace(Throwable failure) {
        StringWriter out = new StringWriter();
        failure.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

}
