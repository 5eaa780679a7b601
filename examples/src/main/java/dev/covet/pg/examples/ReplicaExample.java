package dev.covet.pg.examples;

import dev.covet.pg.CovetPgComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Replica reads: one covetpg component that knows a primary and a replica, a route that writes
 * orders and a route that reads a report of them.
 *
 * <ul>
 *   <li><b>write-orders</b>: a timer inserts a batch of orders per tick with a plain
 *       {@code covetpg:query}. Writes always go to the primary;</li>
 *   <li><b>report</b>: the consumer {@code from("covetpg:query?...&readFrom=replica")} polls an
 *       aggregate of the orders, on the replica.</li>
 * </ul>
 *
 * <p>Each statement also returns the address of the server that ran it and that server's
 * {@code pg_is_in_recovery()} (true on a standby), so the output shows where each side ran. The
 * run ends once the report on the replica counts every order written on the primary.
 *
 * <p>Run it with {@code COVETPG_URL=postgresql://user:password@primary:5432,replica:5433/db}
 * (both servers in one URL, in any order: covetpg asks each which one is the primary) to use
 * servers of yours; it drops and creates the table {@code replica_orders} and leaves it for you to
 * look at. Without it an embedded PostgreSQL primary and a streaming standby of it are started for
 * the run: {@code mvn -q -B -DskipTests -Prun-replica -pl examples -am package}. The first
 * argument is the number of batches (default 5) of {@value #ORDERS_PER_BATCH} orders.
 */
public final class ReplicaExample {

    static final int DEFAULT_BATCHES = 5;
    static final int ORDERS_PER_BATCH = 20;
    static final long CATCH_UP_SECONDS = 60;

    /** Where a statement ran, as told by the server that ran it. */
    record Server(String address, boolean inRecovery) {
        static Server of(Map<?, ?> row) {
            return new Server((String) row.get("server"), (Boolean) row.get("in_recovery"));
        }

        @Override
        public String toString() {
            return address + " (pg_is_in_recovery() = " + inRecovery + ")";
        }
    }

    /** One batch of orders, as the primary answered its INSERT. */
    record Write(int batch, long orders, Server server) {
    }

    /** One poll of the report whose count changed, as the replica answered it. */
    record Report(long orders, BigDecimal total, Server server) {
    }

    /** What a run did: the servers as covetpg saw them, the writes, the reports, the wait for the last rows. */
    record Result(String servers, List<Write> writes, List<Report> reports, long expected, long millisToSeeAll) {
        Report lastReport() {
            return reports.get(reports.size() - 1);
        }
    }

    /** The columns each statement adds to say where it ran. */
    private static final String WHERE_IT_RAN = "host(inet_server_addr()) || ':' || inet_server_port() AS server, pg_is_in_recovery() AS in_recovery";

    private ReplicaExample() {
    }

    public static void main(String[] args) throws Exception {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_BATCHES;
        try (ExampleDatabase database = ExampleDatabase.primaryAndReplicaFromEnvironment()) {
            System.out.println("covetpg replica reads example: " + batches + " batches of " + ORDERS_PER_BATCH
                    + " orders, database " + database.description());
            Result result = run(database, batches);
            System.out.printf("all %d orders written on the primary were counted by the report on the replica %d ms after the last write%n",
                    result.expected(), result.millisToSeeAll());
        }
    }

    /** Writes {@code batches} batches of orders and reports on them until the replica has them all. */
    static Result run(ExampleDatabase database, int batches) throws Exception {
        CovetPgComponent covetpg = new CovetPgComponent();
        // a multi-host url: every host is a candidate, and each is asked whether it is the primary
        covetpg.getConfiguration().setUrl(database.url());
        if (database.password() != null) {
            covetpg.getConfiguration().setPassword(database.password());
        }
        covetpg.getConfiguration().setApplicationName("covetpg-replica-example");
        covetpg.getConfiguration().setReplicaCheckInterval(1_000);
        covetpg.getConfiguration().getServerSettings().put("client_min_messages", "warning");

        long expected = (long) batches * ORDERS_PER_BATCH;
        ReplicaRoutes routes = new ReplicaRoutes(batches, expected);
        try (CamelContext context = new DefaultCamelContext()) {
            context.addComponent("covetpg", covetpg);
            context.addRoutes(routes);
            context.start();
            String servers = covetpg.getServers();
            System.out.println("covetpg found: " + servers);
            ProducerTemplate template = context.createProducerTemplate();

            failOnError(template.request("direct:create", e -> { }));
            awaitOnReplica(template, "the new table");

            context.getRouteController().startRoute("report");
            context.getRouteController().startRoute("write-orders");
            try {
                routes.allSeen.get(CATCH_UP_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            } catch (TimeoutException e) {
                throw new IllegalStateException("After " + CATCH_UP_SECONDS + " s the report on the replica counts "
                        + routes.lastCount() + " of " + expected + " orders: is the replica streaming from this primary?"
                        + " (SELECT * FROM pg_stat_replication on the primary)");
            }
            return new Result(servers, List.copyOf(routes.writes), List.copyOf(routes.reports), expected,
                    routes.seenAllAt - routes.lastWriteAt);
        }
    }

    static final class ReplicaRoutes extends RouteBuilder {
        private final int batches;
        private final long expected;
        final List<Write> writes = Collections.synchronizedList(new ArrayList<>());
        final List<Report> reports = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<Void> allSeen = new CompletableFuture<>();
        volatile long lastWriteAt;
        volatile long seenAllAt;

        ReplicaRoutes(int batches, long expected) {
            this.batches = batches;
            this.expected = expected;
        }

        long lastCount() {
            return reports.isEmpty() ? 0 : reports.get(reports.size() - 1).orders();
        }

        @Override
        public void configure() {
            // DDL is a write: the primary
            from("direct:create").routeId("create")
                    .to("covetpg:query?sql=DROP TABLE IF EXISTS replica_orders")
                    .to("covetpg:query?sql=CREATE TABLE replica_orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                        + " customer int NOT NULL, amount numeric(10,2) NOT NULL, created timestamptz NOT NULL DEFAULT now())");

            // read-your-writes: the primary's current WAL position, then whether the replica has replayed up to it
            from("direct:primary-lsn").routeId("primary-lsn")
                    .to("covetpg:query?sql=SELECT pg_current_wal_lsn()::text&outputType=SelectValue");
            from("direct:replica-replayed").routeId("replica-replayed")
                    .to("covetpg:query?sql=SELECT pg_last_wal_replay_lsn() >= :#lsn::pg_lsn&outputType=SelectValue&readFrom=replica");

            // the writer: ORDERS_PER_BATCH orders per tick, on the primary (writes never go to a replica);
            // RAW(...): the statement has '+' and '%', which a URI would otherwise decode
            from("timer:orders?delay=0&period=200&repeatCount=" + batches).routeId("write-orders").autoStartup(false)
                    .onException(Exception.class).handled(true).process(this::fail).end()
                    .setHeader("count", constant(ORDERS_PER_BATCH))
                    .to("covetpg:query?sql=RAW(WITH o AS (INSERT INTO replica_orders (customer, amount)"
                        + " SELECT 1 + g % 10, (1 + g % 97) * 0.25 FROM generate_series(1, :#count::int) AS g RETURNING id)"
                        + " SELECT count(*) AS orders, " + WHERE_IT_RAN + " FROM o)&outputType=SelectOne")
                    .process(e -> {
                        Map<?, ?> row = e.getMessage().getMandatoryBody(Map.class);
                        Write write = new Write(writes.size() + 1, ((Number) row.get("orders")).longValue(), Server.of(row));
                        writes.add(write);
                        lastWriteAt = System.nanoTime() / 1_000_000;
                        System.out.printf("write  batch %d: %d orders on %s%n", write.batch(), write.orders(), write.server());
                    });

            // the report: an aggregate polled on the replica every 250 ms (splitRows: the body is the one row)
            from("covetpg:query?sql=RAW(SELECT count(*) AS orders, coalesce(sum(amount), 0.00) AS total, " + WHERE_IT_RAN
                        + " FROM replica_orders)&readFrom=replica&splitRows=true&delay=250&initialDelay=0&bridgeErrorHandler=true")
                    .routeId("report").autoStartup(false)
                    .onException(Exception.class).handled(true).process(this::fail).end()
                    .process(e -> {
                        Map<?, ?> row = e.getMessage().getMandatoryBody(Map.class);
                        Report report = new Report(((Number) row.get("orders")).longValue(), (BigDecimal) row.get("total"), Server.of(row));
                        if (report.orders() != lastCount() || reports.isEmpty()) {
                            reports.add(report);
                            System.out.printf("report        : %d orders, total %s, on %s%n", report.orders(), report.total(), report.server());
                        }
                        // all of them, counted after the last write returned: the run is done
                        if (report.orders() == expected && writes.size() == batches && !allSeen.isDone()) {
                            seenAllAt = System.nanoTime() / 1_000_000;
                            allSeen.complete(null);
                        }
                    });
        }

        /** A failed write, or a failed report poll (bridgeErrorHandler), ends the run with its exception. */
        private void fail(Exchange e) {
            allSeen.completeExceptionally(e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
        }
    }

    /** Waits until the replica has replayed everything the primary had written when this was called. */
    private static void awaitOnReplica(ProducerTemplate template, String what) throws Exception {
        Exchange lsn = template.request("direct:primary-lsn", e -> { });
        failOnError(lsn);
        String position = lsn.getMessage().getBody(String.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CATCH_UP_SECONDS);
        while (true) {
            Exchange replayed = template.request("direct:replica-replayed", e -> e.getMessage().setHeader("lsn", position));
            failOnError(replayed);
            if (replayed.getMessage().getBody(Boolean.class)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The replica did not replay " + what + " (WAL position " + position + ") within "
                        + CATCH_UP_SECONDS + " s: is it streaming from this primary?");
            }
            Thread.sleep(50);
        }
    }

    private static void failOnError(Exchange exchange) throws Exception {
        if (exchange.getException() != null) {
            throw exchange.getException();
        }
    }
}
