package dev.covet.pg;

import static dev.covet.pg.ListenConsumerTest.state;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code covetpg:query?sql=...&wakeOn=channel}: an outbox whose trigger notifies. The consumer's
 * delay is ten minutes, so a row that arrives within the test's minute was fetched by a poll a
 * notification (or a reconnect) started, and by nothing else.
 */
class WakeOnTest extends CovetPgTestSupport {

    private static final String TEN_MINUTES = "600000";

    private String outbox;
    private String channel;
    private final List<Object> sent = new CopyOnWriteArrayList<>();
    private final AtomicInteger polls = new AtomicInteger();

    @BeforeEach
    void outboxWithTrigger() {
        outbox = table("outbox");
        channel = outbox + "_new";
        db.execute("CREATE TABLE " + outbox + " (id bigserial PRIMARY KEY, payload text NOT NULL, sent boolean NOT NULL DEFAULT false)",
                // one notification per statement, not per row: a burst wakes the consumer once, and the poll reads every row
                "CREATE FUNCTION " + outbox + "_notify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('" + channel
                        + "', ''); RETURN NULL; END $$",
                "CREATE TRIGGER notify AFTER INSERT ON " + outbox + " FOR EACH STATEMENT EXECUTE FUNCTION " + outbox + "_notify()");
    }

    private String drainUri() {
        return "covetpg:query?sql=SELECT id, payload FROM " + outbox + " WHERE NOT sent ORDER BY id&splitRows=true"
                + "&onConsume=UPDATE " + outbox + " SET sent = true WHERE id = :#id&routeEmptyResultSet=true"
                + "&wakeOn=" + channel + "&initialDelay=0&delay=" + TEN_MINUTES;
    }

    private CamelContext drain(java.util.function.Consumer<CovetPgConfiguration> config) throws Exception {
        return startContext(config, new RouteBuilder() {
            @Override
            public void configure() {
                from(drainUri()).routeId("outbox").process(e -> {
                    List<?> empty = e.getMessage().getBody(List.class);
                    if (empty != null && empty.isEmpty()) {
                        polls.incrementAndGet(); // routeEmptyResultSet: a poll that found nothing
                    } else {
                        polls.incrementAndGet();
                        sent.add(e.getMessage().getBody(Map.class).get("payload"));
                    }
                });
            }
        });
    }

    private long unsent() {
        return (Long) db.queryValue("SELECT count(*) FROM " + outbox + " WHERE NOT sent");
    }

    @Test
    void aRowIsDrainedAsSoonAsItsTriggerNotifiesAndEveryRowOfABurstComes() throws Exception {
        CamelContext context = drain(c -> { });
        await(() -> polls.get() >= 1, "the first poll (initialDelay=0)");
        await(() -> state(context).listening(), "listening");

        db.execute("INSERT INTO " + outbox + " (payload) VALUES ('first')");
        await(() -> sent.size() == 1, "the row drained before the ten-minute delay");
        db.execute("INSERT INTO " + outbox + " (payload) SELECT 'row ' || g FROM generate_series(1, 500) g",
                "INSERT INTO " + outbox + " (payload) VALUES ('last')");
        await(() -> sent.size() == 502, "every row of the burst");
        assertThat(sent.get(0)).isEqualTo("first");
        assertThat(sent.get(501)).isEqualTo("last");
        assertThat(unsent()).isZero();
    }

    @Test
    void rowsWrittenWhileNoConnectionListenedAreDrainedWhenItListensAgain() throws Exception {
        try (TcpProxy proxy = new TcpProxy(db.host(), db.port())) {
            CamelContext context = drain(c -> {
                c.setHost("127.0.0.1");
                c.setPort(proxy.port());
                c.setRetryBackoff(10);
                c.setRetryMaxBackoff(200);
            });
            await(() -> state(context).listening() && polls.get() >= 1, "listening after the first poll");
            proxy.refuse();
            await(() -> !state(context).listening(), "the listener sees its connection gone");
            // its trigger notifies nobody: no connection listens
            db.execute("INSERT INTO " + outbox + " (payload) VALUES ('while away')");
            Thread.sleep(200);
            assertThat(sent).isEmpty();

            proxy.accept();
            await(() -> sent.size() == 1, "the row written while away, drained when listening again");
            assertThat(sent).containsExactly("while away");
            db.execute("INSERT INTO " + outbox + " (payload) VALUES ('after')");
            await(() -> sent.size() == 2, "a row after the reconnect");
            assertThat(unsent()).isZero();
        }
    }

    @Test
    void itsBackendKilledItListensAgainAndDrainsWhatCameMeanwhile() throws Exception {
        CamelContext context = drain(c -> c.setRetryBackoff(10));
        await(() -> state(context).listening() && polls.get() >= 1, "listening after the first poll");
        long killed = (Long) db.queryValue("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
                + " WHERE query LIKE 'LISTEN %" + channel + "%' AND pid <> pg_backend_pid()");
        assertThat(killed).isEqualTo(1);
        db.execute("INSERT INTO " + outbox + " (payload) VALUES ('meanwhile')");
        await(() -> sent.size() == 1, "the row written around the kill");
        await(() -> state(context).reconnects() > 0 && state(context).listening(), "listening again");
        db.execute("INSERT INTO " + outbox + " (payload) VALUES ('after')");
        await(() -> sent.size() == 2, "a row after the reconnect");
        assertThat(sent).containsExactly("meanwhile", "after");
    }

