package dev.covet.pg.examples.springboot;

import java.util.HashMap;
import java.util.Map;

import dev.covet.pg.testdb.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.ProducerTemplate;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application with the covetpg starter: {@code application.properties} configures
 * the component from the environment ({@code COVETPG_URL}, {@code COVETPG_APPLICATION_NAME},
 * {@code COVETPG_POOL_SIZE}), {@link OrdersRoutes} loads orders by COPY and sums them up. Run
 * without {@code COVETPG_URL}, it starts an embedded PostgreSQL for the run.
 */
@SpringBootApplication
public class OrdersApplication {

    public static void main(String[] args) throws Exception {
        String url = System.getenv("COVETPG_URL");
        TestDatabase embedded = null;
        SpringApplication application = new SpringApplication(OrdersApplication.class);
        if (url == null || url.isBlank()) {
            System.out.println("COVETPG_URL is not set: starting an embedded PostgreSQL 17 for this run...");
            embedded = TestDatabase.embedded(Map.of());
            // what the environment would say, at the lowest precedence
            application.setDefaultProperties(Map.of("COVETPG_URL", embedded.url()));
        }
        try (ConfigurableApplicationContext app = application.run(args)) {
            print(run(app));
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /** Loads the configured number of orders and returns what the run did, as the application reports it. */
    static Map<String, Object> run(ConfigurableApplicationContext app) {
        int orders = app.getEnvironment().getProperty("orders.count", Integer.class, 10_000);
        ProducerTemplate camel = app.getBean(ProducerTemplate.class);
        Map<?, ?> summary = camel.requestBody(OrdersRoutes.LOAD, orders, Map.class);
        Map<String, Object> report = new HashMap<>();
        summary.forEach((k, v) -> report.put(String.valueOf(k), v));
        // no code of ours made these: camel-spring-boot's health and the Actuator's Micrometer registry
        report.put("health", app.getBean(HealthEndpoint.class).health().getStatus().getCode());
        MeterRegistry meters = app.getBean(MeterRegistry.class);
        report.put("pool.size", meters.get("covetpg.pool.size").gauge().value());
        report.put("copy.rows", meters.get("covetpg.copy.rows").counter().count());
        return report;
    }

    private static void print(Map<String, Object> report) {
        System.out.printf("Loaded %s orders by COPY, %s in all (%s to %s); health %s; pool %.0f connections; %.0f rows counted by covetpg.copy.rows%n",
                report.get("orders"), report.get("total"), report.get("first"), report.get("last"),
                report.get("health"), (Double) report.get("pool.size"), (Double) report.get("copy.rows"));
    }
}
