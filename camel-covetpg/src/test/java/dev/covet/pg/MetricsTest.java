package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

/** Micrometer meters, bound when a MeterRegistry is in the Camel registry, read from a SimpleMeterRegistry. */
class MetricsTest extends CovetPgTestSupport {

    @Test
    void operationsRowsAndThePoolAreMetered() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CamelContext context = newContext(c -> c.setMaxPoolSize(4));
        context.getRegistry().bind("meters", meters);
        context.start();

        assertThat(send(context, "covetpg:query?sql=SELECT generate_series(1, 5) AS n", null).getException()).isNull();
        assertThat(send(context, "covetpg:query?sql=SELECT generate_series(1, 3) AS n", null).getException()).isNull();
        assertThat(send(context, "covetpg:query?sql=SELECT 1/0", null).getException()).isNotNull();
        String table = table("metered");
        db.execute("CREATE TABLE " + table + " (id int)");
        assertThat(send(context, "covetpg:batch?sql=INSERT INTO " + table + " VALUES ($1)", List.of(List.of(1), List.of(2))).getException()).isNull();

        Timer ok = meters.get("covetpg.operations").tags("component", "covetpg", "operation", "query", "outcome", "success").timer();
        assertThat(ok.count()).isEqualTo(2);
        assertThat(ok.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
        assertThat(meters.get("covetpg.operations").tags("operation", "query", "outcome", "failure").timer().count()).isEqualTo(1);
        assertThat(meters.get("covetpg.operations").tags("operation", "batch", "outcome", "success").timer().count()).isEqualTo(1);
        assertThat(meters.get("covetpg.rows").tags("operation", "query").counter().count()).isEqualTo(8);
        assertThat(meters.get("covetpg.rows").tags("operation", "batch").counter().count()).isEqualTo(2);

        assertThat(meters.get("covetpg.pool.max").gauge().value()).isEqualTo(4);
        assertThat(meters.get("covetpg.pool.size").gauge().value()).isBetween(1.0, 4.0);
        assertThat(meters.get("covetpg.pool.in.use").gauge().value()).isZero();
        assertThat(meters.get("covetpg.pool.waiting").gauge().value()).isZero();
        assertThat(meters.get("covetpg.pool.acquired").functionCounter().count()).isGreaterThanOrEqualTo(4);

        context.stop();
        assertThat(meters.find("covetpg.pool.size").gauges()).as("meters removed on stop").isEmpty();
    }

    @Test
    void withoutAMeterRegistryNothingIsBound() throws Exception {
        CamelContext context = startContext(c -> { });
        assertThat(send(context, "covetpg:query?sql=SELECT 1", null).getException()).isNull();
    }
}
