package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.covet.pg.client.CovetPgConnectionException;
import dev.covet.pg.client.CovetPgPoolExhaustedException;
import dev.covet.pg.client.CovetPgTimeoutException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

/** Each component option, shown by its effect on a real server. */
class ComponentOptionsTest extends CovetPgTestSupport {

    private static Object value(CamelContext context, String sql) {
        Exchange out = send(context, "covetpg:query?outputType=SelectValue&sql=RAW(" + sql + ")", null);
        if (out.getException() != null) {
            throw new AssertionError("query failed: " + sql, out.getException());
        }
        return out.getMessage().getBody();
    }

    private static long connectionsNamed(String applicationName) {
        return (Long) db.queryValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + applicationName + "'");
    }

    @Test
    void serverSettingsAreSetOnEveryConnection() throws Exception {
        CamelContext context = startContext(c -> {
            c.getServerSettings().put("timezone", "Pacific/Chatham");
            c.getServerSettings().put("search_path", "pg_catalog, public");
        });
        assertThat(value(context, "SHOW timezone")).isEqualTo("Pacific/Chatham");
        assertThat(value(context, "SHOW search_path")).isEqualTo("pg_catalog, public");
        // the driver's own defaults are kept (replacing them would change DateStyle and encodings)
        assertThat(value(context, "SHOW client_encoding")).isEqualTo("UTF8");
    }

    @Test
    void applicationNameIsSeenInPgStatActivity() throws Exception {
        CamelContext context = startContext(c -> c.setApplicationName("etl-orders"));
        assertThat(value(context, "SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()")).isEqualTo("etl-orders");
    }

    @Test
    void applicationNameDefaultsToCamelCovetpgAndComesFromTheUrl() throws Exception {
        CamelContext byDefault = startContext(c -> { });
        assertThat(value(byDefault, "SHOW application_name")).isEqualTo("camel-covetpg");
        CamelContext fromUrl = startContext(c -> c.setUrl(db.url() + "?application_name=from-url"));
        assertThat(value(fromUrl, "SHOW application_name")).isEqualTo("from-url");
    }

    @Test
    void minPoolSizeConnectionsAreOpenAfterStart() throws Exception {
        String app = "min-pool-" + System.nanoTime();
        startContext(c -> {
            c.setApplicationName(app);
            c.setMinPoolSize(3);
        });
        assertThat(connectionsNamed(app)).isEqualTo(3);
    }

    @Test
    void minPoolSizeZeroOpensNothingUntilTheFirstExchange() throws Exception {
        String app = "lazy-pool-" + System.nanoTime();
        CamelContext context = startContext(c -> {
            c.setApplicationName(app);
            c.setMinPoolSize(0);
        });
        assertThat(connectionsNamed(app)).isZero();
        assertThat(value(context, "SELECT 1")).isEqualTo(1);
        assertThat(connectionsNamed(app)).isEqualTo(1);
    }

    @Test
    void queryTimeoutStopsTheStatementOnTheServer() throws Exception {
        String app = "query-timeout-" + System.nanoTime();
        CamelContext context = startContext(c -> {
            c.setApplicationName(app);
            c.setQueryTimeout(300);
        });
        Exchange out = send(context, "covetpg:query?sql=SELECT pg_sleep(30)", null);
        assertThat(out.getException()).isInstanceOf(CovetPgTimeoutException.class).hasMessageContaining("queryTimeout")
                .hasMessageContaining("57014");
        assertThat(((CovetPgTimeoutException) out.getException()).getSqlState()).isEqualTo("57014");
        assertThat(db.queryValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + app
                + "' AND state = 'active' AND query LIKE '%pg_sleep%'")).isEqualTo(0L);
        assertThat(value(context, "SHOW statement_timeout")).isEqualTo("300ms");
        assertThat(value(context, "SELECT 2")).isEqualTo(2);
    }

    @Test
    void anEndpointQueryTimeoutOverridesTheComponentsForItsStatementsOnly() throws Exception {
        CamelContext context = startContext(c -> c.setMaxPoolSize(1));
        Exchange out = send(context, "covetpg:query?queryTimeout=200ms&sql=SELECT pg_sleep(30)", null);
        assertThat(out.getException()).isInstanceOf(CovetPgTimeoutException.class);
        Exchange inLimit = send(context, "covetpg:query?queryTimeout=2s&outputType=SelectValue&sql=SHOW statement_timeout", null);
        assertThat(inLimit.getMessage().getBody()).isEqualTo("2s");
        // the same (only) connection is back to the component's setting (none) afterwards
        assertThat(value(context, "SHOW statement_timeout")).isEqualTo("0");
    }

    @Test
    void commandTimeoutBoundsTheWaitForAConnectionAndCancelsTheStatement() throws Exception {
        String app = "command-timeout-" + System.nanoTime();
        CamelContext context = startContext(c -> {
            c.setApplicationName(app);
            c.setMaxPoolSize(1);
            c.setCommandTimeout(400);
        });
        Exchange slow = send(context, "covetpg:query?sql=SELECT pg_sleep(30)", null);
        assertThat(slow.getException()).isInstanceOf(dev.covet.pg.client.CovetPgUnknownOutcomeException.class).hasMessageContaining("commandTimeout=400ms");
        // cancelled on the server, not just abandoned by the client
        await(() -> (Long) db.queryValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + app
                + "' AND state = 'active' AND query LIKE '%pg_sleep%'") == 0L, "pg_sleep is cancelled");
        assertThat(value(context, "SELECT 3")).isEqualTo(3);
        assertThat(covetpg(context).getPoolStatistics().inUse()).isZero();
    }

    @Test
    void acquireTimeoutFailsAnExchangeThatWaitsTooLongForAConnection() throws Exception {
        CamelContext context = startContext(c -> {
            c.setMaxPoolSize(1);
            c.setAcquireTimeout(300);
        });
        CompletableFuture<Exchange> holder = CompletableFuture.supplyAsync(() -> send(context, "covetpg:query?sql=SELECT pg_sleep(2)", null));
        await(() -> covetpg(context).getPoolStatistics().inUse() == 1, "the only connection is taken");
        Exchange starved = send(context, "covetpg:query?sql=SELECT 1", null);
        assertThat(starved.getException()).isInstanceOf(CovetPgPoolExhaustedException.class).hasMessageContaining("acquireTimeout=300ms")
                .hasMessageContaining("(maxPoolSize=1; pool: size 1 of max 1, 1 in use, 0 idle, "); // as docs/troubleshooting.md quotes it
        assertThat(holder.get(30, TimeUnit.SECONDS).getException()).isNull();
        assertThat(covetpg(context).getPoolStatistics().totalTimeouts()).isEqualTo(1);
        assertThat(value(context, "SELECT 4")).isEqualTo(4);
    }

    @Test
    void maxWaitQueueSizeRejectsAtOnceWhenTheQueueIsFull() throws Exception {
        CamelContext context = startContext(c -> {
            c.setMaxPoolSize(1);
            c.setMaxWaitQueueSize(0);
        });
        CompletableFuture<Exchange> holder = CompletableFuture.supplyAsync(() -> send(context, "covetpg:query?sql=SELECT pg_sleep(2)", null));
        await(() -> covetpg(context).getPoolStatistics().inUse() == 1, "the only connection is taken");
        Exchange rejected = send(context, "covetpg:query?sql=SELECT 1", null);
        assertThat(rejected.getException()).isInstanceOf(CovetPgPoolExhaustedException.class).hasMessageContaining("maxWaitQueueSize=0");
        assertThat(holder.get(30, TimeUnit.SECONDS).getException()).isNull();
    }

    @Test
    void idleTimeoutClosesIdleConnections() throws Exception {
        String app = "idle-" + System.nanoTime();
        startContext(c -> {
            c.setApplicationName(app);
            c.setMinPoolSize(2);
            c.setIdleTimeout(500);
        });
        assertThat(connectionsNamed(app)).isEqualTo(2);
        await(() -> connectionsNamed(app) == 0, "idle connections are closed");
    }

    @Test
    void maxLifetimeRetiresOldConnections() throws Exception {
        CamelContext context = startContext(c -> {
            c.setMaxPoolSize(1);
            c.setMaxLifetime(500);
        });
        Object firstPid = value(context, "SELECT pg_backend_pid()");
        Thread.sleep(1500);
        Object laterPid = value(context, "SELECT pg_backend_pid()");
        assertThat(laterPid).isNotEqualTo(firstPid);
    }

    @Test
    void withoutLimitsTheSameConnectionIsReused() throws Exception {
        CamelContext context = startContext(c -> c.setMaxPoolSize(1));
        Object firstPid = value(context, "SELECT pg_backend_pid()");
        Thread.sleep(1500);
        assertThat(value(context, "SELECT pg_backend_pid()")).isEqualTo(firstPid);
    }

    @Test
    void connectTimeoutBoundsTheTcpConnect() throws Exception {
        // A listening socket whose accept backlog is full: the kernel drops further SYNs, so a
        // connect neither succeeds nor is refused; only connectTimeout ends it.
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(silent.getLocalSocketAddress(), 200);
                        fillers.add(s);
                    } catch (java.io.IOException full) {
                        s.close();
                        break;
                    }
                }
                CamelContext context = newContext(c -> {
                    c.setUrl("postgresql://postgres@127.0.0.1:" + silent.getLocalPort() + "/postgres");
                    c.setConnectTimeout(300L);
                    c.setMinPoolSize(0);
                });
                context.start();
                Exchange out = send(context, "covetpg:query?sql=SELECT 1", null);
                assertThat(out.getException()).isInstanceOf(CovetPgConnectionException.class);
                assertThat(out.getException()).rootCause().hasMessageContaining("timed out");
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void theStatementCacheKeepsPreparedStatementsOnTheConnection() throws Exception {
        String sql = "SELECT $1::int + 1 AS cached_" + System.nanoTime();
        String count = "SELECT count(*) FROM pg_prepared_statements WHERE statement = '" + sql + "'";

        CamelContext cached = startContext(c -> c.setMaxPoolSize(1));
        send(cached, "covetpg:query?sql=RAW(" + sql + ")", List.of(1));
        send(cached, "covetpg:query?sql=RAW(" + sql + ")", List.of(2));
        assertThat(value(cached, count)).isEqualTo(1L);

        CamelContext uncached = startContext(c -> {
            c.setMaxPoolSize(1);
            c.setStatementCacheSize(0);
        });
        send(uncached, "covetpg:query?sql=RAW(" + sql + ")", List.of(1));
        assertThat(value(uncached, count)).isEqualTo(0L);

        CamelContext tooLong = startContext(c -> {
            c.setMaxPoolSize(1);
            c.setMaxCacheableStatementSize(10);
        });
        send(tooLong, "covetpg:query?sql=RAW(" + sql + ")", List.of(1));
        assertThat(value(tooLong, count)).isEqualTo(0L);
    }

    @Test
    void theUrlIsParsedStrictlyAndSeparateOptionsOverrideIt() throws Exception {
        CamelContext context = startContext(c -> {
            c.setUrl("postgresql://nobody@127.0.0.1:1/nodb?application_name=from-url");
            c.setHost(db.host());
            c.setPort(db.port());
            c.setDatabase(db.database());
            c.setUser(db.user());
        });
        assertThat(value(context, "SELECT current_user || '@' || current_database() || ' ' || current_setting('application_name')"))
                .isEqualTo(db.user() + "@" + db.database() + " from-url");

        CamelContext unknownKey = newContext(c -> c.setUrl(db.url() + "?sslmode=disable&statement_timeout=5"));
        assertThatThrownBy(unknownKey::start).rootCause().isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown parameter 'statement_timeout'").hasMessageContaining("sslmode")
                .hasMessageContaining("serverSettings");
    }

    @Test
    void badOptionsFailAtStartWithTheOptionNamed() throws Exception {
        assertThatThrownBy(newContext(c -> c.setMaxPoolSize(-1))::start).rootCause()
                .hasMessageContaining("maxPoolSize").hasMessageContaining("1 or more");
        assertThatThrownBy(newContext(c -> c.setMinPoolSize(-2))::start).rootCause()
                .hasMessageContaining("minPoolSize").hasMessageContaining("0 or more");
        assertThatThrownBy(newContext(c -> { c.setMinPoolSize(5); c.setMaxPoolSize(2); })::start).rootCause()
                .hasMessageContaining("minPoolSize").hasMessageContaining("at most maxPoolSize");
        assertThatThrownBy(newContext(c -> c.setSslMode("sometimes"))::start).rootCause()
                .hasMessageContaining("sslMode").hasMessageContaining("disable, allow, prefer, require, verify-ca, verify-full");
        assertThatThrownBy(newContext(c -> c.setPipeliningLimit(0))::start).rootCause().hasMessageContaining("pipeliningLimit");
        assertThatThrownBy(newContext(c -> c.setAcquireTimeout(-5))::start).rootCause().hasMessageContaining("acquireTimeout");
        assertThatThrownBy(newContext(c -> c.setCompletionThreads(-1))::start).rootCause()
                .hasMessageContaining("completionThreads").hasMessageContaining("0 (one per processor, at least 2) or more");
        assertThatThrownBy(newContext(c -> {
            c.setQueryTimeout(1000);
            c.getServerSettings().put("statement_timeout", "5s");
        })::start).rootCause().hasMessageContaining("serverSettings.statement_timeout");
        // values are read in ISO dates and UTF-8 text: a setting that changes either is refused, not obeyed halfway
        assertThatThrownBy(newContext(c -> c.getServerSettings().put("DateStyle", "German"))::start).rootCause()
                .hasMessageContaining("serverSettings.DateStyle").hasMessageContaining("DateStyle=ISO");
        assertThatThrownBy(newContext(c -> c.getServerSettings().put("client_encoding", "LATIN1"))::start).rootCause()
                .hasMessageContaining("serverSettings.client_encoding");
        assertThatThrownBy(newContext(c -> c.getServerSettings().put("extra_float_digits", "0"))::start).rootCause()
                .hasMessageContaining("serverSettings.extra_float_digits");
    }

    @Test
    void aPasswordSentToAServerWhoseIdentityIsNotVerifiedIsWarnedAboutAtStart() throws Exception {
        String password = db.password() == null || db.password().isEmpty() ? "trust-ignores-it-7731" : db.password();
        try (LogCapture log = new LogCapture()) {
            startContext(c -> {
                c.setPassword(password);
                c.setSslMode("prefer");
            });
            assertThat(log.lines("sends the password")).singleElement().asString().contains("WARN").contains("sslMode=prefer")
                    .contains("verify-full").doesNotContain(password);
        }
        try (LogCapture log = new LogCapture()) {
            startContext(c -> {
                c.setPassword(null);
                c.setSslMode("disable");
            });
            assertThat(log.lines("sends the password")).as("no password, nothing to warn about").isEmpty();
        }
    }

    @Test
    void unknownEndpointOptionsAndOperationsAreRejected() throws Exception {
        CamelContext context = startContext(c -> { });
        assertThatThrownBy(() -> context.getEndpoint("covetpg:query?sql=SELECT 1&fetchRows=10"))
                .hasMessageContaining("fetchRows");
        assertThatThrownBy(() -> context.getEndpoint("covetpg:upsert?sql=SELECT 1"))
                .rootCause().hasMessageContaining("upsert").hasMessageContaining("query");
        assertThatThrownBy(() -> context.getEndpoint("covetpg:query?outputType=SelectMany&sql=SELECT 1"))
                .hasMessageContaining("SelectMany");
    }

    @Test
    void aServerThatIsNotThereFailsStartWithAClearError() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        CamelContext context = newContext(c -> c.setUrl("postgresql://postgres@127.0.0.1:" + closedPort + "/postgres"));
        assertThatThrownBy(context::start).hasStackTraceContaining("Could not connect to postgres@127.0.0.1:" + closedPort)
                .rootCause().hasMessageContaining("Connection refused");
    }
}
