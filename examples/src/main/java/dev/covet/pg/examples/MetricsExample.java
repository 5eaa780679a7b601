package dev.covet.pg.examples;

import dev.covet.pg.CovetPgComponent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * covetpg's Micrometer meters scraped by Prometheus: a {@link PrometheusMeterRegistry} bound in
 * the Camel registry before the context starts is found by the covetpg component, which then
 * registers its timers ({@code covetpg_operations_seconds}, by operation and outcome), row
 * counters and pool gauges in it. The example runs a few queries, a batch, a COPY and one failing
 * statement, and prints the text Prometheus would scrape (in an application, serve
 * {@code registry.scrape()} on {@code /metrics}, e.g. with camel-micrometer-prometheus or
 * camel-platform-http). See docs/monitoring.md for the meters and the alerts to set on them.
 *
 * <p>Runs on the server in {@code COVETPG_URL}, else on an embedded PostgreSQL:
 * {@code mvn -q -B -DskipTests -Prun-metrics -pl examples -am package}.
 */
public final class MetricsExample {

    private MetricsExample() {
    }

    public static void main(String[] args) throws Exception {
        try (ExampleDatabase database = ExampleDatabase.fromEnvironment()) {
            System.out.println("covetpg metrics example: database " + database.description());
            String scrape = run(database);
            System.out.println();
            System.out.println("# the covetpg lines of the Prometheus scrape:");
            System.out.println(scrape.lines().filter(l -> l.contains("covetpg")).collect(Collectors.joining("\n")));
        }
    }

    /** Runs some operations and returns the whole Prometheus scrape text. */
    static String run(ExampleDatabase database) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CovetPgComponent covetpg = new CovetPgComponent();
        covetpg.getConfiguration().setUrl(database.url());
        if (database.password() != null) {
            covetpg.getConfiguration().setPassword(database.password());
        }
        covetpg.getConfiguration().setApplicationName("covetpg-metrics-example");
        covetpg.getConfiguration().getServerSettings().put("client_min_messages", "warning");
        try (CamelContext context = new DefaultCamelContext()) {
            // bound before start: the component looks for a MeterRegistry when it starts
            context.getRegistry().bind("prometheus", registry);
            context.addComponent("covetpg", covetpg);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:setup")
                            .to("covetpg:query?sql=DROP TABLE IF EXISTS metrics_example")
                            .to("covetpg:query?sql=CREATE TABLE metrics_example (id int PRIMARY KEY, name text NOT NULL)");
                    from("direct:batch").to("covetpg:batch?table=metrics_example&columns=id,name");
                    from("direct:copy").to("covetpg:copy?table=metrics_example&columns=id,name&format=csv");
                    from("direct:insert").to("covetpg:query?sql=INSERT INTO metrics_example (id, name) VALUES ($1, $2)");
                    from("direct:count").to("covetpg:query?sql=SELECT count(*) FROM metrics_example&outputType=SelectValue");
                    from("direct:find").to("covetpg:query?sql=SELECT name FROM metrics_example WHERE id = $1&outputType=SelectValue");
                    from("direct:drop").to("covetpg:query?sql=DROP TABLE IF EXISTS metrics_example");
                }
            });
            context.start();
            ProducerTemplate template = context.createProducerTemplate();
            template.sendBody("direct:setup", null);
            template.sendBody("direct:batch", IntStream.rangeClosed(1, 500).mapToObj(i -> Map.of("id", i, "name", "name " + i)).toList());
            template.sendBody("direct:copy", IntStream.rangeClosed(501, 1000).mapToObj(i -> i + ",name " + i + "\n")
                    .collect(Collectors.joining()));
            for (int i = 1; i <= 20; i++) {
                template.requestBody("direct:find", i * 7);
            }
            System.out.println("rows in the table: " + template.requestBody("direct:count", (Object) null));
            // a failure is counted too, under outcome="failure"
            template.request("direct:insert", e -> e.getMessage().setBody(List.of(1, "a duplicate key")));
            template.sendBody("direct:drop", null);
            return registry.scrape();
        } finally {
            registry.close();
        }
    }
}
