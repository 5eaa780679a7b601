package dev.covet.pg.examples;

import dev.covet.pg.CovetPgComponent;
import dev.covet.pg.CovetPgConstants;
import dev.covet.pg.client.PoolStatistics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * An ETL job in the Java DSL: load orders into a staging table, aggregate them per customer and
 * day, and extract the result to a CSV file, each stage through {@code covetpg:query}.
 *
 * <ol>
 *   <li><b>load</b>: {@code INSERT ... SELECT ... FROM generate_series} makes the orders on the
 *       server, so the load measures the database and the component, not a generator in the JVM;</li>
 *   <li><b>transform</b>: one {@code INSERT ... SELECT ... GROUP BY} into the summary table;</li>
 *   <li><b>extract</b>: {@code outputType=StreamList} gives a lazily fetched iterator over a
 *       cursor, {@code split().streaming()} takes it row by row, so the result never sits in
 *       memory whole.</li>
 * </ol>
 *
 * <p>Run it with {@code COVETPG_URL=postgresql://user:password@host:5432/db} to use a server of
 * yours (it creates and drops the tables {@code etl_orders_staging} and {@code etl_customer_daily});
 * without it an embedded PostgreSQL is started for the run. The first argument is the number of
 * orders (default 200000); the CSV goes to {@code target/etl/customer_daily.csv}, or under the
 * directory named by the system property {@code covetpg.examples.output}.
 */
public final class EtlExample {

    static final int DEFAULT_ROWS = 200_000;
    static final String OUTPUT_PROPERTY = "covetpg.examples.output";

    /** How long one stage took and how many rows it moved. */
    record Stage(String name, long rows, long nanos) {
        double millis() {
            return nanos / 1e6;
        }

        double rowsPerSecond() {
            return nanos == 0 ? 0 : rows * 1e9 / nanos;
        }
    }

    /** What a run did: rows per stage, the CSV written, the pool at the end. */
    record Result(long loaded, long aggregated, long extracted, Path csv, List<Stage> stages, PoolStatistics pool) {
    }

    private EtlExample() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : DEFAULT_ROWS;
        Path csv = Path.of(System.getProperty(OUTPUT_PROPERTY, "target/etl"), "customer_daily.csv");
        try (ExampleDatabase database = ExampleDatabase.fromEnvironment()) {
            System.out.println("covetpg ETL example: " + rows + " orders, database " + database.description());
            Result result = run(database, rows, csv);
            print(result);
        }
    }

    static Result run(ExampleDatabase database, int rows, Path csv) throws Exception {
        CovetPgComponent covetpg = new CovetPgComponent();
        covetpg.getConfiguration().setUrl(database.url());
        if (database.password() != null) {
            covetpg.getConfiguration().setPassword(database.password());
        }
        covetpg.getConfiguration().setApplicationName("covetpg-etl-example");
        covetpg.getConfiguration().setMaxPoolSize(4);
        // run-time settings sent at connect: no NOTICE chatter from DROP TABLE IF EXISTS
        covetpg.getConfiguration().getServerSettings().put("client_min_messages", "warning");

        CsvFile out = new CsvFile(csv, "customer_id", "day", "orders", "total");
        try (CamelContext context = new DefaultCamelContext()) {
            context.addComponent("covetpg", covetpg);
            context.addRoutes(new EtlRoutes(out));
            context.start();
            ProducerTemplate template = context.createProducerTemplate();
            List<Stage> stages = new ArrayList<>();

            timed(stages, "create", () -> {
                template.sendBody("direct:create", null);
                return 0L;
            });
            long loaded = timed(stages, "load", () -> updateCount(template.request("direct:load",
                    e -> e.getMessage().setHeader("rows", rows))));
            long aggregated = timed(stages, "transform", () -> updateCount(template.request("direct:transform", e -> { })));
            long extracted = timed(stages, "extract", () -> {
                out.open();
                try {
                    failOnError(template.request("direct:extract", e -> { }));
                } finally {
                    out.close();
                }
                return out.rows();
            });
            template.sendBody("direct:drop", null);
            PoolStatistics pool = covetpg.getPoolStatistics();
            return new Result(loaded, aggregated, extracted, csv, stages, pool);
        }
    }

    /** The routes, one per stage; parameters are bound (:#rows from a header), never pasted into SQL. */
    static final class EtlRoutes extends RouteBuilder {
        private final CsvFile out;

        EtlRoutes(CsvFile out) {
            this.out = out;
        }

        @Override
        public void configure() {
            from("direct:create").routeId("create")
                    .to("covetpg:query?sql=DROP TABLE IF EXISTS etl_orders_staging, etl_customer_daily")
                    .to("covetpg:query?sql=CREATE UNLOGGED TABLE etl_orders_staging ("
                        + "id bigint PRIMARY KEY, customer_id int NOT NULL, amount numeric(12,2) NOT NULL, ordered_at timestamp NOT NULL)")
                    .to("covetpg:query?sql=CREATE TABLE etl_customer_daily ("
                        + "customer_id int, day date, orders bigint NOT NULL, total numeric(14,2) NOT NULL, PRIMARY KEY (customer_id, day))");

            // 1000 customers, each order on one of 30 days; the amounts are deterministic so a
            // test can check the sums
            from("direct:load").routeId("load")
                    // RAW(...): the statement has '+', which a URI would otherwise read as a space
                    .to("covetpg:query?sql=RAW(INSERT INTO etl_orders_staging (id, customer_id, amount, ordered_at)"
                        + " SELECT g, 1 + g % 1000, (g % 997) * 0.25,"
                        + " timestamp '2026-01-01 08:00' + ((g / 1000) % 30) * interval '1 day' + (g % 600) * interval '1 minute'"
                        + " FROM generate_series(1, :#rows::int) AS g)");

            from("direct:transform").routeId("transform")
                    .to("covetpg:query?sql=INSERT INTO etl_customer_daily (customer_id, day, orders, total)"
                        + " SELECT customer_id, ordered_at::date, count(*), sum(amount)"
                        + " FROM etl_orders_staging GROUP BY customer_id, ordered_at::date");

            from("direct:extract").routeId("extract")
                    .to("covetpg:query?sql=SELECT customer_id, day, orders, total FROM etl_customer_daily ORDER BY customer_id, day"
                        + "&outputType=StreamList&fetchSize=2000")
                    .split(body()).streaming()
                        .process(exchange -> out.write(exchange.getMessage().getMandatoryBody(Map.class)))
                    .end();

            from("direct:drop").routeId("drop")
                    .to("covetpg:query?sql=DROP TABLE IF EXISTS etl_orders_staging, etl_customer_daily");
        }
    }

    private interface StageBody {
        long run() throws Exception;
    }

    private static long timed(List<Stage> stages, String name, StageBody body) throws Exception {
        long start = System.nanoTime();
        long rows = body.run();
        stages.add(new Stage(name, rows, System.nanoTime() - start));
        return rows;
    }

    private static long updateCount(Exchange exchange) throws Exception {
        failOnError(exchange);
        return exchange.getMessage().getHeader(CovetPgConstants.UPDATE_COUNT, Long.class);
    }

    private static void failOnError(Exchange exchange) throws Exception {
        if (exchange.getException() != null) {
            throw exchange.getException();
        }
    }

    static void print(Result r) {
        System.out.println();
        System.out.printf("%-10s %12s %10s %14s%n", "stage", "rows", "ms", "rows/s");
        for (Stage s : r.stages()) {
            System.out.printf("%-10s %,12d %,10.1f %,14.0f%n", s.name(), s.rows(), s.millis(), s.rowsPerSecond());
        }
        long total = r.stages().stream().mapToLong(Stage::nanos).sum();
        System.out.printf("%-10s %12s %,10.1f%n", "total", "", total / 1e6);
        System.out.println();
        System.out.println("loaded " + r.loaded() + " orders, aggregated into " + r.aggregated() + " customer-days, wrote "
                + r.extracted() + " rows to " + r.csv().toAbsolutePath());
        PoolStatistics p = r.pool();
        System.out.println("pool: " + p + "; " + p.totalAcquired() + " connections lent, " + p.totalTimeouts()
                + " waits timed out");
    }
}