    @Test
    void aStoppedRouteStopsListeningAndAStartedOneListensAgain() throws Exception {
        CamelContext context = drain(c -> { });
        await(() -> state(context).listening(), "listening");
        context.getRouteController().stopRoute("outbox");
        assertThat(covetpg(context).getListenerStates()).isEmpty();
        assertThat((Long) db.queryValue("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN %" + channel + "%'"
                + " AND pid <> pg_backend_pid()")).isZero();
        db.execute("INSERT INTO " + outbox + " (payload) VALUES ('while stopped')");
        context.getRouteController().startRoute("outbox"); // initialDelay=0: its first poll finds the row
        await(() -> sent.size() == 1, "the row written while stopped");
        await(() -> state(context).listening(), "listening again");
        db.execute("INSERT INTO " + outbox + " (payload) VALUES ('woken')");
        await(() -> sent.size() == 2, "a row after the start");
        assertThat(sent).containsExactly("while stopped", "woken");
    }

    @Test
    void aRouteStepThatLeavesTheInterruptFlagSetDoesNotStopTheWaking() throws Exception {
        CamelContext context = startContext(c -> { }, new RouteBuilder() {
            @Override
            public void configure() {
                from(drainUri()).routeId("outbox").process(e -> {
                    List<?> empty = e.getMessage().getBody(List.class);
                    if (empty != null && empty.isEmpty()) {
                        polls.incrementAndGet();
                        return;
                    }
                    Object payload = e.getMessage().getBody(Map.class).get("payload");
                    sent.add(payload);
                    if ("interrupt".equals(payload)) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        });
        await(() -> state(context).listening() && polls.get() >= 1, "listening after the first poll");
        db.execute("INSERT INTO " + outbox + " (payload) VALUES ('interrupt')");
        await(() -> sent.size() == 1, "the first row");
        Thread.sleep(300);
        db.execute("INSERT INTO " + outbox + " (payload) VALUES ('after')");
        await(() -> sent.contains("after"), "a row after a step left the interrupt flag set, long before the delay");
    }

    @Test
    void aNotificationHeardWhileSuspendedPollsWhenResumed() throws Exception {
        CamelContext context = drain(c -> { });
        await(() -> state(context).listening() && polls.get() >= 1, "listening after the first poll");
        context.getRouteController().suspendRoute("outbox");
        db.execute("INSERT INTO " + outbox + " (payload) VALUES ('while suspended')");
        Thread.sleep(500);
        assertThat(sent).isEmpty();
        context.getRouteController().resumeRoute("outbox");
        await(() -> sent.size() == 1, "the row announced while suspended, polled after the resume");
        assertThat(sent).containsExactly("while suspended");
    }

    /** The role may open one connection: the pool's. The LISTEN connection is refused, and the consumer must not have polled. */
    @Test
    void aConsumerWhoseListenerCannotStartFailsWithoutHavingPolled() throws Exception {
        String role = table("onlyone");
        db.execute("CREATE ROLE " + role + " LOGIN CONNECTION LIMIT 1");
        CamelContext context = startContext(c -> {
            c.setUser(role);
            c.setPassword(null);
            c.setMaxPoolSize(1);
            c.setMinPoolSize(1);
        });
        try {
            assertThat(template(context).requestBody("covetpg:query?sql=SELECT 1 AS x&outputType=SelectValue", null, Integer.class)).isEqualTo(1);
            Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("covetpg:query?sql=SELECT 1 AS x&wakeOn=" + channel + "&initialDelay=0&delay=50").routeId("poller")
                            .process(e -> polls.incrementAndGet());
                }
            }));
            assertThat(failure).as("the start, whose LISTEN connection the server refuses").isNotNull();
            Thread.sleep(500);
            assertThat(polls.get()).as("polls of a consumer that failed to start").isZero();
            assertThat(covetpg(context).getListenerStates()).isEmpty();
        } finally {
            context.stop();
            db.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = '" + role + "'", "DROP ROLE " + role);
        }
    }

    @Test
    void aYamlRouteDrainsAnOutboxOnItsNotifications() throws Exception {
        CamelContext context = newContext(c -> { });
        loadRoutes(context, "covetpg-outbox.camel.yaml", "outbox.table", outbox);
        context.start();
        MockEndpoint mock = context.getEndpoint("mock:yaml-outbox", MockEndpoint.class);
        mock.expectedMessageCount(1);
        await(() -> state(context).listening(), "the YAML route listening");
        db.execute("INSERT INTO " + outbox + " (payload) VALUES ('from yaml')");
        mock.assertIsSatisfied(30_000);
        assertThat(mock.getExchanges().get(0).getMessage().getBody(Map.class)).containsEntry("payload", "from yaml");
        await(() -> unsent() == 0, "the row marked sent");
    }
}
