package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.testdb.TestDatabase;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.Test;

/** The component's readiness check, read through Camel's health-check registry, against a server that goes away. */
class HealthCheckTest extends PrivateServerTestSupport {

    @Test
    void upWhileTheServerAnswersDownWithTheReasonOnceItIsGone() throws Exception {
        TestDatabase server = TestDatabase.embedded(Map.of());
        try {
            CamelContext context = startContext(server, c -> c.setSslMode("disable"));

            HealthCheck.Result up = covetpgResult(HealthCheckHelper.invokeReadiness(context));
            assertThat(up.getState()).as("state while the server runs: " + up.getMessage()).isEqualTo(HealthCheck.State.UP);
            assertThat(up.getDetails()).containsEntry("target", "127.0.0.1:" + server.port() + "/postgres")
                    .containsEntry("pool.max", 10).containsKeys("pool.size", "pool.in.use", "pool.idle", "pool.waiting",
                            "response.time.ms");
            // a database outage is not a reason to restart the application: readiness only
            assertThat(covetpgResults(HealthCheckHelper.invokeLiveness(context))).isEmpty();

            server.close();

            long started = System.nanoTime();
            HealthCheck.Result down = covetpgResult(HealthCheckHelper.invokeReadiness(context));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(7));
            assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(down.getMessage()).get().asString().contains("127.0.0.1:" + server.port() + "/postgres");
            assertThat(down.getError()).isPresent();
            assertThat(down.getDetails()).containsEntry("target", "127.0.0.1:" + server.port() + "/postgres")
                    .containsKeys("pool.size", "pool.in.use", "pool.waiting");
            assertThat(down.getDetails()).doesNotContainKey("response.time.ms");
        } finally {
            server.close();
        }
    }

    @Test
    void aServerThatRefusesTheLoginIsDownWithItsSqlState() throws Exception {
        TestDatabase server = TestDatabase.embedded(Map.of());
        try {
            CamelContext context = startContext(server, c -> {
                c.setSslMode("disable");
                c.setMinPoolSize(0);
                c.setDatabase("no_such_database");
            });
            HealthCheck.Result down = covetpgResult(HealthCheckHelper.invokeReadiness(context));
            assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(down.getDetails()).containsEntry("sql.state", "3D000");
        } finally {
            server.close();
        }
    }

    private static Collection<HealthCheck.Result> covetpgResults(Collection<HealthCheck.Result> results) {
        return results.stream().filter(r -> "covetpg".equals(r.getCheck().getId())).toList();
    }

    private static HealthCheck.Result covetpgResult(Collection<HealthCheck.Result> results) {
        Collection<HealthCheck.Result> ours = covetpgResults(results);
        assertThat(ours).as("the covetpg check among " + results).hasSize(1);
        return ours.iterator().next();
    }
}
