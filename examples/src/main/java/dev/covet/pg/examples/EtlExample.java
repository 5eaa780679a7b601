package dev.covet.pg.examples;

import dev.covet.pg.CovetPgComponent;
import dev.covet.pg.CovetPgConstants;
import dev.covet.pg.client.PoolStatistics;
import dev.covet.pg.tx.CovetPgTransactionPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * An ETL job in the Java DSL, one covetpg step per stage:
 *
 * <ol>
 *   <li><b>generate</b>: a CSV file of orders ({@code id,customer_id,day,amount}) is written
 *       under the output directory on the first run and reused after ({@link OrdersCsv});</li>
 *   <li><b>load</b>: {@code covetpg:copy?table=...&format=csv} streams the file into an unlogged
 *       staging table by COPY FROM STDIN, the fastest way into PostgreSQL;</li>
 *   <li><b>transform</b>: one {@code transacted("covetpgTx")} step runs two statements in one
 *       transaction: an {@code INSERT ... SELECT} that joins the orders to their customers and
 *       aggregates them per customer and day, and a second that rolls those rows up per segment
 *       and day (it reads the first one's rows before they are committed). Both commit
 *       together, or neither does;</li>
 *   <li><b>extract</b>: the consumer {@code from("covetpg:query?...&chunkSize=...&repeatCount=1")}
 *       reads the result through a server-side cursor, one chunk per exchange, the next chunk
 *       fetched only when the route has written the previous one, into a CSV file.</li>
 * </ol>
 *
 * <p>It prints the rows, the time and the rate of each stage, and a progress line every two
 * seconds while a stage runs (during the load, from the server's {@code pg_stat_progress_copy}).
 *
 * <p>Run it with {@code COVETPG_URL=postgresql://user:password@host:5432/db} to use a server of
 * yours (it creates and drops the tables {@code etl_orders_staging}, {@code etl_customers},
 * {@code etl_customer_daily} and {@code etl_segment_daily}); without it an embedded PostgreSQL is
 * started for the run. The first argument is the number of orders (default 1,000,000). Files go
 * to {@code target/etl}, or under the directory named by the system property
 * {@code covetpg.examples.output}.
 */
public final class EtlExample {

    static final int DEFAULT_ROWS = 1_000_000;
    static final int CHUNK_SIZE = 5_000;
    static final String OUTPUT_PROPERTY = "covetpg.examples.output";
    static final long PROGRESS_EVERY_MILLIS = 2_000;

    /** How long one stage took and how many rows it moved. */
    record Stage(String name, long rows, long nanos) {
        double millis() {
            return nanos / 1e6;
        }

        double rowsPerSecond() {
            return nanos == 0 ? 0 : rows * 1e9 / nanos;
        }
    }

    /** What a run did: rows per stage, the files read and written, the pool at the end. */
    record Result(long loaded, long aggregated, long segmentDays, long extracted, Path input, Path csv,
                  List<Stage> stages, PoolStatistics pool) {
    }

    private EtlExample() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : DEFAULT_ROWS;
        Path dir = Path.of(System.getProperty(OUTPUT_PROPERTY, "target/etl"));
        try (ExampleDatabase database = ExampleDatabase.fromEnvironment()) {
            System.out.println("covetpg ETL example: " + String.format("%,d", rows) + " orders, database " + database.description());
            Result result = run(database, rows, dir, dir.resolve("customer_daily.csv"));
            print(result);
        }
    }

    /**
     * Runs the job: the input file is made (or reused) in {@code inputDir}, the result written to
     * {@code csv}.
     */
    static Result run(ExampleDatabase database, int rows, Path inputDir, Path csv) throws Exception {
        List<Stage> stages = new ArrayList<>();
        try (Progress progress = new Progress()) {
            AtomicLong generated = new AtomicLong();
            long start = System.nanoTime();
            OrdersCsv.Made input;
            try (Progress.Ticket t = progress.start("generate", () -> String.format("%,d rows written", generated.get()))) {
                input = OrdersCsv.make(inputDir, rows, OrdersCsv.DEFAULT_CUSTOMERS, generated::set);
            }
            stages.add(new Stage(input.written() ? "generate" : "reuse", rows, System.nanoTime() - start));

            CovetPgComponent covetpg = new CovetPgComponent();
            covetpg.getConfiguration().setUrl(database.url());
            if (database.password() != null) {
                covetpg.getConfiguration().setPassword(database.password());
            }
            covetpg.getConfiguration().setApplicationName("covetpg-etl-example");
            covetpg.getConfiguration().setMaxPoolSize(4);
            // run-time settings sent at connect: no NOTICE chatter from DROP TABLE IF EXISTS
            covetpg.getConfiguration().getServerSettings().put("client_min_messages", "warning");

            CsvFile out = new CsvFile(csv, "customer_id", "segment", "day", "orders", "total");
            CompletableFuture<Long> extracted = new CompletableFuture<>();
            try (CamelContext context = new DefaultCamelContext()) {
                context.addComponent("covetpg", covetpg);
                // the transaction policy that transacted("covetpgTx") names: one transaction, one
                // connection, for every covetpg step inside the block
                context.getRegistry().bind("covetpgTx", new CovetPgTransactionPolicy());
                context.addRoutes(new EtlRoutes(out, extracted));
                context.start();
                ProducerTemplate template = context.createProducerTemplate();

                timed(stages, progress, "create", null, () -> {
                    failOnError(template.request("direct:create", e -> e.getMessage().setHeader("customers", OrdersCsv.DEFAULT_CUSTOMERS)));
                    return 0L;
                });
                long loaded = timed(stages, progress, "load", () -> copyProgress(template),
                        () -> longHeader(template.request("direct:load", e -> e.getMessage().setBody(input.file().toFile())),
                                CovetPgConstants.COPY_COUNT));
                long[] segmentDays = new long[1];
                long aggregated = timed(stages, progress, "transform", null, () -> {
                    Exchange done = template.request("direct:transform", e -> { });
                    segmentDays[0] = longHeader(done, CovetPgConstants.UPDATE_COUNT);
                    return longHeader(done, "customerDays");
                });
                long rowsOut = timed(stages, progress, "extract", () -> String.format("%,d rows written", out.rows()), () -> {
                    out.open();
                    try {
                        context.getRouteController().startRoute("extract");
                        return extracted.get(1, TimeUnit.HOURS);
                    } catch (ExecutionException e) {
                        throw e.getCause() instanceof Exception cause ? cause : e;
                    } finally {
                        context.getRouteController().stopRoute("extract");
                        out.close();
                    }
                });
                template.sendBody("direct:drop", null);
                PoolStatistics pool = covetpg.getPoolStatistics();
                return new Result(loaded, aggregated, segmentDays[0], rowsOut, input.file(), csv, stages, pool);
            }
        }
    }

    /** The routes, one per stage; parameters are bound (:#customers from a header), never pasted into SQL. */
    static final class EtlRoutes extends RouteBuilder {
        private final CsvFile out;
        private final CompletableFuture<Long> extracted;

        EtlRoutes(CsvFile out, CompletableFuture<Long> extracted) {
            this.out = out;
            this.extracted = extracted;
        }

        @Override
        public void configure() {
            from("direct:create").routeId("create")
                    .to("covetpg:query?sql=DROP TABLE IF EXISTS etl_orders_staging, etl_customers, etl_customer_daily, etl_segment_daily")
                    .to("covetpg:query?sql=CREATE UNLOGGED TABLE etl_orders_staging ("
                        + "id bigint NOT NULL, customer_id int NOT NULL, day date NOT NULL, amount numeric(12,2) NOT NULL)")
                    .to("covetpg:query?sql=CREATE TABLE etl_customers (customer_id int PRIMARY KEY, segment text NOT NULL)")
                    // RAW(...): the statement has '+', which a URI would otherwise read as a space
                    .to("covetpg:query?sql=RAW(INSERT INTO etl_customers (customer_id, segment)"
                        + " SELECT c, (ARRAY['retail', 'wholesale', 'online'])[1 + c % 3] FROM generate_series(1, :#customers::int) AS c)")
                    .to("covetpg:query?sql=CREATE TABLE etl_customer_daily (customer_id int, day date, orders bigint NOT NULL,"
                        + " total numeric(14,2) NOT NULL, PRIMARY KEY (customer_id, day))")
                    .to("covetpg:query?sql=CREATE TABLE etl_segment_daily (segment text, day date, customers bigint NOT NULL,"
                        + " orders bigint NOT NULL, total numeric(16,2) NOT NULL, PRIMARY KEY (segment, day))");

            // COPY FROM STDIN of the file as it is (format csv, no header line); the server's row
            // count lands in CamelCovetPgCopyCount
            from("direct:load").routeId("load")
                    .to("covetpg:copy?table=etl_orders_staging&columns=id,customer_id,day,amount&format=csv");

            // both statements in one transaction: the roll-up reads the first statement's rows
            // before they are committed, and a failure in either leaves both tables empty
            from("direct:transform").routeId("transform")
                    .transacted("covetpgTx")
                    .to("covetpg:query?sql=INSERT INTO etl_customer_daily (customer_id, day, orders, total)"
                        + " SELECT o.customer_id, o.day, count(*), sum(o.amount)"
                        + " FROM etl_orders_staging o JOIN etl_customers c ON c.customer_id = o.customer_id"
                        + " GROUP BY o.customer_id, o.day")
                    .setHeader("customerDays", header(CovetPgConstants.UPDATE_COUNT))
                    .to("covetpg:query?sql=INSERT INTO etl_segment_daily (segment, day, customers, orders, total)"
                        + " SELECT c.segment, d.day, count(*), sum(d.orders), sum(d.total)"
                        + " FROM etl_customer_daily d JOIN etl_customers c ON c.customer_id = d.customer_id"
                        + " GROUP BY c.segment, d.day");

            // the consumer: one poll (repeatCount=1) started by run(), chunkSize rows per exchange,
            // read through a cursor; a failed poll goes to onException too (bridgeErrorHandler)
            from("covetpg:query?sql=SELECT d.customer_id, c.segment, d.day, d.orders, d.total"
                        + " FROM etl_customer_daily d JOIN etl_customers c ON c.customer_id = d.customer_id"
                        + " ORDER BY d.customer_id, d.day"
                        + "&chunkSize=" + CHUNK_SIZE + "&repeatCount=1&initialDelay=0&routeEmptyResultSet=true&bridgeErrorHandler=true")
                    .routeId("extract").autoStartup(false)
                    .onException(Exception.class).handled(true)
                        .process(e -> extracted.completeExceptionally(e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)))
                    .end()
                    .process(exchange -> {
                        List<?> chunk = exchange.getMessage().getMandatoryBody(List.class);
                        for (Object row : chunk) {
                            out.write((Map<?, ?>) row);
                        }
                        if (exchange.getMessage().getHeader(CovetPgConstants.LAST_CHUNK, false, Boolean.class)) {
                            extracted.complete(out.rows());
                        }
                    });

            from("direct:copy-progress").routeId("copy-progress")
                    .to("covetpg:query?sql=SELECT tuples_processed FROM pg_stat_progress_copy"
                        + " WHERE relid = 'etl_orders_staging'::regclass&outputType=SelectValue");

            from("direct:drop").routeId("drop")
                    .to("covetpg:query?sql=DROP TABLE IF EXISTS etl_orders_staging, etl_customers, etl_customer_daily, etl_segment_daily");
        }
    }

    /** The rows the server has copied so far, from pg_stat_progress_copy (PostgreSQL 14 and later). */
    private static String copyProgress(ProducerTemplate template) {
        Exchange e = template.request("direct:copy-progress", x -> { });
        Object rows = e.getException() == null ? e.getMessage().getBody() : null;
        return rows == null ? "" : String.format("%,d rows copied", ((Number) rows).longValue());
    }

    private interface StageBody {
        long run() throws Exception;
    }

    private static long timed(List<Stage> stages, Progress progress, String name, java.util.function.Supplier<String> detail,
                              StageBody body) throws Exception {
        long start = System.nanoTime();
        long rows;
        try (Progress.Ticket t = progress.start(name, detail)) {
            rows = body.run();
        }
        stages.add(new Stage(name, rows, System.nanoTime() - start));
        return rows;
    }

    private static long longHeader(Exchange exchange, String name) throws Exception {
        failOnError(exchange);
        return exchange.getMessage().getHeader(name, Long.class);
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
        System.out.printf("loaded %,d orders from %s,%naggregated them into %,d customer-days and %,d segment-days in one transaction,%n"
                + "wrote %,d rows to %s%n", r.loaded(), r.input().toAbsolutePath(), r.aggregated(), r.segmentDays(),
                r.extracted(), r.csv().toAbsolutePath());
        PoolStatistics p = r.pool();
        System.out.println("pool: " + p + "; " + p.totalAcquired() + " connections lent, " + p.totalTimeouts()
                + " waits timed out");
    }
}
