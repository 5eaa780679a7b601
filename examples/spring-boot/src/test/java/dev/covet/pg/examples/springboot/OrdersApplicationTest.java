package dev.covet.pg.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
    /** Not the fixture's database, nor the default one: rows that land anywhere else are not found. */
    private static final String DATABASE = "covetpg_example_boot";

    @Test
    void theApplicationsRowsLandInTheConfiguredDatabaseWithItsApplicationNameAndPoolSize() throws Exception {
        db.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)", "CREATE DATABASE " + DATABASE);
        String applicationName = "orders-test-" + System.nanoTime();
        int orders = 2_000;
        String url = "postgresql://" + db.user() + (db.password().isEmpty() ? "" : ":" + db.password())
                + "@" + db.host() + ":" + db.port() + "/" + DATABASE;

        try (ConfigurableApplicationContext app = new SpringApplication(OrdersApplication.class).run(
                "--COVETPG_URL=" + url, "--COVETPG_APPLICATION_NAME=" + applicationName,
                "--COVETPG_POOL_SIZE=3", "--ORDERS_COUNT=" + orders)) {
            Map<String, Object> report = OrdersApplication.run(app);

            BigDecimal expectedTotal = OrdersRoutes.orders(orders).stream().map(r -> (BigDecimal) r.get(2))
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + DATABASE,
                    db.user(), db.password()); Statement st = c.createStatement()) {
                assertThat(one(st, "SELECT count(*) FROM orders")).isEqualTo(2000L);
                assertThat(one(st, "SELECT sum(total) FROM orders")).isEqualTo(expectedTotal);
                assertThat(one(st, "SELECT max(id) FROM orders")).isEqualTo(2000L);
                assertThat(one(st, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + applicationName
                        + "' AND datname = '" + DATABASE + "'")).isEqualTo(3L);
            }
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

    private static Object one(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1);
        }
    }
}
