package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.covet.pg.client.ListenerState;
import dev.covet.pg.testdb.RestartableDatabase;
import dev.covet.pg.testdb.TestDatabase;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code from("covetpg:listen?channel=...")} against a real server: notifications sent with
 * NOTIFY / pg_notify over JDBC (an independent client) arrive as exchanges, in order, with what
 * the server says about them; a killed backend, a cut connection or a restarted server is
 * survived, and the first exchange after it says that some may have been missed.
 */
class ListenConsumerTest extends CovetPgTestSupport {

    private String channel;
    private final List<Exchange> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void channel() {
        channel = table("ch");
    }

    private CamelContext listen(String uri, Processor step) throws Exception {
        return startContext(c -> c.setRetryBackoff(10), new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("listen").process(step).process(e -> received.add(e.copy()));
            }
        });
    }

    private CamelContext listen(String uri) throws Exception {
        return listen(uri, e -> { });
    }

    private List<String> bodies() {
        return received.stream().map(e -> e.getMessage().getBody(String.class)).toList();
    }

    /** The server's backends that LISTEN on {@code channel} (their last statement was the LISTEN). */
    private static long listeningBackends(TestDatabase server, String channel) {
        return (Long) server.queryValue("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN %" + channel + "%'"
                + " AND pid <> pg_backend_pid()");
    }

    @Test
    void aNotificationIsAnExchangeWithItsPayloadChannelAndTheNotifiersPid() throws Exception {
        listen("covetpg:listen?channel=" + channel);
        // a payload that looks like Camel's and covetpg's placeholders, and the longest the server takes (8000 bytes less one)
        String hostile = "${header.x} {{secret}} :#id $1 ? ' \" \\ ; -- é 𝄞";
        String longest = "x".repeat(7999);
        int pid = ((Number) db.queryValue("SELECT pg_backend_pid() FROM pg_notify('" + channel + "', '"
                + hostile.replace("'", "''") + "')")).intValue();
        db.execute("NOTIFY " + channel, "SELECT pg_notify('" + channel + "', '" + longest + "')");
        await(() -> received.size() == 3, "three notifications");

        assertThat(bodies()).containsExactly(hostile, "", longest);
        Exchange first = received.get(0);
        assertThat(first.getMessage().getHeader(CovetPgConstants.CHANNEL)).isEqualTo(channel);
        assertThat(first.getMessage().getHeader(CovetPgConstants.NOTIFIER_PID)).isEqualTo(pid);
        assertThat(first.getMessage().getHeaders()).doesNotContainKey(CovetPgConstants.NOTIFICATIONS_MISSED);
        assertThat(listeningBackends(db, channel)).isEqualTo(1);
    }

    @Test
    void oneEndpointListensOnSeveralChannelsAndFoldsUnquotedNamesAsSqlDoes() throws Exception {
        String other = table("other");
        // "Mixed" is quoted: only NOTIFY "Mixed..." reaches it; Folded is not: NOTIFY folded reaches it
        String mixed = "Mixed" + channel;
        listen("covetpg:listen?channel=" + channel + ",\"" + mixed + "\",Folded" + other);
        db.execute("NOTIFY " + channel + ", 'a'", "NOTIFY \"" + mixed + "\", 'b'", "NOTIFY folded" + other + ", 'c'",
                "NOTIFY " + mixed.toLowerCase() + ", 'not listened to'", "NOTIFY " + channel + ", 'd'");
        await(() -> received.size() == 4, "four notifications");
        Thread.sleep(300);
        assertThat(bodies()).containsExactly("a", "b", "c", "d");
        assertThat(received).extracting(e -> e.getMessage().getHeader(CovetPgConstants.CHANNEL))
                .containsExactly(channel, mixed, "folded" + other, channel);
        assertThat(covetpg(received.get(0).getContext()).getListenerStates()).hasSize(1);
    }

    @Test
    void thousandsOfNotificationsArriveOnceEachInTheOrderTheyWereSent() throws Exception {
        listen("covetpg:listen?channel=" + channel);
        // one transaction: the server delivers them at commit, in the order they were sent
        db.execute("SELECT pg_notify('" + channel + "', g::text) FROM generate_series(1, 5000) g");
        for (int i = 0; i < 5; i++) {
            db.execute("SELECT pg_notify('" + channel + "', 'single " + i + "')");
        }
        await(() -> received.size() == 5005, "5005 notifications");
        Thread.sleep(300);
        List<String> expected = new ArrayList<>(IntStream.rangeClosed(1, 5000).mapToObj(Integer::toString).toList());
        IntStream.range(0, 5).forEach(i -> expected.add("single " + i));
        assertThat(bodies()).containsExactlyElementsOf(expected);
        assertThat(covetpg(received.get(0).getContext()).getListenerStates().get(0).pending()).isZero();
    }

    @Test
    void aSlowRouteStopsTheReadingInsteadOfGrowingMemoryAndThenGetsEverything() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        int maxPending = 100;
        int payloadBytes = 1000;
        CamelContext context = listen("covetpg:listen?channel=" + channel + "&maxPendingNotifications=" + maxPending,
                e -> release.await(120, TimeUnit.SECONDS));
        CovetPgListenConsumer consumer = (CovetPgListenConsumer) context.getRoute("listen").getConsumer();
        int n = 20_000; // ~20 MB of payloads, far more than the queue may hold
        db.execute("SELECT pg_notify('" + channel + "', lpad(g::text, " + payloadBytes + ", '0')) FROM generate_series(1, " + n + ") g");
        int most = 0;
        for (int i = 0; i < 100; i++) {
            most = Math.max(most, consumer.getPendingNotifications());
            Thread.sleep(10);
        }
        // what one socket read brings in (at most 64 KiB) joins the queue after it is full
        assertThat(most).as("notifications held while the route was stuck").isBetween(maxPending, maxPending + 65536 / payloadBytes + 1);
        assertThat((Double) db.queryValue("SELECT pg_notification_queue_usage()")).as("the server holds the rest").isPositive();

        release.countDown();
        await(() -> received.size() == n, n + " notifications");
        assertThat(bodies()).containsExactlyElementsOf(IntStream.rangeClosed(1, n).mapToObj(g -> "0".repeat(payloadBytes - Integer.toString(g).length()) + g).toList());
    }

    @Test
    void afterItsBackendIsKilledItListensAgainAndSaysNotificationsMayHaveBeenMissed() throws Exception {
        CamelContext context = listen("covetpg:listen?channel=" + channel);
        db.execute("NOTIFY " + channel + ", 'before'");
        await(() -> received.size() == 1, "the first notification");

        long killed = (Long) db.queryValue("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
                + " WHERE query LIKE 'LISTEN %" + channel + "%' AND pid <> pg_backend_pid()");
        assertThat(killed).isEqualTo(1);
        await(() -> state(context).reconnects() > 0 && state(context).listening(), "listening again");
        assertThat(listeningBackends(db, channel)).isEqualTo(1);

        db.execute("NOTIFY " + channel + ", 'after'", "NOTIFY " + channel + ", 'later'");
        await(() -> received.size() == 3, "the notifications after the reconnect");
        assertThat(bodies()).containsExactly("before", "after", "later");
        assertThat(received.get(0).getMessage().getHeaders()).doesNotContainKey(CovetPgConstants.NOTIFICATIONS_MISSED);
        assertThat(received.get(1).getMessage().getHeader(CovetPgConstants.NOTIFICATIONS_MISSED)).isEqualTo(true);
        assertThat(received.get(2).getMessage().getHeaders()).doesNotContainKey(CovetPgConstants.NOTIFICATIONS_MISSED);
    }

    @Test
    void whileTheServerIsUnreachableItKeepsTryingAndHealthSaysItIsNotListening() throws Exception {
        try (TcpProxy proxy = new TcpProxy(db.host(), db.port())) {
            CamelContext context = startContext(c -> {
                c.setHost("127.0.0.1");
                c.setPort(proxy.port());
                c.setRetryBackoff(10);
                c.setRetryMaxBackoff(200);
            }, new RouteBuilder() {
                @Override
                public void configure() {
                    from("covetpg:listen?channel=" + channel).routeId("listen").process(e -> received.add(e.copy()));
                }
            });
            assertThat(readiness(context).getState()).isEqualTo(HealthCheck.State.UP);
            assertThat(readiness(context).getDetails()).containsEntry("listener." + channel, "listening, 0 pending, 0 reconnects");

            proxy.refuse(); // the connection is cut and new ones are refused, as by a host that is down
            await(() -> !state(context).listening(), "the listener sees its connection gone");
            db.execute("NOTIFY " + channel + ", 'nobody listens'"); // lost: PostgreSQL keeps nothing for a listener that is gone
            await(() -> state(context).reconnects() >= 3, "several attempts");
            HealthCheck.Result down = readiness(context);
            assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat((String) down.getDetails().get("listener." + channel)).startsWith("not listening, 0 pending,");

            proxy.accept();
            await(() -> state(context).listening(), "listening again");
            db.execute("NOTIFY " + channel + ", 'back'");
            await(() -> received.size() == 1, "the notification after the outage");
            assertThat(bodies()).containsExactly("back");
            assertThat(received.get(0).getMessage().getHeader(CovetPgConstants.NOTIFICATIONS_MISSED)).isEqualTo(true);
            assertThat(readiness(context).getState()).isEqualTo(HealthCheck.State.UP);
        }
    }

    @Test
    void aRestartedServerIsListenedToAgain() throws Exception {
        try (RestartableDatabase server = TestDatabase.restartable(Map.of())) {
            CamelContext context = startContext(c -> {
                c.setUrl(null);
                c.setHost(server.host());
                c.setPort(server.port());
                c.setDatabase("postgres");
                c.setUser("postgres");
                c.setPassword(null);
                c.setSslMode("disable");
                c.setRetryBackoff(10);
                c.setRetryMaxBackoff(500);
            }, new RouteBuilder() {
                @Override
                public void configure() {
                    from("covetpg:listen?channel=" + channel).routeId("listen").process(e -> received.add(e.copy()));
                }
            });
            server.execute("NOTIFY " + channel + ", 'one'");
            await(() -> received.size() == 1, "the first notification");
            server.restart();
            await(() -> state(context).reconnects() > 0 && state(context).listening(), "listening again");
            server.execute("NOTIFY " + channel + ", 'two'");
            await(() -> received.size() == 2, "the notification after the restart");
            assertThat(bodies()).containsExactly("one", "two");
            assertThat(received.get(1).getMessage().getHeader(CovetPgConstants.NOTIFICATIONS_MISSED)).isEqualTo(true);
            assertThat(listeningBackends(server, channel)).isEqualTo(1);
        }
    }

    @Test
    void aFailedExchangeGoesToTheExceptionHandlerWithoutThePayloadAndTheNextIsRouted() throws Exception {
        try (LogCapture log = new LogCapture()) {
            listen("covetpg:listen?channel=" + channel, e -> {
                if (e.getMessage().getBody(String.class).startsWith("bad")) {
                    throw new IllegalStateException("refused");
                }
            });
            db.execute("NOTIFY " + channel + ", 'bad secret-payload'", "NOTIFY " + channel + ", 'good'");
            await(() -> received.size() == 1, "the good notification");
            assertThat(bodies()).containsExactly("good");
            assertThat(log.lines("the route failed on a notification of channel " + channel)).isNotEmpty();
            assertThat(log.lines("secret-payload")).isEmpty();
        }
    }

    @Test
    void stoppingTheRouteStopsListeningAndRoutesWhatHadArrived() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CamelContext context = listen("covetpg:listen?channel=" + channel, e -> release.await(60, TimeUnit.SECONDS));
        CovetPgListenConsumer consumer = (CovetPgListenConsumer) context.getRoute("listen").getConsumer();
        db.execute("SELECT pg_notify('" + channel + "', g::text) FROM generate_series(1, 200) g");
        await(() -> consumer.getPendingNotifications() == 199, "199 notifications waiting behind the first");

        Thread stopper = new Thread(() -> {
            try {
                context.getRouteController().stopRoute("listen", 30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        stopper.start();
        // a graceful stop suspends the consumer first (it stops routing, and goes on listening) and waits for the exchange in flight
        Thread.sleep(500);
        assertThat(received).isEmpty();
        release.countDown();
        stopper.join(60_000);
        assertThat(listeningBackends(db, channel)).as("LISTEN connections after the stop").isZero();
        assertThat(bodies()).containsExactlyElementsOf(IntStream.rangeClosed(1, 200).mapToObj(Integer::toString).toList());
        assertThat(covetpg(context).getListenerStates()).isEmpty();

        context.getRouteController().startRoute("listen");
        db.execute("NOTIFY " + channel + ", 'restarted'");
        await(() -> received.size() == 201, "the notification after the route started again");
        assertThat(received.get(200).getMessage().getHeaders()).doesNotContainKey(CovetPgConstants.NOTIFICATIONS_MISSED);
    }

    @Test
    void notificationsReconnectsAndThePendingAreMeteredAndInTheDevConsole() throws Exception {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        CountDownLatch release = new CountDownLatch(1);
        CamelContext context = newContext(c -> c.setRetryBackoff(10), new RouteBuilder() {
            @Override
            public void configure() {
                from("covetpg:listen?channel=" + channel).routeId("listen").process(e -> release.await(60, TimeUnit.SECONDS))
                        .process(e -> received.add(e.copy()));
            }
        });
        context.getRegistry().bind("meters", meters);
        context.start();
        db.execute("SELECT pg_notify('" + channel + "', g::text) FROM generate_series(1, 10) g");
        await(() -> meters.get("covetpg.listener.notifications").functionCounter().count() == 10, "ten notifications counted");
        await(() -> meters.get("covetpg.listener.pending").gauge().value() == 9, "nine pending, one in the route");
        assertThat(meters.get("covetpg.listener.deaf").gauge().value()).isZero();
        var console = new dev.covet.pg.console.CovetPgDevConsole();
        console.setCamelContext(context);
        assertThat(console.call(org.apache.camel.console.DevConsole.MediaType.TEXT).toString())
                .contains("Listener on " + channel + ": listening, 9 pending, 0 reconnects");

        db.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE query LIKE 'LISTEN %" + channel + "%'"
                + " AND pid <> pg_backend_pid()");
        await(() -> state(context).reconnects() > 0 && state(context).listening(), "listening again");
        assertThat(meters.get("covetpg.listener.reconnects").functionCounter().count()).isPositive();
        release.countDown();
        await(() -> received.size() == 10, "all ten routed");
        assertThat(meters.get("covetpg.listener.pending").gauge().value()).isZero();
        context.stop();
        assertThat(meters.find("covetpg.listener.pending").gauges()).as("meters removed on stop").isEmpty();
    }

    @Test
    void aRouteStepThatLeavesTheInterruptFlagSetDoesNotStopTheRouting() throws Exception {
        listen("covetpg:listen?channel=" + channel, e -> {
            if ("interrupt".equals(e.getMessage().getBody(String.class))) {
                Thread.currentThread().interrupt(); // as code that restores the flag after catching InterruptedException does
            }
        });
        db.execute("NOTIFY " + channel + ", 'interrupt'");
        await(() -> received.size() == 1, "the first notification");
        db.execute("NOTIFY " + channel + ", 'after'", "NOTIFY " + channel + ", 'later'");
        await(() -> received.size() == 3, "the notifications after the interrupt");
        assertThat(bodies()).containsExactly("interrupt", "after", "later");
    }

    @Test
    void aSuspendedRouteGoesOnListeningAndRoutesWhatCameWhenResumed() throws Exception {
        CamelContext context = listen("covetpg:listen?channel=" + channel);
        context.getRouteController().suspendRoute("listen");
        assertThat(context.getRouteController().getRouteStatus("listen")).isEqualTo(org.apache.camel.ServiceStatus.Suspended);
        db.execute("SELECT pg_notify('" + channel + "', g::text) FROM generate_series(1, 3) g");
        Thread.sleep(500);
        assertThat(received).as("routed while suspended").isEmpty();
        context.getRouteController().resumeRoute("listen");
        await(() -> received.size() == 3, "the three after the resume");
        assertThat(bodies()).containsExactly("1", "2", "3");
        assertThat(received).allSatisfy(e -> assertThat(e.getMessage().getHeaders()).doesNotContainKey(CovetPgConstants.NOTIFICATIONS_MISSED));
    }

    @Test
    void aPeerGoneWithoutClosingTheConnectionIsNoticedByTheHeartbeat() throws Exception {
        try (TcpProxy proxy = new TcpProxy(db.host(), db.port())) {
            CamelContext context = startContext(c -> {
                c.setHost("127.0.0.1");
                c.setPort(proxy.port());
                c.setConnectTimeout(1000L);
            }, new RouteBuilder() {
                @Override
                public void configure() {
                    from("covetpg:listen?channel=" + channel + "&heartbeatInterval=300").routeId("listen").process(e -> received.add(e.copy()));
                }
            });
            await(() -> state(context).listening(), "listening");
            proxy.freeze(); // every socket stays open and no byte passes: a half-open connection, as behind a NAT that forgot it
            await(() -> !state(context).listening(), "the unanswered heartbeat noticed");
            assertThat(state(context).lastError()).isNotNull();
            await(() -> state(context).reconnects() > 0, "trying to connect again");
            assertThat(readiness(context).getState()).isEqualTo(HealthCheck.State.DOWN);
        }
    }

    @Test
    void retryBackoffZeroStillWaitsBetweenReconnects() throws Exception {
        try (TcpProxy proxy = new TcpProxy(db.host(), db.port())) {
            CamelContext context = startContext(c -> {
                c.setHost("127.0.0.1");
                c.setPort(proxy.port());
                c.setRetryBackoff(0);
                c.setRetryMaxBackoff(0);
            }, new RouteBuilder() {
                @Override
                public void configure() {
                    from("covetpg:listen?channel=" + channel).routeId("listen").to("mock:x");
                }
            });
            await(() -> state(context).listening(), "listening");
            proxy.refuse();
            await(() -> !state(context).listening(), "the connection gone");
            long before = state(context).reconnects();
            Thread.sleep(2000);
            // at least 100 ms apart: a listener retries for ever, and 0 would be a connection storm
            assertThat(state(context).reconnects() - before).as("connection attempts in 2 s").isBetween(1L, 21L);
        }
    }

    @Test
    void aYamlRouteListens() throws Exception {
        CamelContext context = newContext(c -> { });
        loadRoutes(context, "covetpg-listen.camel.yaml", "listen.channel", channel);
        context.start();
        MockEndpoint mock = context.getEndpoint("mock:yaml-listen", MockEndpoint.class);
        mock.expectedBodiesReceived("from yaml");
        mock.expectedHeaderReceived(CovetPgConstants.CHANNEL, channel);
        await(() -> listeningBackends(db, channel) == 1, "the YAML route listening");
        db.execute("NOTIFY " + channel + ", 'from yaml'");
        mock.assertIsSatisfied(30_000);
    }

    @Test
    void wrongOptionsFailAtStartNamingTheOptionAndNothingListens() throws Exception {
        assertThat(startFailure("covetpg:listen")).hasMessageContaining("needs the channel option");
        assertThat(startFailure("covetpg:listen?channel=a;DROP TABLE x")).hasMessageContaining("channel");
        assertThat(startFailure("covetpg:listen?channel=ok," + channel + "\"x")).hasMessageContaining("channel");
        assertThat(startFailure("covetpg:listen?channel=" + channel + "," + channel)).hasMessageContaining("named twice");
        assertThat(startFailure("covetpg:listen?channel=" + channel + "&sql=SELECT 1")).hasMessageContaining("takes no sql");
        assertThat(startFailure("covetpg:listen?channel=" + channel + "&wakeOn=" + channel)).hasMessageContaining("wakeOn");
        assertThat(startFailure("covetpg:listen?channel=" + channel + "&maxPendingNotifications=0"))
                .hasMessageContaining("maxPendingNotifications").hasMessageContaining("between 1 and 1000000");
        assertThat(startFailure("covetpg:query?sql=SELECT 1&channel=" + channel)).hasMessageContaining("wakeOn=" + channel);
        assertThat(startFailure("covetpg:query?sql=SELECT 1&maxPendingNotifications=5")).hasMessageContaining("maxPendingNotifications")
                .hasMessageContaining("without wakeOn");
        assertThat(startFailure("covetpg:query?sql=SELECT 1&wakeOn=" + channel + "&repeatCount=1")).hasMessageContaining("repeatCount");
        assertThat(startFailure("covetpg:listen?channel=" + channel + "&heartbeatInterval=-1")).hasMessageContaining("heartbeatInterval");
        // options of the query consumer mean nothing here: refused, not ignored
        for (String ignored : List.of("delay=5", "chunkSize=7", "readFrom=primary", "onConsume=UPDATE x SET y = 1", "splitRows=true")) {
            assertThat(startFailure("covetpg:listen?channel=" + channel + "&" + ignored)).as(ignored)
                    .hasMessageContaining("covetpg:listen does nothing with " + ignored.substring(0, ignored.indexOf('=')));
        }
        assertThat(startFailure("covetpg:query?sql=SELECT 1&wakeOn=" + channel + "&maxPendingNotifications=-1"))
                .hasMessageContaining("maxPendingNotifications");
        assertThat(listeningBackends(db, channel)).isZero();

        CamelContext context = startContext(c -> { });
        assertThat(catchThrowable(() -> template(context).send("covetpg:listen?channel=" + channel, e -> { })))
                .hasMessageContaining("only consumes").hasMessageContaining("pg_notify");
        assertThat(catchThrowable(() -> template(context).send("covetpg:query?sql=SELECT 1&wakeOn=" + channel, e -> { })))
                .hasMessageContaining("wakeOn is a consumer option");
        assertThat(catchThrowable(() -> template(context).send("covetpg:query?sql=SELECT 1&maxPendingNotifications=10", e -> { })))
                .hasMessageContaining("maxPendingNotifications is a consumer option");
    }

    private Throwable startFailure(String uri) throws Exception {
        CamelContext context = newContext(c -> { }, new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).to("mock:never");
            }
        });
        Throwable failure = catchThrowable(context::start);
        assertThat(failure).as("start of " + uri).isNotNull();
        Throwable cause = failure;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        context.stop();
        return cause;
    }

    static ListenerState state(CamelContext context) {
        List<ListenerState> states = covetpg(context).getListenerStates();
        assertThat(states).hasSize(1);
        return states.get(0);
    }

    private static HealthCheck.Result readiness(CamelContext context) {
        Collection<HealthCheck.Result> results = HealthCheckHelper.invokeReadiness(context);
        return results.stream().filter(r -> "covetpg".equals(r.getCheck().getId())).findFirst().orElseThrow();
    }
}
