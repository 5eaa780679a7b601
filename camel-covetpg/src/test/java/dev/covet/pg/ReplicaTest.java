package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.CovetPgConnectionException;
import dev.covet.pg.testdb.RestartableDatabase;
import dev.covet.pg.testdb.TestDatabase;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Read routing against a real streaming standby: where a statement ran is proven by the server's
 * own pg_is_in_recovery(), and writes by rows that reach the standby through replication.
 */
class ReplicaTest extends PrivateServerTestSupport {

    private static final String IN_RECOVERY = "covetpg:query?sql=SELECT pg_is_in_recovery()&outputType=SelectValue";

    private static RestartableDatabase primary;
    private static RestartableDatabase standby;

    @BeforeAll
    static void startServers() {
        primary = TestDatabase.restartable(Map.of());
        standby = primary.startStandby();
    }

    @AfterAll
    static void stopServers() {
        if (primary != null) {
            primary.close();
        }
    }

    private CamelContext start(String readFrom, RouteBuilder... routes) throws Exception {
        CamelContext context = newContext(primary, c -> {
            c.setSslMode("disable");
            c.setReplicas("127.0.0.1:" + standby.port());
            c.setReadFrom(readFrom);
            c.setReplicaCheckInterval(200);
            c.setRetryBackoff(20);
        });
        context.getRegistry().bind("tx", new dev.covet.pg.tx.CovetPgTransactionPolicy());
        for (RouteBuilder r : routes) {
            context.addRoutes(r);
        }
        context.start();
        return context;
    }

    @Test
    void readsGoToTheReplicaWritesAndTransactionsToThePrimary() throws Exception {
        String t = "routed_" + Long.toHexString(System.nanoTime());
        primary.execute("CREATE TABLE " + t + " (n int PRIMARY KEY)");
        CamelContext context = start("replica", new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:tx").transacted("tx").to(IN_RECOVERY);
                from("direct:copyOut").to("covetpg:copy?sql=RAW(COPY (SELECT pg_is_in_recovery()) TO STDOUT)").convertBodyTo(String.class);
            }
        });

        assertThat(value(context, IN_RECOVERY, Boolean.class)).as("a read under readFrom=replica").isTrue();
        assertThat(value(context, IN_RECOVERY + "&readFrom=primary", Boolean.class)).as("an endpoint that overrides it").isFalse();
        assertThat(context.createProducerTemplate().requestBody("direct:tx", null, Boolean.class)).as("inside a transaction").isFalse();

        Exchange batch = context.createProducerTemplate().send("covetpg:batch?table=" + t + "&columns=n",
                e -> e.getMessage().setBody(List.of(List.of(1), List.of(2), List.of(3))));
        assertThat(batch.getException()).isNull();
        // a writing statement on a reading endpoint: the replica refuses it (25006), the primary runs it
        Exchange insert = context.createProducerTemplate().send("covetpg:query?sql=INSERT INTO " + t + " VALUES (4)", e -> { });
        assertThat(insert.getException()).isNull();
        assertThat(insert.getMessage().getHeader(CovetPgConstants.RETRIES)).isEqualTo(1);

        assertThat(primary.queryValue("SELECT count(*) FROM " + t)).isEqualTo(4L);
        standby.awaitCaughtUp();
        assertThat(value(context, "covetpg:query?sql=SELECT count(*) FROM " + t + "&outputType=SelectValue", Long.class))
                .as("rows read on the replica, written on the primary").isEqualTo(4L);

        assertThat(context.createProducerTemplate().requestBody("direct:copyOut", null, String.class))
                .as("copy out under readFrom=replica").isEqualTo("t\n");
    }

    @Test
    void theConsumerReadsFromTheReplica() throws Exception {
        CamelContext context = start("replica", new RouteBuilder() {
            @Override
            public void configure() {
                from("covetpg:query?sql=SELECT pg_is_in_recovery() AS r&delay=100&initialDelay=0&repeatCount=1").to("mock:rows");
            }
        });
        var mock = context.getEndpoint("mock:rows", org.apache.camel.component.mock.MockEndpoint.class);
        mock.expectedMessageCount(1);
        mock.assertIsSatisfied(20_000);
        assertThat(mock.getExchanges().get(0).getMessage().getBody(List.class)).containsExactly(Map.of("r", true));
    }

    @Test
    void anUnhealthyReplicaLeavesTheRotationAndComesBack() throws Exception {
        CamelContext context = start("replicaPreferred");
        assertThat(value(context, IN_RECOVERY, Boolean.class)).isTrue();

        standby.stop();
        try {
            await(() -> !context.getComponent("covetpg", CovetPgComponent.class).getServers().contains("replica up"), "the replica out of rotation");
            assertThat(value(context, IN_RECOVERY, Boolean.class)).as("replicaPreferred without a healthy replica").isFalse();
            long retriesBefore = context.getComponent("covetpg", CovetPgComponent.class).getTotalRetries();
            Exception strict = send(context, IN_RECOVERY + "&readFrom=replica").getException();
            assertThat(strict).isInstanceOf(dev.covet.pg.client.CovetPgNoReplicaException.class).hasMessageContaining("No healthy replica")
                    .hasMessageContaining("readFrom=replicaPreferred").hasMessageNotContaining("gave up");
            assertThat(context.getComponent("covetpg", CovetPgComponent.class).getTotalRetries()).as("readFrom=replica fails at once, not retried")
                    .isEqualTo(retriesBefore);
            HealthCheck.Result health = HealthCheckHelper.invokeReadiness(context).stream()
                    .filter(r -> "covetpg".equals(r.getCheck().getId())).findFirst().orElseThrow();
            assertThat(health.getState()).as("the primary still answers").isEqualTo(HealthCheck.State.UP);
            assertThat(health.getDetails().get("server.127.0.0.1:" + standby.port())).asString().startsWith("replica, down");
        } finally {
            standby.start();
        }
        await(() -> context.getComponent("covetpg", CovetPgComponent.class).getServers().contains("replica up"), "the replica back in rotation");
        assertThat(value(context, IN_RECOVERY, Boolean.class)).isTrue();
    }

    @Test
    void readFromReplicaWithoutReplicasFailsAtStartNamingTheOption() {
        Throwable failure = catchStartFailure(newContext(primary, c -> {
            c.setSslMode("disable");
            c.setReadFrom("replica");
        }));
        assertThat(causeOfType(failure, IllegalArgumentException.class)).hasMessageContaining("readFrom")
                .hasMessageContaining("replicas");
        CamelContext endpointOnly = newContext(primary, c -> c.setSslMode("disable"));
        Throwable onEndpoint = org.assertj.core.api.Assertions.catchThrowable(() -> endpointOnly.getEndpoint(IN_RECOVERY + "&readFrom=replica"));
        assertThat(causeOfType(onEndpoint, IllegalArgumentException.class)).hasMessageContaining("Invalid readFrom 'replica'")
                .hasMessageContaining("no replicas");
        Throwable badValue = catchStartFailure(newContext(primary, c -> c.setReadFrom("secondary")));
        assertThat(causeOfType(badValue, IllegalArgumentException.class)).hasMessageContaining("primary, replica, replicaPreferred");
    }
}
