package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.CovetPgException;
import dev.covet.pg.client.CovetPgUnknownOutcomeException;
import dev.covet.pg.testdb.RestartableDatabase;
import dev.covet.pg.testdb.TestDatabase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.Test;

/**
 * Failover of the primary mid-route: given both servers in a multi-host url, writes go to
 * whichever is not in recovery; after the primary stops and the standby is promoted, they find
 * the new primary, and no write the route saw succeed is lost.
 */
class FailoverTest extends PrivateServerTestSupport {

    @Test
    void writesFindThePromotedStandbyAndNoAcknowledgedWriteIsLost() throws Exception {
        try (RestartableDatabase primary = TestDatabase.restartable(Map.of())) {
            RestartableDatabase standby = primary.startStandby();
            primary.execute("CREATE TABLE written (n int)");
            CamelContext context = newContext(primary, c -> {
                c.setHost(null);
                c.setPort(null);
                // the standby first: which one writes is found by asking, not by the order
                c.setUrl("postgresql://postgres@127.0.0.1:" + standby.port() + ",127.0.0.1:" + primary.port()
                        + "/postgres?target_session_attrs=read-write");
                c.setSslMode("disable");
                c.setReplicaCheckInterval(200);
                c.setMaxRetries(20);
                c.setRetryBackoff(50);
                c.setRetryMaxBackoff(500);
                c.setCircuitBreakerThreshold(0);
            });
            context.start();
            CovetPgComponent component = context.getComponent("covetpg", CovetPgComponent.class);
            assertThat(component.getServers()).contains("127.0.0.1:" + primary.port() + " primary up")
                    .contains("127.0.0.1:" + standby.port() + " replica up");

            ProducerTemplate template = context.createProducerTemplate();
            List<Integer> acknowledged = new ArrayList<>();
            List<Exception> failures = new ArrayList<>();
            AtomicBoolean promoted = new AtomicBoolean();
            int afterPromotion = 0;
            for (int n = 0; afterPromotion < 50; n++) {
                int value = n;
                Exchange out = template.send("covetpg:query?sql=INSERT INTO written VALUES (:#n)", e -> e.getMessage().setHeader("n", value));
                if (out.getException() == null) {
                    acknowledged.add(n);
                } else {
                    failures.add(out.getException());
                }
                if (n == 100) {
                    primary.stop(); // sessions get 57P01; the standby has every committed row (a fast shutdown sends all WAL)
                    new Thread(() -> {
                        try {
                            Thread.sleep(500);
                            standby.promote();
                            promoted.set(true);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, "promote").start();
                }
                if (promoted.get()) {
                    afterPromotion++;
                }
            }

            // every failure says why; none is an ordinary error, and the unknown outcomes are the only ones that may have written
            for (Exception failure : failures) {
                assertThat(failure).isInstanceOf(CovetPgException.class);
            }
            Set<Integer> onNewPrimary = new HashSet<>();
            standby.query("SELECT n FROM written").forEach(row -> onNewPrimary.add((Integer) row.get("n")));
            assertThat(onNewPrimary).as("acknowledged writes on the new primary").containsAll(acknowledged);
            assertThat(onNewPrimary.size()).as("rows written").isLessThanOrEqualTo(acknowledged.size()
                    + (int) failures.stream().filter(f -> f instanceof CovetPgUnknownOutcomeException).count());
            assertThat(standby.queryValue("SELECT count(*) FROM (SELECT n FROM written GROUP BY n HAVING count(*) > 1) d"))
                    .as("rows written twice").isEqualTo(0L);
            assertThat(component.getServers()).contains("127.0.0.1:" + standby.port() + " primary up");
            assertThat(component.getTotalRetries()).as("retries while no primary answered").isPositive();
            HealthCheck.Result health = HealthCheckHelper.invokeReadiness(context).stream()
                    .filter(r -> "covetpg".equals(r.getCheck().getId())).findFirst().orElseThrow();
            assertThat(health.getState()).isEqualTo(HealthCheck.State.UP);
        }
    }
}
