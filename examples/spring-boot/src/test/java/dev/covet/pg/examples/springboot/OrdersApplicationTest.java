package dev.covet.pg.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;

import dev.covet.pg.testdb.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the example application as its users would, with its application.properties and the
 * settings in its environment variables' places, and checks from outside, over JDBC, that its
 * rows landed in the configured database and that its sessions carry the configured
 * application name, as many as the configured pool size.
 */
class OrdersApplicationTest {

    private static final TestDatabase db = TestDatabase.shared();

    @Test
    void theApplicationsRowsLandInTheConfiguredDatabaseWithItsApplicationNameAndPoolSize() throws Exception {
        // not the fixture's database, nor the default one: rows that land anywhere else are not found
        TestDatabase target = db.freshDatabase("covetpg_example_boot");
        String applicationName = "orders-test-" + System.nanoTime();
        int orders = 2_000;
        String url = "postgresql://" + target.user() + (target.password().isEmpty() ? "" : ":" + target.password())
                + "@" + target.host() + ":" + target.port() + "/" + target.database();

        try (ConfigurableApplicationContext app = new SpringApplication(OrdersApplication.class).run(
                "--COVETPG_URL=" + url, "--COVETPG_APPLICATION_NAME=" + applicationName,
                "--COVETPG_POOL_SIZE=3", "--ORDERS_COUNT=" + orders)) {
            Map<String, Object> report = OrdersApplication.run(app);

            BigDecimal expectedTotal = OrdersRoutes.orders(orders).stream().map(r -> (BigDecimal) r.get(2))
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(target.queryValue("SELECT count(*) FROM orders")).isEqualTo(2000L);
            assertThat(target.queryValue("SELECT sum(total) FROM orders")).isEqualTo(expectedTotal);
            assertThat(target.queryValue("SELECT max(id) FROM orders")).isEqualTo(2000L);
            assertThat(target.queryValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + applicationName
                    + "' AND datname = current_database()")).isEqualTo(3L);
            assertThat(report).containsEntry("orders", 2000L).containsEntry("total", expectedTotal)
                    .containsEntry("health", "UP").containsEntry("pool.size", 3.0).containsEntry("copy.rows", 2000.0);
            IndicatedHealthDescriptor camel = (IndicatedHealthDescriptor) app.getBean(HealthEndpoint.class).healthForPath("camelHealth");
            assertThat(camel.getDetails()).containsEntry("covetpg", "UP");
        }
        // stopping the application closed its pool: no session of it is left on the server (a
        // backend leaves pg_stat_activity a moment after its client has gone)
        String sessions = "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + applicationName + "'";
        for (int i = 0; i < 100 && !Long.valueOf(0).equals(db.queryValue(sessions)); i++) {
            Thread.sleep(100);
        }
        assertThat(db.queryValue(sessions)).isEqualTo(0L);
    }
}
